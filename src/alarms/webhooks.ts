/**
 * Webhook notifications: each configured URL gets a JSON POST per alarm event it subscribes to, delivered in
 * order with retries and exponential backoff. Delivery never blocks the alarm path.
 */
import type { AlarmEvent, AlarmKind, AlarmSeverity } from '../types.ts';
import { severityRank } from './condition.ts';

export interface WebhookConfig {
  url: string;
  /** Only these kinds (default all). */
  kinds?: AlarmKind[];
  /** Only events whose alarm is at least this severe (default warning = all). */
  minSeverity?: AlarmSeverity;
  /** Only these event types (default raised, escalated, cleared). */
  events?: AlarmEvent['type'][];
  headers?: Record<string, string>;
  /** Attempts after the first (default 5). */
  retries?: number;
  /** First backoff, ms; doubles each retry (default 500). */
  backoffMs?: number;
  /** Per-attempt timeout, ms (default 5000). */
  timeoutMs?: number;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  retried: number;
  queued: number;
}

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number }>;

export class WebhookNotifier {
  private queues: { cfg: WebhookConfig; items: AlarmEvent[]; busy: boolean }[];
  readonly stats: WebhookStats = { delivered: 0, failed: 0, retried: 0, queued: 0 };
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    configs: WebhookConfig[],
    private readonly fetchImpl: FetchLike = fetch as unknown as FetchLike,
    private readonly onFailure: (url: string, ev: AlarmEvent, reason: string) => void = () => {},
  ) {
    this.queues = configs.map((cfg) => ({ cfg, items: [], busy: false }));
  }

  notify(ev: AlarmEvent): void {
    if (this.closed) return;
    for (const q of this.queues) {
      const c = q.cfg;
      if (c.kinds && !c.kinds.includes(ev.alarm.kind)) continue;
      if (c.minSeverity && severityRank(ev.alarm.severity) < severityRank(c.minSeverity)) continue;
      if (!(c.events ?? ['raised', 'escalated', 'cleared']).includes(ev.type)) continue;
      q.items.push(ev);
      this.stats.queued++;
      if (!q.busy) void this.drain(q);
    }
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.queues.every((q) => !q.busy && q.items.length === 0)) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  close(): void {
    this.closed = true;
  }

  private async drain(q: { cfg: WebhookConfig; items: AlarmEvent[]; busy: boolean }): Promise<void> {
    q.busy = true;
    while (q.items.length) {
      const ev = q.items.shift()!;
      this.stats.queued--;
      await this.deliver(q.cfg, ev);
    }
    q.busy = false;
    if (this.queues.every((x) => !x.busy && x.items.length === 0)) for (const r of this.idle.splice(0)) r();
  }

  private async deliver(cfg: WebhookConfig, ev: AlarmEvent): Promise<void> {
    const retries = cfg.retries ?? 5;
    let backoff = cfg.backoffMs ?? 500;
    let lastReason = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        if (this.closed) break;
        this.stats.retried++;
        await new Promise((r) => setTimeout(r, backoff));
        backoff *= 2;
      }
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), cfg.timeoutMs ?? 5000);
      try {
        const res = await this.fetchImpl(cfg.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(cfg.headers ?? {}) },
          body: JSON.stringify({ event: ev.type, alarm: ev.alarm }),
          signal: ac.signal,
        });
        if (res.ok) {
          this.stats.delivered++;
          return;
        }
        lastReason = `HTTP ${res.status}`;
        // A 4xx other than 408/429 will not get better by retrying.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (e) {
        lastReason = (e as Error).message;
      } finally {
        clearTimeout(timer);
      }
    }
    this.stats.failed++;
    this.onFailure(cfg.url, ev, lastReason);
  }
}
