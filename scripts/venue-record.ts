/**
 * Venue recording: one cluster of the simulated venue (dsp/synth/venue.ts) written as a cu8 SigMF recording
 * (src/recording/sigmfWriter.ts) with every staged event (`venueEvents`) as a ground-truth annotation
 * (`bandwatch:truth`, docs/recording.md), so that `bandwatch score` can be checked against the venue evaluation and
 * tried on a recording without a venue. The samples are the ones scripts/venue-eval.ts pushes into the pipeline
 * (rendered straight to cu8 at the reference gain, 29.7 dB tuner gain = synth gain 0 dB).
 *
 * Usage: node --import tsx scripts/venue-record.ts --out DIR/NAME [--sensor mic|pmr|fm] [--duration S]
 *        [--time-scale X] [--seed N] [--start-time ISO]
 * Then:  node bin/bandwatch.mjs score --input DIR/NAME.sigmf-meta --plan examples/venue-plan.json
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Scene } from '../dsp/synth/scene.ts';
import {
  REFERENCE_TUNER_GAIN_DB,
  VENUE_CLUSTERS,
  venueEvents,
  venueSceneSpec,
  type VenueEvent,
} from '../dsp/synth/venue.ts';
import { SigmfWriter, type AnnotationInput } from '../src/recording/sigmfWriter.ts';
import { TRUTH_KEY, type TruthObject } from '../src/quality/truth.ts';
import { emitterObwHz } from './venue-eval.ts';

/** Samples rendered and written at a time (the scene renders by sample index, so any size gives the same IQ). */
const CHUNK_SAMPLES = 131_072;
/** Half-width given to a CW line's annotation (its true bandwidth is 0), Hz. */
export const CW_HALF_WIDTH_HZ = 1000;

export interface VenueRecordOptions {
  /** Path without extension. */
  basePath: string;
  sensor?: (typeof VENUE_CLUSTERS)[number]['id'];
  /** Scene seconds from 0. Default 60. */
  durationS?: number;
  /** Venue schedule scale. Default 0.25 (60 s cycle, 7.5 s events). */
  timeScale?: number;
  seed?: number;
  /** Time of the first sample, ms since epoch. Default now. */
  startMs?: number;
}

/** The truth annotation of one venue event, clipped to the first `totalSamples` samples (null if outside). */
export function truthAnnotation(
  ev: VenueEvent,
  sampleRateHz: number,
  totalSamples: number,
  obwHz?: number,
): AnnotationInput | null {
  const start = Math.max(0, Math.round(ev.startS * sampleRateHz));
  const end = Math.min(totalSamples, Math.round(ev.endS * sampleRateHz));
  if (end <= start) return null;
  const half = ev.bandwidthHz > 0 ? ev.bandwidthHz / 2 : CW_HALF_WIDTH_HZ;
  const truth: TruthObject = {
    kind: ev.kind,
    ...(ev.jammerType ? { jammerType: ev.jammerType } : {}),
    ...(ev.assignmentId ? { assignment: ev.assignmentId } : {}),
    ...(obwHz !== undefined ? { obwHz } : {}),
  };
  return {
    sampleStart: start,
    sampleCount: end - start,
    freqLowerHz: ev.centerHz - half,
    freqUpperHz: ev.centerHz + half,
    label: ev.emitterId,
    comment: `venue ${ev.kind}${ev.jammerType ? ` (${ev.jammerType})` : ''}, ${ev.emitterKind}, ${ev.levelDbfs} dBFS`,
    generator: 'bandwatch venue-record',
    extra: { [TRUTH_KEY]: truth },
  };
}

/** Renders and writes the recording; returns its metadata path and the number of truth annotations. */
export async function writeVenueRecording(o: VenueRecordOptions): Promise<{ metaPath: string; annotations: number }> {
  const cluster = VENUE_CLUSTERS.find((c) => c.id === (o.sensor ?? 'pmr'))!;
  const timeScale = o.timeScale ?? 0.25;
  const durationS = o.durationS ?? 60;
  const seed = o.seed ?? 2026;
  const startMs = o.startMs ?? Date.now();
  const fs = cluster.sampleRateHz;
  const total = Math.round(durationS * fs);
  const scene = new Scene(venueSceneSpec({ timeScale, seed }));
  const w = await SigmfWriter.create({
    basePath: o.basePath,
    sensorId: `venue-${cluster.id}`,
    description: `simulated venue, cluster ${cluster.id} (${cluster.name}), ${durationS} s, time scale ${timeScale}, seed ${seed}`,
    hw: 'dsp/synth venue scene (no hardware)',
    gainDb: REFERENCE_TUNER_GAIN_DB,
    extraGlobal: { 'bandwatch:venue': { cluster: cluster.id, timeScale, seed } },
  });
  const bytes = new Uint8Array(2 * CHUNK_SAMPLES);
  for (let done = 0; done < total; done += CHUNK_SAMPLES) {
    const count = Math.min(CHUNK_SAMPLES, total - done);
    scene.renderCu8({ centerHz: cluster.centerHz, sampleRateHz: fs, startSample: done, count }, bytes, 0);
    w.write({
      format: 'cu8',
      bytes: bytes.subarray(0, 2 * count),
      sampleIndex: done,
      timeMs: startMs + (done / fs) * 1000,
      centerHz: cluster.centerHz,
      sampleRateHz: fs,
    });
  }
  let n = 0;
  for (const ev of venueEvents(0, durationS, { timeScale, seed })) {
    if (ev.cluster !== cluster.id) continue;
    // The emitter's own measured OBW (rendered alone) as the quality reference, like scripts/venue-eval.ts.
    const a = truthAnnotation(ev, fs, total, ev.kind === 'jamming' ? undefined : emitterObwHz(ev, { timeScale, seed }));
    if (!a) continue;
    w.annotate(a);
    n++;
  }
  await w.close();
  return { metaPath: w.metaPath, annotations: n };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      sensor: { type: 'string', default: 'pmr' },
      duration: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'start-time': { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out DIR/NAME is required (the .sigmf-meta/.sigmf-data are added)');
  const sensor = values.sensor ?? 'pmr';
  if (!VENUE_CLUSTERS.some((c) => c.id === sensor)) throw new Error(`--sensor must be mic|pmr|fm, got ${sensor}`);
  const num = (v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`not a positive number: ${v}`);
    return x;
  };
  const startMs = values['start-time'] !== undefined ? Date.parse(values['start-time']) : undefined;
  if (startMs !== undefined && !Number.isFinite(startMs)) throw new Error(`--start-time is not an ISO time`);
  const r = await writeVenueRecording({
    basePath: values.out,
    sensor: sensor as VenueRecordOptions['sensor'],
    durationS: num(values.duration),
    timeScale: num(values['time-scale']),
    seed: values.seed !== undefined ? Number(values.seed) : undefined,
    startMs,
  });
  process.stderr.write(`wrote ${r.metaPath} with ${r.annotations} truth annotation(s)\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
