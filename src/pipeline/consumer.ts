/**
 * Main-thread side of a sensor pipeline: takes the frames the spectral pipeline produced (in a worker or
 * in-process), classifies new/changed emissions off the hot path, applies the compliance rules and jamming
 * detections to the AlarmManager, and hands emissions, lines and band readings to the engine (bus, storage).
 */
import type { AlarmManager } from '../alarms/manager.ts';
import { evaluateEmissions } from '../alarms/rules.ts';
import type { AlarmCondition } from '../alarms/condition.ts';
import type { FrequencyPlan, SpectrumLine, TrackedEmission } from '../types.ts';
import {
  ClassificationQueue,
  OOK_MAX_CONTINUOUS_S,
  type Classification,
  type Classifier,
} from '../tracking/classifier.ts';
import type { PipelineFrame } from './spectral.ts';

export interface ConsumerOptions {
  sensorId: string;
  alarms: AlarmManager;
  getPlan: () => FrequencyPlan;
  classifier: Classifier;
  /** Classifier calls per second at most. Default 10. */
  classifyPerSecond?: number;
  onEmission?: (phase: 'start' | 'update' | 'end', em: TrackedEmission) => void;
  onLine?: (line: SpectrumLine) => void;
  onFrame?: (frame: PipelineFrame) => void;
}

/** Kinds whose conditions must persist this long before they are reported, ms. */
const PERSIST_MS: Partial<Record<AlarmCondition['kind'], number>> = { 'out-of-mask': 1000 };
/** A condition absent for longer than this (ms) starts its persistence over. */
const PERSIST_GAP_MS = 200;

export class FrameConsumer {
  private readonly classes = new Map<string, Classification>();
  private readonly queue: ClassificationQueue;
  /** Bin width of the latest frame, Hz (what "narrow" means for a label). */
  private binHz = 0;
  private lastTimeMs = 0;
  /** Conditions waiting to have persisted long enough (see {@link FrameConsumer.persistent}). */
  private readonly pending = new Map<string, { sinceMs: number; lastMs: number }>();
  private rateClockMs = 0;

  constructor(private readonly o: ConsumerOptions) {
    this.queue = new ClassificationQueue(o.classifier, (id, c) => this.classes.set(id, c), o.classifyPerSecond ?? 10);
  }

  consume(frame: PipelineFrame): void {
    const o = this.o;
    this.binHz = frame.binHz;
    for (const ev of frame.events) {
      const em = this.withClass(ev.emission);
      if (ev.phase === 'end') {
        this.queue.forget(em.id);
        this.classes.delete(em.id);
      } else {
        this.queue.request(em.id, {
          centerHz: em.centerHz,
          bandwidthHz: em.bandwidthHz,
          binHz: frame.binHz,
          snrDb: em.snrDb,
          continuousOnS: continuousOnS(em),
        });
      }
      o.onEmission?.(ev.phase, em);
    }
    const nowMs = frame.timeMs + frame.durationMs;
    this.lastTimeMs = Math.max(this.lastTimeMs, nowMs);
    if (frame.durationMs > 0) {
      const conds: AlarmCondition[] = [];
      for (const j of frame.jamming) {
        conds.push({
          sensorId: o.sensorId,
          kind: 'jamming',
          severity: 'critical',
          timeMs: nowMs,
          centerHz: (j.startHz + j.stopHz) / 2,
          bandwidthHz: j.stopHz - j.startHz,
          levelDbfs: null,
          assignmentId: null,
          key: `jam:${j.type}`,
          detail: {
            jammerType: j.type,
            startHz: j.startHz,
            stopHz: j.stopHz,
            score: round(j.score),
            ...roundAll(j.detail),
          },
        });
      }
      const active = frame.active.map((e) => this.withClass(e));
      const jammedRanges = frame.jamming.map((j) => ({ startHz: j.startHz, stopHz: j.stopHz }));
      // A jammer's report lapses now and then (a CW line fading under the detector's threshold for a second); its
      // alarm stands through the clearing hysteresis, and so does the rule that its energy is the jammer's, not an
      // over-power or unlicensed emission of its own.
      const mine = o.alarms.active().filter((a) => a.sensorId === o.sensorId);
      for (const a of mine) {
        const r = a.kind === 'jamming' ? jammedRange(a.detail) : null;
        if (r) jammedRanges.push(r);
      }
      // A jam-* class stands only over a jammer the detector reports (src/tracking/classifier.ts confirmJamming).
      this.queue.setJammers(jammedRanges);
      conds.push(
        ...evaluateEmissions(active, {
          sensorId: o.sensorId,
          timeMs: nowMs,
          plan: o.getPlan(),
          binHz: frame.binHz,
          jammedRanges,
          overPowerActive: (id) => mine.some((a) => a.kind === 'over-power' && a.assignmentId === id),
          // Per-emission alarms in shared bands carry their key in detail.key (AlarmManager).
          alarmActive: (key) => mine.some((a) => a.detail.key === key),
          interferenceActive: (id) => mine.some((a) => a.kind === 'interference' && a.assignmentId === id),
        }),
      );
      for (const c of this.persistent(conds, nowMs)) o.alarms.report(c);
      o.alarms.tick(nowMs);
    }
    if (frame.line) o.onLine?.(frame.line);
    o.onFrame?.(frame);
    // The rate limit runs on analysed sample time (sum of spectrum durations), not on frame time stamps: those
    // differ in their last bits between a live run and its replay, enough to flip a token near a whole number.
    this.rateClockMs += frame.durationMs;
    this.queue.pump(this.rateClockMs);
  }

  /**
   * Conditions of the kinds in PERSIST_MS are passed on only once they have held that long without a break longer
   * than PERSIST_GAP_MS. A mask breach is no emergency, and a wide user whose measurement is briefly pulled off
   * centre by an emission merging into it (an interferer keying up inside a microphone channel, before the
   * interference alarm names it) is not a mistuned transmitter.
   */
  private persistent(conds: AlarmCondition[], nowMs: number): AlarmCondition[] {
    const out: AlarmCondition[] = [];
    const seen = new Set<string>();
    for (const c of conds) {
      const needMs = PERSIST_MS[c.kind];
      if (needMs === undefined) {
        out.push(c);
        continue;
      }
      // Keyed like the alarm itself (kind and assignment), not by emission: the same breach seen through another
      // track of the same emitter (the tracker may hold two for one wide FM spectrum) keeps its persistence.
      const key = c.key ?? `${c.kind}|${c.assignmentId ?? c.emissionId ?? ''}`;
      seen.add(key);
      let p = this.pending.get(key);
      if (!p || nowMs - p.lastMs > PERSIST_GAP_MS) {
        p = { sinceMs: nowMs, lastMs: nowMs };
        this.pending.set(key, p);
      } else p.lastMs = nowMs;
      if (nowMs - p.sinceMs >= needMs) out.push(c);
    }
    for (const [key, p] of this.pending)
      if (!seen.has(key) && nowMs - p.lastMs > PERSIST_GAP_MS) this.pending.delete(key);
    return out;
  }

  /** Wait for classifications in flight (replays call this after each block to stay deterministic). */
  settle(): Promise<void> {
    return this.queue.settle();
  }

  /** Class of an emission: classifier result when there is one, else what the tracker had. */
  withClass(em: TrackedEmission): TrackedEmission {
    const c = this.classes.get(em.id);
    if (!c) return em;
    // Classified once, from a snippet at its start: a weak steady carrier's envelope can look keyed then. A line no
    // wider than the window's main lobe (keying at the sensors' kbit/s spreads over several bins), or one on the air
    // without a break for longer than any OOK packet, is a carrier.
    if (c.label === 'ook' && (em.bandwidthHz < 3 * this.binHz || continuousOnS(em) >= OOK_MAX_CONTINUOUS_S))
      return { ...em, className: 'cw', confidence: c.confidence };
    return { ...em, className: c.label, confidence: c.confidence };
  }

  /** Classify synchronously-enough for an emission that ended before its turn in the queue. */
  async classifyNow(em: TrackedEmission, binHz: number): Promise<TrackedEmission> {
    if (this.classes.has(em.id) || em.className !== 'unknown') return this.withClass(em);
    const c = await this.o.classifier.classify({
      centerHz: em.centerHz,
      bandwidthHz: em.bandwidthHz,
      binHz,
      snrDb: em.snrDb,
      continuousOnS: continuousOnS(em),
      jammers: this.queue.reportedJammers,
    });
    return { ...em, className: c.label, confidence: c.confidence };
  }
}

/** How long the emission has been on air without a break, s (0 once it keyed more than once): splits cw / jam-cw. */
function continuousOnS(em: TrackedEmission): number {
  return em.bursts <= 1 ? (em.lastSeenMs - em.firstSeenMs) / 1000 : 0;
}

/** The jammed range a jamming alarm carries in its detail, Hz (null when it has none). */
function jammedRange(detail: Record<string, unknown>): { startHz: number; stopHz: number } | null {
  const { startHz, stopHz } = detail;
  return typeof startHz === 'number' && typeof stopHz === 'number' && stopHz >= startHz ? { startHz, stopHz } : null;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function roundAll(d: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[k] = round(v);
  return out;
}
