/**
 * Sensor panel: each dongle's mode, state, centre frequency, sample rate, sample loss, last data age and, when its
 * ADC is overloaded, the clipped-sample fraction.
 */
import type { SensorStatus } from '../../src/types.ts';
import { h } from './dom.ts';
import { formatHz, formatMHz, formatNumber, formatTime, t } from './i18n.ts';

/**
 * Clipped fraction (0–1) above which the panel shows the overload even before the alarm's 2 s persistence: the
 * raise threshold of dsp/clipping.ts DEFAULT_OVERLOAD_THRESHOLDS (not imported: the console bundles no DSP code).
 */
export const ADC_OVERLOAD_SHOW_FRACTION = 0.01;

/**
 * The clipped fraction as shown ("3,2 %" in Vietnamese) while the sensor is overloaded (alarm condition) or its
 * latest window is over the threshold; null otherwise (nothing is shown).
 */
export function adcOverloadPct(s: Pick<SensorStatus, 'clippedFraction' | 'adcOverload'>): string | null {
  const f = s.clippedFraction;
  if (!s.adcOverload && !(f !== undefined && f > ADC_OVERLOAD_SHOW_FRACTION)) return null;
  return f === undefined ? '—' : `${formatNumber(f * 100, 1)} %`;
}

export class SensorsPanel {
  readonly sensors = new Map<string, SensorStatus>();
  private readonly list: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly onSelect: (id: string) => void,
    private selected: () => string | null,
  ) {
    this.list = h('ul', { class: 'sensor-list', id: 'sensor-list' });
    root.replaceChildren(h('header', { class: 'panel-head' }, h('h2', { 'data-i18n': 'sensors' })), this.list);
  }

  set(list: SensorStatus[]): void {
    for (const s of list) this.sensors.set(s.id, s);
    this.render();
  }

  update(s: SensorStatus): void {
    this.sensors.set(s.id, s);
    this.render();
  }

  render(): void {
    const now = Date.now();
    this.list.replaceChildren(
      ...[...this.sensors.values()].map((s) => {
        const total = s.samplesReceived + s.samplesLost;
        const lossPct = total > 0 ? (100 * s.samplesLost) / total : 0;
        const ageS = s.lastDataMs === null ? null : Math.max(0, (now - s.lastDataMs) / 1000);
        const overload = adcOverloadPct(s);
        const healthy = s.state === 'running' && s.samplesLost === 0 && (ageS === null || ageS < 5) && !overload;
        const warn = s.state === 'running' || s.state === 'retuning';
        const li = h(
          'li',
          { class: `sensor ${s.id === this.selected() ? 'selected' : ''}`, 'data-sensor': s.id, tabindex: '0' },
          h(
            'div',
            { class: 'sensor-top' },
            h('span', { class: `dot ${healthy ? 'ok' : warn ? 'warn' : 'bad'}` }),
            h('strong', {}, s.name),
            h('span', { class: 'sid' }, s.id),
          ),
          h(
            'dl',
            {},
            h('dt', {}, t('mode')),
            h('dd', {}, t('mode.' + s.mode)),
            h('dt', {}, t('state')),
            h('dd', {}, t('sensorState.' + s.state)),
            h('dt', {}, t('centreFrequency')),
            h('dd', {}, formatMHz(s.centerHz)),
            h('dt', {}, t('sampleRate')),
            h('dd', {}, `${formatHz(s.sampleRateHz)}/s`),
            h('dt', {}, t('sampleLoss')),
            h(
              'dd',
              { class: s.samplesLost ? 'bad' : '' },
              `${formatNumber(s.samplesLost, 0)} (${formatNumber(lossPct, 3)} %)`,
            ),
            h('dt', {}, t('lastData')),
            h('dd', {}, s.lastDataMs === null ? '—' : formatTime(s.lastDataMs)),
            // "Quá tải ADC 3,2 % · Giảm độ khuếch đại (gain)": the figure and what to do; the reason in the tooltip.
            overload ? h('dt', { class: 'adc-overload' }, t('adcOverload')) : null,
            overload
              ? h(
                  'dd',
                  { class: 'adc-overload bad', title: t('adcOverloadHint') },
                  `${overload} · ${t('adcOverloadAdvice')}`,
                )
              : null,
          ),
        );
        li.onclick = () => this.onSelect(s.id);
        li.onkeydown = (e) => {
          if (e.key === 'Enter') this.onSelect(s.id);
        };
        return li;
      }),
    );
  }
}
