/**
 * Recent raw IQ at the capture rate, and the channel extraction that turns it into what the classifier sees.
 *
 * `IqHistory` is a preallocated ring the pipeline pushes every block into (no allocation per block).
 * `extractChannel(history, offsetHz, bandwidthHz)` mixes one emission to 0 Hz, low-pass filters it (windowed-sinc
 * FIR, cut-off tied to the emission's bandwidth) and decimates to a rate of about four times that bandwidth. The
 * training script renders examples at the capture rate and runs them through this very function, so the model
 * is trained on exactly what inference computes.
 */
import type { IqBlock } from '../src/types.ts';
import type { ChannelIq } from '../src/tracking/classifier.ts';

/** Complex samples (decimated) the short-time features read: the newest end of the channel output. */
export const SNIPPET_LENGTH = 512;
/** Minimum span of the power envelope, capture samples (≈ 6.8 ms at 2.4 MS/s), so pulsing shows up at D = 1. */
export const ENVELOPE_MIN_SPAN = 16384;
/** Number of blocks of the power envelope. */
export const ENVELOPE_BLOCKS = 32;
/** Narrowest channel the extractor decimates for, Hz (a CW carrier is then seen at ≈ 40 kHz). */
export const MIN_CHANNEL_HZ = 10_000;
/** Output rate over bandwidth the decimation aims at (at least; integer decimation rounds it up). */
export const OVERSAMPLING = 4;
const MAX_TAPS = 2047;

/** The channel of one emission: mixed to 0 Hz and decimated (the seam's `ChannelIq`). */
export type ChannelSnippet = ChannelIq;

/** 8-bit to float lookup: (b - 127.5) / 127.5, as librtlsdr users conventionally scale cu8. */
const CU8_LUT = new Float32Array(256);
const CI8_LUT = new Float32Array(256);
for (let b = 0; b < 256; b++) {
  CU8_LUT[b] = (b - 127.5) / 127.5;
  CI8_LUT[b] = (b >= 128 ? b - 256 : b) / 128;
}

/**
 * Ring of the most recent complex samples at the capture rate (float32 planar). Capacity is a power of two.
 * `pushBlock` resets the ring when the capture centre or rate changes, or when samples were lost (a gap
 * would otherwise be stitched into one snippet).
 */
export class IqHistory {
  readonly capacity: number;
  private readonly reRing: Float32Array;
  private readonly imRing: Float32Array;
  /**
   * 8-bit blocks (cu8, ci8: the live formats, 2.4 MS/s) are kept as bytes and converted to float only when read:
   * readers (the classifier) come at most ~10 times a second, blocks every few ms, and the ring holds 27 ms.
   */
  private readonly raw: Uint8Array;
  private rawLut: Float32Array | null = null;
  /** The float ring is valid up to this many samples pushed; later ones wait in `raw`. */
  private converted = 0;
  private readonly mask: number;
  /** Next write position (monotonic count of samples pushed since the last reset). */
  private written = 0;
  private nextSampleIndex = -1;
  /** Capture centre, Hz (absolute RF); the emission's offset is its centre minus this. */
  centerHz = 0;
  /** Capture rate, Hz. */
  sampleRateHz = 0;

  /** @param capacity complex samples kept; rounded up to a power of two. Default 2^16 (27 ms at 2.4 MS/s). */
  constructor(capacity = 1 << 16) {
    let c = 1;
    while (c < capacity) c <<= 1;
    this.capacity = c;
    this.mask = c - 1;
    this.reRing = new Float32Array(c);
    this.imRing = new Float32Array(c);
    this.raw = new Uint8Array(2 * c);
  }

  /** The float rings (I and Q, indexed by {@link IqHistory.indexAgo}), converted up to the newest sample. */
  get re(): Float32Array {
    this.materialize();
    return this.reRing;
  }
  get im(): Float32Array {
    this.materialize();
    return this.imRing;
  }

  /** Convert the 8-bit samples pushed since the last read (at most one ring's worth) into the float rings. */
  private materialize(): void {
    const lut = this.rawLut;
    if (this.converted >= this.written || !lut) {
      this.converted = this.written;
      return;
    }
    const mask = this.mask;
    const raw = this.raw;
    const re = this.reRing;
    const im = this.imRing;
    for (let i = Math.max(this.converted, this.written - this.capacity); i < this.written; i++) {
      const w = i & mask;
      re[w] = lut[raw[2 * w] as number] as number;
      im[w] = lut[raw[2 * w + 1] as number] as number;
    }
    this.converted = this.written;
  }

  /** Samples available (≤ capacity). */
  get length(): number {
    return Math.min(this.written, this.capacity);
  }

  /** Total samples pushed since the last reset. */
  get totalPushed(): number {
    return this.written;
  }

  reset(centerHz = this.centerHz, sampleRateHz = this.sampleRateHz): void {
    this.written = 0;
    this.converted = 0;
    this.nextSampleIndex = -1;
    this.centerHz = centerHz;
    this.sampleRateHz = sampleRateHz;
  }

  /** Push a source block (any IqBlock format); handles retune, rate change and sample loss by resetting. */
  pushBlock(block: IqBlock): void {
    if (block.centerHz !== this.centerHz || block.sampleRateHz !== this.sampleRateHz) {
      this.reset(block.centerHz, block.sampleRateHz);
    } else if (this.nextSampleIndex >= 0 && block.sampleIndex !== this.nextSampleIndex) {
      this.reset();
    }
    const b = block.bytes;
    let n: number;
    switch (block.format) {
      case 'cu8':
        n = this.pushBytes(b, CU8_LUT);
        break;
      case 'ci8':
        n = this.pushBytes(b, CI8_LUT);
        break;
      case 'ci16_le': {
        this.materialize();
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        n = b.byteLength >> 2;
        for (let i = 0; i < n; i++) {
          const w = (this.written + i) & this.mask;
          this.reRing[w] = dv.getInt16(4 * i, true) / 32768;
          this.imRing[w] = dv.getInt16(4 * i + 2, true) / 32768;
        }
        this.written += n;
        this.converted = this.written;
        break;
      }
      case 'cf32_le': {
        this.materialize();
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        n = b.byteLength >> 3;
        for (let i = 0; i < n; i++) {
          const w = (this.written + i) & this.mask;
          this.reRing[w] = dv.getFloat32(8 * i, true);
          this.imRing[w] = dv.getFloat32(8 * i + 4, true);
        }
        this.written += n;
        this.converted = this.written;
        break;
      }
    }
    this.nextSampleIndex = block.sampleIndex + n;
  }

  /** Push interleaved cu8 bytes (I, Q, I, Q ...). */
  pushCu8(bytes: Uint8Array): void {
    this.pushBytes(bytes, CU8_LUT);
  }

  /** Push planar float samples (`count` from the start of re/im). */
  pushFloat(re: Float32Array, im: Float32Array, count = re.length): void {
    this.materialize();
    const start = count > this.capacity ? count - this.capacity : 0;
    for (let i = start; i < count; i++) {
      const w = (this.written + i - start) & this.mask;
      this.reRing[w] = re[i] as number;
      this.imRing[w] = im[i] as number;
    }
    this.written += count - start;
    this.converted = this.written;
  }

  private pushBytes(b: Uint8Array, lut: Float32Array): number {
    if (this.rawLut !== lut) {
      this.materialize();
      this.rawLut = lut;
    }
    const n = b.length >> 1;
    // Only the newest `capacity` samples can survive; copy them into the byte ring in at most two pieces.
    const skip = Math.max(0, n - this.capacity);
    let from = this.written + skip;
    let i = skip;
    while (i < n) {
      const w = from & this.mask;
      const len = Math.min(n - i, this.capacity - w);
      this.raw.set(b.subarray(2 * i, 2 * (i + len)), 2 * w);
      i += len;
      from += len;
    }
    this.written += n;
    return n;
  }

  /** Ring index of the sample `ago` samples before the newest (ago = 0 is the newest). */
  indexAgo(ago: number): number {
    return (this.written - 1 - ago) & this.mask;
  }
}

/** Decimation for a bandwidth: the output rate is at least `OVERSAMPLING` × max(bandwidth, MIN_CHANNEL_HZ). */
export function decimationFor(sampleRateHz: number, bandwidthHz: number): number {
  const bw = Math.max(bandwidthHz, MIN_CHANNEL_HZ);
  return Math.max(1, Math.floor(sampleRateHz / (OVERSAMPLING * bw)));
}

/** Capture samples one extraction reads (span of the envelope plus the filter's length). */
export function extractionSpan(sampleRateHz: number, bandwidthHz: number): number {
  const d = decimationFor(sampleRateHz, bandwidthHz);
  return envelopeSpan(d) + tapsFor(sampleRateHz, bandwidthHz, d);
}

function envelopeSpan(d: number): number {
  const outputs = Math.max(SNIPPET_LENGTH, Math.ceil(ENVELOPE_MIN_SPAN / d));
  // whole envelope blocks
  return Math.ceil(outputs / ENVELOPE_BLOCKS) * ENVELOPE_BLOCKS * d;
}

/** One-sided cut-off, Hz: 0.75 × bandwidth (margin for a misjudged bandwidth), under 0.45 × the output rate. */
function cutoffFor(sampleRateHz: number, bandwidthHz: number, d: number): number {
  const bw = Math.max(bandwidthHz, MIN_CHANNEL_HZ);
  return Math.min(0.75 * bw, (0.45 * sampleRateHz) / d);
}

/** Hamming-windowed sinc: transition ≈ 3.3 fs / taps, set to about the cut-off itself. */
function tapsFor(sampleRateHz: number, bandwidthHz: number, d: number): number {
  const fc = cutoffFor(sampleRateHz, bandwidthHz, d);
  const t = Math.min(MAX_TAPS, Math.ceil((3.3 * sampleRateHz) / fc)) | 1;
  return Math.max(t, 9);
}

interface FilterPlan {
  taps: number;
  h: Float32Array;
}
const filterCache = new Map<string, FilterPlan>();

/** Real low-pass prototype, unit DC gain; cached per (rate, cut-off, taps). */
function lowpass(sampleRateHz: number, fcHz: number, taps: number): FilterPlan {
  const key = `${sampleRateHz}:${fcHz.toFixed(3)}:${taps}`;
  let p = filterCache.get(key);
  if (p) return p;
  const h = new Float32Array(taps);
  const m = (taps - 1) / 2;
  const wc = (2 * fcHz) / sampleRateHz;
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    const x = k - m;
    const sinc = x === 0 ? wc : Math.sin(Math.PI * wc * x) / (Math.PI * x);
    const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * k) / (taps - 1));
    h[k] = sinc * w;
    sum += sinc * w;
  }
  for (let k = 0; k < taps; k++) h[k] = (h[k] as number) / sum;
  p = { taps, h };
  if (filterCache.size > 256) filterCache.clear();
  filterCache.set(key, p);
  return p;
}

export interface ExtractOptions {
  /** End the span this many capture samples before the newest (training centres the span in an example). */
  endAgoSamples?: number;
  /** Reuse these buffers when their length fits (the pipeline may keep one per emission). */
  out?: ChannelSnippet;
}

/**
 * Mix the emission at `offsetHz` (from the capture centre) to 0 Hz, low-pass and decimate the whole span
 * (≥ ENVELOPE_MIN_SPAN capture samples, ≥ SNIPPET_LENGTH outputs; so 512 outputs for a narrow channel and up to
 * 16384 at decimation 1: the long-lag autocorrelation that reveals an OFDM cyclic prefix needs them). Returns null when the
 * history does not yet hold `extractionSpan()` samples. Cost: (span / decimation) × taps complex MACs, about
 * 0.3 M for any bandwidth (≈ 1 ms in JS); call it when a classification is requested, not per block.
 *
 * The complex band-pass g[k] = h[k]·e^{jωk} is applied to the raw samples and each output is rotated by
 * e^{-jωn}, which equals filtering the mixed signal without mixing every input sample.
 */
export function extractChannel(
  history: IqHistory,
  offsetHz: number,
  bandwidthHz: number,
  opts: ExtractOptions = {},
): ChannelSnippet | null {
  const fs = history.sampleRateHz;
  if (!(fs > 0)) return null;
  const d = decimationFor(fs, bandwidthHz);
  const fc = cutoffFor(fs, bandwidthHz, d);
  const taps = tapsFor(fs, bandwidthHz, d);
  const span = envelopeSpan(d);
  const endAgo = opts.endAgoSamples ?? 0;
  if (history.length < span + taps + endAgo) return null;
  const { h } = lowpass(fs, fc, taps);
  const outputs = span / d;
  const reuse = opts.out && opts.out.re.length === outputs ? opts.out : undefined;
  const out = reuse ?? {
    re: new Float32Array(outputs),
    im: new Float32Array(outputs),
    sampleRateHz: 0,
    decimation: 0,
    bandwidthHz: 0,
    envelope: new Float32Array(ENVELOPE_BLOCKS),
    envelopeBlockS: 0,
  };
  out.sampleRateHz = fs / d;
  out.decimation = d;
  out.bandwidthHz = bandwidthHz;
  out.envelopeBlockS = span / ENVELOPE_BLOCKS / fs;
  out.envelope.fill(0);
  // complex band-pass taps (allocated per call: calls are rate-limited, blocks are not)
  const w = (2 * Math.PI * offsetHz) / fs;
  const gr = new Float32Array(taps);
  const gi = new Float32Array(taps);
  for (let k = 0; k < taps; k++) {
    const hk = h[k] as number;
    gr[k] = hk * Math.cos(w * k);
    gi[k] = hk * Math.sin(w * k);
  }
  const re = history.re;
  const im = history.im;
  const mask = history.capacity - 1;
  // ring index of the newest sample used, and of the first output's newest input
  const newest = history.indexAgo(endAgo);
  const perBlock = outputs / ENVELOPE_BLOCKS;
  for (let m = 0; m < outputs; m++) {
    // output m uses inputs ending at (newest - (outputs-1-m)·d), going back `taps` samples
    const top = newest - (outputs - 1 - m) * d;
    let ar = 0;
    let ai = 0;
    for (let k = 0; k < taps; k++) {
      const j = (top - k) & mask;
      const xr = re[j] as number;
      const xi = im[j] as number;
      const cr = gr[k] as number;
      const ci = gi[k] as number;
      ar += xr * cr - xi * ci;
      ai += xr * ci + xi * cr;
    }
    // rotate by e^{-jω n}, n = sample number of `top` relative to the span start (phase reference is arbitrary)
    const ph = -w * (m * d);
    const c = Math.cos(ph);
    const s = Math.sin(ph);
    const yr = ar * c - ai * s;
    const yi = ar * s + ai * c;
    const b = Math.floor(m / perBlock);
    out.envelope[b] = (out.envelope[b] as number) + yr * yr + yi * yi;
    out.re[m] = yr;
    out.im[m] = yi;
  }
  for (let b = 0; b < ENVELOPE_BLOCKS; b++) out.envelope[b] = (out.envelope[b] as number) / perBlock;
  return out;
}
