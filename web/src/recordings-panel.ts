/**
 * Recordings (bản ghi): every IQ recording (manual and evidence) with sensor, start, duration, reason and
 * size; operators and admins start a manual recording of the watched sensor and stop running ones.
 */
import type { RecordingInfo } from '../../src/types.ts';
import type { ApiClient } from './api.ts';
import { Dialog } from './dialog.ts';
import { h } from './dom.ts';
import { formatDateTime, formatNumber, t } from './i18n.ts';

export type RecordingRow = Omit<RecordingInfo, 'metaPath'>;

/** 1 234 567 bytes → "1,2 MB" (vi) — decimal units, as disks are sold. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${formatNumber(bytes / 1e9, 2)} GB`;
  if (bytes >= 1e6) return `${formatNumber(bytes / 1e6, 1)} MB`;
  if (bytes >= 1e3) return `${formatNumber(bytes / 1e3, 1)} kB`;
  return `${formatNumber(bytes, 0)} B`;
}

/** Seconds → "m:ss" or "h:mm:ss". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export class RecordingsPanel {
  readonly button: HTMLButtonElement;
  readonly dialog = new Dialog('recordings-dialog', 'recordings');
  private list: RecordingRow[] = [];
  private canRecord = false;
  private error = '';
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly canOperate: boolean,
    private readonly sensorId: () => string | null,
  ) {
    this.button = h('button', { type: 'button', id: 'open-recordings', 'data-i18n': 'recordings' });
    this.button.onclick = () => {
      void this.refresh();
      this.dialog.show(() => {
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
      });
      // Running recordings grow: refresh while the panel is open.
      this.timer ??= setInterval(() => void this.refresh(), 2000);
    };
  }

  async refresh(): Promise<void> {
    try {
      const r = await this.api.call<{ canRecord: boolean; recordings: RecordingRow[] }>('GET', '/api/recordings');
      this.list = r.recordings;
      this.canRecord = r.canRecord;
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.render();
  }

  render(): void {
    const sensor = this.sensorId();
    const controls = h('div', { class: 'row' });
    if (this.canOperate && this.canRecord) {
      const running = this.list.some((r) => r.endMs === null && r.sensorId === sensor && r.reason === 'manual');
      const start = h(
        'button',
        { type: 'button', class: 'primary', id: 'rec-start', disabled: !sensor || running },
        `● ${t('startRecording')}${sensor ? ` — ${sensor}` : ''}`,
      );
      start.onclick = () => void this.act(() => this.api.call('POST', '/api/recordings', { sensorId: sensor }));
      controls.append(start);
    } else if (this.canOperate) {
      controls.append(h('span', { class: 'note' }, t('cannotRecord')));
    }
    const head = ['sensor', 'start', 'duration', 'reason', 'size', ''].map((k) => h('th', {}, k ? t(k) : ''));
    const rows = this.list.map((r) => {
      const stop =
        this.canOperate && this.canRecord && r.endMs === null
          ? h('button', { type: 'button', class: 'rec-stop', 'data-rec': r.id }, `■ ${t('stopRecording')}`)
          : null;
      if (stop) {
        stop.onclick = () =>
          void this.act(() => this.api.call('POST', `/api/recordings/${encodeURIComponent(r.id)}/stop`));
      }
      return h(
        'tr',
        { 'data-rec-id': r.id, class: r.endMs === null ? 'running' : '' },
        h('td', {}, r.sensorId),
        h('td', {}, formatDateTime(r.startMs)),
        h(
          'td',
          { class: 'num' },
          formatDuration((r.endMs ?? Date.now()) - r.startMs) + (r.endMs === null ? ` (${t('ongoing')})` : ''),
        ),
        h('td', {}, t('reason.' + r.reason) + (r.alarmId ? ` · ${r.alarmId}` : '')),
        h('td', { class: 'num' }, formatBytes(r.bytes)),
        h('td', {}, stop),
      );
    });
    const table = this.list.length
      ? h(
          'table',
          { class: 'data', id: 'recordings-table' },
          h('thead', {}, h('tr', {}, ...head)),
          h('tbody', {}, ...rows),
        )
      : h('p', { class: 'empty' }, t('noRecordings'));
    this.dialog.body.replaceChildren(controls, h('div', { class: 'error' }, this.error), table);
  }

  private async act(f: () => Promise<unknown>): Promise<void> {
    this.error = '';
    try {
      await f();
    } catch (e) {
      this.error = (e as Error).message;
    }
    await this.refresh();
  }

  relabel(): void {
    this.dialog.relabel();
    if (this.dialog.open) this.render();
  }
}
