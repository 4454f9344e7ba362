// Seeded test signals for the spectrum tests (the real synthesiser is written elsewhere; these stay tiny).

/** mulberry32: small, fast, seeded uniform PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller). */
export function gauss(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface Tone {
  /** Frequency in bins of an fftSize-point FFT (cycles per fftSize samples), may be fractional/negative. */
  bins: number;
  amplitude: number;
}

/**
 * Planar complex signal: tones (frequency in bins of `fftSize`) plus complex white Gaussian noise of total power
 * `noisePower` (full-scale units), `dc` added to I.
 */
export function makeSignal(
  count: number,
  fftSize: number,
  tones: Tone[],
  noisePower: number,
  seed = 1,
  dc = 0,
): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  const g = gauss(prng(seed));
  const s = Math.sqrt(noisePower / 2);
  for (let n = 0; n < count; n++) {
    let r = dc;
    let i = 0;
    for (const t of tones) {
      const ph = (2 * Math.PI * t.bins * n) / fftSize;
      r += t.amplitude * Math.cos(ph);
      i += t.amplitude * Math.sin(ph);
    }
    if (noisePower > 0) {
      r += s * g();
      i += s * g();
    }
    re[n] = r;
    im[n] = i;
  }
  return { re, im };
}

/** Interleaved cf32_le bytes. */
export function toCf32(re: Float64Array, im: Float64Array): Uint8Array {
  const f = new Float32Array(2 * re.length);
  for (let n = 0; n < re.length; n++) {
    f[2 * n] = re[n] as number;
    f[2 * n + 1] = im[n] as number;
  }
  return new Uint8Array(f.buffer);
}

/** Interleaved cu8 bytes: round(x·127.5 + 127.5), clamped. */
export function toCu8(re: Float64Array, im: Float64Array): Uint8Array {
  const b = new Uint8Array(2 * re.length);
  const q = (x: number) => Math.min(255, Math.max(0, Math.round(x * 127.5 + 127.5)));
  for (let n = 0; n < re.length; n++) {
    b[2 * n] = q(re[n] as number);
    b[2 * n + 1] = q(im[n] as number);
  }
  return b;
}

/** Interleaved ci16_le bytes: round(x·32767), clamped. */
export function toCi16(re: Float64Array, im: Float64Array): Uint8Array {
  const v = new Int16Array(2 * re.length);
  const q = (x: number) => Math.min(32767, Math.max(-32768, Math.round(x * 32767)));
  for (let n = 0; n < re.length; n++) {
    v[2 * n] = q(re[n] as number);
    v[2 * n + 1] = q(im[n] as number);
  }
  return new Uint8Array(v.buffer);
}

/** Index of the largest value in [from, to). */
export function argmax(a: ArrayLike<number>, from = 0, to = a.length): number {
  let k = from;
  for (let i = from + 1; i < to; i++) if ((a[i] as number) > (a[k] as number)) k = i;
  return k;
}
