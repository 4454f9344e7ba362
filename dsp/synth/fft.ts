/**
 * A small in-place radix-2 complex FFT over planar Float64Arrays, for the block-based emitters (OFDM, barrage).
 * Kept local so `dsp/synth` has no runtime dependency; plans are cached per size.
 */

export class Fft {
  readonly size: number;
  private readonly rev: Uint32Array;
  private readonly cosT: Float64Array;
  private readonly sinT: Float64Array;

  constructor(size: number) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${size}`);
    this.size = size;
    const bits = Math.round(Math.log2(size));
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.cosT = new Float64Array(size / 2);
    this.sinT = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      this.cosT[i] = Math.cos((2 * Math.PI * i) / size);
      this.sinT[i] = Math.sin((2 * Math.PI * i) / size);
    }
  }

  /** Inverse transform without 1/N scaling: x[n] = Σ X[k] e^{+j2πkn/N}. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const rev = this.rev;
    const cosT = this.cosT;
    const sinT = this.sinT;
    for (let i = 0; i < n; i++) {
      const j = rev[i] as number;
      if (j > i) {
        const tr = re[i] as number;
        re[i] = re[j] as number;
        re[j] = tr;
        const ti = im[i] as number;
        im[i] = im[j] as number;
        im[j] = ti;
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < half; k++) {
          const wr = cosT[k * step] as number;
          const wi = sinT[k * step] as number;
          const a = i + k;
          const b = a + half;
          const br = re[b] as number;
          const bi = im[b] as number;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          const ar = re[a] as number;
          const ai = im[a] as number;
          re[a] = ar + tr;
          im[a] = ai + ti;
          re[b] = ar - tr;
          im[b] = ai - ti;
        }
      }
    }
  }
}

const plans = new Map<number, Fft>();
/** Shared plan for a size. */
export function fftPlan(size: number): Fft {
  let p = plans.get(size);
  if (!p) {
    p = new Fft(size);
    plans.set(size, p);
  }
  return p;
}
