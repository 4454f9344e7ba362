/**
 * History mode: pause the live waterfall and fill it from the history API for a time range, with the alarms of
 * that range on a timeline strip; step earlier/later. When the server has no history, say so and stay live.
 */
import type { Alarm } from '../../src/types.ts';
import { ApiCallError, decodeB64, type ApiClient } from './api.ts';
import { h } from './dom.ts';
import { formatDateTime, t } from './i18n.ts';
import type { Viewer } from './viewer.ts';

export class HistoryView {
  active = false;
  private fromMs = 0;
  private toMs = 0;
  readonly button: HTMLButtonElement;
  readonly bar: HTMLElement;
  private readonly label: HTMLElement;
  private readonly timeline: HTMLElement;

  constructor(
    private readonly api: ApiClient,
    private readonly viewer: Viewer,
    private readonly alarms: () => Alarm[],
    private readonly onEvidenceSensor: (sensorId: string) => void,
  ) {
    this.button = h('button', { type: 'button', id: 'history-toggle', 'data-i18n': 'history' });
    this.button.onclick = () => (this.active ? this.leave() : void this.show(Date.now() - 15 * 60_000, Date.now()));
    const earlier = h('button', { type: 'button', 'data-i18n': 'earlier' });
    const later = h('button', { type: 'button', 'data-i18n': 'later' });
    const live = h('button', { type: 'button', class: 'primary', 'data-i18n': 'live' });
    earlier.onclick = () => void this.shift(-0.5);
    later.onclick = () => void this.shift(0.5);
    live.onclick = () => this.leave();
    this.label = h('span', { class: 'history-label', id: 'history-label' });
    this.timeline = h('div', { class: 'timeline', id: 'alarm-timeline' });
    this.bar = h(
      'div',
      { class: 'history-bar', id: 'history-bar', hidden: true },
      earlier,
      this.label,
      later,
      live,
      this.timeline,
    );
  }

  /** Evidence of an alarm: the waterfall around the moment it was raised, centred on its frequency. */
  async evidence(a: Alarm): Promise<void> {
    this.onEvidenceSensor(a.sensorId);
    if (a.centerHz !== null && this.viewer.span) {
      const half = Math.max(50e3, 4 * (a.bandwidthHz ?? 0));
      this.viewer.setView(a.centerHz - half, a.centerHz + half);
    }
    const to = Math.min(Date.now(), a.raisedMs + 60_000);
    await this.show(Math.min(a.raisedMs - 4 * 60_000, to - 5 * 60_000), to);
  }

  async show(fromMs: number, toMs: number): Promise<void> {
    const v = this.viewer;
    if (!v.sensorId) return;
    this.fromMs = fromMs;
    this.toMs = toMs;
    try {
      const res = await this.api.history({
        sensorId: v.sensorId,
        fromMs,
        toMs,
        startHz: v.view.startHz,
        stopHz: v.view.stopHz,
        widthPx: Math.min(4096, v.waterfallWidthPx()),
        rows: Math.max(1, Math.min(2000, v.visibleRows())),
      });
      this.active = true;
      v.paused = true;
      v.renderer.clear();
      // Oldest first so the newest ends on top, as in the live view.
      for (const r of [...res.rows].reverse()) {
        v.renderer.pushRow(decodeB64(r.b64), { timeMs: r.timeMs, startHz: res.startHz, stopHz: res.stopHz });
      }
      v.renderer.setLevels(v.levels.lowDbfs, v.levels.highDbfs, res.lowDbfs, res.highDbfs);
      v.renderer.render();
      this.bar.hidden = false;
      this.button.classList.add('on');
      this.label.textContent = `${formatDateTime(fromMs)} — ${formatDateTime(toMs)} (${res.rows.length})`;
      this.drawTimeline();
    } catch (e) {
      const unavailable = e instanceof ApiCallError && (e.status === 503 || e.status === 404);
      v.setStatus(unavailable ? t('historyUnavailable') : String((e as Error).message));
    }
  }

  leave(): void {
    const v = this.viewer;
    this.active = false;
    v.paused = false;
    this.bar.hidden = true;
    this.button.classList.remove('on');
    v.renderer.clear();
    v.setLevels(v.levels.lowDbfs, v.levels.highDbfs);
    v.sendSubscription();
  }

  private async shift(fraction: number): Promise<void> {
    const span = this.toMs - this.fromMs;
    let from = this.fromMs + fraction * span;
    from = Math.min(from, Date.now() - span);
    await this.show(from, from + span);
  }

  private drawTimeline(): void {
    const span = this.toMs - this.fromMs;
    const marks = this.alarms()
      .filter((a) => a.sensorId === this.viewer.sensorId && a.raisedMs >= this.fromMs && a.raisedMs <= this.toMs)
      .map((a) => {
        const m = h('button', {
          type: 'button',
          class: `tl-mark sev-${a.severity}`,
          title: `${t('kind.' + a.kind)} — ${formatDateTime(a.raisedMs)}`,
        });
        m.style.left = `${((a.raisedMs - this.fromMs) / span) * 100}%`;
        m.onclick = () => void this.evidence(a);
        return m;
      });
    this.timeline.replaceChildren(...marks);
  }
}
