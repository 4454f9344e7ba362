/**
 * Record IQ from the watched sensor (operators and admins, when the monitor can record on demand): one toggle
 * button in the toolbar, showing the running recording's elapsed time.
 */
import type { ApiClient } from './api.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';

interface RecordingSummary {
  id: string;
  sensorId: string;
  startMs: number;
  endMs: number | null;
}

export class RecordingControl {
  readonly button: HTMLButtonElement;
  private running: RecordingSummary | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly sensorId: () => string | null,
  ) {
    this.button = h('button', { type: 'button', id: 'record-toggle', hidden: true });
    this.button.onclick = () => void this.toggle();
    setInterval(() => this.label(), 1000);
  }

  /** Show the button only when the role and the monitor allow recording. */
  async init(canOperate: boolean): Promise<void> {
    if (!canOperate) return;
    const r = await this.api
      .call<{ canRecord: boolean; recordings: RecordingSummary[] }>('GET', '/api/recordings')
      .catch(() => null);
    if (!r?.canRecord) return;
    this.running = r.recordings.find((x) => x.endMs === null) ?? null;
    this.button.hidden = false;
    this.label();
  }

  label(): void {
    if (this.button.hidden) return;
    if (this.running) {
      const s = Math.round((Date.now() - this.running.startMs) / 1000);
      this.button.textContent = `■ ${t('recording')} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
      this.button.classList.add('recording');
    } else {
      this.button.textContent = `● ${t('recording')}`;
      this.button.classList.remove('recording');
    }
  }

  private async toggle(): Promise<void> {
    this.button.disabled = true;
    try {
      if (this.running) {
        await this.api.call('POST', `/api/recordings/${encodeURIComponent(this.running.id)}/stop`);
        this.running = null;
      } else {
        const id = this.sensorId();
        if (id) this.running = await this.api.call<RecordingSummary>('POST', '/api/recordings', { sensorId: id });
      }
    } catch (e) {
      this.button.title = (e as Error).message;
    } finally {
      this.button.disabled = false;
      this.label();
    }
  }
}
