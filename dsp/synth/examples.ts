/**
 * Labelled snippets for classifier training and evaluation: `makeExample(kind, params, seed)` renders a short
 * complex baseband snippet of one emitter class in white noise, with seeded random parameters, frequency offset,
 * start time and SNR. Deterministic: the same (kind, params, seed) gives the same samples.
 *
 * SNR is signal power over noise power in the signal's nominal occupied bandwidth (`snrBandwidth: 'occupied'`,
 * default; a narrowband signal at 10 dB then really stands 10 dB over the floor in its channel) or over the whole
 * sample rate (`'full'`, the RadioML convention).
 */
import type { EmitterSpec, ImpairmentSpec } from './spec.ts';
import { Scene } from './scene.ts';
import { Xoshiro128ss, deriveKey, mix32 } from './prng.ts';
import { addWhiteNoise, noisePowerFs } from './noise.ts';
import { applyIqImbalance, quantizeCu8 } from './impairments.ts';
import type { Emitter } from './emitters/base.ts';
import { drawBursty, type BurstyKind, type Windows } from './emitters/bursty.ts';

/**
 * The classifier's classes (src/types.ts EmissionClass, minus 'unknown') plus noise only, then the benign bursty
 * kinds (emitters/bursty.ts): `ook` (OOK/ASK telemetry), `tdma` (TDMA/TDD bursts), `pulse-pos` (SSR replies).
 */
export const EXAMPLE_KINDS = [
  'nfm',
  'wfm',
  'am',
  'cw',
  'fsk4',
  'ofdm',
  'mic',
  'jam-barrage',
  'jam-cw',
  'jam-sweep',
  'jam-pulse',
  'noise',
  'ook',
  'tdma',
  'pulse-pos',
] as const;
export type ExampleKind = (typeof EXAMPLE_KINDS)[number];

export interface ExampleParams {
  /** Sample rate, Hz. Default 1 200 000. */
  sampleRateHz?: number;
  /** Snippet length, samples. Default 4096. */
  count?: number;
  /** SNR, dB: a fixed value or a [min, max] range drawn uniformly. Default [0, 30]. */
  snrDb?: number | [number, number];
  /** Bandwidth the SNR refers to. Default 'occupied'. */
  snrBandwidth?: 'occupied' | 'full';
  /** Carrier offset drawn uniformly in ±maxOffsetHz. Default 0.05 · sampleRateHz. */
  maxOffsetHz?: number;
  /** Signal power, dBFS. Default -20 (noise then sits below it by the SNR and bandwidth ratio). */
  levelDbfs?: number;
  /** Add random RTL-SDR impairments (DC offset, IQ imbalance up to 1 dB / 3°). Default false. */
  impairments?: boolean;
  /** Quantise to cu8 at 0 dB gain and convert back to float (8-bit realism). Default false. */
  quantize?: boolean;
}

export interface Example {
  kind: ExampleKind;
  re: Float32Array;
  im: Float32Array;
  sampleRateHz: number;
  /** Carrier (centre) offset from 0 Hz, Hz. */
  offsetHz: number;
  /** The SNR used (−Infinity for noise only), dB. */
  snrDb: number;
  /** Nominal occupied bandwidth the SNR refers to, Hz (0 for noise only). */
  occupiedBandwidthHz: number;
  noiseDbfsPerHz: number;
  /** The emitter as rendered (absolute frequencies relative to a 1 GHz receiver centre), null for noise only. */
  spec: EmitterSpec | null;
  /** First sample index (time = startSample / sampleRateHz). */
  startSample: number;
  /** Bursty kinds: the variant drawn (e.g. 'ook-pwm', 'tdma-gsm', 'pulse-pos-piece'). */
  variant?: string;
  /** Bursty kinds: when the (main) emitter is on, s from scene start. */
  activity?: Windows;
}

const BURSTY_KINDS: readonly string[] = ['ook', 'tdma', 'pulse-pos'] satisfies BurstyKind[];

const RX_HZ = 1_000_000_000;

/**
 * Draws the random emitter of a kind. Returns the spec (levels filled later), its nominal occupied bandwidth and
 * an optional start time that guarantees the emitter is visible during the snippet.
 */
function drawEmitter(
  kind: Exclude<ExampleKind, 'noise' | BurstyKind>,
  rng: Xoshiro128ss,
  fs: number,
  durS: number,
  centerHz: number,
): { spec: EmitterSpec; obwHz: number; startS?: number } {
  const base = { id: kind, centerHz, levelDbfs: 0, seed: rng.nextU32() };
  switch (kind) {
    case 'nfm': {
      const dev = (rng.uniform() < 0.5 ? 2500 : 5000) * rng.range(0.8, 1.1);
      return { spec: { ...base, kind: 'nfm', deviationHz: dev, voicePause: 0 }, obwHz: 2 * (dev + 3000) };
    }
    case 'wfm': {
      const dev = rng.range(60_000, 75_000);
      return { spec: { ...base, kind: 'wfm', deviationHz: dev, stereo: rng.uniform() < 0.7 }, obwHz: 200_000 };
    }
    case 'am':
      return {
        spec: { ...base, kind: 'am', modulationDepth: rng.range(0.5, 0.95), voicePause: 0 },
        obwHz: 6000,
      };
    case 'cw':
    case 'jam-cw':
      return { spec: { ...base, kind: 'tone', phaseCycles: rng.uniform() }, obwHz: Math.max(1, fs / 4096) };
    case 'fsk4':
      return { spec: { ...base, kind: 'fsk4', tdma: false }, obwHz: 7600 };
    case 'ofdm': {
      const bw = rng.range(0.1, 0.7) * fs;
      return { spec: { ...base, kind: 'ofdm', bandwidthHz: bw }, obwHz: bw };
    }
    case 'mic': {
      const dev = rng.range(30_000, 50_000);
      return { spec: { ...base, kind: 'mic', deviationHz: dev, voicePause: 0 }, obwHz: 2 * (dev + 15_000) };
    }
    case 'jam-barrage': {
      const bw = rng.range(0.2, 0.9) * fs;
      return { spec: { ...base, kind: 'barrage', bandwidthHz: bw }, obwHz: bw };
    }
    case 'jam-sweep': {
      const span = rng.range(1.5, 6) * fs;
      // cross the band in 0.5 to 4 snippet durations
      const rate = fs / (durS * rng.range(0.5, 4));
      const periodS = span / rate;
      // start so the middle of the snippet is at a random point of the in-band part of a sweep
      const inBandMid = (span / 2 + rng.range(-0.3, 0.3) * fs) / rate;
      const k = rng.int(20);
      return {
        spec: { ...base, kind: 'sweep', spanHz: span, rateHzPerS: rate },
        obwHz: Math.min(fs, rate * durS),
        startS: Math.max(0, k * periodS + inBandMid - durS / 2),
      };
    }
    case 'jam-pulse': {
      const periodS = durS * rng.range(0.1, 0.5);
      const bw = rng.uniform() < 0.5 ? 0 : rng.range(0.1, 0.8) * fs;
      return {
        spec: { ...base, kind: 'pulse', bandwidthHz: bw, periodS, dutyCycle: rng.range(0.1, 0.5) },
        obwHz: Math.max(bw, fs / 4096),
      };
    }
  }
}

/** Renders one labelled example. See the module doc for the SNR convention. */
export function makeExample(kind: ExampleKind, params: ExampleParams = {}, seed = 0): Example {
  if (!(EXAMPLE_KINDS as readonly string[]).includes(kind)) throw new RangeError(`makeExample: unknown kind ${kind}`);
  const rng = new Xoshiro128ss(
    mix32(seed >>> 0, kind.length * 7919 + kind.charCodeAt(0) * 31 + kind.charCodeAt(kind.length - 1)),
  );
  const fs = params.sampleRateHz ?? 1_200_000;
  const count = params.count ?? 4096;
  const durS = count / fs;
  const level = params.levelDbfs ?? -20;
  const snrSpec = params.snrDb ?? [0, 30];
  const snrDb = typeof snrSpec === 'number' ? snrSpec : rng.range(snrSpec[0], snrSpec[1]);
  const maxOff = params.maxOffsetHz ?? 0.05 * fs;
  const offsetHz = rng.range(-maxOff, maxOff);
  let startS = rng.range(0, 60);
  if (BURSTY_KINDS.includes(kind)) {
    return renderBursty(kind as BurstyKind, rng, params, { fs, count, level, snrDb, offsetHz, startS });
  }
  let spec: EmitterSpec | null = null;
  let obw = 0;
  let noiseDbfsPerHz: number;
  if (kind === 'noise') {
    noiseDbfsPerHz = level - 10 * Math.log10(fs);
  } else {
    const d = drawEmitter(kind as Exclude<ExampleKind, 'noise' | BurstyKind>, rng, fs, durS, RX_HZ + offsetHz);
    spec = { ...d.spec, levelDbfs: level };
    obw = d.obwHz;
    if (d.startS !== undefined) startS = d.startS;
    const bw = params.snrBandwidth === 'full' ? fs : Math.min(fs, obw);
    // average signal power: the pulsed jammer is on for its duty cycle only
    const duty = spec.kind === 'pulse' ? spec.dutyCycle : 1;
    noiseDbfsPerHz = level + 10 * Math.log10(duty) - snrDb - 10 * Math.log10(bw);
  }
  let impairments: ImpairmentSpec | undefined;
  if (params.impairments) {
    impairments = {
      dcOffsetI: rng.range(-0.01, 0.01),
      dcOffsetQ: rng.range(-0.01, 0.01),
      iqGainDb: rng.range(-1, 1),
      iqPhaseDeg: rng.range(-3, 3),
    };
  }
  const scene = new Scene({ seed: rng.nextU32(), noiseDbfsPerHz, emitters: spec ? [spec] : [], impairments });
  const startSample = Math.round(startS * fs);
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  const req = { centerHz: RX_HZ, sampleRateHz: fs, startSample, count };
  if (params.quantize) {
    const bytes = new Uint8Array(2 * count);
    scene.renderCu8(req, bytes, 0);
    for (let i = 0; i < count; i++) {
      re[i] = ((bytes[2 * i] as number) - 127.5) / 127.5;
      im[i] = ((bytes[2 * i + 1] as number) - 127.5) / 127.5;
    }
  } else {
    scene.render({ ...req, re, im });
  }
  return {
    kind,
    re,
    im,
    sampleRateHz: fs,
    offsetHz: kind === 'noise' ? 0 : offsetHz,
    snrDb: kind === 'noise' ? -Infinity : snrDb,
    occupiedBandwidthHz: obw,
    noiseDbfsPerHz,
    spec,
    startSample,
  };
}

/** RTL-SDR impairments drawn as makeExample draws them. */
function drawImpairments(rng: Xoshiro128ss): ImpairmentSpec {
  return {
    dcOffsetI: rng.range(-0.01, 0.01),
    dcOffsetQ: rng.range(-0.01, 0.01),
    iqGainDb: rng.range(-1, 1),
    iqPhaseDeg: rng.range(-3, 3),
  };
}

/** Average power of the emitter below which the SNR refers to this share of its on-power (sparse replies). */
const MIN_DUTY = 0.05;

/**
 * A bursty example (emitters/bursty.ts): rendered like a Scene (emitters + noise, IQ imbalance, then DC offset and
 * optional cu8 quantisation) but with emitters outside the scene-file kinds. The SNR refers to the emitter's average
 * power over the snippet (as for the pulsed jammer), floored at MIN_DUTY of its on-power, in its carrier's occupied
 * bandwidth; the reported bandwidth and centre are what a tracker would see (possibly a piece of a wide carrier).
 */
function renderBursty(
  kind: BurstyKind,
  rng: Xoshiro128ss,
  params: ExampleParams,
  o: { fs: number; count: number; level: number; snrDb: number; offsetHz: number; startS: number },
): Example {
  const { fs, count, level, snrDb, offsetHz, startS } = o;
  const sceneKey = rng.nextU32();
  const d = drawBursty(kind, rng, fs, startS, count / fs, RX_HZ + offsetHz, level, sceneKey);
  const impairments = params.impairments ? drawImpairments(rng) : {};
  const noiseKey = deriveKey(rng.nextU32(), '#noise');
  const s0 = Math.round(startS * fs);
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  const band = { centerHz: RX_HZ, sampleRateHz: fs, ppm: 0, rollOffDb: 0 };
  for (const em of d.emitters) if (em.tune(band)) addGated(em, s0, count, fs, re, im);
  let pSig = 0;
  for (let i = 0; i < count; i++) pSig += (re[i] as number) ** 2 + (im[i] as number) ** 2;
  pSig = Math.max(pSig / count, MIN_DUTY * 10 ** (level / 10));
  const bw = params.snrBandwidth === 'full' ? fs : Math.min(fs, d.snrBandwidthHz);
  const noiseDbfsPerHz = 10 * Math.log10(pSig) - snrDb - 10 * Math.log10(bw);
  addWhiteNoise(noiseKey, noisePowerFs(noiseDbfsPerHz, fs), s0, count, re, im, 0);
  if (impairments.iqGainDb || impairments.iqPhaseDeg) {
    applyIqImbalance(re, im, count, impairments.iqGainDb ?? 0, impairments.iqPhaseDeg ?? 0);
  }
  const dcI = impairments.dcOffsetI ?? 0;
  const dcQ = impairments.dcOffsetQ ?? 0;
  if (params.quantize) {
    const bytes = new Uint8Array(2 * count);
    quantizeCu8(re, im, count, 1, dcI, dcQ, bytes);
    for (let i = 0; i < count; i++) {
      re[i] = ((bytes[2 * i] as number) - 127.5) / 127.5;
      im[i] = ((bytes[2 * i + 1] as number) - 127.5) / 127.5;
    }
  } else if (dcI !== 0 || dcQ !== 0) {
    for (let i = 0; i < count; i++) {
      re[i] = (re[i] as number) + dcI;
      im[i] = (im[i] as number) + dcQ;
    }
  }
  return {
    kind,
    re,
    im,
    sampleRateHz: fs,
    // a reported piece stays inside the capture (a tracker cannot report beyond it)
    offsetHz: Math.max(-0.42 * fs, Math.min(0.42 * fs, offsetHz + d.reportOffsetHz)),
    snrDb,
    occupiedBandwidthHz: d.obwHz,
    noiseDbfsPerHz,
    spec: d.spec,
    startSample: s0,
    variant: d.variant,
    activity: d.activity,
  };
}

/** Adds an emitter's open runs (all its gates open) for samples s0 .. s0+n-1, as Scene does. */
function addGated(em: Emitter, s0: number, n: number, fs: number, re: Float32Array, im: Float32Array): void {
  const end = s0 + n;
  let s = s0;
  while (s < end) {
    let open = true;
    let next = end;
    for (const g of em.gates) {
      if (!g.at(s, fs)) open = false;
      if (g.next < next) next = g.next;
    }
    if (open) em.add(s, next - s, re, im, s - s0);
    s = next;
  }
}
