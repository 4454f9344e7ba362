/**
 * Reference frame kernel on fft.js (radix-4, float64): cu8 → window → complex FFT → |X|² accumulated.
 * The window is folded into the cu8 conversion (LUT value × coefficient), all buffers are allocated once.
 */
import FFT from 'fft.js';
import type { FrameKernel, WindowInfo } from './types.ts';
import { CU8_LUT } from './db.ts';
import { assertPow2, DspParamError } from './spectrum-error.ts';

/** FrameKernel over fft.js (backend 'fftjs'). Output accumulator is in natural FFT order (bin 0 = DC). */
export class FftJsKernel implements FrameKernel {
  readonly backend = 'fftjs';
  readonly fftSize: number;
  private readonly fft: FFT;
  private readonly window: Float32Array;
  /** Interleaved re,im input and output, float64 as fft.js wants them. */
  private readonly data: Float64Array;
  private readonly out: Float64Array;

  constructor(fftSize: number, window: WindowInfo) {
    assertPow2('fftSize', fftSize, 16, 65536);
    if (window.coeffs.length !== fftSize) {
      throw new DspParamError('window', `window has ${window.coeffs.length} coefficients, fftSize is ${fftSize}`);
    }
    this.fftSize = fftSize;
    this.fft = new FFT(fftSize);
    this.window = window.coeffs;
    this.data = new Float64Array(2 * fftSize);
    this.out = new Float64Array(2 * fftSize);
  }

  accumulateCu8(input: Uint8Array, offset: number, accum: Float64Array): void {
    const n = this.fftSize;
    if (offset < 0 || offset + 2 * n > input.length) {
      throw new DspParamError('offset', `frame of ${2 * n} bytes at ${offset} overruns ${input.length} bytes`);
    }
    const d = this.data;
    const w = this.window;
    const lut = CU8_LUT;
    for (let i = 0, b = offset; i < n; i++, b += 2) {
      const wi = w[i] as number;
      d[2 * i] = (lut[input[b] as number] as number) * wi;
      d[2 * i + 1] = (lut[input[b + 1] as number] as number) * wi;
    }
    this.transformAndAccumulate(accum);
  }

  accumulateCu8Frames(
    input: Uint8Array,
    offset: number,
    frames: number,
    hopSamples: number,
    accum: Float64Array,
  ): void {
    for (let f = 0; f < frames; f++) this.accumulateCu8(input, offset + 2 * f * hopSamples, accum);
  }

  accumulateComplex(re: Float32Array, im: Float32Array, offset: number, accum: Float64Array): void {
    const n = this.fftSize;
    if (offset < 0 || offset + n > re.length || offset + n > im.length) {
      throw new DspParamError('offset', `frame of ${n} samples at ${offset} overruns the input`);
    }
    const d = this.data;
    const w = this.window;
    for (let i = 0; i < n; i++) {
      const wi = w[i] as number;
      d[2 * i] = (re[offset + i] as number) * wi;
      d[2 * i + 1] = (im[offset + i] as number) * wi;
    }
    this.transformAndAccumulate(accum);
  }

  private transformAndAccumulate(accum: Float64Array): void {
    this.fft.transform(this.out, this.data);
    const o = this.out;
    const n = this.fftSize;
    for (let k = 0; k < n; k++) {
      const r = o[2 * k] as number;
      const q = o[2 * k + 1] as number;
      accum[k] = (accum[k] as number) + r * r + q * q;
    }
  }
}
