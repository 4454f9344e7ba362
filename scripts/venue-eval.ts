/**
 * Venue evaluation: the simulated venue (dsp/synth/venue.ts) through the real analyze pipeline
 * (src/pipeline/analyze.ts `Analyzer`, the same object `bandwatch analyze --input virtual:venue` drives), scored
 * against `venueEvents` ground truth. Deterministic and as fast as the CPU allows: the scene is rendered straight
 * to cu8 at the reference gain (synth gain 0 dB = the 29.7 dB tuner gain analyze asks the virtual dongle for) and
 * pushed block by block, with block times taken from the sample index.
 *
 * Usage: node --import tsx scripts/venue-eval.ts [--duration S] [--time-scale X] [--sensor mic|pmr|fm|all]
 *        [--warmup S] [--control S] [--seed N] [--out FILE]
 *
 * Writes JSON to bench/results/venue.json (or --out) and prints a table. Also run (shorter) as `npm run bench venue`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Scene } from '../dsp/synth/scene.ts';
import type { SceneSpec } from '../dsp/synth/spec.ts';
import { VENUE_CLUSTERS, venueEvents, venueSceneSpec, type VenueEvent } from '../dsp/synth/venue.ts';
import { Analyzer, type AlarmRecord, type DetectionRecord } from '../src/pipeline/analyze.ts';
import { loadPlanFile } from '../src/plan/index.ts';
import type { Alarm, FrequencyPlan } from '../src/types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VENUE_PLAN_PATH = join(ROOT, 'examples', 'venue-plan.json');

/** FFT size of the analyze pipeline (its default), for bins. */
export const FFT_SIZE = 2048;
/** Samples per pushed block (~55 ms at 2.4 MS/s, about what the virtual dongle delivers). */
const CHUNK_SAMPLES = 131_072;
/** An alarm counts for an event when raised within [startS, endS + LATE_S]. */
export const LATE_S = 2;

export type ClusterId = (typeof VENUE_CLUSTERS)[number]['id'];

/** An alarm as seen by the evaluation: the analyze record, absolute scene time, plus raw-alarm extras. */
export interface EvalAlarm extends AlarmRecord {
  /** Scene time of the raise, s. */
  sceneS: number;
  levelDbfs: number | null;
  className?: string;
}
export interface EvalDetection extends DetectionRecord {
  /** Scene time of first / last sight, s. */
  sceneT0: number;
  sceneT1: number;
}

export interface RunResult {
  alarms: EvalAlarm[];
  detections: EvalDetection[];
  spectra: number;
  seconds: number;
  wallS: number;
}

/** Run `durationS` of `scene` from `startS` (scene time) through the real Analyzer. */
export async function runScene(
  scene: Scene,
  o: {
    centerHz: number;
    sampleRateHz: number;
    startS: number;
    durationS: number;
    plan: FrequencyPlan;
    gainDb?: number;
    floorLearnS?: number;
  },
): Promise<RunResult> {
  const alarms: EvalAlarm[] = [];
  const detections: EvalDetection[] = [];
  const raw = new Map<string, Alarm>();
  let lastRaw: Alarm | null = null;
  const an = await Analyzer.create(
    {
      plan: o.plan,
      pipeline: o.floorLearnS !== undefined ? { floorLearnS: o.floorLearnS } : undefined,
      onAlarm: (a) => {
        raw.set(a.id, a);
        lastRaw = a;
      },
    },
    (r) => {
      if (r.type === 'alarm') {
        // onAlarm runs just before the record is emitted for the same raise
        const a = lastRaw as Alarm | null;
        alarms.push({
          ...r,
          sceneS: o.startS + r.t,
          levelDbfs: a ? a.levelDbfs : null,
          className: a?.className,
        });
      } else {
        detections.push({ ...r, sceneT0: o.startS + r.t0, sceneT1: o.startS + r.t1 });
      }
    },
  );
  const fs = o.sampleRateHz;
  const first = Math.round(o.startS * fs);
  const total = Math.round(o.durationS * fs);
  const bytes = new Uint8Array(2 * CHUNK_SAMPLES);
  const t = performance.now();
  for (let done = 0; done < total; done += CHUNK_SAMPLES) {
    const count = Math.min(CHUNK_SAMPLES, total - done);
    const startSample = first + done;
    scene.renderCu8({ centerHz: o.centerHz, sampleRateHz: fs, startSample, count }, bytes, o.gainDb ?? 0);
    await an.push({
      format: 'cu8',
      bytes: count === CHUNK_SAMPLES ? bytes : bytes.subarray(0, 2 * count),
      sampleIndex: startSample - first,
      timeMs: (startSample / fs) * 1000,
      centerHz: o.centerHz,
      sampleRateHz: fs,
    });
  }
  const s = await an.finish();
  return { alarms, detections, spectra: s.spectra, seconds: s.durationS, wallS: (performance.now() - t) / 1000 };
}

/** A scene of receiver noise only, with the venue's noise density and DC offset (no emitters). */
export function noiseOnlySpec(seed = 2026): SceneSpec {
  const v = venueSceneSpec({ seed });
  return { seed: v.seed, noiseDbfsPerHz: v.noiseDbfsPerHz, emitters: [], impairments: v.impairments };
}

// ---------------------------------------------------------------- scoring

export interface MatchOptions {
  /** Frequency tolerance beyond the event's band edges, Hz. */
  toleranceHz: number;
  binHz: number;
}

/** Does the alarm describe this event (kind, jammer type, time, frequency, assignment)? */
export function alarmMatchesEvent(a: EvalAlarm, ev: VenueEvent, m: MatchOptions, checkType = true): boolean {
  if (a.kind !== ev.kind) return false;
  if (a.sceneS < ev.startS || a.sceneS > ev.endS + LATE_S) return false;
  if (checkType && ev.kind === 'jamming' && a.detail['jammerType'] !== ev.jammerType) return false;
  if (ev.assignmentId && (ev.kind === 'over-power' || ev.kind === 'interference' || ev.kind === 'out-of-mask')) {
    if (a.assignment !== ev.assignmentId) return false;
  }
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

export interface KindScore {
  events: number;
  truePositives: number;
  misses: number;
  falsePositives: number;
  recall: number;
  precision: number;
  latencyS: { n: number; p50: number; p99: number; max: number };
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
  /** Of the detection nearest the truth centre. */
  centerErrBins: number | null;
  obwErrPct: number | null;
  /** Of the matched alarm. */
  alarmCenterErrBins: number | null;
  alarmObwErrPct: number | null;
}

export interface ClusterScore {
  cluster: ClusterId;
  events: VenueEvent[];
  matched: { emitterId: string; kind: string; startS: number; latencyS: number; alarmCenterHz: number | null }[];
  misses: Miss[];
  falsePositives: FalsePositive[];
  quality: Quality[];
}

/** Score the alarms of one cluster run against the events of that cluster (events before `warmupS` ignored). */
export function scoreCluster(
  cluster: ClusterId,
  run: RunResult,
  events: VenueEvent[],
  m: MatchOptions,
  warmupS: number,
): ClusterScore {
  const scored = events.filter((e) => e.cluster === cluster && e.startS >= warmupS);
  const ignored = events.filter((e) => e.cluster === cluster && e.startS < warmupS);
  const used = new Set<EvalAlarm>();
  const matched: ClusterScore['matched'] = [];
  const misses: Miss[] = [];
  const quality: Quality[] = [];
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
          .filter((x) => x.sceneS >= ev.startS && x.sceneS <= ev.endS + LATE_S && alarmMatchesEvent(x, ev, m, false))
          .concat(
            run.alarms.filter(
              (x) => x.kind === ev.kind && x.sceneS >= ev.startS && x.sceneS <= ev.endS + LATE_S && !used.has(x),
            ),
          )
          .filter((x, i, arr) => arr.indexOf(x) === i)
          .slice(0, 5)
          .map((x) => ({ kind: x.kind, t: round3(x.sceneS), centerHz: x.centerHz, detail: x.detail })),
      });
    }
    if (ev.bandwidthHz > 0 && ev.kind !== 'jamming') {
      const dets = run.detections.filter(
        (d) =>
          d.sceneT1 >= ev.startS &&
          d.sceneT0 <= ev.endS &&
          Math.abs(d.centerHz - ev.centerHz) <= ev.bandwidthHz / 2 + m.toleranceHz,
      );
      const best = dets
        .slice()
        .sort((x, y) => Math.abs(x.centerHz - ev.centerHz) - Math.abs(y.centerHz - ev.centerHz))[0];
      quality.push({
        emitterId: ev.emitterId,
        kind: ev.kind,
        truthCenterHz: ev.centerHz,
        truthBandwidthHz: ev.bandwidthHz,
        detections: dets.length,
        centerErrBins: best ? round3(Math.abs(best.centerHz - ev.centerHz) / m.binHz) : null,
        obwErrPct: best ? round3((100 * (best.bandwidthHz - ev.bandwidthHz)) / ev.bandwidthHz) : null,
        alarmCenterErrBins: a && a.centerHz !== null ? round3(Math.abs(a.centerHz - ev.centerHz) / m.binHz) : null,
        alarmObwErrPct:
          a && a.bandwidthHz !== null ? round3((100 * (a.bandwidthHz - ev.bandwidthHz)) / ev.bandwidthHz) : null,
      });
    }
  }
  const falsePositives: FalsePositive[] = [];
  for (const a of run.alarms) {
    if (used.has(a)) continue;
    // an alarm for an event we chose not to score (it started during warm-up) is neither TP nor FP
    if (ignored.some((ev) => alarmMatchesEvent(a, ev, m))) continue;
    let reason: FalsePositive['reason'] = 'no-event';
    if (scored.some((ev) => alarmMatchesEvent(a, ev, m))) reason = 'duplicate';
    else if (scored.some((ev) => alarmMatchesEvent(a, ev, m, false))) reason = 'wrong-jammer-type';
    falsePositives.push({
      kind: a.kind,
      t: round3(a.sceneS),
      centerHz: a.centerHz,
      bandwidthHz: a.bandwidthHz,
      levelDbfs: a.levelDbfs === null ? null : Math.round(a.levelDbfs * 10) / 10,
      assignment: a.assignment,
      detail: a.detail,
      reason,
      className: a.className,
    });
  }
  return { cluster, events: scored, matched, misses, falsePositives, quality };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const KINDS = ['unlicensed-emitter', 'interference', 'jamming', 'over-power', 'out-of-mask', 'sensor-fault'];

/** Per-alarm-kind precision / recall / latency over all clusters. */
export function perKind(scores: ClusterScore[]): Record<string, KindScore> {
  const out: Record<string, KindScore> = {};
  const kinds = new Set<string>(KINDS);
  for (const s of scores) for (const f of s.falsePositives) kinds.add(f.kind);
  for (const k of kinds) {
    const events = scores.reduce((n, s) => n + s.events.filter((e) => e.kind === k).length, 0);
    const tp = scores.reduce((n, s) => n + s.matched.filter((e) => e.kind === k).length, 0);
    const fp = scores.reduce((n, s) => n + s.falsePositives.filter((e) => e.kind === k).length, 0);
    const lat = scores
      .flatMap((s) => s.matched.filter((e) => e.kind === k).map((e) => e.latencyS))
      .sort((a, b) => a - b);
    if (!events && !fp) continue;
    out[k] = {
      events,
      truePositives: tp,
      misses: events - tp,
      falsePositives: fp,
      recall: events ? tp / events : NaN,
      precision: tp + fp ? tp / (tp + fp) : NaN,
      latencyS: {
        n: lat.length,
        p50: round3(percentile(lat, 50)),
        p99: round3(percentile(lat, 99)),
        max: round3(lat[lat.length - 1] ?? NaN),
      },
    };
  }
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------- the whole evaluation

export interface EvalOptions {
  /** Scene seconds per cluster run. Default: one full jammer rotation (4 cycles) of the scaled schedule. */
  durationS?: number;
  /** Venue schedule scale. Default 0.25 (60 s cycle, 7.5 s events). */
  timeScale?: number;
  sensors?: ClusterId[];
  /** Events starting before this scene time are not scored (the pipeline learns its floor for 10 s). */
  warmupS?: number;
  /** Noise-only and licensed-only control runs, s per cluster. Default min(durationS, 120). */
  controlS?: number;
  seed?: number;
  log?: (s: string) => void;
}

export interface ControlResult {
  cluster: ClusterId;
  seconds: number;
  alarms: FalsePositive[];
  detections: number;
  /** Up to 20 detections, for diagnosis. */
  detectionSample: { t0: number; t1: number; centerHz: number; bandwidthHz: number; assignment: string | null }[];
}

export interface EvalReport {
  config: Required<Omit<EvalOptions, 'log'>> & { fftSize: number; binHz: number; toleranceHz: number; lateS: number };
  perKind: Record<string, KindScore>;
  overall: { events: number; truePositives: number; alarms: number; recall: number; precision: number };
  latencyS: { n: number; p50: number; p99: number; max: number };
  clusters: (ClusterScore & { spectra: number; wallS: number; detections: number })[];
  noiseOnly: ControlResult[];
  licensedOnly: ControlResult[];
  noiseFalseAlarmsPerSensorHour: number;
  licensedFalseAlarmsPerSensorHour: number;
}

function control(cluster: ClusterId, r: RunResult): ControlResult {
  return {
    cluster,
    seconds: round3(r.seconds),
    alarms: r.alarms.map((a) => ({
      kind: a.kind,
      t: round3(a.sceneS),
      centerHz: a.centerHz,
      bandwidthHz: a.bandwidthHz,
      levelDbfs: a.levelDbfs,
      assignment: a.assignment,
      detail: a.detail,
      reason: 'no-event' as const,
      className: a.className,
    })),
    detections: r.detections.length,
    detectionSample: r.detections.slice(0, 20).map((d) => ({
      t0: round3(d.sceneT0),
      t1: round3(d.sceneT1),
      centerHz: d.centerHz,
      bandwidthHz: d.bandwidthHz,
      assignment: d.assignment,
    })),
  };
}

export async function evaluateVenue(o: EvalOptions = {}): Promise<EvalReport> {
  const timeScale = o.timeScale ?? 0.25;
  const durationS = o.durationS ?? 4 * 240 * timeScale;
  const controlS = o.controlS ?? Math.min(durationS, 120);
  const sensors = o.sensors ?? ['mic', 'pmr', 'fm'];
  const warmupS = o.warmupS ?? 10;
  const seed = o.seed ?? 2026;
  const log = o.log ?? (() => {});
  const plan = await loadPlanFile(VENUE_PLAN_PATH);
  const events = venueEvents(0, durationS, { timeScale, seed });
  const clusters: EvalReport['clusters'] = [];
  const noiseOnly: ControlResult[] = [];
  const licensedOnly: ControlResult[] = [];
  let binHz = 0;
  const toleranceHz = 5000;
  for (const id of sensors) {
    const c = VENUE_CLUSTERS.find((x) => x.id === id)!;
    binHz = c.sampleRateHz / FFT_SIZE;
    const base = { centerHz: c.centerHz, sampleRateHz: c.sampleRateHz, startS: 0, plan };
    const venue = await runScene(new Scene(venueSceneSpec({ timeScale, seed })), { ...base, durationS });
    log(`${id}: venue ${durationS} s in ${venue.wallS.toFixed(1)} s wall, ${venue.alarms.length} alarm(s)`);
    const s = scoreCluster(id, venue, events, { toleranceHz, binHz }, warmupS);
    clusters.push({ ...s, spectra: venue.spectra, wallS: round3(venue.wallS), detections: venue.detections.length });
    if (controlS > 0) {
      const noise = await runScene(new Scene(noiseOnlySpec(seed)), { ...base, durationS: controlS });
      noiseOnly.push(control(id, noise));
      log(`${id}: noise-only ${controlS} s: ${noise.detections.length} detection(s), ${noise.alarms.length} alarm(s)`);
      const quiet = await runScene(new Scene(venueSceneSpec({ timeScale, seed, quiet: true })), {
        ...base,
        durationS: controlS,
      });
      licensedOnly.push(control(id, quiet));
      log(`${id}: licensed-only ${controlS} s: ${quiet.alarms.length} alarm(s)`);
    }
  }
  const pk = perKind(clusters);
  const nEv = clusters.reduce((n, s) => n + s.events.length, 0);
  const nTp = clusters.reduce((n, s) => n + s.matched.length, 0);
  const nFp = clusters.reduce((n, s) => n + s.falsePositives.length, 0);
  const lat = clusters.flatMap((s) => s.matched.map((m) => m.latencyS)).sort((a, b) => a - b);
  const hours = (n: ControlResult[]) => n.reduce((h, r) => h + r.seconds / 3600, 0);
  const count = (n: ControlResult[]) => n.reduce((k, r) => k + r.alarms.length, 0);
  return {
    config: {
      durationS,
      timeScale,
      sensors,
      warmupS,
      controlS,
      seed,
      fftSize: FFT_SIZE,
      binHz,
      toleranceHz,
      lateS: LATE_S,
    },
    perKind: pk,
    overall: {
      events: nEv,
      truePositives: nTp,
      alarms: nTp + nFp,
      recall: nEv ? nTp / nEv : NaN,
      precision: nTp + nFp ? nTp / (nTp + nFp) : NaN,
    },
    latencyS: {
      n: lat.length,
      p50: round3(percentile(lat, 50)),
      p99: round3(percentile(lat, 99)),
      max: round3(lat[lat.length - 1] ?? NaN),
    },
    clusters,
    noiseOnly,
    licensedOnly,
    noiseFalseAlarmsPerSensorHour: hours(noiseOnly) ? count(noiseOnly) / hours(noiseOnly) : NaN,
    licensedFalseAlarmsPerSensorHour: hours(licensedOnly) ? count(licensedOnly) / hours(licensedOnly) : NaN,
  };
}

// ---------------------------------------------------------------- printing

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');
const mhz = (x: number | null): string => (x === null ? '—' : (x / 1e6).toFixed(4));

export function formatReport(r: EvalReport): string {
  const L: string[] = [];
  const c = r.config;
  L.push(
    `venue evaluation: ${c.sensors.join('+')} × ${c.durationS} s scene (time scale ${c.timeScale}), warm-up ${c.warmupS} s, ` +
      `match = kind (+ jammer type) & raised in [start, end+${c.lateS} s] & centre within band ± ${c.toleranceHz / 1000} kHz`,
  );
  L.push('');
  L.push('kind                 events  TP  miss  FP  recall  precision  latency p50/p99 (s)');
  for (const [k, s] of Object.entries(r.perKind))
    L.push(
      `${k.padEnd(20)} ${String(s.events).padStart(6)} ${String(s.truePositives).padStart(3)} ${String(s.misses).padStart(5)} ${String(s.falsePositives).padStart(3)}  ${f2(s.recall).padStart(6)}  ${f2(s.precision).padStart(9)}  ${f2(s.latencyS.p50)}/${f2(s.latencyS.p99)}`,
    );
  L.push(
    `overall: recall ${f2(r.overall.recall)} (${r.overall.truePositives}/${r.overall.events}), precision ${f2(r.overall.precision)} (${r.overall.truePositives}/${r.overall.alarms}), latency p50 ${f2(r.latencyS.p50)} s p99 ${f2(r.latencyS.p99)} s`,
  );
  for (const s of r.clusters) {
    L.push('');
    L.push(
      `-- ${s.cluster}: ${s.events.length} events, ${s.matched.length} TP, ${s.misses.length} missed, ${s.falsePositives.length} FP, ${s.detections} detections (${s.wallS.toFixed(1)} s wall)`,
    );
    for (const m of s.misses)
      L.push(
        `   MISS ${m.kind}${m.jammerType ? `/${m.jammerType}` : ''} ${m.emitterId} ${mhz(m.centerHz)} MHz [${f2(m.startS)}, ${f2(m.endS)}) s; near: ${
          m.nearAlarms.map((a) => `${a.kind}@${f2(a.t)}s ${mhz(a.centerHz)} ${JSON.stringify(a.detail)}`).join('; ') ||
          'none'
        }`,
      );
    const groups = new Map<string, FalsePositive[]>();
    for (const fp of s.falsePositives) {
      const key = `${fp.kind}|${fp.reason}|${fp.assignment ?? '-'}|${fp.centerHz === null ? '-' : Math.round(fp.centerHz / 10_000)}`;
      groups.set(key, [...(groups.get(key) ?? []), fp]);
    }
    for (const g of groups.values()) {
      const fp = g[0]!;
      L.push(
        `   FP ×${g.length} ${fp.kind} (${fp.reason}) ${mhz(fp.centerHz)} MHz bw ${fp.bandwidthHz ?? '—'} Hz lvl ${fp.levelDbfs ?? '—'} dBFS in ${fp.assignment ?? 'no assignment'} at ${g
          .slice(0, 6)
          .map((x) => f2(x.t))
          .join(', ')}${g.length > 6 ? ', …' : ''} s ${JSON.stringify(fp.detail)}`,
      );
    }
    for (const q of s.quality)
      L.push(
        `   quality ${q.emitterId}: ${q.detections} detection(s); centre err ${q.centerErrBins ?? '—'} bins, OBW err ${q.obwErrPct ?? '—'} % (truth ${q.truthBandwidthHz} Hz); alarm centre err ${q.alarmCenterErrBins ?? '—'} bins, alarm OBW err ${q.alarmObwErrPct ?? '—'} %`,
      );
  }
  L.push('');
  for (const [name, list, rate] of [
    ['noise-only', r.noiseOnly, r.noiseFalseAlarmsPerSensorHour],
    ['licensed-only', r.licensedOnly, r.licensedFalseAlarmsPerSensorHour],
  ] as const) {
    L.push(
      `${name}: ${list.map((x) => `${x.cluster} ${x.seconds} s → ${x.detections} detection(s), ${x.alarms.length} alarm(s)`).join('; ')}; ${f2(rate)} false alarms per sensor-hour`,
    );
    for (const x of list) {
      const byKind = new Map<string, number>();
      for (const a of x.alarms)
        byKind.set(
          `${a.kind} ${a.assignment ?? mhz(a.centerHz)}`,
          (byKind.get(`${a.kind} ${a.assignment ?? mhz(a.centerHz)}`) ?? 0) + 1,
        );
      if (byKind.size) L.push(`   ${x.cluster}: ${[...byKind].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    }
  }
  return L.join('\n');
}

// ---------------------------------------------------------------- CLI

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      'time-scale': { type: 'string' },
      sensor: { type: 'string', default: 'all' },
      warmup: { type: 'string' },
      control: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const sensor = values.sensor ?? 'all';
  if (!['mic', 'pmr', 'fm', 'all'].includes(sensor)) throw new Error(`--sensor must be mic|pmr|fm|all, got ${sensor}`);
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`not a non-negative number: ${v}`);
    return x;
  };
  const report = await evaluateVenue({
    durationS: num(values.duration),
    timeScale: num(values['time-scale']),
    warmupS: num(values.warmup),
    controlS: num(values.control),
    seed: num(values.seed),
    sensors: sensor === 'all' ? undefined : [sensor as ClusterId],
    log: (s) => process.stderr.write(s + '\n'),
  });
  process.stdout.write(formatReport(report) + '\n');
  const out = values.out ?? join(ROOT, 'bench', 'results', 'venue.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  process.stderr.write(`wrote ${out}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
