/**
 * Spectrum sequences for the jamming tests: licensed-looking traffic (bursty NFM, 4FSK, OFDM, wireless mics) and
 * jammers (barrage, CW, sweep, pulse), rendered as M-averaged Welch spectra at a fixed spectrum rate and run
 * through the real detection chain (floor → CFAR → emissions → jamming).
 *
 * Noise-like components (noise, voice FM, 4FSK, OFDM, barrage) add to the per-bin mean and are Welch-sampled;
 * deterministic components (a CW tone, an idle carrier, a chirp's smear) add as they are.
 */
import { CfarDetector } from '../../dsp/cfar.ts';
import { EmissionExtractor, dcExcludeMask } from '../../dsp/emissions.ts';
import { FramePowerCollector, JammingDetector, type JammingOptions } from '../../dsp/jamming.ts';
import { NoiseFloorEstimator } from '../../dsp/noise-floor.ts';
import { Scene, type EmitterSpec } from '../../dsp/synth/index.ts';
import { FftJsKernel } from '../../dsp/fft-kernel.ts';
import { WasmSimdKernel, wasmSimdSupported } from '../../dsp/wasm/kernel.ts';
import { WelchPsd } from '../../dsp/welch.ts';
import { makeWindow } from '../../dsp/window.ts';
import type { JammerDetection, JammerType } from '../../dsp/types.ts';
import { Rng, addGaussian, addRect, addTone, dbToLin } from './detect-fixtures.ts';

export interface SceneCtx {
  n: number;
  binHz: number;
  startHz: number;
  /** Integration time of one spectrum, s. */
  integrationS: number;
  floorLin: number;
  rng: Rng;
}

/** Adds one component's power for time t: noise-like into `noise`, deterministic into `det`. */
export type Component = (t: number, noise: Float64Array, det: Float64Array, ctx: SceneCtx) => void;

const bin = (ctx: SceneCtx, hz: number) => (hz - ctx.startHz) / ctx.binHz;

/** An on/off schedule of random durations (seconds) drawn once from a seeded PRNG. */
export function randomSchedule(
  seed: number,
  onS: [number, number],
  offS: [number, number],
  totalS: number,
): (t: number) => boolean {
  const rng = new Rng(seed);
  const edges: number[] = [];
  let t = rng.uniform() * offS[1];
  while (t < totalS) {
    const on = onS[0] + rng.uniform() * (onS[1] - onS[0]);
    edges.push(t, t + on);
    t += on + offS[0] + rng.uniform() * (offS[1] - offS[0]);
  }
  return (x) => {
    for (let i = 0; i < edges.length; i += 2)
      if (x >= (edges[i] as number) && x < (edges[i + 1] as number)) return true;
    return false;
  };
}

/** Bursty NFM voice (PTT): a Gaussian hump whose width and centre wobble with the audio. */
export function nfm(centerHz: number, snrDb: number, on: (t: number) => boolean): Component {
  return (t, noise, _det, ctx) => {
    if (!on(t)) return;
    const sigmaHz = 1200 + 1800 * ctx.rng.uniform();
    const c = bin(ctx, centerHz + 300 * ctx.rng.normal());
    addGaussian(noise, c, sigmaHz / ctx.binHz, dbToLin(snrDb) * ctx.floorLin);
  };
}

/** DMR-like 4FSK (12.5 kHz channel): four lobes at ±648 / ±1944 Hz with random symbol weights per spectrum. */
export function fsk4(centerHz: number, snrDb: number, on: (t: number) => boolean): Component {
  return (t, noise, _det, ctx) => {
    if (!on(t)) return;
    for (const off of [-1944, -648, 648, 1944]) {
      const w = 0.6 + 0.8 * ctx.rng.uniform();
      addGaussian(noise, bin(ctx, centerHz + off), 1100 / ctx.binHz, 0.5 * w * dbToLin(snrDb) * ctx.floorLin);
    }
  };
}

/**
 * DMR mobile in TDMA: a 27.5 ms burst every 60 ms (starting at `phaseS`); a spectrum's level is set by the fraction
 * of its integration time the burst covers. On while `on(t)` (PTT).
 */
export function dmrTdma(centerHz: number, snrDb: number, on: (t: number) => boolean, phaseS: number): Component {
  return (t, noise, _det, ctx) => {
    if (!on(t)) return;
    const t1 = t + ctx.integrationS;
    let cover = 0;
    for (let k = Math.floor((t - phaseS) / 0.06) - 1; k * 0.06 + phaseS < t1; k++) {
      const a = Math.max(t, k * 0.06 + phaseS);
      const b = Math.min(t1, k * 0.06 + phaseS + 0.0275);
      if (b > a) cover += b - a;
    }
    if (cover <= 0) return;
    addGaussian(
      noise,
      bin(ctx, centerHz),
      3000 / ctx.binHz,
      (cover / ctx.integrationS) * dbToLin(snrDb) * ctx.floorLin,
    );
  };
}

/** OFDM-like flat top of bandwidth bwHz. */
export function ofdm(centerHz: number, bwHz: number, snrDb: number, on: (t: number) => boolean): Component {
  return (t, noise, _det, ctx) => {
    if (!on(t)) return;
    addRect(noise, bin(ctx, centerHz), bwHz / ctx.binHz, dbToLin(snrDb) * ctx.floorLin);
  };
}

/**
 * Wireless microphone (wideband FM, always on): with audio, a hump σ 4..15 kHz; in pauses (0.3..3 s) the carrier
 * with the 32.768 kHz pilot's Bessel sidebands (β ≈ 0.15: −22 dB).
 */
export function wirelessMic(centerHz: number, snrDb: number, seed: number, totalS: number): Component {
  const silent = randomSchedule(seed, [0.3, 3], [2, 15], totalS);
  return (t, noise, det, ctx) => {
    const p = dbToLin(snrDb) * ctx.floorLin;
    if (silent(t)) {
      addTone(det, bin(ctx, centerHz), p);
      addTone(det, bin(ctx, centerHz - 32768), p * dbToLin(-22));
      addTone(det, bin(ctx, centerHz + 32768), p * dbToLin(-22));
    } else {
      const sigmaHz = 4000 + 11000 * ctx.rng.uniform();
      addGaussian(
        noise,
        bin(ctx, centerHz + 3000 * ctx.rng.normal()),
        sigmaHz / ctx.binHz,
        (p * ctx.binHz) / (sigmaHz * 2.5066),
      );
    }
  };
}

/** Barrage: flat noise raising the floor by riseDb over [fromHz, toHz] during [startS, stopS). */
export function barrage(startS: number, stopS: number, fromHz: number, toHz: number, riseDb: number): Component {
  return (t, noise, _det, ctx) => {
    if (t < startS || t >= stopS) return;
    addRect(noise, bin(ctx, (fromHz + toHz) / 2), (toHz - fromHz) / ctx.binHz, (dbToLin(riseDb) - 1) * ctx.floorLin);
  };
}

/** CW jammer: a steady tone from startS. */
export function cwJammer(startS: number, hz: number, snrDb: number): Component {
  return (t, _noise, det, ctx) => {
    if (t < startS) return;
    addTone(det, bin(ctx, hz), dbToLin(snrDb + 0.1 * ctx.rng.normal()) * ctx.floorLin);
  };
}

/** Saw-tooth sweep over [fromHz, toHz] at rateHzPerS from startS; the line smears over rate·integration. */
export function sweep(startS: number, fromHz: number, toHz: number, rateHzPerS: number, snrDb: number): Component {
  return (t, _noise, det, ctx) => {
    if (t < startS) return;
    const span = toHz - fromHz;
    const f = fromHz + (((((t - startS) * rateHzPerS) % span) + span) % span);
    const smearBins = Math.max(1, (Math.abs(rateHzPerS) * ctx.integrationS) / ctx.binHz);
    const p = dbToLin(snrDb) * ctx.floorLin;
    if (smearBins <= 1.5) addTone(det, bin(ctx, f), p);
    else addRect(det, bin(ctx, f), smearBins, p / smearBins);
  };
}

/** Pulsed noise over [fromHz, toHz]: on for duty·period every period from startS. */
export function pulse(
  startS: number,
  periodS: number,
  duty: number,
  fromHz: number,
  toHz: number,
  snrDb: number,
): Component {
  return (t, noise, _det, ctx) => {
    if (t < startS) return;
    const ph = ((t - startS) % periodS) / periodS;
    if (ph >= duty) return;
    addRect(noise, bin(ctx, (fromHz + toHz) / 2), (toHz - fromHz) / ctx.binHz, dbToLin(snrDb) * ctx.floorLin);
  };
}

export interface SceneResult {
  frames: number;
  /** Frames with at least one detection of each type. */
  framesWith: Record<JammerType, number>;
  /** Time of the first detection of each type, s (undefined if never). */
  firstS: Partial<Record<JammerType, number>>;
  /** A copy of the last detection of each type. */
  last: Partial<Record<JammerType, JammerDetection>>;
  maxFloorRiseDb: number;
  /** Copies of every detection of the last spectrum that had any. */
  lastFound: JammerDetection[];
}

export interface SceneOptions {
  durationS: number;
  dtS?: number;
  fftSize?: number;
  sampleRateHz?: number;
  centerHz?: number;
  frames?: number;
  seed?: number;
  jamming?: Omit<JammingOptions, 'fftSize'>;
}

export const SCENE_CENTER_HZ = 446e6;
export const SCENE_FS = 2.4e6;

/** Run components through floor → CFAR → emissions → jamming and tally the detections. */
export function runScene(components: Component[], o: SceneOptions): SceneResult {
  const n = o.fftSize ?? 1024;
  const fs = o.sampleRateHz ?? SCENE_FS;
  const centerHz = o.centerHz ?? SCENE_CENTER_HZ;
  const m = o.frames ?? 16;
  const dtS = o.dtS ?? 0.1;
  const rng = new Rng(o.seed ?? 1);
  const ctx: SceneCtx = {
    n,
    binHz: fs / n,
    startHz: centerHz - fs / 2,
    integrationS: (m * n) / fs,
    floorLin: dbToLin(-70),
    rng,
  };
  const exclude = dcExcludeMask(n, 2);
  const floor = new NoiseFloorEstimator({ fftSize: n, segments: 32, excludeMask: exclude });
  const cfar = new CfarDetector({ fftSize: n, pfa: 1e-6, method: 'known', excludeMask: exclude });
  const ex = new EmissionExtractor({ fftSize: n, excludeMask: exclude });
  const jam = new JammingDetector({ fftSize: n, excludeMask: exclude, ...o.jamming });
  const spectrum = { startHz: ctx.startHz, binHz: ctx.binHz, fftSize: n, effectiveFrames: m, enbwBins: 1.5 };
  const noise = new Float64Array(n);
  const det = new Float64Array(n);
  const psd = new Float32Array(n);
  const types: JammerType[] = ['barrage', 'cw', 'sweep', 'pulse'];
  const res: SceneResult = {
    frames: 0,
    framesWith: { barrage: 0, cw: 0, sweep: 0, pulse: 0 },
    firstS: {},
    last: {},
    maxFloorRiseDb: -Infinity,
    lastFound: [],
  };
  for (let t = 0; t < o.durationS; t += dtS) {
    noise.fill(ctx.floorLin);
    det.fill(0);
    for (const c of components) c(t, noise, det, ctx);
    for (let k = 0; k < n; k++) psd[k] = ((noise[k] as number) * rng.gamma(m)) / m + (det[k] as number);
    floor.estimate(psd, m);
    const mask = cfar.detect(psd, m, floor.floorLin);
    const count = ex.extract(spectrum, psd, floor.floorLin, mask);
    const found = jam.update({
      spectrum,
      timeS: t,
      psdLin: psd,
      floor,
      detMask: mask,
      emissions: ex.emissions,
      emissionCount: count,
    });
    res.frames++;
    res.maxFloorRiseDb = Math.max(res.maxFloorRiseDb, jam.features.floorRiseDb);
    if (found.length) res.lastFound = found.map((d) => ({ ...d, detail: { ...d.detail } }));
    for (const ty of types) {
      const d = found.find((x) => x.type === ty);
      if (!d) continue;
      res.framesWith[ty]++;
      res.firstS[ty] ??= t;
      res.last[ty] = { ...d, detail: { ...d.detail } };
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------------------
// Real chain: dsp/synth Scene (cu8 at 2.4 MS/s) → WelchPsd (N = 2048, M = 32, no overlap, DC bins flagged) →
// NoiseFloorEstimator → CfarDetector → EmissionExtractor → JammingDetector, with the per-frame band powers from a
// second WelchPsd (averages 1) through FramePowerCollector, as docs/dsp-detection.md tells the pipeline to wire it.

export const CHAIN_FS = 2.4e6;
export const CHAIN_N = 2048;
const CHAIN_M = 32;
const CHAIN_CHUNK = 131072;

export interface ChainResult {
  spectra: number;
  framesWith: Record<JammerType, number>;
  firstS: Partial<Record<JammerType, number>>;
  /** Copies of the detections of each type in the last spectrum that had one. */
  last: Partial<Record<JammerType, JammerDetection[]>>;
}

export interface ChainOptions {
  /** The emitters of a scene (seed `seed`, noise −100 dBFS/Hz)... */
  emitters?: EmitterSpec[];
  /** ...or a ready scene. */
  scene?: Scene;
  centerHz: number;
  durationS: number;
  /** Scene time of the first sample, s (default 0); reported times are scene times. */
  startS?: number;
  /** Per-frame input on (default true). */
  frames?: boolean;
  /** Render this many samples once and repeat them (the virtual dongle's render loop). */
  loopSamples?: number;
  jamming?: Partial<Omit<JammingOptions, 'fftSize' | 'excludeMask'>>;
  seed?: number;
  /** Called with every spectrum's detections (time of the spectrum, s) and the detector. */
  onDetections?: (timeS: number, found: readonly JammerDetection[], detector: JammingDetector) => void;
}

function chainKernel(window: ReturnType<typeof makeWindow>) {
  return wasmSimdSupported() ? WasmSimdKernel.createSync(CHAIN_N, window) : new FftJsKernel(CHAIN_N, window);
}

/** The pipeline's jamming settings (src/pipeline/dsp-jamming-stage.ts) with a 3 s learning time. */
export function pipelineJamming(extra: ChainOptions['jamming'] = {}): Omit<JammingOptions, 'fftSize' | 'excludeMask'> {
  return {
    edgeFraction: 0.08,
    tracker: { learnS: 3 },
    barrage: { persistS: 0.5 },
    cw: { minDurationS: 0.6, minFrames: 12 },
    ...extra,
  };
}

/** Run a synthesised scene through the real chain; count the spectra with each jammer type. */
export function runChain(o: ChainOptions): ChainResult {
  const N = CHAIN_N;
  const FS = CHAIN_FS;
  const scene = o.scene ?? new Scene({ seed: o.seed ?? 7, noiseDbfsPerHz: -100, emitters: o.emitters ?? [] });
  const exclude = dcExcludeMask(N, 3);
  const floor = new NoiseFloorEstimator({ fftSize: N, segments: 32, excludeMask: exclude });
  const cfar = new CfarDetector({ fftSize: N, pfa: 1e-6, method: 'known', excludeMask: exclude });
  const ex = new EmissionExtractor({ fftSize: N, excludeMask: exclude });
  const jam = new JammingDetector({ fftSize: N, excludeMask: exclude, ...pipelineJamming(o.jamming) });
  const collector = new FramePowerCollector(floor.segmentStart, 512);
  const useFrames = o.frames ?? true;
  const t0 = o.startS ?? 0;
  const res: ChainResult = {
    spectra: 0,
    framesWith: { barrage: 0, cw: 0, sweep: 0, pulse: 0 },
    firstS: {},
    last: {},
  };
  const window = makeWindow('hann', N);
  const common = { fftSize: N, sampleRateHz: FS, centerHz: o.centerHz, overlap: 0, dcWidthBins: 7, window };
  const frameWelch = new WelchPsd({
    ...common,
    kernel: chainKernel(window),
    averages: 1,
    onSpectrum: (s) => collector.push(s.psdLin as Float32Array, s.firstSample / FS + t0),
  });
  const welch = new WelchPsd({
    ...common,
    kernel: chainKernel(window),
    averages: CHAIN_M,
    onSpectrum: (s) => {
      const psd = s.psdLin as Float32Array;
      const mEff = s.effectiveFrames;
      floor.estimate(psd, mEff, s.binFlags);
      const mask = cfar.detect(psd, mEff, floor.floorLin, s.binFlags);
      const count = ex.extract(s, psd, floor.floorLin, mask, s.binFlags);
      const t = s.firstSample / FS + t0;
      const found = jam.update({
        spectrum: s,
        timeS: t,
        psdLin: psd,
        floor,
        detMask: mask,
        emissions: ex.emissions,
        emissionCount: count,
        ...(useFrames ? { framePower: collector.input } : {}),
      });
      collector.clear();
      res.spectra++;
      o.onDetections?.(t, found, jam);
      for (const ty of ['barrage', 'cw', 'sweep', 'pulse'] as const) {
        const ds = found.filter((d) => d.type === ty);
        if (!ds.length) continue;
        res.framesWith[ty]++;
        res.firstS[ty] ??= t;
        res.last[ty] = ds.map((d) => ({ ...d, detail: { ...d.detail } }));
      }
    },
  });
  const total = Math.floor(o.durationS * FS);
  const first = Math.round(t0 * FS);
  const loop = o.loopSamples ? new Uint8Array(2 * o.loopSamples) : null;
  if (loop && o.loopSamples)
    scene.renderCu8({ centerHz: o.centerHz, sampleRateHz: FS, startSample: 0, count: o.loopSamples }, loop);
  const buf = new Uint8Array(2 * CHAIN_CHUNK);
  for (let s0 = 0; s0 < total; s0 += CHAIN_CHUNK) {
    const count = Math.min(CHAIN_CHUNK, total - s0);
    let bytes: Uint8Array;
    if (loop && o.loopSamples) {
      // Repeat the rendered stretch (chunks straddling the loop end are stitched).
      for (let i = 0; i < count; i++) {
        const j = (s0 + i) % o.loopSamples;
        buf[2 * i] = loop[2 * j] as number;
        buf[2 * i + 1] = loop[2 * j + 1] as number;
      }
      bytes = buf.subarray(0, 2 * count);
    } else {
      bytes = buf.subarray(0, 2 * count);
      scene.renderCu8({ centerHz: o.centerHz, sampleRateHz: FS, startSample: first + s0, count }, bytes);
    }
    if (useFrames) frameWelch.push(bytes, 'cu8', s0);
    welch.push(bytes, 'cu8', s0);
  }
  return res;
}
