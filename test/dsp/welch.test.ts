import { describe, expect, it } from 'vitest';
import { noiseDensityDbfsPerHz, WelchPsd } from '../../dsp/welch.ts';
import { interpolatePeak, makeWindow, scallopLossDb } from '../../dsp/window.ts';
import { FftJsKernel } from '../../dsp/fft-kernel.ts';
import { WasmSimdKernel } from '../../dsp/wasm/kernel.ts';
import type { SampleFormat, Spectrum, WindowKind } from '../../dsp/types.ts';
import { argmax, makeSignal, prng, toCf32, toCi16, toCu8 } from './spectrum-helpers.ts';

const KINDS: WindowKind[] = ['hann', 'blackman-harris', 'flat-top', 'rectangular'];
const FS = 2_400_000;

interface Snap {
  db: Float32Array;
  lin: Float32Array;
  flags: Uint8Array;
  firstSample: number;
  sampleCount: number;
  frames: number;
  startHz: number;
  centerHz: number;
}
function snap(s: Spectrum): Snap {
  return {
    db: s.psdDbfs.slice(),
    lin: (s.psdLin as Float32Array).slice(),
    flags: (s.binFlags as Uint8Array).slice(),
    firstSample: s.firstSample,
    sampleCount: s.sampleCount,
    frames: s.frames,
    startHz: s.startHz,
    centerHz: s.centerHz,
  };
}

function run(
  bytes: Uint8Array,
  format: SampleFormat,
  opts: Partial<ConstructorParameters<typeof WelchPsd>[0]> & { fftSize: number },
  chunks?: number[],
): Snap[] {
  const out: Snap[] = [];
  const w = new WelchPsd({ sampleRateHz: FS, centerHz: 100e6, ...opts, onSpectrum: (s) => out.push(snap(s)) });
  if (!chunks) w.push(bytes, format);
  else {
    let p = 0;
    for (const c of chunks) {
      w.push(bytes.subarray(p, p + c), format);
      p += c;
    }
  }
  return out;
}

describe('WelchPsd calibration', () => {
  const N = 1024;
  it.each(KINDS)('%s: full-scale tone centred on a bin reads 0 dBFS (±0.1 dB) at the right frequency', (kind) => {
    const bin = 100; // natural-order bin +100 → shifted index N/2 + 100
    const { re, im } = makeSignal(4 * N, N, [{ bins: bin, amplitude: 1 }], 0);
    const [s] = run(toCf32(re, im), 'cf32_le', { fftSize: N, window: kind, averages: 4, overlap: 0.5 });
    expect(s).toBeDefined();
    const k = argmax(s!.db);
    expect(k).toBe(N / 2 + bin);
    expect(Math.abs(s!.db[k] as number)).toBeLessThan(0.1);
  });

  it('flat-top reads the tone level within 0.1 dB at any offset without interpolation', () => {
    const w = makeWindow('flat-top', N);
    for (const off of [0.13, 0.25, 0.5, 0.77]) {
      const { re, im } = makeSignal(2 * N, N, [{ bins: -200 + off, amplitude: 0.5 }], 0);
      const [s] = run(toCf32(re, im), 'cf32_le', { fftSize: N, window: w, averages: 1, overlap: 0 });
      const k = argmax(s!.db);
      expect(Math.abs((s!.db[k] as number) - 20 * Math.log10(0.5))).toBeLessThan(0.1);
    }
  });

  it.each(['hann', 'blackman-harris', 'rectangular'] as const)(
    '%s: a half-bin tone reads low by exactly the scalloping loss; interpolatePeak restores level and frequency',
    (kind) => {
      const w = makeWindow(kind, N);
      const { re, im } = makeSignal(N, N, [{ bins: 37.5, amplitude: 1 }], 0);
      const [s] = run(toCf32(re, im), 'cf32_le', { fftSize: N, window: w, averages: 1, overlap: 0 });
      const k = argmax(s!.db);
      expect(s!.db[k]).toBeCloseTo(-scallopLossDb(w), 2);
      const p = interpolatePeak(s!.lin, k, w);
      expect(Math.abs(p.bin - (N / 2 + 37.5))).toBeLessThan(0.1);
      expect(Math.abs(10 * Math.log10(p.power))).toBeLessThan(0.1);
    },
  );

  it.each(KINDS)('%s: tone in noise: interpolated frequency within 0.1 bin, level within 0.1 dB', (kind) => {
    const w = makeWindow(kind, N);
    const r = prng(7);
    for (let t = 0; t < 4; t++) {
      const pos = -300 + 600 * r();
      const { re, im } = makeSignal(9 * N, N, [{ bins: pos, amplitude: 0.3 }], 1e-4, 11 + t);
      const [s] = run(toCf32(re, im), 'cf32_le', { fftSize: N, window: w, averages: 16, overlap: 0.5 });
      const k = argmax(s!.lin);
      const p = interpolatePeak(s!.lin, k, w);
      expect(Math.abs(p.bin - (N / 2 + pos))).toBeLessThan(0.1);
      expect(Math.abs(10 * Math.log10(p.power) - 20 * Math.log10(0.3))).toBeLessThan(0.1);
    }
  });

  it('Parseval: one frame, Σ_k psdLin·(N·CG)² equals N·Σ_n |x_n·w_n|²', () => {
    for (const kind of KINDS) {
      const w = makeWindow(kind, N);
      const { re, im } = makeSignal(N, N, [{ bins: 12.3, amplitude: 0.2 }], 0.05, 3);
      const bytes = toCf32(re, im);
      const f = new Float32Array(bytes.buffer);
      let e = 0;
      for (let n = 0; n < N; n++) {
        const c = w.coeffs[n] as number;
        e += ((f[2 * n] as number) * c) ** 2 + ((f[2 * n + 1] as number) * c) ** 2;
      }
      const [s] = run(bytes, 'cf32_le', { fftSize: N, window: w, averages: 1, overlap: 0 });
      let sum = 0;
      for (const v of s!.lin) sum += v;
      // Σ_k |X_k|² = N Σ_n |x_n w_n|², and psdLin = |X|²/(N·CG)².
      const ncg = N * w.coherentGain;
      expect((sum * ncg * ncg) / (N * e)).toBeCloseTo(1, 5);
    }
  });

  it.each(KINDS)('%s: white-noise total power = σ²·ENBW (noise gain) and density within 0.2 dB of theory', (kind) => {
    const w = makeWindow(kind, N);
    const sigma2 = 0.01; // −20 dBFS total
    const M = 32;
    const { re, im } = makeSignal((M + 1) * N, N, [], sigma2, 42);
    for (const [fmt, bytes] of [
      ['cf32_le', toCf32(re, im)],
      ['cu8', toCu8(re, im)],
    ] as const) {
      const [s] = run(bytes, fmt, { fftSize: N, window: w, averages: 2 * M, overlap: 0.5 });
      let sum = 0;
      for (const v of s!.lin) sum += v;
      expect(Math.abs(10 * Math.log10(sum / (sigma2 * w.enbwBins)))).toBeLessThan(0.1);
      const meanDb = 10 * Math.log10(sum / N);
      const density = noiseDensityDbfsPerHz(meanDb, s!.frames > 0 ? w.enbwBins : 0, FS / N);
      expect(Math.abs(density - (10 * Math.log10(sigma2) - 10 * Math.log10(FS)))).toBeLessThan(0.2);
    }
  });

  it('effectiveFrames matches the measured variance of white-noise bins (within 12 %)', () => {
    for (const [kind, overlap] of [
      ['rectangular', 0],
      ['hann', 0.5],
      ['hann', 0.75],
    ] as const) {
      const n = 256;
      const M = 16;
      const hop = n * (1 - overlap);
      const spectra = 24;
      const total = spectra * M * hop + n;
      const { re, im } = makeSignal(total, n, [], 0.01, 99);
      const out = run(toCf32(re, im), 'cf32_le', { fftSize: n, window: kind, averages: M, overlap });
      expect(out.length).toBe(spectra);
      // Normalised variance of bin values: 1/effectiveFrames for a χ² average.
      let s1 = 0;
      let s2 = 0;
      let c = 0;
      for (const sp of out)
        for (let k = 4; k < n - 4; k++) {
          const v = sp.lin[k] as number;
          s1 += v;
          s2 += v * v;
          c++;
        }
      const mean = s1 / c;
      const varN = s2 / c / (mean * mean) - 1;
      const w = new WelchPsd({ fftSize: n, window: kind, overlap, averages: M, sampleRateHz: FS, centerHz: 0 });
      const predicted = w.spectrum.effectiveFrames;
      expect(Math.abs(1 / varN / predicted - 1)).toBeLessThan(0.12);
    }
  });
});

describe('WelchPsd streaming', () => {
  const N = 256;
  const { re, im } = makeSignal(41 * N + 77, N, [{ bins: 30.3, amplitude: 0.4 }], 0.02, 5);

  it.each([
    ['cu8', toCu8(re, im)],
    ['ci16_le', toCi16(re, im)],
    ['cf32_le', toCf32(re, im)],
  ] as const)('%s: random chunk sizes (even 1 byte, split samples) give bit-identical spectra', (fmt, bytes) => {
    const opts = { fftSize: N, averages: 3, overlap: 0.5, dcWidthBins: 3 };
    const whole = run(bytes, fmt, opts);
    // floor((41·N + 77 − N)/hop) + 1 = 81 frames → 27 spectra of 3.
    expect(whole.length).toBe(27);
    const r = prng(1234);
    for (let trial = 0; trial < 3; trial++) {
      const chunks: number[] = [];
      let left = bytes.length;
      while (left > 0) {
        const c = Math.min(left, r() < 0.2 ? 1 + Math.floor(r() * 3) : 1 + Math.floor(r() * 3 * N * 4));
        chunks.push(c);
        left -= c;
      }
      const split = run(bytes, fmt, opts, chunks);
      expect(split.length).toBe(whole.length);
      split.forEach((s, i) => {
        expect(s.db).toEqual(whole[i]!.db);
        expect(s.firstSample).toBe(whole[i]!.firstSample);
      });
    }
  });

  it.each([
    ['fftjs', 0.3],
    ['wasm-simd', 0.3],
    ['wasm-simd', 0.75],
  ] as const)('%s kernel, overlap %f, cu8 and ci8: random chunking is bit-identical', (backend, overlap) => {
    const win = makeWindow('blackman-harris', N);
    for (const [fmt, bytes] of [
      ['cu8', toCu8(re, im)],
      ['ci8', Uint8Array.from(toCu8(re, im), (b) => (b - 128) & 0xff)],
    ] as const) {
      const kernel = () => (backend === 'fftjs' ? new FftJsKernel(N, win) : WasmSimdKernel.createSync(N, win));
      const whole = run(bytes, fmt, { fftSize: N, window: win, kernel: kernel(), averages: 5, overlap });
      expect(whole.length).toBeGreaterThan(5);
      const r = prng(99);
      const chunks: number[] = [];
      for (let left = bytes.length; left > 0;) {
        const c = Math.min(left, 1 + Math.floor(r() * 5 * N));
        chunks.push(c);
        left -= c;
      }
      const split = run(bytes, fmt, { fftSize: N, window: win, kernel: kernel(), averages: 5, overlap }, chunks);
      expect(split.map((x) => Array.from(x.db))).toEqual(whole.map((x) => Array.from(x.db)));
    }
  });

  it('spectra tile the stream: firstSample advances by sampleCount = M·hop; frequencies follow centerHz', () => {
    const out = run(toCu8(re, im), 'cu8', { fftSize: N, averages: 4, overlap: 0.5 });
    expect(out.length).toBeGreaterThan(3);
    out.forEach((s, i) => {
      expect(s.firstSample).toBe(i * 4 * (N / 2));
      expect(s.sampleCount).toBe(4 * (N / 2));
      expect(s.frames).toBe(4);
      expect(s.startHz).toBe(100e6 - FS / 2);
    });
  });

  it('retune restarts averaging; a sampleIndex gap restarts framing; take() returns each spectrum once', () => {
    const bytes = toCu8(re, im);
    const w = new WelchPsd({ fftSize: N, averages: 4, sampleRateHz: FS, centerHz: 100e6 });
    expect(w.take()).toBeNull();
    w.push(bytes.subarray(0, 2 * 3 * (N / 2)), 'cu8', 0); // 2 frames of 4
    w.retune(200e6);
    w.push(bytes.subarray(0, 2 * (5 * (N / 2))), 'cu8'); // exactly 4 more frames after retune
    const s = w.take();
    expect(s).not.toBeNull();
    expect(s!.centerHz).toBe(200e6);
    expect(s!.firstSample).toBe(3 * (N / 2)); // the frames before retune were discarded
    expect(w.take()).toBeNull();
    // A gap: declared index jumps ahead; framing restarts at the declared index.
    w.push(bytes.subarray(0, 2 * 100), 'cu8', 1_000_000);
    w.push(bytes.subarray(200, 200 + 2 * 5 * (N / 2)), 'cu8', 1_000_100);
    expect(w.take()!.firstSample).toBe(1_000_000);
  });

  it('DC spike bins are replaced by the neighbourhood and flagged', () => {
    const n = 1024;
    const sig = makeSignal(17 * n, n, [], 1e-3, 8, 0.05); // −26 dBFS DC vs −30 dBFS/… noise
    const raw = run(toCf32(sig.re, sig.im), 'cf32_le', { fftSize: n, averages: 32 });
    const fixed = run(toCf32(sig.re, sig.im), 'cf32_le', { fftSize: n, averages: 32, dcWidthBins: 3 });
    const c = n / 2;
    expect((raw[0]!.db[c] as number) - (raw[0]!.db[c + 10] as number)).toBeGreaterThan(20);
    const s = fixed[0]!;
    for (let k = c - 1; k <= c + 1; k++) {
      expect(Math.abs((s.db[k] as number) - (s.db[c + 10] as number))).toBeLessThan(2);
      expect(s.flags[k]).toBe(1);
    }
    expect(s.flags[c - 2]).toBe(0);
    expect(s.flags[c + 2]).toBe(0);
    expect(s.db[c + 5]).toBe(raw[0]!.db[c + 5]);
  });

  it('uses a supplied kernel and rejects mismatched sizes with typed errors', () => {
    const win = makeWindow('hann', N);
    expect(
      () =>
        new WelchPsd({
          fftSize: N,
          sampleRateHz: FS,
          centerHz: 0,
          kernel: new FftJsKernel(512, makeWindow('hann', 512)),
        }),
    ).toThrow(/kernel/);
    expect(() => new WelchPsd({ fftSize: 1000, sampleRateHz: FS, centerHz: 0 })).toThrow(/power of two/);
    expect(() => new WelchPsd({ fftSize: N, sampleRateHz: FS, centerHz: 0, overlap: 1 })).toThrow(/overlap/);
    const w = new WelchPsd({
      fftSize: N,
      window: win,
      kernel: new FftJsKernel(N, win),
      sampleRateHz: FS,
      centerHz: 0,
      averages: 1,
    });
    expect(w.push(toCu8(re, im).subarray(0, 2 * N), 'cu8')).toBe(1);
  });
});

describe('WelchPsd per-frame periodograms (onFrame)', () => {
  it('hands every frame over once, in order, and the spectrum is unchanged and equal to their mean', () => {
    const N = 2048;
    const { re, im } = makeSignal(N * 40, N, [{ bins: 300, amplitude: 0.3 }], 1e-3, 5, 0.01);
    const bytes = toCu8(re, im);
    for (const kernel of [
      new FftJsKernel(N, makeWindow('hann', N)),
      WasmSimdKernel.createSync(N, makeWindow('hann', N)),
    ]) {
      const opts = { fftSize: N, overlap: 0, averages: 16, dcWidthBins: 7, window: makeWindow('hann', N), kernel };
      const plain = run(bytes, 'cu8', opts, [10_000, 70_000, 4_000, 80_000]);
      const firsts: number[] = [];
      const sum = new Float64Array(N);
      const withFrames = run(
        bytes,
        'cu8',
        {
          ...opts,
          onFrame: (lin, first) => {
            firsts.push(first);
            if (firsts.length <= 16) for (let k = 0; k < N; k++) sum[k]! += lin[k] as number;
          },
        },
        [10_000, 70_000, 4_000, 80_000],
      );
      expect(firsts).toEqual(Array.from({ length: 40 }, (_, f) => f * N));
      expect(withFrames.length).toBe(plain.length);
      for (let i = 0; i < plain.length; i++) {
        expect(withFrames[i]!.db).toEqual(plain[i]!.db);
        expect(withFrames[i]!.firstSample).toBe(plain[i]!.firstSample);
      }
      // the mean of the first 16 frames is the first spectrum, away from the DC bins (suppressed on each side)
      for (let k = 0; k < N; k++) {
        if (Math.abs(k - N / 2) <= 8) continue;
        const mean = (sum[k] as number) / 16;
        expect(Math.abs(mean - plain[0]!.lin[k]!) / plain[0]!.lin[k]!).toBeLessThan(1e-4);
      }
    }
  });
});
