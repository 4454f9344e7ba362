/**
 * Per-bin detection of an M-averaged PSD at a stated per-bin false-alarm probability.
 *
 * - `known`: noise power taken from the noise-floor estimator; under H0, 2·M·X/σ² ~ χ²_{2M}, so the threshold is
 *   χ²⁻¹_{2M}(1 − Pfa)/(2M) times the floor.
 * - `ca` (cell averaging): mean of N reference bins (N/2 each side beyond G guard bins); X/mean ~ F(2M, 2NM).
 * - `os` (ordered statistic): k-th smallest of the N reference bins (k = 3N/4 by default); factor from the exact
 *   OS-CFAR integral. Tolerates up to N − k interfering bins in the window.
 *
 * At the band edges the reference window slides inwards so that it always holds N bins (the factor stays exact).
 * Linear powers throughout; factors in dB only in {@link thresholdFactorDb}.
 */
import { chi2Isf, fIsf, osCfarAlpha } from './stats.ts';
import { quickselect } from './noise-floor.ts';
import { combineExclusions } from './emissions.ts';

export type CfarMethod = 'known' | 'ca' | 'os';

const factorCache = new Map<string, number>();

/** Default OS order for N reference cells: k = round(3N/4). */
export function defaultOsOrder(refCells: number): number {
  return Math.max(1, Math.round((3 * refCells) / 4));
}

/**
 * Threshold factor (linear) for `frames` averaged frames and per-bin false-alarm probability `pfa`:
 * over the mean noise (known), over the reference mean (ca) or over the k-th reference cell (os).
 * Cached; the first call for a new combination may take up to ~100 ms (os).
 */
export function thresholdFactor(
  frames: number,
  pfa: number,
  method: CfarMethod,
  refCells = 32,
  osOrder = defaultOsOrder(refCells),
): number {
  if (!(frames > 0)) throw new RangeError(`thresholdFactor: frames must be > 0 (got ${frames})`);
  if (!(pfa > 0 && pfa < 1)) throw new RangeError(`thresholdFactor: pfa must be in (0, 1) (got ${pfa})`);
  const key = `${method}/${frames}/${pfa}/${refCells}/${osOrder}`;
  let f = factorCache.get(key);
  if (f !== undefined) return f;
  if (method === 'known') f = chi2Isf(pfa, 2 * frames) / (2 * frames);
  else if (method === 'ca') f = fIsf(pfa, 2 * frames, 2 * refCells * frames);
  else f = osCfarAlpha(pfa, frames, refCells, osOrder);
  // Callers with a varying M (e.g. a growing long-term average) must not grow the cache without bound.
  if (factorCache.size >= 512) factorCache.clear();
  factorCache.set(key, f);
  return f;
}

/** {@link thresholdFactor} in dB (e.g. M = 16, Pfa = 1e-6: known 4.25 dB, CA N = 32 4.37 dB, OS k = 24 3.86 dB). */
export function thresholdFactorDb(
  frames: number,
  pfa: number,
  method: CfarMethod,
  refCells?: number,
  osOrder?: number,
): number {
  return 10 * Math.log10(thresholdFactor(frames, pfa, method, refCells, osOrder));
}

/** Known-noise test: out[i] = psd[i] > factor·floor[i] (and not excluded). Returns the number of detections. */
export function detectKnown(
  psdLin: Float32Array | Float64Array,
  floorLin: Float32Array | Float64Array,
  factor: number,
  out: Uint8Array,
  excludeMask?: Uint8Array,
): number {
  const n = psdLin.length;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const d = (psdLin[i] as number) > factor * (floorLin[i] as number) && !(excludeMask && excludeMask[i]) ? 1 : 0;
    out[i] = d;
    hits += d;
  }
  return hits;
}

/** Options of {@link CfarDetector}. */
export interface CfarOptions {
  fftSize: number;
  /** Per-bin false-alarm probability (default 1e-6). */
  pfa?: number;
  /** Default 'os' would be the safe choice in dense spectra; 'known' is the cheapest and uses the floor estimate. */
  method?: CfarMethod;
  /** Reference bins N for ca/os (even; default 32). */
  refCells?: number;
  /** Guard bins on each side of the cell under test (default 2: a Hann main lobe is ±2 bins). */
  guardCells?: number;
  /** OS order k (1-based, default 3N/4). */
  osOrder?: number;
  /** Bins never declared detected (DC, images). */
  excludeMask?: Uint8Array;
  /**
   * OS only: also compute the per-bin threshold into `thresholdLin` (a k-th-of-N selection per bin, ~10x the
   * cost of the detection itself). Default false: thresholdLin holds NaN for OS.
   */
  osThresholds?: boolean;
}

/** CFAR detector with preallocated output; `detect` allocates nothing. */
export class CfarDetector {
  readonly fftSize: number;
  readonly pfa: number;
  readonly method: CfarMethod;
  readonly refCells: number;
  readonly guardCells: number;
  readonly osOrder: number;
  /** Detection mask of the latest `detect` call (1 = above threshold). */
  readonly mask: Uint8Array;
  /** Per-bin threshold of the latest call, linear (ca/os: factor·reference; known: factor·floor; os: NaN unless osThresholds). */
  readonly thresholdLin: Float32Array;
  /** Detections in the latest call. */
  detections = 0;
  private readonly excludeMask: Uint8Array | undefined;
  private readonly osThresholds: boolean;
  private readonly prefix: Float64Array;
  private readonly window: Float64Array;
  private readonly combined: Uint8Array;

  constructor(opts: CfarOptions) {
    this.fftSize = opts.fftSize;
    this.pfa = opts.pfa ?? 1e-6;
    this.method = opts.method ?? 'known';
    this.refCells = opts.refCells ?? 32;
    this.guardCells = opts.guardCells ?? 2;
    this.osOrder = opts.osOrder ?? defaultOsOrder(this.refCells);
    if (this.refCells < 2 || this.refCells % 2 !== 0) throw new RangeError('refCells must be even and >= 2');
    if (this.refCells + 2 * this.guardCells + 1 > this.fftSize) throw new RangeError('CFAR window exceeds fftSize');
    if (this.osOrder < 1 || this.osOrder > this.refCells) throw new RangeError('osOrder must be in 1..refCells');
    if (opts.excludeMask && opts.excludeMask.length !== this.fftSize) throw new RangeError('excludeMask length');
    this.excludeMask = opts.excludeMask;
    this.osThresholds = opts.osThresholds ?? false;
    this.mask = new Uint8Array(this.fftSize);
    this.thresholdLin = new Float32Array(this.fftSize);
    this.prefix = new Float64Array(this.fftSize + 1);
    this.window = new Float64Array(this.refCells);
    this.combined = new Uint8Array(this.fftSize);
  }

  /** Threshold factor for `frames` effective frames with this detector's settings (linear). */
  factor(frames: number): number {
    return thresholdFactor(frames, this.pfa, this.method, this.refCells, this.osOrder);
  }

  /**
   * Detect bins of one linear PSD averaged over `frames` effective frames. `floorLin` (mean noise per bin) is
   * required for method 'known'. `binFlags` (a Spectrum's DC / image flags) are never detected. Returns
   * {@link mask} (reused on every call).
   */
  detect(
    psdLin: Float32Array | Float64Array,
    frames: number,
    floorLin?: Float32Array | Float64Array,
    binFlags?: Uint8Array,
  ): Uint8Array {
    const n = this.fftSize;
    if (psdLin.length !== n) throw new RangeError(`detect: PSD length ${psdLin.length} != ${n}`);
    const f = this.factor(frames);
    const out = this.mask;
    const thr = this.thresholdLin;
    const ex = combineExclusions(this.excludeMask, binFlags, this.combined);
    if (this.method === 'known') {
      if (!floorLin) throw new RangeError("detect: method 'known' needs the noise floor");
      for (let i = 0; i < n; i++) thr[i] = f * (floorLin[i] as number);
      this.detections = detectKnown(psdLin, floorLin, f, out, ex);
      return out;
    }
    const h = this.refCells >> 1;
    const g = this.guardCells;
    let hits = 0;
    if (this.method === 'ca') {
      const p = this.prefix;
      p[0] = 0;
      for (let i = 0; i < n; i++) p[i + 1] = (p[i] as number) + (psdLin[i] as number);
      const invN = 1 / this.refCells;
      for (let i = 0; i < n; i++) {
        // Reference = [ls, le] ∪ [rs, re]; slide inwards at the edges to keep N cells.
        let ls = i - g - h;
        const le = i - g - 1;
        const rs = i + g + 1;
        let re = i + g + h;
        if (ls < 0) {
          re += -ls;
          ls = 0;
        }
        if (re > n - 1) {
          ls -= re - (n - 1);
          re = n - 1;
        }
        let sum = 0;
        if (le >= ls) sum += (p[le + 1] as number) - (p[ls] as number);
        if (re >= rs) sum += (p[re + 1] as number) - (p[rs] as number);
        const t = f * sum * invN;
        thr[i] = t;
        const d = (psdLin[i] as number) > t && !(ex && ex[i]) ? 1 : 0;
        out[i] = d;
        hits += d;
      }
    } else {
      const w = this.window;
      const kIdx = this.osOrder - 1;
      const k = this.osOrder;
      // x > f·Z(k) ⟺ at least k reference cells lie below x/f: a count with early exit instead of a selection
      // (a noise cell stops after about N − k + 1 comparisons). The selection only runs for the thresholds.
      const maxAbove = this.refCells - k;
      const wantThr = this.osThresholds;
      for (let i = 0; i < n; i++) {
        let ls = i - g - h;
        const le = i - g - 1;
        const rs = i + g + 1;
        let re = i + g + h;
        if (ls < 0) {
          re += -ls;
          ls = 0;
        }
        if (re > n - 1) {
          ls -= re - (n - 1);
          re = n - 1;
        }
        const x = psdLin[i] as number;
        const limit = x / f;
        let above = 0;
        for (let j = ls; j <= le && above <= maxAbove; j++) if ((psdLin[j] as number) >= limit) above++;
        for (let j = rs; j <= re && above <= maxAbove; j++) if ((psdLin[j] as number) >= limit) above++;
        // Fewer than N cells only for a spectrum shorter than the window; then compare with k of what is there.
        const cells = le - ls + 1 + (re - rs + 1);
        const d = above <= maxAbove - (this.refCells - cells) && !(ex && ex[i]) ? 1 : 0;
        out[i] = d;
        hits += d;
        if (wantThr) {
          let c = 0;
          for (let j = ls; j <= le; j++) w[c++] = psdLin[j] as number;
          for (let j = rs; j <= re; j++) w[c++] = psdLin[j] as number;
          thr[i] = f * quickselect(w, c, Math.min(kIdx, c - 1));
        } else thr[i] = NaN;
      }
    }
    this.detections = hits;
    return out;
  }
}
