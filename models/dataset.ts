/**
 * Labelled feature vectors from the project's own synthesiser: `makeExample` renders an emitter at the capture
 * rate with a random offset, SNR, RTL-SDR impairments and 8-bit quantisation; the example goes through
 * `IqHistory` + `extractChannel` + `computeFeatures` exactly as live IQ does. The bandwidth and centre handed to
 * the extractor are the nominal ones blurred the way a tracker's estimates are (log-normal, σ = 18 % in bandwidth; ±10 % of it in
 * centre), so the model does not learn the synthesiser's exact numbers. Deterministic per (kind, seed).
 */
import { makeExample, type ExampleKind } from '../dsp/synth/examples.ts';
import { Xoshiro128ss, mix32 } from '../dsp/synth/prng.ts';
import { IqHistory, extractChannel, extractionSpan, MIN_CHANNEL_HZ, type ChannelSnippet } from './iq-history.ts';
import { computeFeatures, FEATURE_COUNT } from './features.ts';
import { classIndexOfKind } from './classes.ts';

/** Capture rate of the training data, Hz (the default dongle rate). */
export const TRAIN_SAMPLE_RATE_HZ = 2_400_000;
/** Example length, capture samples (13.7 ms at 2.4 MS/s): holds the longest extraction span. */
export const EXAMPLE_COUNT = 32768;
/**
 * Spread of the bandwidth handed to the extractor around the nominal occupied bandwidth (log-normal σ): our
 * guess of the tracker's 99 % bandwidth error on voice/music modulation. A key assumption of the evaluation.
 */
export const BANDWIDTH_SIGMA = 0.18;

export interface FeatureExample {
  kind: ExampleKind;
  label: number;
  snrDb: number;
  features: Float32Array;
  snippet: ChannelSnippet;
  /** Offset and bandwidth handed to the extractor, Hz. */
  offsetHz: number;
  bandwidthHz: number;
  /** Bursty kinds: the variant rendered (dsp/synth/emitters/bursty.ts), e.g. 'tdma-gsm'. */
  variant?: string;
}

export interface ExampleOptions {
  /** Fixed SNR or a [min, max] range, dB (in the occupied bandwidth). Default [-5, 25]. */
  snrDb?: number | [number, number];
  sampleRateHz?: number;
}

const history = new IqHistory(1 << 16);

/** One labelled example through the inference path. */
export function makeFeatureExample(kind: ExampleKind, seed: number, opts: ExampleOptions = {}): FeatureExample {
  const fs = opts.sampleRateHz ?? TRAIN_SAMPLE_RATE_HZ;
  const rng = new Xoshiro128ss(mix32(seed >>> 0, 0x5eed + kind.length * 131 + kind.charCodeAt(0)));
  const impairments = rng.uniform() < 0.8;
  const quantize = rng.uniform() < 0.8;
  const ex = makeExample(
    kind,
    {
      sampleRateHz: fs,
      count: EXAMPLE_COUNT,
      snrDb: opts.snrDb ?? [-5, 25],
      maxOffsetHz: 0.2 * fs,
      levelDbfs: rng.range(-30, -12),
      impairments,
      quantize,
    },
    seed,
  );
  let bw: number;
  let off: number;
  if (kind === 'noise') {
    // a false detection: any bandwidth, anywhere
    bw = Math.exp(rng.range(Math.log(5_000), Math.log(1_500_000)));
    off = rng.range(-0.3, 0.3) * fs;
  } else {
    const nominal = Math.max(ex.occupiedBandwidthHz, 1);
    bw = Math.min(0.95 * fs, nominal * Math.exp(BANDWIDTH_SIGMA * rng.gaussian()));
    off = ex.offsetHz + 0.1 * Math.max(nominal, MIN_CHANNEL_HZ / 4) * rng.gaussian();
  }
  history.reset(0, fs);
  history.pushFloat(ex.re, ex.im);
  const need = extractionSpan(fs, bw);
  const endAgo = Math.max(0, Math.floor((EXAMPLE_COUNT - need) / 2));
  const snippet = extractChannel(history, off, bw, { endAgoSamples: endAgo });
  if (!snippet) throw new Error(`makeFeatureExample: example too short for bandwidth ${bw} Hz`);
  return {
    kind,
    label: classIndexOfKind(kind),
    snrDb: ex.snrDb,
    features: computeFeatures(snippet),
    snippet,
    offsetHz: off,
    bandwidthHz: bw,
    ...(ex.variant ? { variant: ex.variant } : {}),
  };
}

export interface Dataset {
  x: Float32Array;
  y: Int32Array;
  snrDb: Float32Array;
  kinds: ExampleKind[];
  count: number;
}

/** Examples for each (kind, seed) pair in order; `onProgress` is called every 200 examples. */
export function makeDataset(
  jobs: { kind: ExampleKind; seed: number; snrDb?: number | [number, number] }[],
  onProgress?: (done: number, total: number) => void,
): Dataset {
  const n = jobs.length;
  const x = new Float32Array(n * FEATURE_COUNT);
  const y = new Int32Array(n);
  const snr = new Float32Array(n);
  const kinds: ExampleKind[] = [];
  jobs.forEach((j, i) => {
    const e = makeFeatureExample(j.kind, j.seed, { snrDb: j.snrDb });
    x.set(e.features, i * FEATURE_COUNT);
    y[i] = e.label;
    snr[i] = e.snrDb;
    kinds.push(j.kind);
    if (onProgress && (i + 1) % 200 === 0) onProgress(i + 1, n);
  });
  return { x, y, snrDb: snr, kinds, count: n };
}
