/**
 * Carrier-offset measurement for frequency calibration: a long averaged spectrum (many Hann frames, optionally
 * split into time segments so drift can be seen), then the strongest spectral line in a search window located to
 * a fraction of a bin, with its SNR over the local floor, its width and a 1σ uncertainty.
 *
 * Pure DSP over typed arrays: no I/O, nothing from the app. Frequencies here are in bins of the FFT-shifted
 * spectrum (bin N/2 = the tuned centre); the caller converts to Hz with binHz = sampleRateHz / N.
 */
import type { WindowInfo } from './types.ts';
import { FftJsKernel } from './fft-kernel.ts';
import { DcBlocker } from './dc.ts';
import { effectiveFrameCount, interpolatePeak, makeWindow, windowResponse } from './window.ts';
import { welchBinQuantile } from './stats.ts';
import { assertPow2, DspParamError } from './spectrum-error.ts';

/** Options of {@link CarrierAverager}. */
export interface CarrierAveragerOptions {
  /** Frame length, samples (power of two, 1024–65536). */
  fftSize: number;
  /** Frame hop, samples. Default fftSize/2 (Hann at 50 % overlap). */
  hopSamples?: number;
  /** Number of time segments accumulated separately (e.g. 3 for first/middle/last third). Default 1. */
  segments?: number;
  /**
   * DC-blocker time constant, samples (one-pole running mean). Default 2^20: a high-pass corner of
   * fs/(2π·2^20) ≈ 0.4 Hz at 2.4 MS/s, so the RTL2832U's DC offset (an exact line at the centre) is removed while a
   * carrier even one bin (≈ 37 Hz) from the centre is untouched. 0 disables it.
   */
  dcTimeConstantSamples?: number;
}

/**
 * Accumulates Hann-windowed power spectra of a complex stream, frame by frame, into one accumulator per time
 * segment. All buffers are allocated in the constructor; `pushComplex` allocates nothing.
 */
export class CarrierAverager {
  readonly fftSize: number;
  readonly hopSamples: number;
  readonly window: WindowInfo;
  /** Frames accumulated per segment. */
  readonly frames: Float64Array;
  private readonly kernel: FftJsKernel;
  /** Natural-order (bin 0 = DC) sums of |X|² per segment. */
  private readonly accum: Float64Array[];
  private readonly bufRe: Float32Array;
  private readonly bufIm: Float32Array;
  private fill = 0;
  /** Samples at the start of the frame buffer already DC-blocked (the overlap kept from the last frame). */
  private dcDone = 0;
  private readonly dc: DcBlocker | null;

  constructor(o: CarrierAveragerOptions) {
    assertPow2('fftSize', o.fftSize, 1024, 65536);
    const n = o.fftSize;
    const hop = o.hopSamples ?? n / 2;
    if (!Number.isInteger(hop) || hop < 1 || hop > n)
      throw new DspParamError('hopSamples', `must be an integer in [1, ${n}], got ${hop}`);
    const segs = o.segments ?? 1;
    if (!Number.isInteger(segs) || segs < 1 || segs > 64)
      throw new DspParamError('segments', `must be an integer in [1, 64], got ${segs}`);
    this.fftSize = n;
    this.hopSamples = hop;
    this.window = makeWindow('hann', n);
    this.kernel = new FftJsKernel(n, this.window);
    this.accum = Array.from({ length: segs }, () => new Float64Array(n));
    this.frames = new Float64Array(segs);
    this.bufRe = new Float32Array(n);
    this.bufIm = new Float32Array(n);
    const tc = o.dcTimeConstantSamples ?? 1 << 20;
    this.dc = tc > 0 ? new DcBlocker(tc) : null;
  }

  get segments(): number {
    return this.accum.length;
  }

  /** Frames accumulated over all segments. */
  get totalFrames(): number {
    let s = 0;
    for (const f of this.frames) s += f;
    return s;
  }

  /**
   * Adds `count` planar complex samples (full-scale units) starting at `offset`; every completed frame goes to
   * `segment`. Samples must be contiguous with the previous call unless {@link breakContinuity} was called.
   */
  pushComplex(re: Float32Array, im: Float32Array, offset: number, count: number, segment = 0): void {
    if (!Number.isInteger(segment) || segment < 0 || segment >= this.accum.length)
      throw new DspParamError('segment', `must be an integer in [0, ${this.accum.length - 1}], got ${segment}`);
    if (offset < 0 || offset + count > re.length || offset + count > im.length)
      throw new DspParamError('count', `${count} samples at ${offset} overrun the input arrays`);
    const n = this.fftSize;
    const acc = this.accum[segment] as Float64Array;
    let i = offset;
    const end = offset + count;
    while (i < end) {
      const take = Math.min(n - this.fill, end - i);
      this.bufRe.set(re.subarray(i, i + take), this.fill);
      this.bufIm.set(im.subarray(i, i + take), this.fill);
      this.fill += take;
      i += take;
      if (this.fill === n) {
        // DC-block whole frames' new samples only, so the result does not depend on how the input was chunked
        this.dc?.process(this.bufRe, this.bufIm, this.dcDone, n - this.dcDone);
        this.dcDone = n - this.hopSamples;
        this.kernel.accumulateComplex(this.bufRe, this.bufIm, 0, acc);
        this.frames[segment] = (this.frames[segment] as number) + 1;
        // keep the overlap for the next frame
        this.bufRe.copyWithin(0, this.hopSamples);
        this.bufIm.copyWithin(0, this.hopSamples);
        this.fill = n - this.hopSamples;
      }
    }
  }

  /** Drops the partial frame (after lost samples or a retune): no frame straddles a discontinuity. */
  breakContinuity(): void {
    this.fill = 0;
    this.dcDone = 0;
  }

  /**
   * Mean power spectrum per frame, FFT-shifted (index N/2 = DC), of one segment or of all of them
   * (`segment` undefined). Units: |Σ w·x|², full-scale samples. Writes into `out` if given.
   */
  spectrum(segment?: number, out: Float64Array = new Float64Array(this.fftSize)): Float64Array {
    const n = this.fftSize;
    const half = n / 2;
    out.fill(0);
    let frames = 0;
    for (let s = 0; s < this.accum.length; s++) {
      if (segment !== undefined && s !== segment) continue;
      const a = this.accum[s] as Float64Array;
      frames += this.frames[s] as number;
      for (let k = 0; k < n; k++) {
        const j = k < half ? k + half : k - half;
        out[j] = (out[j] as number) + (a[k] as number);
      }
    }
    if (frames > 0) for (let k = 0; k < n; k++) out[k] = (out[k] as number) / frames;
    return out;
  }

  /** Effective number of independent averages of `frames` overlapped frames (Welch), for uncertainty figures. */
  effectiveFrames(frames: number): number {
    return effectiveFrameCount(this.window.coeffs, this.hopSamples, frames);
  }
}

/** Input of {@link findCarrierLine}. */
export interface CarrierSearchOptions {
  /** Inclusive search window, bins of the FFT-shifted spectrum (clipped to [1, N−2]). */
  loBin: number;
  hiBin: number;
  /** The window the spectrum was computed with (Hann from {@link CarrierAverager}). */
  window: WindowInfo;
  /** Effective number of independent averages behind `power` (≥ 1). */
  effectiveFrames: number;
  /** Minimum line SNR over the local floor, dB. Default 10. */
  minSnrDb?: number;
  /**
   * Minimum span of bins the floor is estimated from, centred on the search window (the window itself if
   * wider). Default 256.
   */
  floorSpanBins?: number;
  /**
   * Measure a wide line over this fixed region (bins, inclusive, e.g. found on a longer average) by its centroid,
   * instead of finding a line in the window: used to follow one 'resolved' line through parts of a run.
   */
  region?: { lo: number; hi: number; widthBins: number };
}

/** A located line. */
export interface CarrierLine {
  /** Line centre, fractional bin of the FFT-shifted spectrum. */
  bin: number;
  /** Bin of the maximum. */
  peakBin: number;
  /** Line power per bin over the local floor, dB (for a CW line: scallop-corrected peak). */
  snrDb: number;
  /** Local noise floor, mean power per bin (same units as the spectrum). */
  floorPower: number;
  /** Full width at half maximum (−3 dB) of the line, bins (1.44–2.0 for a clean carrier under Hann). */
  widthBins: number;
  /**
   * 'cw' = no wider than a windowed pure carrier, located by inverting the window's response (exact for one clean
   * tone at any sub-bin offset); 'resolved' = wider than a carrier (modulated, drifting or pulsed), located by the
   * power centroid of its −6 dB region.
   */
  kind: 'cw' | 'resolved';
  /** 1σ uncertainty of `bin`, bins (see {@link lineUncertaintyBins}). */
  sigmaBins: number;
  /**
   * Set when the carrier rides on a pedestal (modulation around it) at least 3 dB over the receiver's noise (the
   * quietest tenth of the band): the pedestal's level over that noise, dB. `snrDb` and `floorPower` are relative to
   * the floor beside the line, and `sigmaBins` counts the line's width as a resolved line's; the modulation can
   * still pull the position further (see docs/calibration.md: measure in a pause).
   */
  pedestalDb?: number;
  /** Bins that make up the line (inclusive): the three fitted bins (CW) or the −6 dB region (resolved). */
  regionLo: number;
  regionHi: number;
  /** Strongest other local maximum in the window (outside this line), if any: its bin and SNR, dB. */
  second?: { bin: number; snrDb: number };
}

/** Result of {@link findCarrierLine}: a line, or why not. */
export type CarrierSearchResult =
  | { found: true; line: CarrierLine }
  | { found: false; reason: 'no-line'; bestBin: number; bestSnrDb: number; floorPower: number };

/** Half-width of the neighbourhood a carrier's pedestal is measured over, bins. */
const PEDESTAL_BINS = 8;
/** A pedestal counts when it is this much over the noise floor (3 dB). */
const PEDESTAL_RATIO = 2;

/** A line wider than this (−3 dB, bins) is not a windowed pure carrier (Hann: 1.44 on a bin, ≈ 2.0 half-way). */
const CW_MAX_WIDTH_BINS = 2.5;

/**
 * 1σ uncertainty of a line's centre, bins.
 *
 * CW line (window fit): the Cramér–Rao bound for one tone's frequency over M samples at per-sample SNR ρ is
 * σ_f = fs·√(6 / ((2π)²·ρ·M³)), i.e. σ = √(6 / ((2π)²·ρ·M)) bins. Under a window the peak-bin SNR is
 * S = ρ·M/ENBW, so σ = √(6 / ((2π)²·ENBW·S)) bins per frame, and K independent averages divide the variance by K.
 * Grandke's estimator on an averaged Hann spectrum is not efficient: EFFICIENCY_FACTOR = 1.2 makes the stated σ
 * match the scatter (Monte Carlo over sub-bin offsets, 40 seeds each: rms/σ 1.12 at 12 dB, 0.95 at 15 dB,
 * 0.87 at 25 dB; test/dsp/carrier-offset.test.ts checks 15 dB). A floor of 0.002 bins covers float32
 * coefficients and the Dirichlet-vs-sinc difference of the fit (at 40 dB σ is then pessimistic by ~3×).
 *
 * Resolved line (centroid over W bins): each averaged bin fluctuates by 1/√K relative, so the centroid of a
 * W-bin line moves by σ² = Σ(k−c)²·p²/(K·(Σp)²) ≈ W/(12·K) bins² (flat top), inflated by (1 + 1/S)² for the floor
 * under it. Both are statistical only: the reference's own frequency error is not included.
 */
export function lineUncertaintyBins(
  kind: 'cw' | 'resolved',
  snrLinear: number,
  effectiveFrames: number,
  enbwBins: number,
  widthBins: number,
): number {
  const k = Math.max(1, effectiveFrames);
  const s = Math.max(snrLinear, 1e-6);
  const cw = EFFICIENCY_FACTOR * Math.sqrt(6 / (4 * Math.PI * Math.PI * enbwBins * s * k));
  let v = cw * cw + BIAS_FLOOR_BINS * BIAS_FLOOR_BINS;
  if (kind === 'resolved') {
    const g = 1 + 1 / s;
    v += (widthBins / (12 * k)) * g * g;
  }
  return Math.sqrt(v);
}

/** Ratio of the estimator's spread to the Cramér–Rao bound (see {@link lineUncertaintyBins}). */
export const EFFICIENCY_FACTOR = 1.2;
const BIAS_FLOOR_BINS = 0.002;

/**
 * Finds the strongest line in `power[loBin..hiBin]` (FFT-shifted mean power spectrum), locates it to a fraction
 * of a bin and measures it. Returns `found: false` when the strongest bin is less than `minSnrDb` over the local
 * floor. The floor is the median of the floor span without the line's own bins, corrected for the median's bias
 * on a K-average Welch bin (welchBinQuantile), so it estimates the mean noise power per bin.
 */
export function findCarrierLine(power: ArrayLike<number>, o: CarrierSearchOptions): CarrierSearchResult {
  const n = power.length;
  if (n < 8) throw new DspParamError('power', `spectrum of ${n} bins is too short`);
  const lo = Math.max(1, Math.ceil(o.loBin));
  const hi = Math.min(n - 2, Math.floor(o.hiBin));
  if (!(hi >= lo)) throw new DspParamError('loBin', `empty search window [${o.loBin}, ${o.hiBin}] in ${n} bins`);
  const minSnrDb = o.minSnrDb ?? 10;
  const keff = Math.max(1, o.effectiveFrames);

  let peak = lo;
  for (let k = lo + 1; k <= hi; k++) if ((power[k] as number) > (power[peak] as number)) peak = k;
  const peakPower = power[peak] as number;

  if (o.region) return fixedRegionLine(power, lo, hi, o, keff, minSnrDb);
  const width = halfMaxWidth(power, peak);
  const rawWidth = width.lowerBins + width.upperBins;
  const guard = Math.max(3, Math.ceil(rawWidth));
  const noiseFloor = localFloor(power, lo, hi, peak, guard, o.floorSpanBins ?? 256, keff);
  let floorPower = noiseFloor;
  let pedestalDb: number | undefined;
  if (rawWidth <= CW_MAX_WIDTH_BINS) {
    // A carrier can ride on modulation (an FM broadcast carrier under its programme): then the floor that
    // matters, for the SNR and for what to subtract under the fit, is the pedestal right beside the line, and
    // what it rides on is judged against the receiver's own noise (the quietest tenth of the whole band), since
    // a wide modulation can fill the whole search window.
    const pedestal = pedestalBeside(power, peak, guard, noiseFloor, o.window, keff);
    if (pedestal > PEDESTAL_RATIO * noiseFloor) floorPower = pedestal;
    const receiverNoise = bandNoise(power, keff);
    if (receiverNoise > 0 && floorPower > PEDESTAL_RATIO * receiverNoise)
      pedestalDb = 10 * Math.log10(floorPower / receiverNoise);
  }
  const rawSnr = floorPower > 0 ? peakPower / floorPower : Infinity;
  if (!(10 * Math.log10(rawSnr) >= minSnrDb)) {
    return { found: false, reason: 'no-line', bestBin: peak, bestSnrDb: 10 * Math.log10(rawSnr), floorPower };
  }

  let line: CarrierLine;
  if (rawWidth <= CW_MAX_WIDTH_BINS) {
    const fit = fitCarrier(power, peak, floorPower, o.window);
    const snrLinear = Math.max(fit.power, 1e-300) / floorPower;
    line = {
      bin: peak - 1 + fit.bin,
      peakBin: peak,
      snrDb: 10 * Math.log10(snrLinear),
      floorPower,
      widthBins: rawWidth,
      kind: 'cw',
      // on a pedestal the carrier's phase wanders with the modulation, which broadens the line: count the width
      // as a resolved line's would be counted, at least
      sigmaBins:
        pedestalDb === undefined
          ? lineUncertaintyBins('cw', snrLinear, keff, o.window.enbwBins, rawWidth)
          : Math.max(
              lineUncertaintyBins('cw', snrLinear, keff, o.window.enbwBins, rawWidth),
              lineUncertaintyBins('resolved', snrLinear, keff, o.window.enbwBins, rawWidth),
            ),
      regionLo: peak - 1,
      regionHi: peak + 1,
    };
    if (pedestalDb !== undefined) line.pedestalDb = pedestalDb;
  } else {
    line = resolvedLine(power, lo, hi, peak, rawWidth, floorPower, keff, o.window.enbwBins);
  }
  const second = strongestOther(power, lo, hi, line.regionLo - 1, line.regionHi + 1);
  if (second >= 0) {
    line.second = { bin: second, snrDb: 10 * Math.log10((power[second] as number) / floorPower) };
  }
  return { found: true, line };
}

/**
 * A line wider than a carrier. Lumpy lines (a pulsed or modulated signal's averaged spectrum has spikes a few dB
 * apart) make the raw maximum a poor guide to the line's extent, so the spectrum is smoothed by a moving average
 * of w = 2, 4, 8, … bins for as long as the smoothed line stays at least 4·w bins wide (the kernel stays small
 * against the line); the line's region is where that smoothed spectrum is within 6 dB of its maximum (above the
 * floor), and its centre is the centroid of the raw power above the floor over the region.
 */
function resolvedLine(
  power: ArrayLike<number>,
  lo: number,
  hi: number,
  peak: number,
  rawWidth: number,
  floorPower: number,
  keff: number,
  enbwBins: number,
): CarrierLine {
  let smooth: ArrayLike<number> = power;
  let pk = peak;
  let widthBins = rawWidth;
  for (let w = 2; w <= 256; w *= 2) {
    const s = movingAverage(power, w);
    let p = lo;
    for (let k = lo + 1; k <= hi; k++) if ((s[k] as number) > (s[p] as number)) p = k;
    const hw = halfMaxWidth(s, p, floorPower);
    const wb = hw.lowerBins + hw.upperBins;
    if (wb < 4 * w) break;
    smooth = s;
    pk = p;
    widthBins = wb;
  }
  const top = smooth[pk] as number;
  const threshold = floorPower + (top - floorPower) / 4;
  let a = pk;
  while (a > lo && (smooth[a - 1] as number) >= threshold) a--;
  let b = pk;
  while (b < hi && (smooth[b + 1] as number) >= threshold) b++;
  const bin = lineCentroid(power, a, b, floorPower);
  const snrLinear = Math.max(top - floorPower, 1e-300) / floorPower;
  return {
    bin,
    peakBin: peak,
    snrDb: 10 * Math.log10(snrLinear),
    floorPower,
    widthBins,
    kind: 'resolved',
    sigmaBins: lineUncertaintyBins('resolved', snrLinear, keff, enbwBins, widthBins),
    regionLo: a,
    regionHi: b,
  };
}

/** {@link findCarrierLine} with `region`: the centroid over a given region, its floor from the window around it. */
function fixedRegionLine(
  power: ArrayLike<number>,
  lo: number,
  hi: number,
  o: CarrierSearchOptions,
  keff: number,
  minSnrDb: number,
): CarrierSearchResult {
  const r = o.region as { lo: number; hi: number; widthBins: number };
  const a = Math.max(0, Math.round(r.lo));
  const b = Math.min(power.length - 1, Math.round(r.hi));
  const mid = (lo + hi) / 2;
  const halfSpan = Math.max((hi - lo) / 2, (o.floorSpanBins ?? 256) / 2);
  const floorPower = medianOfBins(power, Math.floor(mid - halfSpan), Math.ceil(mid + halfSpan), a, b, keff);
  let peak = a;
  let sum = 0;
  for (let k = a; k <= b; k++) {
    sum += power[k] as number;
    if ((power[k] as number) > (power[peak] as number)) peak = k;
  }
  const rawSnr = floorPower > 0 ? (power[peak] as number) / floorPower : Infinity;
  if (!(10 * Math.log10(rawSnr) >= minSnrDb))
    return { found: false, reason: 'no-line', bestBin: peak, bestSnrDb: 10 * Math.log10(rawSnr), floorPower };
  const snrLinear = Math.max(sum / (b - a + 1) - floorPower, 1e-300) / floorPower;
  return {
    found: true,
    line: {
      bin: lineCentroid(power, a, b, floorPower),
      peakBin: peak,
      snrDb: 10 * Math.log10(snrLinear),
      floorPower,
      widthBins: r.widthBins,
      kind: 'resolved',
      sigmaBins: lineUncertaintyBins('resolved', snrLinear, keff, o.window.enbwBins, r.widthBins),
      regionLo: a,
      regionHi: b,
    },
  };
}

/** Centred moving average of `w` bins (edges use the bins that exist). */
function movingAverage(power: ArrayLike<number>, w: number): Float64Array {
  const n = power.length;
  const out = new Float64Array(n);
  const h = w >> 1;
  let sum = 0;
  let a = 0;
  let b = -1;
  for (let k = 0; k < n; k++) {
    const want0 = Math.max(0, k - h);
    const want1 = Math.min(n - 1, k - h + w - 1);
    while (b < want1) sum += power[++b] as number;
    while (a < want0) sum -= power[a++] as number;
    out[k] = sum / (b - a + 1);
  }
  return out;
}

/** Centroid (fractional bin) of the power above `floorPower` over bins [a, b]. */
export function lineCentroid(power: ArrayLike<number>, a: number, b: number, floorPower: number): number {
  let sw = 0;
  let swk = 0;
  for (let k = a; k <= b; k++) {
    const w = Math.max((power[k] as number) - floorPower, 0);
    sw += w;
    swk += w * k;
  }
  return sw > 0 ? swk / sw : (a + b) / 2;
}

/** The window fit on bins peak−1..peak+1 (bin on a 0..2 scale, tone power per bin), after taking the floor out. */
function fitCarrier(
  power: ArrayLike<number>,
  peak: number,
  floorPower: number,
  window: WindowInfo,
): { bin: number; power: number } {
  // the fit assumes a tone and nothing else
  const tri = new Float64Array(3);
  for (let j = 0; j < 3; j++) tri[j] = Math.max((power[peak - 1 + j] as number) - floorPower, 1e-300);
  return window.kind === 'hann' ? hannFit(tri, window) : interpolatePeak(tri, 1, window);
}

/**
 * Mean power per bin of what lies under a carrier, from the bins within PEDESTAL_BINS of it (outside `guard`),
 * after removing the carrier's own window leakage there (a 60 dB carrier's Hann skirt is still 20–30 dB over the
 * noise 4–8 bins away; it is not a pedestal).
 */
function pedestalBeside(
  power: ArrayLike<number>,
  peak: number,
  guard: number,
  noiseFloor: number,
  window: WindowInfo,
  keff: number,
): number {
  const fit = fitCarrier(power, peak, noiseFloor, window);
  const centre = peak - 1 + fit.bin;
  const rest = new Float64Array(2 * PEDESTAL_BINS + 1);
  let m = 0;
  for (let k = Math.max(0, peak - PEDESTAL_BINS); k <= Math.min(power.length - 1, peak + PEDESTAL_BINS); k++) {
    if (Math.abs(k - peak) <= guard) continue;
    const g = windowResponse(window.coeffs, k - centre);
    rest[m++] = (power[k] as number) - fit.power * g * g;
  }
  return medianOfBins(rest.subarray(0, m), 0, m - 1, -1, -1, keff);
}

/**
 * Grandke's Hann interpolation on the peak and its LARGER neighbour: for the periodic Hann window the amplitude
 * ratio of bins k+1 and k for a tone at k+δ is α = (1+δ)/(2−δ), so δ = (2α−1)/(α+1), exactly. Using the larger
 * neighbour keeps both bins well above the floor; the two-neighbour ratio (window.ts interpolatePeak) leans on a bin
 * 1.5 bins from a half-bin tone, ≈ 17 dB down and noisy at 15 dB SNR (it doubled the error there).
 * `tri` = floor-subtracted powers of bins k−1, k, k+1; returns the bin (0..2 scale) and the tone power per bin.
 */
function hannFit(tri: Float64Array, window: WindowInfo): { bin: number; power: number } {
  const pl = tri[0] as number;
  const p0 = tri[1] as number;
  const pr = tri[2] as number;
  const right = pr >= pl;
  const alpha = Math.sqrt((right ? pr : pl) / p0);
  const d = Math.min(0.5, Math.max(0, (2 * alpha - 1) / (alpha + 1)));
  const delta = right ? d : -d;
  const g = windowResponse(window.coeffs, delta);
  return { bin: 1 + delta, power: p0 / (g * g) };
}

/** Distances (bins, linearly interpolated) from the peak down to half its power above `floorPower`, each side. */
function halfMaxWidth(
  power: ArrayLike<number>,
  peak: number,
  floorPower = 0,
): { lowerBins: number; upperBins: number } {
  const half = floorPower + ((power[peak] as number) - floorPower) / 2;
  const side = (dir: 1 | -1): number => {
    let k = peak;
    for (;;) {
      const next = k + dir;
      if (next < 0 || next >= power.length) return Math.abs(k - peak);
      const p = power[next] as number;
      if (p <= half) {
        const q = power[k] as number;
        const f = q > p ? (q - half) / (q - p) : 0;
        return Math.abs(k - peak) + f;
      }
      k = next;
    }
  };
  return { lowerBins: side(-1), upperBins: side(1) };
}

/** Noise floor, mean power per bin: bias-corrected median of the floor span without the line's bins. */
function localFloor(
  power: ArrayLike<number>,
  lo: number,
  hi: number,
  peak: number,
  guard: number,
  minSpan: number,
  keff: number,
): number {
  const mid = (lo + hi) / 2;
  const halfSpan = Math.max((hi - lo) / 2, minSpan / 2);
  return medianOfBins(power, Math.floor(mid - halfSpan), Math.ceil(mid + halfSpan), peak - guard, peak + guard, keff);
}

/**
 * The receiver's noise per bin: the 10th percentile of the whole spectrum (outer 5 % at each edge left out: the
 * anti-alias roll-off), corrected for that percentile's bias on a K-average Welch bin. Signals rarely fill 90 % of a
 * dongle's band.
 */
function bandNoise(power: ArrayLike<number>, keff: number): number {
  const n = power.length;
  const a = Math.floor(n * 0.05);
  const b = Math.ceil(n * 0.95);
  const vals = new Float64Array(b - a);
  for (let k = a; k < b; k++) vals[k - a] = power[k] as number;
  vals.sort();
  const q = vals[Math.floor(0.1 * (vals.length - 1))] as number;
  return q / welchBinQuantile(keff, 0.1);
}

/**
 * Mean power per bin estimated from bins [a, b] without [exLo, exHi]: their median divided by the median's bias on
 * a K-average Welch bin (welchBinQuantile), robust to the few bins a line or spur occupies. 0 if no bin is left.
 */
function medianOfBins(
  power: ArrayLike<number>,
  a: number,
  b: number,
  exLo: number,
  exHi: number,
  keff: number,
): number {
  const vals: number[] = [];
  for (let k = Math.max(0, a); k <= Math.min(power.length - 1, b); k++)
    if (k < exLo || k > exHi) vals.push(power[k] as number);
  if (vals.length === 0) return 0;
  vals.sort((x, y) => x - y);
  const m = vals.length;
  const median = m % 2 ? (vals[(m - 1) / 2] as number) : ((vals[m / 2 - 1] as number) + (vals[m / 2] as number)) / 2;
  return median / welchBinQuantile(keff, 0.5);
}

/** Strongest local maximum in [lo, hi] outside [exLo, exHi], or −1. */
function strongestOther(power: ArrayLike<number>, lo: number, hi: number, exLo: number, exHi: number): number {
  let best = -1;
  for (let k = lo; k <= hi; k++) {
    if (k >= exLo && k <= exHi) continue;
    const p = power[k] as number;
    if (p < (power[k - 1] as number) || p < (power[k + 1] as number)) continue;
    if (best < 0 || p > (power[best] as number)) best = k;
  }
  return best;
}

/**
 * Auto FFT size for a calibration run of `totalSamples`: the largest power of two ≤ totalSamples/8 (so at least
 * ~15 half-overlapped frames are averaged), within [1024, 65536].
 */
export function carrierFftSize(totalSamples: number): number {
  let n = 1024;
  while (n * 2 <= 65536 && n * 2 <= totalSamples / 8) n *= 2;
  return n;
}
