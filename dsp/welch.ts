/**
 * Streaming Welch PSD: raw I/Q chunks of any size in, one calibrated, FFT-shifted {@link Spectrum} out every
 * `averages` frames. Frames overlap by `overlap` and may straddle chunks (a carry buffer of < one frame holds the
 * tail). Steady state allocates nothing: the output spectrum and its arrays are reused for every emission.
 *
 * Calibration: a full-scale complex tone (|x| = 1) centred on a bin reads 0 dBFS with every window
 * (power / (N·CG)²); white noise of total power σ² reads σ²·ENBW/N per bin, i.e. σ²/fs per Hz after
 * {@link noiseDensityDbfsPerHz}.
 */
import type { FrameKernel, SampleFormat, Spectrum, WindowInfo, WindowKind } from './types.ts';
import { bytesPerComplexSample, convertToComplex } from './convert.ts';
import { makeWindow, effectiveFrameCount } from './window.ts';
import { FftJsKernel } from './fft-kernel.ts';
import { dcBinRange, suppressDcBins, type BinRange } from './dc.ts';
import { powerBitsToDb } from './db.ts';
import { assertPow2, DspParamError } from './spectrum-error.ts';

export interface WelchOptions {
  /** FFT length, samples (power of two, 16..65536). */
  fftSize: number;
  /** Input sample rate, Hz. */
  sampleRateHz: number;
  /** RF centre frequency, Hz. */
  centerHz: number;
  /** Window kind or a prebuilt window of fftSize coefficients. Default 'hann'. */
  window?: WindowKind | WindowInfo;
  /** Fractional frame overlap in [0, 0.95]. Default 0.5. The hop is round(fftSize·(1 − overlap)) samples. */
  overlap?: number;
  /** Frames averaged per output spectrum (M). Default 16. */
  averages?: number;
  /**
   * Frame kernel; default a {@link FftJsKernel}. It must have been built for the same fftSize and the same
   * window coefficients as this WelchPsd (pass the same WindowInfo).
   */
  kernel?: FrameKernel;
  /** Bins around DC replaced by the interpolated neighbourhood and flagged (RTL-SDR spike). Default 0 (off). */
  dcWidthBins?: number;
  /** Called synchronously for every finished spectrum. The object and its arrays are reused: copy to keep. */
  onSpectrum?: (spectrum: Spectrum) => void;
  /**
   * Called for every frame, before it joins the average, with that frame's own periodogram: FFT-shifted, scaled
   * like a one-frame spectrum (linear, full-scale power per bin), DC bins suppressed like the spectrum's. The
   * array is reused. This is what fast-pulse and fast-sweep detectors need; it costs far less than a second
   * WelchPsd with one average on the same bytes (which would compute every FFT twice).
   */
  onFrame?: (frameLin: Float32Array, firstSample: number) => void;
}

/** Noise density, dBFS/Hz, from a Welch bin level: psdDbfs − 10·log10(ENBW·binHz). */
export function noiseDensityDbfsPerHz(psdDbfs: number, enbwBins: number, binHz: number): number {
  return psdDbfs - 10 * Math.log10(enbwBins * binHz);
}

/** Streaming Welch averager; see the module doc. */
export class WelchPsd {
  readonly fftSize: number;
  readonly window: WindowInfo;
  readonly hopSamples: number;
  readonly averages: number;
  readonly kernel: FrameKernel;
  /** The reused output. Valid after a spectrum was emitted, until the next one. */
  readonly spectrum: Spectrum & { psdLin: Float32Array; binFlags: Uint8Array };

  private readonly onSpectrum: ((s: Spectrum) => void) | undefined;
  private readonly onFrame: ((frameLin: Float32Array, firstSample: number) => void) | undefined;
  /** Per-frame scratch (only with onFrame): the frame's raw accumulation, its shifted periodogram, DC flags. */
  private readonly frameAcc: Float64Array | null;
  private readonly frameLin: Float32Array | null;
  private readonly frameFlags: Uint8Array | null;
  private readonly accum: Float64Array;
  /** Int32 alias of spectrum.psdLin for the fast dB conversion. */
  private readonly linBits: Int32Array;
  private readonly dcRange: BinRange;
  private readonly carry: Uint8Array;
  private carryLen = 0;
  private readonly frameRe: Float32Array;
  private readonly frameIm: Float32Array;
  private format: SampleFormat | undefined;
  private bps = 2;
  /** Absolute index of the next input byte expected, in samples·bps units of the current format. */
  private nextSample = 0;
  private nextPartialBytes = 0;
  /** Sample index of the next frame's first sample. */
  private frameStart = 0;
  private framesInAvg = 0;
  private avgFirstSample = 0;
  private fresh = false;
  private centerHz: number;
  private sampleRateHz: number;

  constructor(opts: WelchOptions) {
    assertPow2('fftSize', opts.fftSize, 16, 65536);
    const n = opts.fftSize;
    if (!(opts.sampleRateHz > 0)) throw new DspParamError('sampleRateHz', `must be > 0 Hz, got ${opts.sampleRateHz}`);
    if (!Number.isFinite(opts.centerHz)) throw new DspParamError('centerHz', `must be finite, got ${opts.centerHz}`);
    const overlap = opts.overlap ?? 0.5;
    if (!(overlap >= 0 && overlap <= 0.95)) throw new DspParamError('overlap', `must be in [0, 0.95], got ${overlap}`);
    const averages = opts.averages ?? 16;
    if (!Number.isInteger(averages) || averages < 1) {
      throw new DspParamError('averages', `must be an integer ≥ 1, got ${averages}`);
    }
    this.fftSize = n;
    this.window = typeof opts.window === 'object' ? opts.window : makeWindow(opts.window ?? 'hann', n);
    if (this.window.coeffs.length !== n) {
      throw new DspParamError('window', `window has ${this.window.coeffs.length} coefficients, fftSize is ${n}`);
    }
    this.hopSamples = Math.max(1, Math.round(n * (1 - overlap)));
    this.averages = averages;
    this.kernel = opts.kernel ?? new FftJsKernel(n, this.window);
    if (this.kernel.fftSize !== n) throw new DspParamError('kernel', `kernel fftSize ${this.kernel.fftSize} ≠ ${n}`);
    this.dcRange = dcBinRange(n, opts.dcWidthBins ?? 0);
    this.onSpectrum = opts.onSpectrum;
    this.onFrame = opts.onFrame;
    this.frameAcc = opts.onFrame ? new Float64Array(n) : null;
    this.frameLin = opts.onFrame ? new Float32Array(n) : null;
    this.frameFlags = opts.onFrame ? new Uint8Array(n) : null;
    this.accum = new Float64Array(n);
    this.carry = new Uint8Array(8 * n);
    this.frameRe = new Float32Array(n);
    this.frameIm = new Float32Array(n);
    this.centerHz = opts.centerHz;
    this.sampleRateHz = opts.sampleRateHz;
    const binHz = opts.sampleRateHz / n;
    const psdLin = new Float32Array(n);
    this.linBits = new Int32Array(psdLin.buffer);
    this.spectrum = {
      centerHz: opts.centerHz,
      sampleRateHz: opts.sampleRateHz,
      fftSize: n,
      binHz,
      startHz: opts.centerHz - opts.sampleRateHz / 2,
      frames: averages,
      effectiveFrames: effectiveFrameCount(this.window.coeffs, this.hopSamples, averages),
      enbwBins: this.window.enbwBins,
      psdDbfs: new Float32Array(n),
      psdLin,
      binFlags: new Uint8Array(n),
      firstSample: 0,
      sampleCount: 0,
    };
  }

  /**
   * Feeds raw interleaved I/Q (chunks may even split a sample). `sampleIndex` (optional) is the stream index of
   * the chunk's first sample, checked only when the previous chunk ended on a sample boundary;
   * a value other than the one expected means samples were lost, so the carry and the partial average are dropped
   * and framing restarts there. A change of `format` also restarts framing. Returns the spectra emitted.
   */
  push(bytes: Uint8Array, format: SampleFormat, sampleIndex?: number): number {
    if (format !== this.format) {
      this.format = format;
      this.bps = bytesPerComplexSample(format);
      this.restart(sampleIndex ?? this.nextSample);
    } else if (sampleIndex !== undefined && this.nextPartialBytes === 0 && sampleIndex !== this.nextSample) {
      this.restart(sampleIndex);
    }
    const bps = this.bps;
    const frameBytes = this.fftSize * bps;
    const hopBytes = this.hopSamples * bps;
    const len = bytes.length;
    let emitted = 0;
    let pos = 0;
    // Frames that start in the carry: complete them from the chunk, one at a time.
    while (this.carryLen > 0) {
      if (this.carryLen <= pos) {
        // The carry is now entirely made of this chunk's bytes: continue from the chunk directly.
        pos -= this.carryLen;
        this.carryLen = 0;
        break;
      }
      const need = frameBytes - this.carryLen;
      if (len - pos < need) {
        this.carry.set(pos === 0 ? bytes : bytes.subarray(pos), this.carryLen);
        this.carryLen += len - pos;
        pos = len;
        break;
      }
      this.carry.set(bytes.subarray(pos, pos + need), this.carryLen);
      pos += need;
      this.processFrames(this.carry, 0, 1);
      if (this.framesInAvg === this.averages) emitted += this.finish();
      this.carry.copyWithin(0, hopBytes, frameBytes);
      this.carryLen = frameBytes - hopBytes;
    }
    if (this.carryLen === 0) {
      // Whole frames inside the chunk, in batches that stop at the end of each average.
      while (pos + frameBytes <= len) {
        const avail = Math.floor((len - pos - frameBytes) / hopBytes) + 1;
        const count = Math.min(avail, this.averages - this.framesInAvg);
        this.processFrames(bytes, pos, count);
        pos += count * hopBytes;
        if (this.framesInAvg === this.averages) emitted += this.finish();
      }
      if (pos < len) {
        this.carry.set(bytes.subarray(pos), 0);
        this.carryLen = len - pos;
      }
    }
    const totalBytes = this.nextPartialBytes + len;
    this.nextSample += Math.floor(totalBytes / bps);
    this.nextPartialBytes = totalBytes % bps;
    return emitted;
  }

  /** The last finished spectrum if it was not taken yet, else null. Same reused object as onSpectrum gets. */
  take(): Spectrum | null {
    if (!this.fresh) return null;
    this.fresh = false;
    return this.spectrum;
  }

  /** New centre (and optionally rate): samples already buffered belong to the old tuning, so averaging restarts. */
  retune(centerHz: number, sampleRateHz = this.sampleRateHz): void {
    if (!Number.isFinite(centerHz)) throw new DspParamError('centerHz', `must be finite, got ${centerHz}`);
    if (!(sampleRateHz > 0)) throw new DspParamError('sampleRateHz', `must be > 0 Hz, got ${sampleRateHz}`);
    this.centerHz = centerHz;
    this.sampleRateHz = sampleRateHz;
    this.restart(this.nextSample);
  }

  /** Drops the carry and the partial average; the next frame starts at `sampleIndex`. */
  private restart(sampleIndex: number): void {
    this.carryLen = 0;
    this.nextSample = sampleIndex;
    this.nextPartialBytes = 0;
    this.frameStart = sampleIndex;
    this.framesInAvg = 0;
    this.accum.fill(0);
  }

  private processFrames(src: Uint8Array, offset: number, count: number): void {
    if (this.framesInAvg === 0) this.avgFirstSample = this.frameStart;
    if (this.onFrame) {
      for (let f = 0; f < count; f++) this.processOneFrame(src, offset + f * this.hopSamples * this.bps);
      return;
    }
    this.accumulate(src, offset, count, this.accum);
    this.framesInAvg += count;
    this.frameStart += count * this.hopSamples;
  }

  /** Window, FFT and |X|² of `count` frames (hop apart) from `src` at byte `offset`, added into `acc`. */
  private accumulate(src: Uint8Array, offset: number, count: number, acc: Float64Array): void {
    const k = this.kernel;
    if (this.format === 'cu8') {
      if (k.accumulateCu8Frames) k.accumulateCu8Frames(src, offset, count, this.hopSamples, acc);
      else for (let f = 0; f < count; f++) k.accumulateCu8(src, offset + 2 * f * this.hopSamples, acc);
    } else {
      const fmt = this.format as SampleFormat;
      const hopBytes = this.hopSamples * this.bps;
      for (let f = 0; f < count; f++) {
        convertToComplex(fmt, src, offset + f * hopBytes, this.frameRe, this.frameIm, this.fftSize);
        k.accumulateComplex(this.frameRe, this.frameIm, 0, acc);
      }
    }
  }

  /** One frame on its own (onFrame): its periodogram goes to the callback, then into the average. */
  private processOneFrame(src: Uint8Array, offset: number): void {
    const n = this.fftSize;
    const half = n >> 1;
    const lin = this.frameLin!;
    let acc = this.frameAcc!;
    if (this.format === 'cu8' && this.kernel.powerCu8) acc = this.kernel.powerCu8(src, offset);
    else {
      acc.fill(0);
      this.accumulate(src, offset, 1, acc);
    }
    const ncg = n * this.window.coherentGain;
    const scale = 1 / (ncg * ncg);
    const sum = this.accum;
    for (let i = 0; i < half; i++) {
      const a = acc[i] as number;
      const b = acc[i + half] as number;
      sum[i]! += a;
      sum[i + half]! += b;
      lin[i + half] = a * scale;
      lin[i] = b * scale;
    }
    if (this.dcRange.end >= this.dcRange.start) suppressDcBins(lin, this.dcRange, 4, this.frameFlags!);
    this.onFrame!(lin, this.frameStart);
    this.framesInAvg++;
    this.frameStart += this.hopSamples;
  }

  /** Scales, FFT-shifts, removes the DC spike, converts to dB and emits. */
  private finish(): number {
    const n = this.fftSize;
    const half = n >> 1;
    const s = this.spectrum;
    const ncg = n * this.window.coherentGain;
    const scale = 1 / (this.framesInAvg * ncg * ncg);
    const lin = s.psdLin;
    const acc = this.accum;
    for (let k = 0; k < half; k++) {
      lin[k + half] = (acc[k] as number) * scale;
      lin[k] = (acc[k + half] as number) * scale;
    }
    s.binFlags.fill(0);
    if (this.dcRange.end >= this.dcRange.start) suppressDcBins(lin, this.dcRange, 4, s.binFlags);
    powerBitsToDb(this.linBits, s.psdDbfs, n);
    s.centerHz = this.centerHz;
    s.sampleRateHz = this.sampleRateHz;
    s.binHz = this.sampleRateHz / n;
    s.startHz = this.centerHz - this.sampleRateHz / 2;
    s.frames = this.framesInAvg;
    s.firstSample = this.avgFirstSample;
    s.sampleCount = this.framesInAvg * this.hopSamples;
    this.framesInAvg = 0;
    acc.fill(0);
    this.fresh = true;
    this.onSpectrum?.(s);
    return 1;
  }
}
