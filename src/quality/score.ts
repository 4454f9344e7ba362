/**
 * Scoring of alarms and detections against ground-truth events: which alarm describes which event (kind, jammer
 * type, time window, frequency, assignment), per-kind recall / precision / latency, and the centre and occupied
 * bandwidth errors of the detections. Pure functions, no I/O: the venue evaluation (scripts/venue-eval.ts, truth =
 * the synthesiser's `venueEvents`) and `bandwatch score` (truth = a recording's `bandwatch:truth` annotations) both
 * score through here, so their figures mean the same thing.
 *
 * Times are seconds on the truth's own axis (`sceneS`: from the start of the synthesised scene, or of the
 * recording); frequencies are absolute Hz.
 */

/** Alarm kinds a truth event can have (every alarm kind but `sensor-fault`, which has no emitter). */
export const TRUTH_KINDS = ['unlicensed-emitter', 'interference', 'jamming', 'over-power', 'out-of-mask'] as const;
export type TruthKind = (typeof TRUTH_KINDS)[number];

/** Jammer types of dsp/types.ts `JammerDetection` (an alarm's `detail.jammerType`). */
export const JAMMER_TYPES = ['cw', 'barrage', 'sweep', 'pulse'] as const;
export type JammerType = (typeof JAMMER_TYPES)[number];

/** FFT size the analyze pipeline uses by default (src/pipeline/spectral.ts): one bin = sample rate / this. */
export const ANALYZE_FFT_SIZE = 2048;
/** An alarm counts for an event when raised within [startS, endS + lateS], s. */
export const DEFAULT_LATE_S = 2;
/** Frequency tolerance beyond an event's band edges, Hz. */
export const DEFAULT_TOLERANCE_HZ = 5000;

/** One ground-truth event: what the alarm engine should report. */
export interface TruthEvent {
  kind: TruthKind;
  /** What emitted it: the scene's emitter id, or a recording annotation's label (else `annotations[i]`). */
  emitterId: string;
  /** For jamming: the type the alarm must report. Absent: any type matches. */
  jammerType?: JammerType;
  /** Centre and (occupied or swept) bandwidth, Hz; 0 for a CW line. */
  centerHz: number;
  bandwidthHz: number;
  /**
   * The emission's own 99 % occupied bandwidth, Hz, when it was measured (e.g. on the emitter rendered alone): the
   * reference for the OBW error. Absent: `bandwidthHz` (a nominal or annotated band) is the reference.
   */
  obwHz?: number;
  /** The licensed assignment an interference / over-power / out-of-mask alarm must name, if any. */
  assignmentId?: string;
  /** On from startS (inclusive) to endS (exclusive), s. */
  startS: number;
  endS: number;
}

/** An alarm as scored: the analyze record plus its time on the truth axis and raw-alarm extras. */
export interface ScoredAlarm {
  kind: string;
  /** Time of the raise, s on the truth axis. */
  sceneS: number;
  centerHz: number | null;
  bandwidthHz: number | null;
  assignment: string | null;
  detail: Record<string, unknown>;
  levelDbfs: number | null;
  className?: string;
}

/** A detection (tracked emission) as scored. */
export interface ScoredDetection {
  /** First / last sight, s on the truth axis. */
  sceneT0: number;
  sceneT1: number;
  centerHz: number;
  bandwidthHz: number;
}

export interface ScoredRun {
  alarms: readonly ScoredAlarm[];
  detections: readonly ScoredDetection[];
}

export interface MatchOptions {
  /** Frequency tolerance beyond the event's band edges, Hz. */
  toleranceHz: number;
  /** FFT bin width, Hz (centre errors are given in bins). */
  binHz: number;
  /** Lateness allowed after the event's end, s. Default DEFAULT_LATE_S. */
  lateS?: number;
}

/** Kinds whose alarm must name the event's assignment (when the event has one). */
const ASSIGNMENT_KINDS: readonly string[] = ['over-power', 'interference', 'out-of-mask'];

/** Does the alarm describe this event (kind, jammer type, time, frequency, assignment)? */
export function alarmMatchesEvent(a: ScoredAlarm, ev: TruthEvent, m: MatchOptions, checkType = true): boolean {
  if (a.kind !== ev.kind) return false;
  if (a.sceneS < ev.startS || a.sceneS > ev.endS + (m.lateS ?? DEFAULT_LATE_S)) return false;
  if (checkType && ev.kind === 'jamming' && ev.jammerType !== undefined && a.detail['jammerType'] !== ev.jammerType)
    return false;
  if (ev.assignmentId && ASSIGNMENT_KINDS.includes(ev.kind) && a.assignment !== ev.assignmentId) return false;
  if (a.centerHz === null) return ev.kind === 'jamming';
  const half = ev.bandwidthHz / 2 + m.toleranceHz;
  return Math.abs(a.centerHz - ev.centerHz) <= half;
}

export interface FalsePositive {
  kind: string;
  t: number;
  centerHz: number | null;
  bandwidthHz: number | null;
  levelDbfs: number | null;
  assignment: string | null;
  detail: Record<string, unknown>;
  /** Why it is not a true positive. */
  reason: 'no-event' | 'duplicate' | 'wrong-jammer-type';
  className?: string;
}

export interface LatencyStats {
  n: number;
  /** Seconds (NaN when n = 0). */
  p50: number;
  p99: number;
  max: number;
}

export interface KindScore {
  events: number;
  truePositives: number;
  misses: number;
  falsePositives: number;
  recall: number;
  precision: number;
  latencyS: LatencyStats;
}

export interface Match {
  emitterId: string;
  kind: string;
  startS: number;
  /** Raise time − the event's start, s. */
  latencyS: number;
  alarmCenterHz: number | null;
}

export interface Miss {
  kind: string;
  emitterId: string;
  jammerType?: string;
  startS: number;
  endS: number;
  centerHz: number;
  /** Alarms of the same kind raised during the event window but failing the match (wrong place / type). */
  nearAlarms: { kind: string; t: number; centerHz: number | null; detail: Record<string, unknown> }[];
}

export interface Quality {
  emitterId: string;
  kind: string;
  truthCenterHz: number;
  truthBandwidthHz: number;
  /** Detections (tracked emissions) overlapping the event in time and band. */
  detections: number;
  /** Of the main detection (longest within the event, then nearest the truth centre): centre error in bins, OBW error in % of the truth bandwidth. */
  centerErrBins: number | null;
  obwErrPct: number | null;
  /** Of the matched alarm. */
  alarmCenterErrBins: number | null;
  alarmObwErrPct: number | null;
}

export interface EventScore<E extends TruthEvent = TruthEvent> {
  /** The scored events (those starting at or after the warm-up). */
  events: E[];
  matched: Match[];
  misses: Miss[];
  falsePositives: FalsePositive[];
  quality: Quality[];
}

/**
 * Score a run's alarms and detections against truth events. Events starting before `warmupS` are not scored, and
 * an alarm matching one of them is neither a true nor a false positive. Each scored event takes at most one alarm
 * (the first that matches, in raise order); every other alarm is a false positive: `duplicate` (it matches an
 * event already taken), `wrong-jammer-type` (it would match but for the jammer type) or `no-event`.
 */
export function scoreEvents<E extends TruthEvent>(
  events: readonly E[],
  run: ScoredRun,
  m: MatchOptions,
  warmupS: number,
): EventScore<E> {
  const lateS = m.lateS ?? DEFAULT_LATE_S;
  const scored = events.filter((e) => e.startS >= warmupS);
  const ignored = events.filter((e) => e.startS < warmupS);
  const used = new Set<ScoredAlarm>();
  const matched: Match[] = [];
  const misses: Miss[] = [];
  const quality: Quality[] = [];
  const inWindow = (x: ScoredAlarm, ev: TruthEvent): boolean => x.sceneS >= ev.startS && x.sceneS <= ev.endS + lateS;
  for (const ev of scored) {
    const a = run.alarms.find((x) => !used.has(x) && alarmMatchesEvent(x, ev, m));
    if (a) {
      used.add(a);
      matched.push({
        emitterId: ev.emitterId,
        kind: ev.kind,
        startS: ev.startS,
        latencyS: a.sceneS - ev.startS,
        alarmCenterHz: a.centerHz,
      });
    } else {
      misses.push({
        kind: ev.kind,
        emitterId: ev.emitterId,
        jammerType: ev.jammerType,
        startS: ev.startS,
        endS: ev.endS,
        centerHz: ev.centerHz,
        nearAlarms: run.alarms
          .filter((x) => inWindow(x, ev) && alarmMatchesEvent(x, ev, m, false))
          .concat(run.alarms.filter((x) => x.kind === ev.kind && inWindow(x, ev) && !used.has(x)))
          .filter((x, i, arr) => arr.indexOf(x) === i)
          .slice(0, 5)
          .map((x) => ({ kind: x.kind, t: round3(x.sceneS), centerHz: x.centerHz, detail: x.detail })),
      });
    }
    if (ev.bandwidthHz > 0 && ev.kind !== 'jamming') quality.push(eventQuality(ev, run, a, m));
  }
  const falsePositives: FalsePositive[] = [];
  for (const a of run.alarms) {
    if (used.has(a)) continue;
    if (ignored.some((ev) => alarmMatchesEvent(a, ev, m))) continue;
    let reason: FalsePositive['reason'] = 'no-event';
    if (scored.some((ev) => alarmMatchesEvent(a, ev, m))) reason = 'duplicate';
    else if (scored.some((ev) => alarmMatchesEvent(a, ev, m, false))) reason = 'wrong-jammer-type';
    falsePositives.push(falsePositive(a, reason));
  }
  return { events: scored, matched, misses, falsePositives, quality };
}

/** An alarm listed as a false positive (times and levels rounded for reading). */
export function falsePositive(a: ScoredAlarm, reason: FalsePositive['reason']): FalsePositive {
  return {
    kind: a.kind,
    t: round3(a.sceneS),
    centerHz: a.centerHz,
    bandwidthHz: a.bandwidthHz,
    levelDbfs: a.levelDbfs === null ? null : Math.round(a.levelDbfs * 10) / 10,
    assignment: a.assignment,
    detail: a.detail,
    reason,
    className: a.className,
  };
}

/** Centre / OBW errors of the main detection (longest within the event) and of the matched alarm. */
function eventQuality(ev: TruthEvent, run: ScoredRun, a: ScoredAlarm | undefined, m: MatchOptions): Quality {
  const dets = run.detections.filter(
    (d) =>
      d.sceneT1 >= ev.startS &&
      d.sceneT0 <= ev.endS &&
      Math.abs(d.centerHz - ev.centerHz) <= ev.bandwidthHz / 2 + m.toleranceHz,
  );
  // The emission's main track: the one that lasted longest within the event (a fragment nearer the centre, such as
  // a microphone's bare carrier in a pause, is not the measurement of the emission); ties go to the nearer centre.
  const during = (d: ScoredDetection): number => Math.min(d.sceneT1, ev.endS) - Math.max(d.sceneT0, ev.startS);
  const best = dets
    .slice()
    .sort(
      (x, y) => during(y) - during(x) || Math.abs(x.centerHz - ev.centerHz) - Math.abs(y.centerHz - ev.centerHz),
    )[0];
  const binErr = (hz: number): number => round3(Math.abs(hz - ev.centerHz) / m.binHz);
  const truthObw = ev.obwHz ?? ev.bandwidthHz;
  const obwErr = (hz: number): number => round3((100 * (hz - truthObw)) / truthObw);
  return {
    emitterId: ev.emitterId,
    kind: ev.kind,
    truthCenterHz: ev.centerHz,
    truthBandwidthHz: truthObw,
    detections: dets.length,
    centerErrBins: best ? binErr(best.centerHz) : null,
    obwErrPct: best ? obwErr(best.bandwidthHz) : null,
    alarmCenterErrBins: a && a.centerHz !== null ? binErr(a.centerHz) : null,
    alarmObwErrPct: a && a.bandwidthHz !== null ? obwErr(a.bandwidthHz) : null,
  };
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50 / p99 / max of latencies, s, rounded to ms. */
export function latencyStats(latencies: readonly number[]): LatencyStats {
  const lat = latencies.slice().sort((a, b) => a - b);
  return {
    n: lat.length,
    p50: round3(percentile(lat, 50)),
    p99: round3(percentile(lat, 99)),
    max: round3(lat[lat.length - 1] ?? NaN),
  };
}

/** Every alarm kind, in table order (kinds with neither events nor false positives are left out of tables). */
const ALARM_KINDS = [...TRUTH_KINDS, 'sensor-fault'];

type Counted = Pick<EventScore, 'events' | 'matched' | 'falsePositives'>;

/** Per-alarm-kind precision / recall / latency over several scores (e.g. one per sensor). */
export function perKind(scores: readonly Counted[]): Record<string, KindScore> {
  const out: Record<string, KindScore> = {};
  const kinds = new Set<string>(ALARM_KINDS);
  for (const s of scores) for (const f of s.falsePositives) kinds.add(f.kind);
  for (const k of kinds) {
    const events = scores.reduce((n, s) => n + s.events.filter((e) => e.kind === k).length, 0);
    const tp = scores.reduce((n, s) => n + s.matched.filter((e) => e.kind === k).length, 0);
    const fp = scores.reduce((n, s) => n + s.falsePositives.filter((e) => e.kind === k).length, 0);
    if (!events && !fp) continue;
    out[k] = {
      events,
      truePositives: tp,
      misses: events - tp,
      falsePositives: fp,
      recall: events ? tp / events : NaN,
      precision: tp + fp ? tp / (tp + fp) : NaN,
      latencyS: latencyStats(scores.flatMap((s) => s.matched.filter((e) => e.kind === k).map((e) => e.latencyS))),
    };
  }
  return out;
}

export interface Overall {
  events: number;
  truePositives: number;
  /** True + false positives. */
  alarms: number;
  recall: number;
  precision: number;
}

/** All kinds together, and the latency over every match. */
export function overall(scores: readonly Counted[]): { overall: Overall; latencyS: LatencyStats } {
  const events = scores.reduce((n, s) => n + s.events.length, 0);
  const tp = scores.reduce((n, s) => n + s.matched.length, 0);
  const fp = scores.reduce((n, s) => n + s.falsePositives.length, 0);
  return {
    overall: {
      events,
      truePositives: tp,
      alarms: tp + fp,
      recall: events ? tp / events : NaN,
      precision: tp + fp ? tp / (tp + fp) : NaN,
    },
    latencyS: latencyStats(scores.flatMap((s) => s.matched.map((x) => x.latencyS))),
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
