/**
 * From a CFAR mask to measured emissions (ITU-R SM.443 / SM.328 style), and band measurements for assignments.
 *
 * Grouping uses hysteresis: an emission needs at least one CFAR-detected seed bin, and extends over neighbouring bins
 * above a lower continuation threshold (default: the Pfa = 1 % level over the floor), bridging up to `maxGapBins`
 * bins below it. Excluded bins (DC spike, flagged images) never seed or continue an emission and add no power, but
 * do not break one that spans them.
 *
 * Measurements per emission (bins are FFT-shifted; bin k is at startHz + k·binHz and covers ±binHz/2):
 * - centre: power-weighted mean frequency of the noise-subtracted power;
 * - 99 % occupied bandwidth: between the points where the cumulative noise-subtracted power reaches 0.5 % and
 *   99.5 %, each bin's power spread uniformly over its width (interpolated within bins);
 * - x-dB bandwidth: between the outermost points, walking out from the peak, where the level falls x dB below the
 *   peak (interpolated in dB; limited to the emission's bins when the SNR is below x);
 * - channel power: Σ linear bin power / ENBW (bins), so a full-scale tone reads 0 dBFS with any window.
 */
import type { Emission } from './types.ts';
import { gammaQInv } from './stats.ts';
import { linToDb } from './noise-floor.ts';

/** The parts of a `Spectrum` the measurements need. */
export interface SpectrumGeometry {
  /** RF frequency of bin 0, Hz. */
  startHz: number;
  /** Bin spacing, Hz. */
  binHz: number;
  /** Equivalent noise bandwidth of the window, bins. */
  enbwBins: number;
  /** Effective averaged frames M (for the continuation threshold). */
  effectiveFrames: number;
}

/** Options of {@link EmissionExtractor}. */
export interface EmissionOptions {
  fftSize: number;
  /** Capacity of the output; beyond it the weakest (by channel power) are dropped (default 128). */
  maxEmissions?: number;
  /** Per-bin false-alarm probability of the continuation threshold (default 0.01). */
  continuationPfa?: number;
  /** Continuation threshold in dB over the floor; overrides `continuationPfa`. */
  continuationDb?: number;
  /** Bins below the continuation threshold that may be bridged inside one emission (default 2). */
  maxGapBins?: number;
  /**
   * Longest run of excluded bins bridged inside one emission (default unbounded: an emission straddling the DC spike
   * stays whole). A longer run ends the emission.
   */
  maxBridgeExcludedBins?: number;
  /** Emissions narrower than this (bins, first to last) are dropped (default 1). */
  minWidthBins?: number;
  /** x for the x-dB bandwidth, dB (default 26). */
  xDb?: number;
  /** Fraction of power inside the occupied bandwidth (default 0.99). */
  obwFraction?: number;
  /** Bins to exclude (1 = excluded): DC range, image bins. Length fftSize. */
  excludeMask?: Uint8Array;
}

function newEmission(): Emission {
  return {
    startBin: 0,
    endBin: 0,
    centerHz: 0,
    occupiedBandwidthHz: 0,
    obwCenterHz: 0,
    xDbBandwidthHz: 0,
    peakDbfs: 0,
    peakHz: 0,
    channelPowerDbfs: 0,
    floorDbfs: 0,
    snrDb: 0,
  };
}

function copyEmission(src: Emission, dst: Emission): void {
  dst.startBin = src.startBin;
  dst.endBin = src.endBin;
  dst.centerHz = src.centerHz;
  dst.occupiedBandwidthHz = src.occupiedBandwidthHz;
  dst.obwCenterHz = src.obwCenterHz;
  dst.xDbBandwidthHz = src.xDbBandwidthHz;
  dst.peakDbfs = src.peakDbfs;
  dst.peakHz = src.peakHz;
  dst.channelPowerDbfs = src.channelPowerDbfs;
  dst.floorDbfs = src.floorDbfs;
  dst.snrDb = src.snrDb;
}

/**
 * The exclusions for one spectrum: the static mask, the spectrum's bin flags, or both OR-ed into `scratch`.
 * Returns undefined when there is nothing to exclude.
 */
export function combineExclusions(
  mask: Uint8Array | undefined,
  flags: Uint8Array | undefined,
  scratch: Uint8Array,
): Uint8Array | undefined {
  if (!flags) return mask;
  if (!mask) return flags;
  for (let i = 0; i < scratch.length; i++) scratch[i] = (mask[i] as number) | (flags[i] as number);
  return scratch;
}

/**
 * Mask of `halfWidthBins` bins either side of DC (bin fftSize/2 in an FFT-shifted spectrum), set to 1.
 * Writes into `mask` when given (other bins untouched), else allocates.
 */
export function dcExcludeMask(fftSize: number, halfWidthBins: number, mask = new Uint8Array(fftSize)): Uint8Array {
  const dc = fftSize >> 1;
  for (let k = Math.max(0, dc - halfWidthBins); k <= Math.min(fftSize - 1, dc + halfWidthBins); k++) mask[k] = 1;
  return mask;
}

/** Bin range [first, last] whose centres fall inside [startHz, stopHz]; first > last when none do. */
export function binRange(
  geom: Pick<SpectrumGeometry, 'startHz' | 'binHz'>,
  fftSize: number,
  startHz: number,
  stopHz: number,
): [number, number] {
  const a = Math.max(0, Math.ceil((startHz - geom.startHz) / geom.binHz - 1e-9));
  const b = Math.min(fftSize - 1, Math.floor((stopHz - geom.startHz) / geom.binHz + 1e-9));
  return [a, b];
}

/** Turns a detection mask into measured emissions. Allocates at construction only. */
export class EmissionExtractor {
  readonly fftSize: number;
  readonly maxEmissions: number;
  /** Output pool: the first {@link count} entries are this spectrum's emissions, sorted by frequency. */
  readonly emissions: readonly Emission[];
  /** Emissions found in the latest spectrum (≤ maxEmissions). */
  count = 0;
  /** Emissions dropped in the latest spectrum because the pool was full. */
  dropped = 0;
  private readonly pool: Emission[];
  private readonly scratch: Emission = newEmission();
  private readonly continuationPfa: number;
  private readonly continuationDb: number | undefined;
  private readonly maxGapBins: number;
  private readonly maxBridgeExcludedBins: number;
  private readonly minWidthBins: number;
  private readonly xDbFactor: number;
  private readonly tailFraction: number;
  private readonly excludeMask: Uint8Array | undefined;
  private contFrames = NaN;
  private contFactor = NaN;
  private readonly combined: Uint8Array;
  /** Exclusions in force for the spectrum being processed. */
  private ex: Uint8Array | undefined;

  constructor(opts: EmissionOptions) {
    this.fftSize = opts.fftSize;
    this.maxEmissions = opts.maxEmissions ?? 128;
    this.pool = Array.from({ length: this.maxEmissions }, newEmission);
    this.emissions = this.pool;
    this.continuationPfa = opts.continuationPfa ?? 0.01;
    this.continuationDb = opts.continuationDb;
    this.maxGapBins = opts.maxGapBins ?? 2;
    this.maxBridgeExcludedBins = opts.maxBridgeExcludedBins ?? Infinity;
    this.minWidthBins = opts.minWidthBins ?? 1;
    this.xDbFactor = 10 ** (-(opts.xDb ?? 26) / 10);
    const obw = opts.obwFraction ?? 0.99;
    if (!(obw > 0 && obw < 1)) throw new RangeError('obwFraction must be in (0, 1)');
    this.tailFraction = (1 - obw) / 2;
    if (opts.excludeMask && opts.excludeMask.length !== this.fftSize) throw new RangeError('excludeMask length');
    this.excludeMask = opts.excludeMask;
    this.combined = new Uint8Array(this.fftSize);
  }

  /** Continuation threshold over the floor, linear, for M effective frames. */
  continuationFactor(frames: number): number {
    if (this.continuationDb !== undefined) return 10 ** (this.continuationDb / 10);
    if (frames !== this.contFrames) {
      this.contFrames = frames;
      this.contFactor = gammaQInv(frames, this.continuationPfa) / frames;
    }
    return this.contFactor;
  }

  /**
   * Group and measure. `psdLin` and `floorLin` are linear per-bin powers (FFT-shifted, length fftSize), `detMask`
   * the CFAR mask. `binFlags` (a Spectrum's per-bin flags: DC, image) adds this spectrum's excluded bins.
   * Returns the number of emissions in {@link emissions}.
   */
  extract(
    geom: SpectrumGeometry,
    psdLin: Float32Array | Float64Array,
    floorLin: Float32Array | Float64Array,
    detMask: Uint8Array,
    binFlags?: Uint8Array,
  ): number {
    const n = this.fftSize;
    if (psdLin.length !== n || floorLin.length !== n || detMask.length !== n) {
      throw new RangeError(`extract: arrays must have length ${n}`);
    }
    const cf = this.continuationFactor(geom.effectiveFrames);
    const ex = combineExclusions(this.excludeMask, binFlags, this.combined);
    this.ex = ex;
    this.count = 0;
    this.dropped = 0;
    let replaced = false;
    let i = 0;
    while (i < n) {
      if ((ex && ex[i]) || !((psdLin[i] as number) > cf * (floorLin[i] as number))) {
        i++;
        continue;
      }
      const start = i;
      let end = i;
      let seed = detMask[i] === 1;
      let gap = 0;
      let run = 0;
      for (let j = i + 1; j < n; j++) {
        if (ex && ex[j]) {
          // A short excluded run (the DC spike) is bridged; a long one (a zero-IF tuner's DC skirt) separates.
          if (++run > this.maxBridgeExcludedBins) break;
          continue;
        }
        run = 0;
        if ((psdLin[j] as number) > cf * (floorLin[j] as number)) {
          end = j;
          gap = 0;
          if (detMask[j] === 1) seed = true;
        } else if (++gap > this.maxGapBins) break;
      }
      i = end + 1;
      if (!seed || end - start + 1 < this.minWidthBins) continue;
      if (!this.measure(geom, psdLin, floorLin, start, end, this.scratch)) continue;
      if (this.count < this.maxEmissions) {
        copyEmission(this.scratch, this.pool[this.count++] as Emission);
      } else {
        this.dropped++;
        let weakest = -1;
        let weakestPower = this.scratch.channelPowerDbfs;
        for (let k = 0; k < this.count; k++) {
          const p = (this.pool[k] as Emission).channelPowerDbfs;
          if (p < weakestPower) {
            weakestPower = p;
            weakest = k;
          }
        }
        if (weakest >= 0) {
          copyEmission(this.scratch, this.pool[weakest] as Emission);
          replaced = true;
        }
      }
    }
    if (replaced) this.sortByBin();
    return this.count;
  }

  private sortByBin(): void {
    // Insertion sort on the used prefix: no allocation, and it only runs when the pool overflowed.
    const p = this.pool;
    for (let a = 1; a < this.count; a++) {
      const e = p[a] as Emission;
      let b = a - 1;
      while (b >= 0 && (p[b] as Emission).startBin > e.startBin) {
        p[b + 1] = p[b] as Emission;
        b--;
      }
      p[b + 1] = e;
    }
  }

  /** Measure bins [s, e] into `out`. False when there is no power above the floor. */
  private measure(
    geom: SpectrumGeometry,
    psd: Float32Array | Float64Array,
    floor: Float32Array | Float64Array,
    s: number,
    e: number,
    out: Emission,
  ): boolean {
    const ex = this.ex;
    let sig = 0;
    let sigK = 0;
    let total = 0;
    let floorSum = 0;
    let peak = -Infinity;
    let kp = s;
    for (let k = s; k <= e; k++) {
      const fl = floor[k] as number;
      const x = ex && ex[k] ? fl : (psd[k] as number);
      const sk = x > fl ? x - fl : 0;
      sig += sk;
      sigK += sk * k;
      total += x;
      floorSum += fl;
      if (!(ex && ex[k]) && x > peak) {
        peak = x;
        kp = k;
      }
    }
    if (!(sig > 0)) return false;
    const binHz = geom.binHz;
    const f0 = geom.startHz;
    // Occupied bandwidth: cumulative noise-subtracted power, each bin uniform over [k - 0.5, k + 0.5].
    const lowT = this.tailFraction * sig;
    const highT = (1 - this.tailFraction) * sig;
    let cum = 0;
    let lowEdge = NaN;
    let highEdge = NaN;
    for (let k = s; k <= e; k++) {
      const fl = floor[k] as number;
      const x = ex && ex[k] ? fl : (psd[k] as number);
      const sk = x > fl ? x - fl : 0;
      if (sk <= 0) continue;
      const next = cum + sk;
      if (lowEdge !== lowEdge && next >= lowT) lowEdge = k - 0.5 + (lowT - cum) / sk;
      if (highEdge !== highEdge && next >= highT) {
        highEdge = k - 0.5 + (highT - cum) / sk;
        break;
      }
      cum = next;
    }
    // x-dB bandwidth: walk out from the peak to the first bin below peak·10^(-x/10), interpolate in dB.
    const level = peak * this.xDbFactor;
    const levelDb = linToDb(level);
    let left = s - 0.5;
    for (let k = kp - 1; k >= s; k--) {
      const v = ex && ex[k] ? (floor[k] as number) : (psd[k] as number);
      if (v < level) {
        const vIn = ex && ex[k + 1] ? (floor[k + 1] as number) : (psd[k + 1] as number);
        left = k + 1 - interpFraction(linToDb(vIn), linToDb(v), levelDb);
        break;
      }
    }
    let right = e + 0.5;
    for (let k = kp + 1; k <= e; k++) {
      const v = ex && ex[k] ? (floor[k] as number) : (psd[k] as number);
      if (v < level) {
        const vIn = ex && ex[k - 1] ? (floor[k - 1] as number) : (psd[k - 1] as number);
        right = k - 1 + interpFraction(linToDb(vIn), linToDb(v), levelDb);
        break;
      }
    }
    // Peak frequency refined by a parabola through the dB levels of the peak bin and its neighbours.
    let kPeak = kp;
    if (kp > s && kp < e && !(ex && (ex[kp - 1] || ex[kp + 1]))) {
      const a = linToDb(psd[kp - 1] as number);
      const b = linToDb(peak);
      const c = linToDb(psd[kp + 1] as number);
      const den = a - 2 * b + c;
      if (den < 0) kPeak = kp + Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
    }
    out.startBin = s;
    out.endBin = e;
    out.centerHz = f0 + (sigK / sig) * binHz;
    out.occupiedBandwidthHz = (highEdge - lowEdge) * binHz;
    out.obwCenterHz = f0 + 0.5 * (highEdge + lowEdge) * binHz;
    out.xDbBandwidthHz = (right - left) * binHz;
    out.peakDbfs = linToDb(peak);
    out.peakHz = f0 + kPeak * binHz;
    out.channelPowerDbfs = linToDb(total / geom.enbwBins);
    out.floorDbfs = linToDb(floorSum / (e - s + 1));
    out.snrDb = linToDb(peak) - linToDb(floor[kp] as number);
    return true;
  }
}

/** Fraction (0..1) of the way from a bin at `inDb` to the next bin at `outDb` where the level `targetDb` is crossed. */
function interpFraction(inDb: number, outDb: number, targetDb: number): number {
  const d = inDb - outDb;
  if (!(d > 0)) return 0.5;
  const t = (inDb - targetDb) / d;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Channel power and occupancy inside an assignment's [startHz, stopHz]. */
export interface BandMeasurement {
  /** Bins whose centres fall inside the band (inclusive); firstBin > lastBin when none. */
  firstBin: number;
  lastBin: number;
  /** Total power in the band, dBFS (ENBW corrected, includes the noise). */
  channelPowerDbfs: number;
  /** Power above the floor in the band, dBFS (−400 when none). */
  signalPowerDbfs: number;
  /** Noise power in the band (floor summed over the bins, ENBW corrected), dBFS. */
  noisePowerDbfs: number;
  /** Mean floor per bin, dBFS. */
  floorDbfs: number;
  /** Signal power over noise power in the band, dB. */
  snrDb: number;
  peakDbfs: number;
  peakHz: number;
  /** Fraction of usable bins in the band set in the detection mask, 0..1. */
  occupiedFraction: number;
  /** Any bin detected (the SM.1880 "any sample above threshold" rule for channel occupancy). */
  occupied: boolean;
  /** 99 % occupied bandwidth of the above-floor power inside the band, Hz (0 when none). */
  occupiedBandwidthHz: number;
}

/** A fresh {@link BandMeasurement} to reuse with {@link measureBand}. */
export function newBandMeasurement(): BandMeasurement {
  return {
    firstBin: 0,
    lastBin: -1,
    channelPowerDbfs: -400,
    signalPowerDbfs: -400,
    noisePowerDbfs: -400,
    floorDbfs: -400,
    snrDb: 0,
    peakDbfs: -400,
    peakHz: NaN,
    occupiedFraction: 0,
    occupied: false,
    occupiedBandwidthHz: 0,
  };
}

/**
 * Measure the band [startHz, stopHz] (absolute RF) of one spectrum: power, floor, peak, occupancy by the detection
 * mask, and the 99 % bandwidth of what is above the floor. Bins in `excludeMask` count as floor and are not
 * counted for occupancy. Writes into `out` (no allocation when given).
 */
export function measureBand(
  geom: SpectrumGeometry,
  psdLin: Float32Array | Float64Array,
  floorLin: Float32Array | Float64Array,
  detMask: Uint8Array,
  startHz: number,
  stopHz: number,
  out: BandMeasurement = newBandMeasurement(),
  excludeMask?: Uint8Array,
  obwFraction = 0.99,
): BandMeasurement {
  // Same as binRange(), inlined: no tuple allocation per assignment per spectrum.
  const a = Math.max(0, Math.ceil((startHz - geom.startHz) / geom.binHz - 1e-9));
  const b = Math.min(psdLin.length - 1, Math.floor((stopHz - geom.startHz) / geom.binHz + 1e-9));
  out.firstBin = a;
  out.lastBin = b;
  let total = 0;
  let noise = 0;
  let sig = 0;
  let peak = -Infinity;
  let kp = -1;
  let usable = 0;
  let hits = 0;
  for (let k = a; k <= b; k++) {
    const fl = floorLin[k] as number;
    const excluded = excludeMask !== undefined && excludeMask[k] === 1;
    const x = excluded ? fl : (psdLin[k] as number);
    total += x;
    noise += fl;
    if (x > fl) sig += x - fl;
    if (excluded) continue;
    usable++;
    if (detMask[k]) hits++;
    if (x > peak) {
      peak = x;
      kp = k;
    }
  }
  const enbw = geom.enbwBins;
  out.channelPowerDbfs = linToDb(total / enbw);
  out.signalPowerDbfs = linToDb(sig / enbw);
  out.noisePowerDbfs = linToDb(noise / enbw);
  out.floorDbfs = b >= a ? linToDb(noise / (b - a + 1)) : -400;
  out.snrDb = sig > 0 && noise > 0 ? 10 * Math.log10(sig / noise) : -400;
  out.peakDbfs = kp >= 0 ? linToDb(peak) : -400;
  out.peakHz = kp >= 0 ? geom.startHz + kp * geom.binHz : NaN;
  out.occupiedFraction = usable > 0 ? hits / usable : 0;
  out.occupied = hits > 0;
  out.occupiedBandwidthHz = 0;
  if (sig > 0) {
    const tail = ((1 - obwFraction) / 2) * sig;
    let cum = 0;
    let lo = NaN;
    let hi = NaN;
    for (let k = a; k <= b; k++) {
      const fl = floorLin[k] as number;
      const x = excludeMask !== undefined && excludeMask[k] === 1 ? fl : (psdLin[k] as number);
      const sk = x > fl ? x - fl : 0;
      if (sk <= 0) continue;
      const next = cum + sk;
      if (lo !== lo && next >= tail) lo = k - 0.5 + (tail - cum) / sk;
      if (next >= sig - tail) {
        hi = k - 0.5 + (sig - tail - cum) / sk;
        break;
      }
      cum = next;
    }
    out.occupiedBandwidthHz = (hi - lo) * geom.binHz;
  }
  return out;
}
