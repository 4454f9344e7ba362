/** Sensor panel: each dongle's mode, state, centre frequency, sample rate, sample loss and last data age. */
import type { SensorStatus } from '../../src/types.ts';
import { h } from './dom.ts';
import { formatHz, formatMHz, formatNumber, formatTime, t } from './i18n.ts';

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
        const healthy = s.state === 'running' && s.samplesLost === 0 && (ageS === null || ageS < 5);
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
