/** Spectrum helpers for the synthesiser tests (plain Welch PSD over fft.js, independent of dsp/). */
import FFT from 'fft.js';

/** Hann-windowed averaged periodogram, FFT-shifted; p[k] is power (full-scale²) so Σp = mean power for noise. */
export function welch(re: Float32Array, im: Float32Array, n: number): Float64Array {
  const f = new FFT(n);
  const inp = f.createComplexArray() as number[];
  const out = f.createComplexArray() as number[];
  const acc = new Float64Array(n);
  const frames = Math.floor(re.length / n);
  const w = new Float64Array(n);
  let wp = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    wp += w[i]! * w[i]!;
  }
  for (let fr = 0; fr < frames; fr++) {
    for (let i = 0; i < n; i++) {
      inp[2 * i] = re[fr * n + i]! * w[i]!;
      inp[2 * i + 1] = im[fr * n + i]! * w[i]!;
    }
    f.transform(out, inp);
    for (let k = 0; k < n; k++) {
      const j = (k + n / 2) % n;
      acc[j] = acc[j]! + (out[2 * k]! ** 2 + out[2 * k + 1]! ** 2) / (wp * n * frames);
    }
  }
  return acc;
}

/** Bin of the strongest component and its frequency offset, Hz. */
export function peak(p: Float64Array, fs: number): { bin: number; hz: number; power: number } {
  let bin = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[bin]!) bin = k;
  return { bin, hz: ((bin - p.length / 2) * fs) / p.length, power: p[bin]! };
}

/** Power in bins [k-w, k+w]. */
export function bandPower(p: Float64Array, k: number, w: number): number {
  let s = 0;
  for (let i = Math.max(0, k - w); i <= Math.min(p.length - 1, k + w); i++) s += p[i]!;
  return s;
}

/** 99 % occupied bandwidth (0.5 % of the power cut at each side), Hz. */
export function occupiedBandwidth(p: Float64Array, fs: number): number {
  const tot = p.reduce((a, b) => a + b, 0);
  let c = 0;
  let lo = 0;
  let hi = p.length - 1;
  for (let k = 0; k < p.length; k++) {
    c += p[k]!;
    if (c >= 0.005 * tot) {
      lo = k;
      break;
    }
  }
  c = 0;
  for (let k = p.length - 1; k >= 0; k--) {
    c += p[k]!;
    if (c >= 0.005 * tot) {
      hi = k;
      break;
    }
  }
  return ((hi - lo + 1) * fs) / p.length;
}

export const db = (x: number): number => 10 * Math.log10(x);

/** Mean power of re/im. */
export function meanPower(re: Float32Array, im: Float32Array): number {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i]! * re[i]! + im[i]! * im[i]!;
  return s / re.length;
}
