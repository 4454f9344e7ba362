import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FftJsKernel } from '../../dsp/fft-kernel.ts';
import { createFrameKernel, frameKernelWasmBytes, WasmSimdKernel, wasmSimdSupported } from '../../dsp/wasm/kernel.ts';
import { makeWindow } from '../../dsp/window.ts';
import { CU8_LUT } from '../../dsp/db.ts';
import type { FrameKernel, WindowKind } from '../../dsp/types.ts';
import { WelchPsd } from '../../dsp/welch.ts';
import { makeSignal, prng, toCu8 } from './spectrum-helpers.ts';

/** Naive O(N²) DFT power of a windowed cu8 frame, float64. */
function naivePower(bytes: Uint8Array, offset: number, w: Float32Array): Float64Array {
  const n = w.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const xr = (CU8_LUT[bytes[offset + 2 * t] as number] as number) * (w[t] as number);
      const xi = (CU8_LUT[bytes[offset + 2 * t + 1] as number] as number) * (w[t] as number);
      const a = (-2 * Math.PI * k * t) / n;
      sr += xr * Math.cos(a) - xi * Math.sin(a);
      si += xr * Math.sin(a) + xi * Math.cos(a);
    }
    out[k] = sr * sr + si * si;
  }
  return out;
}

function randomBytes(len: number, seed: number): Uint8Array {
  const r = prng(seed);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** Max |dB difference| over bins within `rangeDb` of the strongest bin. */
function maxDbDiff(a: Float64Array, b: Float64Array, rangeDb = 100): number {
  let peak = 0;
  for (const v of a) peak = Math.max(peak, v);
  const floor = peak * Math.pow(10, -rangeDb / 10);
  let m = 0;
  let used = 0;
  for (let k = 0; k < a.length; k++) {
    if ((a[k] as number) < floor) continue;
    used++;
    m = Math.max(m, Math.abs(10 * Math.log10((a[k] as number) / (b[k] as number))));
  }
  expect(used).toBeGreaterThan(a.length / 2);
  return m;
}

describe('FftJsKernel', () => {
  it.each([16, 32, 64])('N=%i matches a naive DFT of the windowed cu8 frame (natural order)', (n) => {
    const w = makeWindow('blackman-harris', n);
    const bytes = randomBytes(2 * n + 3, n);
    const k = new FftJsKernel(n, w);
    const acc = new Float64Array(n);
    k.accumulateCu8(bytes, 3, acc);
    const ref = naivePower(bytes, 3, w.coeffs);
    for (let i = 0; i < n; i++) expect(acc[i]).toBeCloseTo(ref[i] as number, 8);
  });

  it('accumulates: batch of frames = sum of single frames; complex path = cu8 path', () => {
    const n = 128;
    const w = makeWindow('hann', n);
    const bytes = randomBytes(2 * n * 5, 9);
    const k = new FftJsKernel(n, w);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    k.accumulateCu8Frames(bytes, 0, 7, n / 2, a);
    for (let f = 0; f < 7; f++) k.accumulateCu8(bytes, f * n, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = CU8_LUT[bytes[2 * i] as number] as number;
      im[i] = CU8_LUT[bytes[2 * i + 1] as number] as number;
    }
    const c = new Float64Array(n);
    const d = new Float64Array(n);
    k.accumulateComplex(re, im, 0, c);
    k.accumulateCu8(bytes, 0, d);
    for (let i = 0; i < n; i++) expect(c[i]).toBeCloseTo(d[i] as number, 10);
  });
});

describe('WasmSimdKernel', () => {
  it('the embedded module is the committed frame-kernel.wasm and validates (SIMD available)', () => {
    const file = readFileSync(new URL('../../dsp/wasm/frame-kernel.wasm', import.meta.url));
    expect(Buffer.from(frameKernelWasmBytes()).equals(file)).toBe(true);
    expect(wasmSimdSupported()).toBe(true);
  });

  it.each([16, 32, 64, 128, 256, 512])('N=%i (odd and even log2) matches a naive DFT', async (n) => {
    const w = makeWindow('hann', n);
    const bytes = randomBytes(2 * n + 1, 100 + n);
    const k = await WasmSimdKernel.create(n, w);
    const acc = new Float64Array(n);
    k.accumulateCu8(bytes, 1, acc);
    const ref = naivePower(bytes, 1, w.coeffs);
    expect(maxDbDiff(ref, acc, 80)).toBeLessThan(0.01);
  });

  const sizes = [1024, 2048, 4096, 8192];
  const kinds: WindowKind[] = ['hann', 'blackman-harris', 'flat-top', 'rectangular'];
  it.each(sizes)('N=%i: agrees with fftjs within 0.01 dB on tones + noise (batch, overlap, all windows)', (n) => {
    const frames = 6;
    const { re, im } = makeSignal(
      (frames + 1) * n,
      n,
      [
        { bins: 100.5, amplitude: 0.5 },
        { bins: -333.25, amplitude: 0.05 },
        { bins: 7, amplitude: 0.001 },
      ],
      1e-3,
      n,
    );
    const bytes = toCu8(re, im);
    for (const kind of kinds) {
      const w = makeWindow(kind, n);
      const ref = new FftJsKernel(n, w);
      const simd = WasmSimdKernel.createSync(n, w);
      const a = new Float64Array(n);
      const b = new Float64Array(n);
      ref.accumulateCu8Frames(bytes, 2, frames, n / 2, a);
      simd.accumulateCu8Frames(bytes, 2, frames, n / 2, b);
      expect(maxDbDiff(a, b)).toBeLessThan(0.01);
      // Float path too.
      const fr = new Float32Array(re);
      const fi = new Float32Array(im);
      a.fill(0);
      b.fill(0);
      ref.accumulateComplex(fr, fi, 5, a);
      simd.accumulateComplex(fr, fi, 5, b);
      expect(maxDbDiff(a, b)).toBeLessThan(0.01);
    }
  });

  it('batching is invisible: one call with many frames = frame-by-frame calls, bit for bit', () => {
    const n = 1024;
    const w = makeWindow('hann', n);
    const bytes = randomBytes(2 * n * 40, 77);
    const k = WasmSimdKernel.createSync(n, w);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    k.accumulateCu8Frames(bytes, 0, 79, n / 2, a);
    for (let f = 0; f < 79; f++) k.accumulateCu8(bytes, f * n, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('powerCu8: one frame on its own, bit for bit what accumulating it into zeros gives, at odd and even log2', () => {
    for (const n of [512, 1024, 2048]) {
      const w = makeWindow('hann', n);
      const bytes = randomBytes(2 * n * 3 + 1, 300 + n);
      const k = WasmSimdKernel.createSync(n, w);
      for (const off of [1, 2 * n - 7, 2 * n * 2]) {
        const ref = new Float64Array(n);
        k.accumulateCu8(bytes, off, ref);
        // An accumulation in between must not leak into the single-frame path (nor the other way round).
        const other = new Float64Array(n).fill(3);
        k.accumulateCu8(bytes, 0, other);
        expect(Array.from(k.powerCu8(bytes, off))).toEqual(Array.from(ref));
      }
      expect(() => k.powerCu8(bytes, bytes.length - 2 * n + 1)).toThrow(/overruns/);
    }
  });

  it('input larger than the 1 MiB WASM buffer is processed in sub-batches with the same result', () => {
    const n = 4096;
    const w = makeWindow('hann', n);
    const frames = 300; // 300 · 4096 · 2 B ≈ 2.4 MiB
    const bytes = randomBytes(2 * n * frames + 2 * n, 5);
    const k = WasmSimdKernel.createSync(n, w);
    const ref = new FftJsKernel(n, w);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    k.accumulateCu8Frames(bytes, 0, frames, n, a);
    ref.accumulateCu8Frames(bytes, 0, frames, n, b);
    expect(maxDbDiff(b, a)).toBeLessThan(0.01);
  });

  it('drives WelchPsd to the same spectra as the fftjs kernel (within 0.01 dB)', () => {
    const n = 2048;
    const w = makeWindow('blackman-harris', n);
    const { re, im } = makeSignal(20 * n, n, [{ bins: 300.3, amplitude: 0.3 }], 1e-3, 4);
    const bytes = toCu8(re, im);
    const spectra = (kernel: FrameKernel): Float32Array[] => {
      const out: Float32Array[] = [];
      const p = new WelchPsd({
        fftSize: n,
        window: w,
        kernel,
        sampleRateHz: 2.4e6,
        centerHz: 1e8,
        averages: 8,
        onSpectrum: (s) => out.push(s.psdDbfs.slice()),
      });
      p.push(bytes.subarray(0, 12345), 'cu8');
      p.push(bytes.subarray(12345), 'cu8');
      return out;
    };
    const a = spectra(new FftJsKernel(n, w));
    const b = spectra(WasmSimdKernel.createSync(n, w));
    expect(a.length).toBe(4);
    expect(b.length).toBe(4);
    a.forEach((sa, i) => {
      const sb = b[i] as Float32Array;
      for (let k = 0; k < n; k++) expect(Math.abs((sa[k] as number) - (sb[k] as number))).toBeLessThan(0.01);
    });
  });

  it('rejects bad sizes and use after dispose with typed errors', () => {
    expect(() => WasmSimdKernel.createSync(32768, makeWindow('hann', 32768))).toThrow(/power of two/);
    expect(() => WasmSimdKernel.createSync(64, makeWindow('hann', 32))).toThrow(/coefficients/);
    const k = WasmSimdKernel.createSync(64, makeWindow('hann', 64));
    expect(() => k.accumulateCu8(new Uint8Array(100), 0, new Float64Array(64))).toThrow(/overrun/);
    k.dispose();
    expect(() => k.accumulateCu8(new Uint8Array(128), 0, new Float64Array(64))).toThrow(/dispose/);
  });

  it('createFrameKernel picks wasm-simd when available, fftjs for sizes beyond the WASM range or on request', async () => {
    expect((await createFrameKernel(1024, makeWindow('hann', 1024))).backend).toBe('wasm-simd');
    expect((await createFrameKernel(1024, makeWindow('hann', 1024), 'fftjs')).backend).toBe('fftjs');
    expect((await createFrameKernel(32768, makeWindow('hann', 32768))).backend).toBe('fftjs');
  });
});
