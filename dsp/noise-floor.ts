/**
 * Noise-floor estimation over an M-averaged (Welch) PSD, robust to many occupied bins, and its slow tracking over
 * time (the learned baseline the jamming detector measures floor rise against).
 *
 * Per spectrum: the band is cut into segments; in each, a low percentile of the linear bin powers is taken and
 * divided by the same percentile of Gamma(M, 1/M) (the exact distribution of an M-frame Welch bin of Gaussian noise,
 * normalised to unit mean), which makes it an unbiased estimate of the mean noise power per bin. An optional excision
 * pass then averages the bins below a Pfa = 1 % threshold over that seed and removes the truncation bias, so a
 * segment that is, say, 50 % occupied by strong emitters still reads the true floor. Segments far above the median of
 * all segments (fully covered by a wideband emitter) are replaced by their accepted neighbours; the per-bin floor is
 * interpolated between segment centres.
 *
 * Everything is linear power (the same units as the PSD bins, i.e. 10^(dBFS/10)) unless a name says Db/Dbfs.
 */
import { gammaP, welchBinQuantile, gammaQInv } from './stats.ts';

/** Linear power from dBFS, into a preallocated array (no allocation). */
export function psdDbToLinear(psdDbfs: Float32Array, out: Float32Array | Float64Array): void {
  const n = psdDbfs.length;
  // 10^(x/10) = exp(x * ln10/10): one exp per bin instead of pow.
  const k = Math.LN10 / 10;
  for (let i = 0; i < n; i++) out[i] = Math.exp((psdDbfs[i] as number) * k);
}

/** dB (10·log10) of a linear power; -Infinity-safe floor at -400 dB. */
export function linToDb(x: number): number {
  return x > 1e-40 ? 10 * Math.log10(x) : -400;
}

/** Options of {@link NoiseFloorEstimator}. */
export interface NoiseFloorOptions {
  /** Bins per spectrum. */
  fftSize: number;
  /** Segments the band is cut into (default 32, reduced so each has at least 16 bins). */
  segments?: number;
  /** Percentile (0..1) taken in each segment as the seed estimate (default 0.2). */
  percentile?: number;
  /** Refine the seed by a truncated mean below an excision threshold (default true). */
  excision?: boolean;
  /** False-alarm probability per noise bin of the excision threshold (default 0.01). */
  excisionPfa?: number;
  /** A segment more than this above the median segment floor is treated as covered by an emitter (default 2.5 dB). */
  rejectDb?: number;
  /** Bins not to use for the estimate (1 = skip): DC spike, image bins, filter skirts. Length fftSize. */
  excludeMask?: Uint8Array;
  /** Smooth the segment floors across neighbours ([1 2 1]/4 in dB; default true). */
  smoothSegments?: boolean;
}

interface BiasTable {
  frames: number;
  /** Percentile of Gamma(M, 1/M): divide the segment percentile by it. */
  percentileFactor: number;
  /** Excision threshold over the mean, linear. */
  excisionFactor: number;
  /** E[X | X < excisionFactor] for unit-mean noise: divide the truncated mean by it. */
  truncatedMeanFactor: number;
}

/** Per-spectrum, per-region noise-floor estimator. Allocates at construction only. */
export class NoiseFloorEstimator {
  readonly fftSize: number;
  readonly segments: number;
  /** First bin of each segment; segmentStart[segments] = fftSize. */
  readonly segmentStart: Int32Array;
  /** Estimated mean noise power per bin (linear), after rejection and interpolation. */
  readonly floorLin: Float32Array;
  /** Raw per-segment estimate (linear), before rejecting emitter-covered segments. NaN if unusable. */
  readonly segmentFloorLin: Float64Array;
  /** Per-segment estimate used for the per-bin floor (after rejection / interpolation). */
  readonly segmentUsedLin: Float64Array;
  /** 1 where the segment's own estimate was accepted. */
  readonly segmentAccepted: Uint8Array;
  /** Median of the raw segment floors (linear): a single robust figure for the whole band. */
  globalFloorLin = NaN;
  private readonly percentile: number;
  private readonly excision: boolean;
  private readonly excisionPfa: number;
  private readonly rejectFactor: number;
  private readonly excludeMask: Uint8Array | undefined;
  private readonly scratch: Float64Array;
  private readonly segScratch: Float64Array;
  private readonly centers: Float64Array;
  private bias: BiasTable | undefined;
  private readonly smooth: boolean;
  private readonly combined: Uint8Array;

  constructor(opts: NoiseFloorOptions) {
    const n = opts.fftSize;
    if (!(n >= 16 && Number.isInteger(n))) throw new RangeError(`NoiseFloorEstimator: fftSize ${n} must be >= 16`);
    const segs = Math.max(1, Math.min(opts.segments ?? 32, Math.floor(n / 16)));
    this.fftSize = n;
    this.segments = segs;
    this.percentile = opts.percentile ?? 0.2;
    if (!(this.percentile > 0 && this.percentile < 1)) throw new RangeError('percentile must be in (0, 1)');
    this.excision = opts.excision ?? true;
    this.smooth = opts.smoothSegments ?? true;
    this.excisionPfa = opts.excisionPfa ?? 0.01;
    this.rejectFactor = 10 ** ((opts.rejectDb ?? 2.5) / 10);
    if (opts.excludeMask && opts.excludeMask.length !== n) throw new RangeError('excludeMask length must be fftSize');
    this.excludeMask = opts.excludeMask;
    this.segmentStart = new Int32Array(segs + 1);
    this.centers = new Float64Array(segs);
    let maxLen = 0;
    for (let s = 0; s <= segs; s++) this.segmentStart[s] = Math.floor((s * n) / segs);
    for (let s = 0; s < segs; s++) {
      const a = this.segmentStart[s] as number;
      const b = this.segmentStart[s + 1] as number;
      this.centers[s] = (a + b - 1) / 2;
      maxLen = Math.max(maxLen, b - a);
    }
    this.floorLin = new Float32Array(n);
    this.combined = new Uint8Array(n);
    this.segmentFloorLin = new Float64Array(segs);
    this.segmentUsedLin = new Float64Array(segs);
    this.segmentAccepted = new Uint8Array(segs);
    this.scratch = new Float64Array(maxLen);
    this.segScratch = new Float64Array(segs);
  }

  /** Correction factors for M averaged frames (computed from the Gamma distribution, cached for the last M). */
  private biasFor(frames: number): BiasTable {
    const b = this.bias;
    if (b && b.frames === frames) return b;
    const pf = welchBinQuantile(frames, this.percentile);
    const ef = gammaQInv(frames, this.excisionPfa) / frames;
    // Mean of Gamma(M, 1/M) truncated to [0, c): P(M+1, Mc) / P(M, Mc).
    const tm = gammaP(frames + 1, frames * ef) / gammaP(frames, frames * ef);
    const t = { frames, percentileFactor: pf, excisionFactor: ef, truncatedMeanFactor: tm };
    this.bias = t;
    return t;
  }

  /**
   * Estimate the floor of one linear PSD (FFT-shifted, length fftSize) averaged over `frames` effective frames.
   * `binFlags` (a Spectrum's per-bin DC / image flags) are skipped like the static exclude mask.
   * Fills {@link floorLin}, the segment arrays and {@link globalFloorLin}.
   */
  estimate(psdLin: Float32Array | Float64Array, frames: number, binFlags?: Uint8Array): void {
    if (psdLin.length !== this.fftSize)
      throw new RangeError(`estimate: PSD length ${psdLin.length} != ${this.fftSize}`);
    if (binFlags && binFlags.length !== this.fftSize) throw new RangeError('estimate: binFlags length != fftSize');
    const bias = this.biasFor(Math.max(frames, 0.5));
    const segs = this.segments;
    let ex = this.excludeMask;
    if (binFlags) {
      if (ex) {
        for (let i = 0; i < this.fftSize; i++) this.combined[i] = (ex[i] as number) | (binFlags[i] as number);
        ex = this.combined;
      } else ex = binFlags;
    }
    for (let s = 0; s < segs; s++) {
      const a = this.segmentStart[s] as number;
      const b = this.segmentStart[s + 1] as number;
      let cnt = 0;
      for (let i = a; i < b; i++) {
        if (ex && ex[i]) continue;
        this.scratch[cnt++] = psdLin[i] as number;
      }
      if (cnt < 8) {
        this.segmentFloorLin[s] = NaN;
        continue;
      }
      const rank = Math.min(cnt - 1, Math.max(0, Math.round(this.percentile * (cnt + 1)) - 1));
      let est = quickselect(this.scratch, cnt, rank) / bias.percentileFactor;
      if (this.excision) {
        for (let it = 0; it < 2; it++) {
          const thr = est * bias.excisionFactor;
          let sum = 0;
          let k = 0;
          for (let i = a; i < b; i++) {
            if (ex && ex[i]) continue;
            const v = psdLin[i] as number;
            if (v < thr) {
              sum += v;
              k++;
            }
          }
          // Too few bins below the threshold: the segment is mostly occupied; keep the percentile seed.
          if (k < Math.max(4, 0.2 * cnt)) break;
          est = sum / k / bias.truncatedMeanFactor;
        }
      }
      this.segmentFloorLin[s] = est;
    }
    this.finishSegments();
  }

  private finishSegments(): void {
    const segs = this.segments;
    let m = 0;
    for (let s = 0; s < segs; s++) {
      const v = this.segmentFloorLin[s] as number;
      if (v === v) this.segScratch[m++] = v;
    }
    if (m === 0) {
      this.globalFloorLin = NaN;
      this.floorLin.fill(NaN);
      this.segmentAccepted.fill(0);
      this.segmentUsedLin.fill(NaN);
      return;
    }
    const ref = quickselect(this.segScratch, m, Math.floor((m - 1) / 2));
    this.globalFloorLin = ref;
    const limit = ref * this.rejectFactor;
    for (let s = 0; s < segs; s++) {
      const v = this.segmentFloorLin[s] as number;
      this.segmentAccepted[s] = v === v && v <= limit ? 1 : 0;
    }
    // Rejected segments: linear interpolation between the nearest accepted neighbours (or the nearer one).
    for (let s = 0; s < segs; s++) {
      if (this.segmentAccepted[s]) {
        this.segmentUsedLin[s] = this.segmentFloorLin[s] as number;
        continue;
      }
      let l = s - 1;
      while (l >= 0 && !this.segmentAccepted[l]) l--;
      let r = s + 1;
      while (r < segs && !this.segmentAccepted[r]) r++;
      if (l < 0 && r >= segs) this.segmentUsedLin[s] = ref;
      else if (l < 0) this.segmentUsedLin[s] = this.segmentFloorLin[r] as number;
      else if (r >= segs) this.segmentUsedLin[s] = this.segmentFloorLin[l] as number;
      else {
        const fl = this.segmentFloorLin[l] as number;
        const fr = this.segmentFloorLin[r] as number;
        this.segmentUsedLin[s] = fl + ((fr - fl) * (s - l)) / (r - l);
      }
    }
    if (this.smooth && segs >= 3) this.smoothSegments();
    this.interpolateBins();
  }

  /**
   * [1 2 1]/4 smoothing of the segment floors in dB: cuts the estimator variance to ~0.6x in σ while a smooth
   * (ripple / roll-off) floor passes nearly unchanged. The two end segments keep their own value.
   */
  private smoothSegments(): void {
    const u = this.segmentUsedLin;
    const t = this.segScratch;
    const segs = this.segments;
    for (let s = 0; s < segs; s++) t[s] = Math.log(u[s] as number);
    for (let s = 1; s < segs - 1; s++)
      u[s] = Math.exp(0.25 * ((t[s - 1] as number) + 2 * (t[s] as number) + (t[s + 1] as number)));
  }

  private interpolateBins(): void {
    const segs = this.segments;
    const out = this.floorLin;
    const n = this.fftSize;
    const c = this.centers;
    const f = this.segmentUsedLin;
    if (segs === 1) {
      out.fill(f[0] as number);
      return;
    }
    // Geometric (dB-linear) interpolation between segment centres, extrapolated from the outer pairs at the band
    // edges: filter roll-off is close to a straight line in dB. One pow per segment, a multiply per bin.
    let s = 0;
    let i = 0;
    while (i < n) {
      const c0 = c[s] as number;
      const c1 = c[s + 1] as number;
      const f0 = f[s] as number;
      const f1 = f[s + 1] as number;
      const end = s === segs - 2 ? n : Math.floor(c1) + 1;
      const ratio = f0 > 0 && f1 > 0 ? Math.pow(f1 / f0, 1 / (c1 - c0)) : 1;
      let v = f0 > 0 ? f0 * Math.pow(ratio, i - c0) : f1;
      for (; i < end; i++) {
        out[i] = v;
        v *= ratio;
      }
      s++;
    }
  }
}

/**
 * k-th smallest (0-based) of a[from..n) by in-place quickselect; reorders that range so that everything before k
 * is ≤ a[k] ≤ everything after it (so a second quantile can be selected within one side only).
 */
export function quickselect(a: Float64Array, n: number, k: number, from = 0): number {
  let lo = from;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three as pivot keeps sorted / constant input from going quadratic.
    const mid = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      // Bounded scans: reading past the active range would deoptimise the hot loop (out-of-bounds access).
      while (i <= hi && (a[i] as number) < pivot) i++;
      while (j >= lo && (a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Options of {@link NoiseFloorTracker}. Times in seconds. */
export interface NoiseFloorTrackerOptions {
  /** Number of segments tracked (the estimator's `segments`). */
  segments: number;
  /** Warm-up: the baseline is the plain mean of the first `learnS` seconds (default 10 s). */
  learnS?: number;
  /** Time constant for the baseline to follow a rising floor (default 900 s): a jammer is not learnt quickly. */
  riseTauS?: number;
  /** Time constant for a falling floor (default 20 s): a quieter band is adopted quickly. */
  fallTauS?: number;
}

/**
 * Learned noise-floor baseline per segment and for the whole band, tracked with an asymmetric exponential smoother
 * of the floor in dB (fast down, very slow up), so a barrage jammer shows as a floor rise for a long time instead of becoming the new
 * normal. While `hold` is set (a jamming alarm is active) the baseline does not rise at all.
 */
export class NoiseFloorTracker {
  readonly segments: number;
  /** Learned baseline per segment, linear. NaN until the first usable value. */
  readonly baselineLin: Float64Array;
  /** Rise of the latest segment floor over the baseline (before this frame updated it), dB. */
  readonly riseDb: Float32Array;
  baselineGlobalLin = NaN;
  /** Rise of the latest global floor over the global baseline, dB. */
  globalRiseDb = 0;
  private readonly learnS: number;
  private readonly riseTauS: number;
  private readonly fallTauS: number;
  private firstTimeS = NaN;
  private lastTimeS = NaN;
  private learnCount = 0;
  private readonly counts: Float64Array;

  constructor(opts: NoiseFloorTrackerOptions) {
    this.segments = opts.segments;
    this.learnS = opts.learnS ?? 10;
    this.riseTauS = opts.riseTauS ?? 900;
    this.fallTauS = opts.fallTauS ?? 20;
    this.baselineLin = new Float64Array(opts.segments).fill(NaN);
    this.riseDb = new Float32Array(opts.segments);
    this.counts = new Float64Array(opts.segments);
  }

  /** True once the warm-up period is over (a rise is meaningful). */
  get learned(): boolean {
    return this.lastTimeS - this.firstTimeS >= this.learnS && this.learnCount > 0;
  }

  /** Forget the baseline (after a retune or a gain change). */
  reset(): void {
    this.baselineLin.fill(NaN);
    this.riseDb.fill(0);
    this.counts.fill(0);
    this.baselineGlobalLin = NaN;
    this.globalRiseDb = 0;
    this.firstTimeS = NaN;
    this.lastTimeS = NaN;
    this.learnCount = 0;
  }

  /**
   * Feed the estimator's raw segment floors and global floor for a spectrum at `timeS` (seconds, increasing).
   * `hold` freezes upward baseline movement (set it while a jamming alarm is active).
   */
  update(segmentFloorLin: Float64Array, globalFloorLin: number, timeS: number, hold = false): void {
    if (segmentFloorLin.length !== this.segments) throw new RangeError('update: segment count mismatch');
    if (this.firstTimeS !== this.firstTimeS) this.firstTimeS = timeS;
    const dt = this.lastTimeS === this.lastTimeS ? Math.max(0, timeS - this.lastTimeS) : 0;
    this.lastTimeS = timeS;
    const learning = timeS - this.firstTimeS < this.learnS;
    if (learning) this.learnCount++;
    const aUp = hold ? 0 : 1 - Math.exp(-dt / this.riseTauS);
    const aDown = 1 - Math.exp(-dt / this.fallTauS);
    for (let s = 0; s < this.segments; s++) {
      const x = segmentFloorLin[s] as number;
      const b = this.baselineLin[s] as number;
      if (!(x > 0)) {
        this.riseDb[s] = 0;
        continue;
      }
      this.riseDb[s] = b > 0 ? 10 * Math.log10(x / b) : 0;
      this.baselineLin[s] = this.step(b, x, learning, aUp, aDown, s);
    }
    if (globalFloorLin > 0) {
      const b = this.baselineGlobalLin;
      this.globalRiseDb = b > 0 ? 10 * Math.log10(globalFloorLin / b) : 0;
      this.baselineGlobalLin = this.step(b, globalFloorLin, learning, aUp, aDown, -1);
    }
  }

  private globalCount = 0;

  private step(b: number, x: number, learning: boolean, aUp: number, aDown: number, s: number): number {
    if (!(b > 0)) {
      if (s >= 0) this.counts[s] = 1;
      else this.globalCount = 1;
      return x;
    }
    if (learning) {
      // Plain running mean while learning: every early frame counts the same.
      let n: number;
      if (s >= 0) n = this.counts[s] = (this.counts[s] as number) + 1;
      else n = this.globalCount = this.globalCount + 1;
      return b + (x - b) / n;
    }
    // Smooth in the log domain: the baseline approaches a step rise in dB at the stated time constant, so a
    // +6 dB jammer still reads > 5.4 dB after 60 s with the default 900 s.
    return x > b ? b * Math.pow(x / b, aUp) : b * Math.pow(x / b, aDown);
  }
}
