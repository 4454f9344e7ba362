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
import { measureBand } from '../dsp/emissions.ts';
import { Scene } from '../dsp/synth/scene.ts';
import { WelchPsd } from '../dsp/welch.ts';
import type { SceneSpec } from '../dsp/synth/spec.ts';
import { VENUE_CLUSTERS, venueEvents, venueSceneSpec, type VenueEvent } from '../dsp/synth/venue.ts';
import { Analyzer } from '../src/pipeline/analyze.ts';
import { loadPlanFile } from '../src/plan/index.ts';
import { RecordCollector, type CollectedAlarm, type CollectedDetection } from '../src/quality/collect.ts';
import { f2, formatKindTable, formatScoreDetails, mhz } from '../src/quality/format.ts';
import {
  ANALYZE_FFT_SIZE,
  alarmMatchesEvent,
  DEFAULT_LATE_S,
  DEFAULT_TOLERANCE_HZ,
  falsePositive,
  overall,
  percentile,
  perKind,
  round3,
  type LatencyStats,
  type Overall,
  scoreEvents,
  type EventScore,
  type FalsePositive,
  type KindScore,
  type MatchOptions,
} from '../src/quality/score.ts';
import type { FrequencyPlan } from '../src/types.ts';

export { alarmMatchesEvent, percentile, perKind, type FalsePositive, type KindScore, type MatchOptions };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VENUE_PLAN_PATH = join(ROOT, 'examples', 'venue-plan.json');

/** FFT size of the analyze pipeline (its default), for bins. */
export const FFT_SIZE = ANALYZE_FFT_SIZE;
/** Samples per pushed block (~55 ms at 2.4 MS/s, about what the virtual dongle delivers). */
const CHUNK_SAMPLES = 131_072;
/** An alarm counts for an event when raised within [startS, endS + LATE_S]. */
export const LATE_S = DEFAULT_LATE_S;

export type ClusterId = (typeof VENUE_CLUSTERS)[number]['id'];

/** An alarm as seen by the evaluation: the analyze record, absolute scene time, plus raw-alarm extras. */
export type EvalAlarm = CollectedAlarm;
export type EvalDetection = CollectedDetection;

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
  const rec = new RecordCollector(o.startS);
  const an = await Analyzer.create(
    {
      plan: o.plan,
      pipeline: o.floorLearnS !== undefined ? { floorLearnS: o.floorLearnS } : undefined,
      onAlarm: rec.onAlarm,
    },
    rec.emit,
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
  return {
    alarms: rec.alarms,
    detections: rec.detections,
    spectra: s.spectra,
    seconds: s.durationS,
    wallS: (performance.now() - t) / 1000,
  };
}

/** A scene of receiver noise only, with the venue's noise density and DC offset (no emitters). */
export function noiseOnlySpec(seed = 2026): SceneSpec {
  const v = venueSceneSpec({ seed });
  return { seed: v.seed, noiseDbfsPerHz: v.noiseDbfsPerHz, emitters: [], impairments: v.impairments };
}

// ---------------------------------------------------------------- scoring (src/quality/score.ts)

export interface ClusterScore extends EventScore<VenueEvent> {
  cluster: ClusterId;
}

/** Score the alarms of one cluster run against the events of that cluster (events before `warmupS` ignored). */
export function scoreCluster(
  cluster: ClusterId,
  run: RunResult,
  events: VenueEvent[],
  m: MatchOptions,
  warmupS: number,
): ClusterScore {
  const mine = events.filter((e) => e.cluster === cluster);
  return { cluster, ...scoreEvents(mine, run, { ...m, lateS: LATE_S }, warmupS) };
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
  overall: Overall;
  latencyS: LatencyStats;
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
    alarms: r.alarms.map((a) => falsePositive(a, 'no-event')),
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

/**
 * The 99 % occupied bandwidth of an event's emitter alone over its whole event, Hz: rendered noise-free (float IQ)
 * on its cluster's tuning, Welch-averaged (2048-point Hann, like the pipeline) and measured with dsp's `measureBand`
 * over ± the nominal bandwidth. This, not the nominal figure, is what a perfect measurement would report: a voice FM
 * talker's long-term spectrum is wider or narrower than Carson's rule depending on its audio.
 */
export function emitterObwHz(ev: VenueEvent, o: { timeScale: number; seed: number }): number {
  const spec = venueSceneSpec({ timeScale: o.timeScale, seed: o.seed });
  const scene = new Scene({
    ...spec,
    noiseDbfsPerHz: -300,
    impairments: {},
    emitters: spec.emitters.filter((e) => e.id === ev.emitterId),
  });
  const c = VENUE_CLUSTERS.find((x) => x.id === ev.cluster)!;
  const fs = c.sampleRateHz;
  const chunk = 65_536;
  const re = new Float32Array(chunk);
  const im = new Float32Array(chunk);
  const bytes = new Uint8Array(8 * chunk);
  const f32 = new Float32Array(bytes.buffer);
  const sum = new Float64Array(FFT_SIZE);
  let spectra = 0;
  const welch = new WelchPsd({
    fftSize: FFT_SIZE,
    sampleRateHz: fs,
    centerHz: c.centerHz,
    averages: 32,
    onSpectrum: (sp) => {
      const lin = sp.psdLin!;
      for (let k = 0; k < FFT_SIZE; k++) sum[k]! += lin[k]!;
      spectra++;
    },
  });
  const first = Math.round(ev.startS * fs);
  const last = Math.round(ev.endS * fs);
  for (let at = first; at + chunk <= last; at += chunk) {
    scene.render({ centerHz: c.centerHz, sampleRateHz: fs, startSample: at, count: chunk, re, im });
    for (let k = 0; k < chunk; k++) {
      f32[2 * k] = re[k]!;
      f32[2 * k + 1] = im[k]!;
    }
    welch.push(bytes, 'cf32_le', at - first);
  }
  const avg = new Float32Array(FFT_SIZE);
  for (let k = 0; k < FFT_SIZE; k++) avg[k] = sum[k]! / Math.max(1, spectra);
  const geom = {
    startHz: c.centerHz - fs / 2,
    binHz: fs / FFT_SIZE,
    enbwBins: welch.window.enbwBins,
    effectiveFrames: 32,
  };
  const m = measureBand(
    geom,
    avg,
    new Float32Array(FFT_SIZE),
    new Uint8Array(FFT_SIZE),
    ev.centerHz - ev.bandwidthHz,
    ev.centerHz + ev.bandwidthHz,
  );
  return Math.round(m.occupiedBandwidthHz);
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
  const events = venueEvents(0, durationS, { timeScale, seed }).map((ev) =>
    // The OBW reference is rendered only for the sensors evaluated (each event costs a 7.5 s render).
    ev.kind === 'jamming' || !sensors.includes(ev.cluster)
      ? ev
      : { ...ev, obwHz: emitterObwHz(ev, { timeScale, seed }) },
  );
  const clusters: EvalReport['clusters'] = [];
  const noiseOnly: ControlResult[] = [];
  const licensedOnly: ControlResult[] = [];
  let binHz = 0;
  const toleranceHz = DEFAULT_TOLERANCE_HZ;
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
    perKind: perKind(clusters),
    ...overall(clusters),
    clusters,
    noiseOnly,
    licensedOnly,
    noiseFalseAlarmsPerSensorHour: hours(noiseOnly) ? count(noiseOnly) / hours(noiseOnly) : NaN,
    licensedFalseAlarmsPerSensorHour: hours(licensedOnly) ? count(licensedOnly) / hours(licensedOnly) : NaN,
  };
}

// ---------------------------------------------------------------- printing

export function formatReport(r: EvalReport): string {
  const L: string[] = [];
  const c = r.config;
  L.push(
    `venue evaluation: ${c.sensors.join('+')} × ${c.durationS} s scene (time scale ${c.timeScale}), warm-up ${c.warmupS} s, ` +
      `match = kind (+ jammer type) & raised in [start, end+${c.lateS} s] & centre within band ± ${c.toleranceHz / 1000} kHz`,
  );
  L.push('');
  L.push(...formatKindTable(r.perKind, r.overall, r.latencyS));
  for (const s of r.clusters) {
    L.push('');
    L.push(
      `-- ${s.cluster}: ${s.events.length} events, ${s.matched.length} TP, ${s.misses.length} missed, ${s.falsePositives.length} FP, ${s.detections} detections (${s.wallS.toFixed(1)} s wall)`,
    );
    L.push(...formatScoreDetails(s));
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
