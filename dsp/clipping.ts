/**
 * ADC overload (clipping) measurement. An RTL-SDR's 8-bit ADC driven past full scale (gain too high, or a strong
 * signal nearby) pins I or Q to its rails; the flattened peaks create intermodulation and harmonic products that
 * the detectors see as emitters. The fraction of complex samples with I or Q at a rail is cheap to count and says
 * how much of the sensor's output is distorted.
 *
 * Units: counts are complex samples; fractions are 0–1 (clipped complex samples / complex samples); times are ms
 * (the caller's clock: sample time for recordings) and durations s.
 *
 * What counts as "at the ADC limit", per format (each agrees with src/recording/toCu8: a sample is clipped iff it
 * would be 0 or 255 as cu8):
 * - cu8: I or Q byte is 0 or 255;
 * - ci8: I or Q is −128 (0x80) or +127 (0x7f);
 * - ci16_le: the high byte of I or Q is 0x80 or 0x7f, i.e. within one 8-bit step (1/128 of full scale) of a rail:
 *   an 8-bit ADC's output widened to 16 bits (v·256, or (v−128)·256) lands there, a real 16-bit ADC only at its top
 *   0.4 %;
 * - cf32_le (full scale ±1): |I| or |Q| ≥ 127/127.5 (includes ±∞; NaN is not counted).
 */
import type { SampleFormat } from './types.ts';
import { bytesPerComplexSample } from './convert.ts';
import { DspParamError } from './spectrum-error.ts';

/**
 * Pair tables, indexed by `I | Q << 8` of two 8-bit values: 1 when either is at a rail. One load per complex sample
 * (64 KiB, built on first use per format) measured ≈ 25 % faster than two loads from a 256-entry table.
 */
let cu8Pairs: Uint8Array | null = null;
let ci8Pairs: Uint8Array | null = null;

/** cu8 rails are 0 and 255; two's-complement (ci8, and the high byte of ci16) rails are 0x80 (−128) and 0x7f (+127). */
function pairTable(low: number, high: number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let q = 0; q < 256; q++) {
    for (let i = 0; i < 256; i++) t[i | (q << 8)] = i === low || i === high || q === low || q === high ? 1 : 0;
  }
  return t;
}

/** Bit pattern of float32 127/127.5 (the smallest |v| that toCu8 maps to a rail); |v| compares as its bits. */
const F32_RAIL_BITS = (() => {
  const f = new Float32Array([127 / 127.5]);
  return new Uint32Array(f.buffer)[0]!;
})();
/** Bit pattern of +∞ (exponent all ones, mantissa 0): anything above is NaN. */
const F32_INF_BITS = 0x7f800000;

/** cu8 clipped samples in whole words (two samples each) of `bytes` from byte `b0`, `w32` viewing the same bytes. */
function cu8Words(w32: Int32Array, bytes: Uint8Array, b0: number, pairs: Uint8Array): number {
  let clipped = 0;
  const n = w32.length;
  for (let k = 0; k < n; k++) {
    const v = w32[k]!;
    const nv = ~v;
    // Non-zero iff some byte of v is 0x00 (first term) or 0xff (second term).
    if (((((v - 0x01010101) | 0) & nv) | (((nv - 0x01010101) | 0) & v)) & 0x80808080) {
      const o = b0 + 4 * k;
      clipped += pairs[bytes[o]! | (bytes[o + 1]! << 8)]! + pairs[bytes[o + 2]! | (bytes[o + 3]! << 8)]!;
    }
  }
  return clipped;
}

/**
 * Number of complex samples of `bytes` (format `format`, interleaved I,Q) with I or Q at the ADC limit, over
 * `count` samples starting at complex sample `fromSample`. No allocation; any byte offset (cf32 is read byte by
 * byte). Throws {@link DspParamError} if the range overruns `bytes`.
 */
export function countClippedSamples(
  format: SampleFormat,
  bytes: Uint8Array,
  fromSample = 0,
  count = Math.floor(bytes.length / bytesPerComplexSample(format)) - fromSample,
): number {
  const bps = bytesPerComplexSample(format);
  if (!Number.isInteger(fromSample) || !Number.isInteger(count) || fromSample < 0 || count < 0) {
    throw new DspParamError('count', `sample range ${fromSample}+${count} is not a range of whole samples`);
  }
  if ((fromSample + count) * bps > bytes.length) {
    throw new DspParamError(
      'count',
      `${count} ${format} samples at sample ${fromSample} overrun ${bytes.length} bytes`,
    );
  }
  let clipped = 0;
  let b = fromSample * bps;
  const end = b + count * bps;
  switch (format) {
    case 'cu8': {
      const pairs = (cu8Pairs ??= pairTable(0x00, 0xff));
      // Word at a time (two complex samples): most words hold neither a 0x00 nor a 0xff byte, and the bit trick
      // tells so without the 64 KiB table (which cost ~6 % of analyze in table misses). Unaligned head and tail,
      // and flagged words, go through the table.
      const abs = bytes.byteOffset + b;
      // An odd start never aligns in whole samples: all of it goes through the table.
      const head = abs & 1 ? end - b : Math.min(end - b, abs & 2);
      for (const stop = b + head; b < stop; b += 2)
        clipped += pairs[(bytes[b] as number) | ((bytes[b + 1] as number) << 8)]!;
      const words = (end - b) >> 2;
      if (words > 0) {
        clipped += cu8Words(new Int32Array(bytes.buffer, bytes.byteOffset + b, words), bytes, b, pairs);
        b += 4 * words;
      }
      for (; b < end; b += 2) clipped += pairs[(bytes[b] as number) | ((bytes[b + 1] as number) << 8)]!;
      return clipped;
    }
    case 'ci8': {
      const pairs = (ci8Pairs ??= pairTable(0x80, 0x7f));
      for (; b < end; b += 2) clipped += pairs[(bytes[b] as number) | ((bytes[b + 1] as number) << 8)]!;
      return clipped;
    }
    case 'ci16_le': {
      const pairs = (ci8Pairs ??= pairTable(0x80, 0x7f));
      // Little-endian: the high (sign) byte of I is at +1, of Q at +3.
      for (; b < end; b += 4) clipped += pairs[(bytes[b + 1] as number) | ((bytes[b + 3] as number) << 8)]!;
      return clipped;
    }
    case 'cf32_le':
      for (; b < end; b += 8) {
        // |v| as bits (sign cleared); positive floats order like their bit patterns, so no float decoding is needed.
        const i =
          ((bytes[b] as number) | ((bytes[b + 1] as number) << 8) | ((bytes[b + 2] as number) << 16)) +
          ((bytes[b + 3] as number) & 0x7f) * 0x1000000;
        const q =
          ((bytes[b + 4] as number) | ((bytes[b + 5] as number) << 8) | ((bytes[b + 6] as number) << 16)) +
          ((bytes[b + 7] as number) & 0x7f) * 0x1000000;
        if ((i >= F32_RAIL_BITS && i <= F32_INF_BITS) || (q >= F32_RAIL_BITS && q <= F32_INF_BITS)) clipped++;
      }
      return clipped;
  }
}

/** Fraction (0–1) of the complex samples of `bytes` with I or Q at the ADC limit; 0 for an empty buffer. */
export function clippedFraction(format: SampleFormat, bytes: Uint8Array): number {
  const n = Math.floor(bytes.length / bytesPerComplexSample(format));
  return n === 0 ? 0 : countClippedSamples(format, bytes, 0, n) / n;
}

/**
 * Thresholds of the ADC-overload condition (see docs/sensor-health.md for why these values).
 * Raise: the clipped fraction is above `raiseFraction` in every window for `raiseAfterS`; clear: below
 * `clearFraction` in every window for `clearAfterS`. In between (hysteresis band) the state holds.
 */
export interface OverloadThresholds {
  /** Measurement window, s of samples. Default 1. */
  windowS: number;
  /** Clipped fraction (0–1) a window must exceed to count towards raising. Default 0.01 (1 %). */
  raiseFraction: number;
  /** Consecutive over-threshold time that raises, s. Default 2. */
  raiseAfterS: number;
  /** Clipped fraction (0–1) a window must stay under to count towards clearing. Default 0.001 (0.1 %). */
  clearFraction: number;
  /** Consecutive under-threshold time that clears, s. Default 5. */
  clearAfterS: number;
}

export const DEFAULT_OVERLOAD_THRESHOLDS: Readonly<OverloadThresholds> = Object.freeze({
  windowS: 1,
  raiseFraction: 0.01,
  raiseAfterS: 2,
  clearFraction: 0.001,
  clearAfterS: 5,
});

/** One completed measurement window. */
export interface ClipWindow {
  /** Time of the window's first and one-past-last sample, ms. */
  startMs: number;
  endMs: number;
  /**
   * Complex samples in the window, and those with I or Q at the ADC limit. Both 0 only for the end-of-stream
   * decision of {@link OverloadDetector.finish} after a complete window (its fraction repeats that window's).
   */
  samples: number;
  clipped: number;
  /** clipped / samples, 0–1. */
  fraction: number;
  /** Overload state after this window. */
  overloaded: boolean;
  /** Set on the window that changed the state. */
  transition: 'raise' | 'clear' | null;
  /**
   * raise: time the over-threshold run began, ms; clear: time the under-threshold run began (when the overload
   * ended), ms; otherwise the start of the current overload episode (overloaded) or null.
   */
  sinceMs: number | null;
  /** Largest window fraction of the current (or, on clear, the ended) overload episode; 0 when none. */
  peakFraction: number;
  /**
   * True on a raise decided by {@link OverloadDetector.finish}: the stream ended before `raiseAfterS` but was over
   * the threshold from its first sample to its last.
   */
  wholeStream: boolean;
}

/**
 * Streaming ADC-overload detector: feed it every block as it arrives; it cuts the stream into windows of
 * `windowS` seconds of samples (at fixed sample counts from the first sample, so the result does not depend on how
 * the source cut its blocks), counts clipped samples per window and runs the raise/clear hysteresis. Lost samples
 * (gaps) are simply not counted. Nothing is allocated per block; one {@link ClipWindow} per window.
 */
export class OverloadDetector {
  readonly thresholds: Readonly<OverloadThresholds>;
  private winSamples = 0;
  private winClipped = 0;
  private winStartMs = NaN;
  private winLength = 0;
  private rateHz = 0;
  private overloaded = false;
  private runS = 0;
  private runStartMs: number | null = null;
  private episodeStartMs: number | null = null;
  private peak = 0;
  private streamStartMs = NaN;
  private lastEndMs = NaN;
  private last: ClipWindow | null = null;

  constructor(
    private readonly onWindow: (w: ClipWindow) => void,
    thresholds: Partial<OverloadThresholds> = {},
  ) {
    const t = { ...DEFAULT_OVERLOAD_THRESHOLDS, ...thresholds };
    for (const k of ['windowS', 'raiseAfterS', 'clearAfterS'] as const) {
      if (!(t[k] > 0) || !Number.isFinite(t[k]))
        throw new DspParamError(k, `must be a positive number of s, got ${t[k]}`);
    }
    if (!(t.clearFraction >= 0 && t.clearFraction <= t.raiseFraction && t.raiseFraction < 1)) {
      throw new DspParamError(
        'raiseFraction',
        `need 0 ≤ clearFraction (${t.clearFraction}) ≤ raiseFraction (${t.raiseFraction}) < 1`,
      );
    }
    this.thresholds = Object.freeze(t);
  }

  /** Overload state now. */
  get isOverloaded(): boolean {
    return this.overloaded;
  }

  /** The latest completed window, or null before the first. */
  get lastWindow(): ClipWindow | null {
    return this.last;
  }

  /**
   * Feeds `bytes` (format `format`) whose first complex sample is at `timeMs` (ms), at `sampleRateHz` (Hz).
   * Calls `onWindow` for every window completed inside the block.
   */
  push(format: SampleFormat, bytes: Uint8Array, timeMs: number, sampleRateHz: number): void {
    const n = Math.floor(bytes.length / bytesPerComplexSample(format));
    if (n === 0) return;
    if (!(sampleRateHz > 0)) throw new DspParamError('sampleRateHz', `must be > 0, got ${sampleRateHz}`);
    if (Number.isNaN(this.streamStartMs)) this.streamStartMs = timeMs;
    if (sampleRateHz !== this.rateHz) {
      this.rateHz = sampleRateHz;
      this.winLength = Math.max(1, Math.round(this.thresholds.windowS * sampleRateHz));
    }
    const msPerSample = 1000 / sampleRateHz;
    let at = 0;
    while (at < n) {
      if (this.winSamples === 0) this.winStartMs = timeMs + at * msPerSample;
      const take = Math.min(n - at, this.winLength - this.winSamples);
      this.winClipped += countClippedSamples(format, bytes, at, take);
      this.winSamples += take;
      at += take;
      this.lastEndMs = timeMs + at * msPerSample;
      if (this.winSamples >= this.winLength) this.closeWindow(this.lastEndMs);
    }
  }

  /**
   * End of stream: closes the partial window (if it holds any samples) and, when the whole stream was over the raise
   * threshold but shorter than `raiseAfterS`, raises (there will be no more evidence). Returns the closed window.
   */
  finish(): ClipWindow | null {
    if (this.winSamples > 0) return this.closeWindow(this.lastEndMs, true);
    const last = this.last;
    if (this.overloaded || !last || this.runStartMs === null || this.runStartMs !== this.streamStartMs) return null;
    // The stream ended exactly on a window boundary, over the threshold from its start: decide on what there is.
    this.overloaded = true;
    this.episodeStartMs = this.runStartMs;
    const w: ClipWindow = {
      startMs: last.endMs,
      endMs: last.endMs,
      samples: 0,
      clipped: 0,
      fraction: last.fraction,
      overloaded: true,
      transition: 'raise',
      sinceMs: this.runStartMs,
      peakFraction: this.peak,
      wholeStream: true,
    };
    this.runStartMs = null;
    this.runS = 0;
    this.last = w;
    this.onWindow(w);
    return w;
  }

  private closeWindow(endMs: number, final = false): ClipWindow {
    const t = this.thresholds;
    const samples = this.winSamples;
    const clipped = this.winClipped;
    const fraction = clipped / samples;
    const startMs = this.winStartMs;
    const durS = samples / this.rateHz;
    this.winSamples = 0;
    this.winClipped = 0;
    let transition: ClipWindow['transition'] = null;
    let sinceMs: number | null = null;
    let wholeStream = false;
    if (!this.overloaded) {
      if (fraction > t.raiseFraction) {
        if (this.runStartMs === null) {
          this.runStartMs = startMs;
          this.runS = 0;
          this.peak = 0;
        }
        this.runS += durS;
        this.peak = Math.max(this.peak, fraction);
        // Windows are cut at whole samples: allow for rounding of windowS × rate.
        const enough = this.runS >= t.raiseAfterS - 0.5 / this.rateHz;
        wholeStream = final && !enough && this.runStartMs === this.streamStartMs;
        if (enough || wholeStream) {
          this.overloaded = true;
          transition = 'raise';
          this.episodeStartMs = this.runStartMs;
          sinceMs = this.runStartMs;
          this.runStartMs = null;
          this.runS = 0;
        }
      } else {
        this.runStartMs = null;
        this.runS = 0;
        this.peak = 0;
      }
    } else {
      this.peak = Math.max(this.peak, fraction);
      sinceMs = this.episodeStartMs;
      if (fraction < t.clearFraction) {
        if (this.runStartMs === null) {
          this.runStartMs = startMs;
          this.runS = 0;
        }
        this.runS += durS;
        if (this.runS >= t.clearAfterS - 0.5 / this.rateHz) {
          this.overloaded = false;
          transition = 'clear';
          sinceMs = this.runStartMs;
          this.runStartMs = null;
          this.runS = 0;
          this.episodeStartMs = null;
        }
      } else {
        this.runStartMs = null;
        this.runS = 0;
      }
    }
    const w: ClipWindow = {
      startMs,
      endMs,
      samples,
      clipped,
      fraction,
      overloaded: this.overloaded,
      transition,
      sinceMs,
      peakFraction: this.overloaded || transition === 'clear' ? this.peak : 0,
      wholeStream,
    };
    if (transition === 'clear') this.peak = 0;
    this.last = w;
    this.onWindow(w);
    return w;
  }
}
