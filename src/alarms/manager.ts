/**
 * AlarmManager: conditions in, alarms out. Lifecycle raised → updated → cleared, with
 * - de-duplication (same sensor + kind + assignment/key, or nearby frequency for unassigned emissions),
 * - hysteresis: a condition must be absent for `clearAfterMs` before its alarm clears,
 * - rate limiting of new alarms per sensor, and of update events per alarm,
 * - escalation when unacknowledged after `escalateAfterMs`,
 * - a JSONL journal so alarms survive restarts, listeners and webhooks for notification.
 * Time comes from the conditions and `tick(nowMs)`, never from the wall clock, so replays are deterministic.
 */
import { join } from 'node:path';
import { ApiError } from '../errors.ts';
import type { Alarm, AlarmEvent, AlarmFilter, AlarmKind } from '../types.ts';
import { bumpSeverity, type AlarmCondition } from './condition.ts';
import { AlarmJournal } from './journal.ts';
import { WebhookNotifier, type WebhookConfig } from './webhooks.ts';

export interface AlarmManagerOptions {
  /** Journal at `<dataDir>/alarms/journal.jsonl`; omit for an in-memory manager (analyze). */
  dataDir?: string;
  /** Condition absent this long (ms) → alarm cleared. Per kind overrides. Default 3000. */
  clearAfterMs?: number | Partial<Record<AlarmKind, number>>;
  /** Unacknowledged active alarms escalate after this long, ms. Default 300 000 (5 min); 0 = never. */
  escalateAfterMs?: number;
  /** Maximum new alarms per sensor per minute; more are counted as suppressed. Default 30. */
  maxRaisesPerMinute?: number;
  /** Minimum interval between `updated` events of one alarm, ms. Default 2000. */
  updateIntervalMs?: number;
  webhooks?: WebhookConfig[];
  /** Injected for tests. */
  fetchImpl?: ConstructorParameters<typeof WebhookNotifier>[1];
  /** Alarms kept in memory after clearing (the journal keeps all). Default 5000. */
  keepCleared?: number;
  /**
   * Per-alarm clear hysteresis override, ms (e.g. a sweeping sensor sees a frequency only once per revisit, so its
   * conditions must be allowed to be absent for longer). Undefined = the kind's default.
   */
  clearAfterFor?: (alarm: Alarm) => number | undefined;
}

interface Live {
  alarm: Alarm;
  key: string;
  lastSeenMs: number;
  lastUpdateEmitMs: number;
  dirty: boolean;
  /** Emission ids seen for this alarm (occurrence counting). */
  emissions: Set<string>;
  gapSinceMs: number | null;
}

export class AlarmManager {
  private readonly live = new Map<string, Live>();
  private readonly all = new Map<string, Alarm>();
  private readonly listeners = new Set<(e: AlarmEvent) => void>();
  private readonly journal: AlarmJournal | null;
  private readonly webhooks: WebhookNotifier | null;
  private readonly raiseTimes = new Map<string, number[]>();
  private nextId = 1;
  private nowMs = 0;
  /** Conditions dropped by the rate limit, per sensor. */
  readonly suppressed = new Map<string, number>();
  readonly restoredBadLines: number[] = [];

  private constructor(private readonly o: AlarmManagerOptions) {
    this.journal = o.dataDir ? new AlarmJournal(join(o.dataDir, 'alarms', 'journal.jsonl')) : null;
    this.webhooks = o.webhooks?.length ? new WebhookNotifier(o.webhooks, o.fetchImpl) : null;
  }

  static async create(o: AlarmManagerOptions = {}): Promise<AlarmManager> {
    const m = new AlarmManager(o);
    if (m.journal) {
      const r = m.journal.replay();
      m.restoredBadLines.push(...r.badLines);
      for (const a of r.alarms.values()) {
        m.all.set(a.id, a);
        const n = Number(/(\d+)$/.exec(a.id)?.[1] ?? 0);
        if (n >= m.nextId) m.nextId = n + 1;
        // An alarm active at shutdown stays active; it clears through the usual hysteresis if the condition is gone.
        if (a.state === 'active')
          m.live.set(a.id, {
            alarm: a,
            key: keyOf(a),
            lastSeenMs: a.updatedMs,
            lastUpdateEmitMs: a.updatedMs,
            dirty: false,
            emissions: new Set(),
            gapSinceMs: null,
          });
      }
    }
    return Promise.resolve(m);
  }

  on(listener: (e: AlarmEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): Alarm | undefined {
    return this.all.get(id);
  }

  list(f: AlarmFilter = {}): Alarm[] {
    let out = [...this.all.values()].filter(
      (a) =>
        (!f.state || a.state === f.state) &&
        (!f.kind || a.kind === f.kind) &&
        (!f.sensorId || a.sensorId === f.sensorId) &&
        (f.acknowledged === undefined || a.acks.length > 0 === f.acknowledged) &&
        (f.fromMs === undefined || a.raisedMs >= f.fromMs) &&
        (f.toMs === undefined || a.raisedMs <= f.toMs),
    );
    out.sort((a, b) => b.raisedMs - a.raisedMs || (a.id < b.id ? 1 : -1));
    if (f.limit !== undefined) out = out.slice(0, f.limit);
    return out.map((a) => structuredClone(a));
  }

  /** Assert a condition now; raises a new alarm or refreshes the matching active one. Returns that alarm. */
  report(c: AlarmCondition): Alarm | null {
    this.advance(c.timeMs);
    const match = this.findLive(c);
    if (match) {
      const a = match.alarm;
      if (match.gapSinceMs !== null || (c.emissionId && !match.emissions.has(c.emissionId) && match.emissions.size > 0))
        a.occurrences++;
      if (c.emissionId) match.emissions.add(c.emissionId);
      match.gapSinceMs = null;
      match.lastSeenMs = c.timeMs;
      const changed = this.merge(a, c);
      if (changed) match.dirty = true;
      if (match.dirty && c.timeMs - match.lastUpdateEmitMs >= (this.o.updateIntervalMs ?? 2000)) {
        a.updatedMs = c.timeMs;
        match.dirty = false;
        match.lastUpdateEmitMs = c.timeMs;
        this.emit('updated', a);
      }
      return a;
    }
    if (!this.allowRaise(c.sensorId, c.timeMs)) {
      this.suppressed.set(c.sensorId, (this.suppressed.get(c.sensorId) ?? 0) + 1);
      return null;
    }
    const alarm: Alarm = {
      id: `AL-${String(this.nextId++).padStart(6, '0')}`,
      sensorId: c.sensorId,
      kind: c.kind,
      severity: c.severity,
      state: 'active',
      raisedMs: c.timeMs,
      updatedMs: c.timeMs,
      centerHz: c.centerHz,
      bandwidthHz: c.bandwidthHz,
      levelDbfs: c.levelDbfs,
      assignmentId: c.assignmentId,
      detail: c.key ? { ...c.detail, key: c.key } : { ...c.detail },
      acks: [],
      escalated: false,
      occurrences: 1,
    };
    if (c.emissionId) alarm.emissionId = c.emissionId;
    if (c.className) alarm.className = c.className;
    if (c.confidence !== undefined) alarm.confidence = c.confidence;
    const live: Live = {
      alarm,
      key: c.key ?? keyOf(alarm),
      lastSeenMs: c.timeMs,
      lastUpdateEmitMs: c.timeMs,
      dirty: false,
      emissions: new Set(c.emissionId ? [c.emissionId] : []),
      gapSinceMs: null,
    };
    this.live.set(alarm.id, live);
    this.all.set(alarm.id, alarm);
    this.emit('raised', alarm);
    return alarm;
  }

  /** Explicitly end a condition (e.g. a sensor reconnected): clears after the same hysteresis. */
  resolve(match: { sensorId: string; kind: AlarmKind; key?: string }, timeMs: number): void {
    for (const l of this.live.values()) {
      if (l.alarm.sensorId === match.sensorId && l.alarm.kind === match.kind && (!match.key || l.key === match.key)) {
        l.lastSeenMs = Math.min(l.lastSeenMs, timeMs);
      }
    }
    this.tick(timeMs);
  }

  /** Advance time: clears alarms whose condition is gone, escalates unacknowledged ones, flushes due updates. */
  tick(nowMs: number): void {
    this.advance(nowMs);
    for (const l of [...this.live.values()]) {
      const a = l.alarm;
      const silentMs = nowMs - l.lastSeenMs;
      if (silentMs > 0 && l.gapSinceMs === null) l.gapSinceMs = l.lastSeenMs;
      if (silentMs >= (this.o.clearAfterFor?.(a) ?? this.clearAfter(a.kind))) {
        a.state = 'cleared';
        a.clearedMs = l.lastSeenMs;
        a.updatedMs = nowMs;
        a.detail = { ...a.detail, clearedBy: 'system' };
        this.live.delete(a.id);
        this.emit('cleared', a);
        continue;
      }
      const esc = this.o.escalateAfterMs ?? 300_000;
      if (esc > 0 && !a.escalated && a.acks.length === 0 && nowMs - a.raisedMs >= esc) {
        a.escalated = true;
        a.severity = bumpSeverity(a.severity);
        a.updatedMs = nowMs;
        this.emit('escalated', a);
      }
      if (l.dirty && nowMs - l.lastUpdateEmitMs >= (this.o.updateIntervalMs ?? 2000)) {
        l.dirty = false;
        l.lastUpdateEmitMs = nowMs;
        a.updatedMs = nowMs;
        this.emit('updated', a);
      }
    }
    this.trimCleared();
  }

  acknowledge(alarmId: string, by: string, comment: string, atMs = this.nowMs): Alarm {
    const a = this.requireAlarm(alarmId);
    if (!by || !by.trim())
      throw new ApiError(400, 'BW_ERR_ALARM_ACK', 'acknowledging needs the operator name', { field: 'by' });
    a.acks.push({ by: by.trim(), atMs, comment: comment ?? '' });
    a.updatedMs = atMs;
    this.emit('acknowledged', a);
    return structuredClone(a);
  }

  /** Manual clear by an operator (the condition may raise a new alarm if it persists). */
  clear(alarmId: string, by: string, comment: string, atMs = this.nowMs): Alarm {
    const a = this.requireAlarm(alarmId);
    if (!by || !by.trim())
      throw new ApiError(400, 'BW_ERR_ALARM_CLEAR', 'clearing needs the operator name', { field: 'by' });
    if (a.state === 'cleared') throw new ApiError(409, 'BW_ERR_ALARM_CLEAR', `alarm ${alarmId} is already cleared`);
    a.state = 'cleared';
    a.clearedMs = atMs;
    a.updatedMs = atMs;
    a.detail = { ...a.detail, clearedBy: by.trim(), clearComment: comment ?? '' };
    this.live.delete(a.id);
    this.emit('cleared', a);
    return structuredClone(a);
  }

  /** Link an evidence recording to an alarm (announced as an update). */
  attachEvidence(alarmId: string, evidenceId: string): void {
    const a = this.all.get(alarmId);
    if (!a || a.evidenceId === evidenceId) return;
    a.evidenceId = evidenceId;
    this.emit('updated', a);
  }

  /** Active alarms right now. */
  active(): Alarm[] {
    return [...this.live.values()].map((l) => l.alarm);
  }

  webhookStats() {
    return this.webhooks?.stats ?? null;
  }

  async close(): Promise<void> {
    if (this.webhooks) {
      await Promise.race([this.webhooks.whenIdle(), new Promise((r) => setTimeout(r, 2000))]);
      this.webhooks.close();
    }
  }

  /** For tests and shutdown: wait until webhook queues are empty. */
  async flushNotifications(): Promise<void> {
    await this.webhooks?.whenIdle();
  }

  private advance(t: number): void {
    if (t > this.nowMs) this.nowMs = t;
  }

  private requireAlarm(id: string): Alarm {
    const a = this.all.get(id);
    if (!a) throw new ApiError(404, 'BW_ERR_ALARM_NOT_FOUND', `no alarm '${id}'`, { field: 'alarmId' });
    return a;
  }

  private clearAfter(kind: AlarmKind): number {
    const c = this.o.clearAfterMs;
    if (typeof c === 'number') return c;
    return c?.[kind] ?? 3000;
  }

  private allowRaise(sensorId: string, t: number): boolean {
    const max = this.o.maxRaisesPerMinute ?? 30;
    const arr = this.raiseTimes.get(sensorId) ?? [];
    while (arr.length && t - arr[0]! >= 60_000) arr.shift();
    if (arr.length >= max) return false;
    arr.push(t);
    this.raiseTimes.set(sensorId, arr);
    return true;
  }

  private findLive(c: AlarmCondition): Live | null {
    const key = c.key;
    let best: Live | null = null;
    let bestDist = Infinity;
    for (const l of this.live.values()) {
      const a = l.alarm;
      if (a.sensorId !== c.sensorId || a.kind !== c.kind) continue;
      if (key) {
        if (l.key === key) return l;
        continue;
      }
      if (c.assignmentId !== null) {
        if (a.assignmentId === c.assignmentId) return l;
        continue;
      }
      if (a.assignmentId !== null || a.centerHz === null || c.centerHz === null) continue;
      const tol = Math.max(a.bandwidthHz ?? 0, c.bandwidthHz ?? 0) / 2 + 5000;
      const d = Math.abs(a.centerHz - c.centerHz);
      if (d <= tol && d < bestDist) {
        best = l;
        bestDist = d;
      }
    }
    return best;
  }

  /** Fold a new observation into an alarm; true when something the operator cares about changed. */
  private merge(a: Alarm, c: AlarmCondition): boolean {
    let changed = false;
    if (c.levelDbfs !== null && (a.levelDbfs === null || c.levelDbfs > a.levelDbfs + 1)) {
      a.levelDbfs = c.levelDbfs;
      changed = true;
    }
    if (
      c.centerHz !== null &&
      a.centerHz !== null &&
      Math.abs(c.centerHz - a.centerHz) > Math.max(1000, (a.bandwidthHz ?? 0) * 0.25)
    ) {
      a.centerHz = c.centerHz;
      changed = true;
    }
    if (
      c.bandwidthHz !== null &&
      a.bandwidthHz !== null &&
      Math.abs(c.bandwidthHz - a.bandwidthHz) > a.bandwidthHz * 0.25
    ) {
      a.bandwidthHz = c.bandwidthHz;
      changed = true;
    }
    if (c.className && c.className !== a.className) {
      a.className = c.className;
      a.confidence = c.confidence;
      changed = true;
    }
    if (c.severity !== a.severity && !a.escalated) {
      a.severity = c.severity;
      changed = true;
    }
    a.detail = { ...a.detail, ...c.detail };
    return changed;
  }

  private emit(type: AlarmEvent['type'], a: Alarm): void {
    const ev: AlarmEvent = { type, alarm: structuredClone(a) };
    this.journal?.append(ev, this.nowMs);
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        // A failing listener must not stop the alarm path or the other listeners.
      }
    }
    this.webhooks?.notify(ev);
  }

  private trimCleared(): void {
    const keep = this.o.keepCleared ?? 5000;
    if (this.all.size <= keep + this.live.size) return;
    for (const [id, a] of this.all) {
      if (this.all.size <= keep + this.live.size) break;
      if (a.state === 'cleared') this.all.delete(id);
    }
  }
}

function keyOf(a: Alarm): string {
  return typeof a.detail.key === 'string' ? a.detail.key : `${a.kind}|${a.assignmentId ?? ''}`;
}
