/**
 * Excess dispersion of a Welch PSD: how many frames the average is really worth.
 *
 * The floor estimator and the CFAR threshold assume every noise bin of an M-frame average is Gamma(M, 1/M)
 * distributed (stationary noise). Bursty wide emissions break that: the energy of a few short bursts (ADS-B
 * replies, TDMA slots) lands in a few frames only, so the averaged bins scatter as if far fewer frames had been
 * averaged, the low-percentile floor reads low, and the bumps of the bursts' random spectra cross a threshold set
 * for M frames. On real ADS-B this gave 22 pieces of one emission.
 *
 * The spread is measured on the lower part of each segment's distribution (the ratio of two low quantiles), which
 * emitters covering less than the upper quantile's share of a segment do not touch, and inverted through the same
 * ratio of Gamma(m, 1/m) quantiles. The least dispersed quarter of the segments speaks for the band, so emitters
 * covering most of some segments do not pass for bursty background.
 */
import { welchBinQuantile } from './stats.ts';
import { quickselect } from './noise-floor.ts';

/** How much the least-dispersed-quarter selection overstates the frames (measured on simulated Gamma bins). */
const SELECTION_BIAS = 1.5;

/** Options of {@link DispersionEstimator}. */
export interface DispersionOptions {
  fftSize: number;
  /** Bins per segment (default 128). */
  segmentBins?: number;
  /** Lower and upper quantile of the ratio (defaults 0.1 and 0.3). */
  lowQuantile?: number;
  highQuantile?: number;
  /** Which segment speaks for the band, as a quantile of the segments' ratios (default 0.75: least dispersed quarter). */
  segmentQuantile?: number;
  /** Bins never used (DC, band edges). */
  excludeMask?: Uint8Array;
}

/** Estimates the effective number of averaged frames from a PSD's spread. Allocates at construction only. */
export class DispersionEstimator {
  readonly fftSize: number;
  private readonly segBins: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly segQ: number;
  private readonly exclude: Uint8Array | undefined;
  private readonly scratch: Float64Array;
  private readonly ratios: Float64Array;
  /** Ratio q_lo/q_hi of Gamma(m, 1/m) for m = 1..maxM (index m). */
  private table: Float64Array = new Float64Array(0);
  /** Effective frames of the latest {@link estimate}. */
  effectiveFrames = NaN;
  /** Measured quantile ratio (linear) of the latest {@link estimate}. */
  ratio = NaN;

  constructor(o: DispersionOptions) {
    this.fftSize = o.fftSize;
    this.segBins = o.segmentBins ?? 128;
    this.lo = o.lowQuantile ?? 0.1;
    this.hi = o.highQuantile ?? 0.3;
    this.segQ = o.segmentQuantile ?? 0.75;
    if (!(this.lo > 0 && this.lo < this.hi && this.hi < 1))
      throw new RangeError('DispersionEstimator: need 0 < low < high < 1');
    if (o.excludeMask && o.excludeMask.length !== o.fftSize) throw new RangeError('excludeMask length must be fftSize');
    this.exclude = o.excludeMask;
    this.scratch = new Float64Array(this.segBins);
    this.ratios = new Float64Array(Math.ceil(o.fftSize / this.segBins));
  }

  private ratioTable(maxM: number): Float64Array {
    if (this.table.length > maxM) return this.table;
    const t = new Float64Array(maxM + 1);
    for (let m = 1; m <= maxM; m++) t[m] = welchBinQuantile(m, this.lo) / welchBinQuantile(m, this.hi);
    this.table = t;
    return t;
  }

  /**
   * Effective frames of `psdLin`, an average of `frames` frames: at most `frames` (a spread smaller than theory is
   * estimation noise, not evidence of more frames). NaN when too few bins are usable.
   */
  estimate(psdLin: Float32Array | Float64Array, frames: number): number {
    const n = this.fftSize;
    const ex = this.exclude;
    const sc = this.scratch;
    let segs = 0;
    for (let a = 0; a < n; a += this.segBins) {
      const b = Math.min(n, a + this.segBins);
      let c = 0;
      for (let i = a; i < b; i++) if (!(ex && ex[i])) sc[c++] = psdLin[i] as number;
      if (c < this.segBins / 2) continue;
      const qh = quickselect(sc, c, Math.round(this.hi * (c - 1)));
      // Everything below index hi·c is ≤ qh after the selection: the lower quantile is selected within that side.
      const ql = quickselect(sc, Math.round(this.hi * (c - 1)), Math.round(this.lo * (c - 1)));
      if (qh > 0) this.ratios[segs++] = ql / qh;
    }
    if (segs === 0) {
      this.ratio = NaN;
      this.effectiveFrames = NaN;
      return NaN;
    }
    const r = quickselect(this.ratios, segs, Math.min(segs - 1, Math.floor(this.segQ * segs)));
    this.ratio = r;
    const maxM = Math.max(1, Math.ceil(frames));
    // The ratio grows with m: the smallest m whose theoretical ratio reaches the measured one. Taking the least
    // dispersed quarter of the segments picks the lucky ones: on Gamma(m) bins the raw figure reads ~1.5 m (for
    // m = 4..32, 2048 bins in 16 segments; test/dsp/dispersion.test.ts checks the corrected figure).
    const maxRaw = Math.ceil(maxM * SELECTION_BIAS);
    const t = this.ratioTable(maxRaw);
    let m = 1;
    while (m < maxRaw && (t[m] as number) < r) m++;
    this.effectiveFrames = Math.min(frames, m / SELECTION_BIAS);
    return this.effectiveFrames;
  }
}
