/**
 * RTL-SDR DC handling. The RTL2832U leaves a small DC offset (the "DC spike" at the centre bin), and zero-IF
 * tuners can leave an IQ-imbalance image mirrored about the centre. Neither is a real emission: the spike bins are
 * replaced by the interpolated neighbourhood so the floor estimator and detectors see no spike, and image bins are
 * flagged so detectors can ignore them.
 */
import { BIN_FLAG_DC, BIN_FLAG_IMAGE } from './types.ts';
import { DspParamError } from './spectrum-error.ts';

/** Inclusive bin range in an FFT-shifted spectrum. */
export interface BinRange {
  start: number;
  end: number;
}

/**
 * The `widthBins` bins around DC in an FFT-shifted spectrum of `fftSize` bins (DC is bin fftSize/2):
 * start = fftSize/2 − floor(widthBins/2), end = start + widthBins − 1 (3 → DC ± 1). Width 0 → empty (end < start).
 */
export function dcBinRange(fftSize: number, widthBins: number): BinRange {
  if (!Number.isInteger(widthBins) || widthBins < 0 || widthBins > fftSize / 2) {
    throw new DspParamError('dcWidthBins', `must be an integer in [0, ${fftSize / 2}], got ${widthBins}`);
  }
  const start = fftSize / 2 - Math.floor(widthBins / 2);
  return { start, end: start + widthBins - 1 };
}

/**
 * Replaces `range` in the FFT-shifted linear power spectrum with a straight line between the mean of the
 * `neighbourBins` bins just below and just above it (linear power), in place. Sets BIN_FLAG_DC in `flags` if
 * given. Allocation-free.
 */
export function suppressDcBins(power: Float32Array, range: BinRange, neighbourBins = 4, flags?: Uint8Array): void {
  if (range.end < range.start) return;
  const n = power.length;
  let left = 0;
  let nl = 0;
  for (let i = range.start - 1; i >= 0 && i >= range.start - neighbourBins; i--, nl++) left += power[i] as number;
  let right = 0;
  let nr = 0;
  for (let i = range.end + 1; i < n && i <= range.end + neighbourBins; i++, nr++) right += power[i] as number;
  const l = nl ? left / nl : nr ? right / nr : 0;
  const r = nr ? right / nr : l;
  const span = range.end - range.start + 2;
  for (let i = range.start; i <= range.end; i++) {
    const f = (i - range.start + 1) / span;
    power[i] = l + (r - l) * f;
    if (flags) flags[i] = (flags[i] as number) | BIN_FLAG_DC;
  }
}

/**
 * Removes the DC offset from planar I/Q in place with a one-pole running mean (time constant `timeConstant`
 * samples, default 65 536 ≈ 27 ms at 2.4 MS/s). The mean carries over between calls, so chunking does not matter.
 */
export class DcBlocker {
  /** Running mean of I and Q, full-scale units. */
  meanI = 0;
  meanQ = 0;
  private readonly alpha: number;
  private primed = false;

  constructor(timeConstant = 65536) {
    if (!(timeConstant >= 1)) throw new DspParamError('timeConstant', `must be ≥ 1 sample, got ${timeConstant}`);
    this.alpha = 1 / timeConstant;
  }

  process(re: Float32Array, im: Float32Array, offset = 0, count = re.length - offset): void {
    let mi = this.meanI;
    let mq = this.meanQ;
    const a = this.alpha;
    if (!this.primed && count > 0) {
      // Seed with the first block's mean so the first time constant isn't spent converging from 0.
      const m = Math.min(count, Math.ceil(1 / a));
      let si = 0;
      let sq = 0;
      for (let i = offset; i < offset + m; i++) {
        si += re[i] as number;
        sq += im[i] as number;
      }
      mi = si / m;
      mq = sq / m;
      this.primed = true;
    }
    for (let i = offset, end = offset + count; i < end; i++) {
      const x = re[i] as number;
      const y = im[i] as number;
      mi += a * (x - mi);
      mq += a * (y - mq);
      re[i] = x - mi;
      im[i] = y - mq;
    }
    this.meanI = mi;
    this.meanQ = mq;
  }

  reset(): void {
    this.meanI = 0;
    this.meanQ = 0;
    this.primed = false;
  }
}

/**
 * Flags likely IQ-imbalance images in an FFT-shifted linear power spectrum: bin k (offset f = k − N/2 from DC)
 * is an image when its mirror −f is at least `minRejectionDb` stronger and bin k itself rises above the floor
 * (≥ `minAboveFloorDb` over `floorPower`), the pattern of a weak replica of a strong signal. Sets BIN_FLAG_IMAGE
 * in `flags` and returns how many bins were flagged. Allocation-free.
 */
export function flagIqImages(
  power: Float32Array,
  floorPower: number,
  flags: Uint8Array,
  minRejectionDb = 25,
  minAboveFloorDb = 3,
): number {
  const n = power.length;
  const rej = Math.pow(10, minRejectionDb / 10);
  const above = floorPower * Math.pow(10, minAboveFloorDb / 10);
  let count = 0;
  for (let k = 1; k < n; k++) {
    if (k === n / 2) continue;
    const p = power[k] as number;
    if (p < above) continue;
    const m = power[n - k] as number;
    if (m >= p * rej) {
      flags[k] = (flags[k] as number) | BIN_FLAG_IMAGE;
      count++;
    }
  }
  return count;
}
