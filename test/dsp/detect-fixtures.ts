/**
 * Synthetic spectra for the detection tests: a seeded PRNG, Welch-bin statistics (the mean of M unit exponentials
 * is the exact distribution of an M-frame periodogram bin of Gaussian noise) and emitter PSD shapes.
 */

/** Seeded PRNG (mulberry32) with exponential, normal and gamma variates. */
export class Rng {
  private s: number;
  private spare = NaN;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  exp(): number {
    return -Math.log(this.uniform());
  }
  normal(): number {
    if (this.spare === this.spare) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const th = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
  /** Gamma(shape, 1): sum of exponentials for small integer shapes, Marsaglia–Tsang otherwise. */
  gamma(shape: number): number {
    if (Number.isInteger(shape) && shape <= 4) {
      let s = 0;
      for (let i = 0; i < shape; i++) s += this.exp();
      return s;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}

/** One M-averaged Welch bin of Gaussian noise-like power with the given mean (linear). */
export function welchBin(rng: Rng, mean: number, frames: number): number {
  return (mean * rng.gamma(frames)) / frames;
}

/** Fill `out` with Welch-bin samples of the per-bin mean power `meanLin` (noise + noise-like emitters). */
export function sampleSpectrum(rng: Rng, meanLin: Float64Array, frames: number, out: Float32Array): Float32Array {
  for (let k = 0; k < meanLin.length; k++) out[k] = welchBin(rng, meanLin[k] as number, frames);
  return out;
}

/** Add a flat-topped (OFDM-like) emitter: `levelLin` per bin over [centreBin ± widthBins/2], 1-bin cosine skirts. */
export function addRect(mean: Float64Array, centerBin: number, widthBins: number, levelLin: number): void {
  const lo = centerBin - widthBins / 2;
  const hi = centerBin + widthBins / 2;
  for (let k = 0; k < mean.length; k++) {
    // Fraction of bin k's width [k-0.5, k+0.5] inside [lo, hi]: exact integration of a rectangular PSD.
    const a = Math.max(k - 0.5, lo);
    const b = Math.min(k + 0.5, hi);
    if (b > a) mean[k] = (mean[k] as number) + levelLin * (b - a);
  }
}

/** Add a Gaussian-shaped (NFM-like) emitter with peak `peakLin` and standard deviation `sigmaBins`. */
export function addGaussian(mean: Float64Array, centerBin: number, sigmaBins: number, peakLin: number): void {
  const lo = Math.max(0, Math.floor(centerBin - 8 * sigmaBins));
  const hi = Math.min(mean.length - 1, Math.ceil(centerBin + 8 * sigmaBins));
  for (let k = lo; k <= hi; k++) {
    const d = (k - centerBin) / sigmaBins;
    mean[k] = (mean[k] as number) + peakLin * Math.exp(-0.5 * d * d);
  }
}

/** Power response of a Hann-windowed tone `offset` bins away (1 at offset 0), large-N approximation. */
export function hannTone(offset: number): number {
  const d = (x: number) => (Math.abs(x) < 1e-9 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
  const a = 0.5 * d(offset) + 0.25 * d(offset - 1) + 0.25 * d(offset + 1);
  return (a / 0.5) ** 2;
}

/** Add a CW tone at fractional bin `bin` with power `powerLin` (as a bin-centred tone would read). */
export function addTone(mean: Float64Array, bin: number, powerLin: number, halfSpanBins = 24): void {
  const c = Math.round(bin);
  for (let k = Math.max(0, c - halfSpanBins); k <= Math.min(mean.length - 1, c + halfSpanBins); k++) {
    mean[k] = (mean[k] as number) + powerLin * hannTone(k - bin);
  }
}

/** dB → linear power. */
export const dbToLin = (db: number): number => 10 ** (db / 10);
/** Linear power → dB. */
export const linToDbT = (x: number): number => 10 * Math.log10(x);
