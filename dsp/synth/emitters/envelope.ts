/**
 * Narrowband emitters described by a slowly varying complex envelope: amplitude a and phase φ (cycles).
 * The envelope is evaluated on a grid of every D-th absolute sample; in between, the amplitude is interpolated
 * linearly and the phase by a cubic Hermite polynomial through the exact phase and instantaneous frequency at both
 * grid points. D is chosen per emitter so the phase error stays below ~5 mrad (images < -46 dBc, spread over the
 * emitter's bandwidth, far under the 8-bit floor). The carrier is a 32-bit phase accumulator into the sin/cos tables.
 */
import { COS_TABLE, PHASE_ONE, SIN_TABLE, TRIG_SHIFT, phaseAt } from '../tables.ts';
import { Emitter, type ReceiverBand } from './base.ts';

const MAX_DECIM = 128;
/** Peak phase interpolation error, rad: images at ±fs/D offsets ≈ -46 dBc, spread over the emitter's width. */
const PHASE_ERR_RAD = 5e-3;

export abstract class EnvelopeEmitter extends Emitter {
  /** Grid step, samples. */
  protected decim = 1;
  /** Envelope of the grid point at the start (0..2) and end (3..5) of the current interval. */
  private readonly env = new Float64Array(6);
  private cacheG = -1;

  /**
   * Envelope at absolute sample g: out[o] = relative amplitude, out[o+1] = phase (cycles, unwrapped),
   * out[o+2] = dφ/ds (cycles per sample).
   */
  protected abstract envelopeAt(g: number, out: Float64Array, o: number): void;

  /**
   * Σ over the modulating components of (phase amplitude β, cycles) × f⁴ (Hz⁴): sizes the grid. The cubic
   * Hermite error for a tone is about 2πβ(2πfD/fs)⁴/384 rad.
   */
  protected abstract phaseCurvature4(): number;

  /** Highest frequency of the amplitude modulation, Hz (0 = none); linear interpolation needs D ≪ fs/f. */
  protected amplitudeBandwidthHz(): number {
    return 0;
  }

  protected override onTune(band: ReceiverBand): void {
    const fs = band.sampleRateHz;
    const c4 = this.phaseCurvature4();
    let d = MAX_DECIM;
    if (c4 > 0) d = Math.min(d, Math.pow((PHASE_ERR_RAD * 384) / (2 * Math.PI * c4), 0.25) * (fs / (2 * Math.PI)));
    const fa = this.amplitudeBandwidthHz();
    // linear amplitude interpolation error (2πfD/fs)²/8 ≤ 2e-3
    if (fa > 0) d = Math.min(d, (Math.sqrt(8 * 2e-3) * fs) / (2 * Math.PI * fa));
    this.decim = Math.min(MAX_DECIM, Math.max(1, Math.floor(d)));
    this.cacheG = -1;
  }

  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const D = this.decim;
    const invD = 1 / D;
    const invD2 = invD * invD;
    const A = this.amp;
    const inc = this.inc;
    const env = this.env;
    const cosT = COS_TABLE;
    const sinT = SIN_TABLE;
    const shift = TRIG_SHIFT;
    const one = PHASE_ONE;
    let p = phaseAt(s0, inc);
    let s = s0;
    let i = o;
    const end = s0 + n;
    while (s < end) {
      const g = s - (s % D);
      if (g === this.cacheG) {
        env[0] = env[3] as number;
        env[1] = env[4] as number;
        env[2] = env[5] as number;
      } else {
        this.envelopeAt(g, env, 0);
      }
      this.envelopeAt(g + D, env, 3);
      this.cacheG = g + D;
      const a0 = env[0] as number;
      const ph0 = env[1] as number;
      const d0 = env[2] as number;
      const d1 = env[5] as number;
      const slope = ((env[4] as number) - ph0) * invD;
      const c2 = (3 * slope - 2 * d0 - d1) * invD;
      const c3 = (d0 + d1 - 2 * slope) * invD2;
      const base = ph0 - Math.floor(ph0);
      const da = ((env[3] as number) - a0) * invD;
      const stop = g + D < end ? g + D : end;
      let k = s - g;
      if (da === 0) {
        // constant envelope (FM, FSK): the common case, one multiply less per sample
        const a = A * a0;
        for (; s < stop; s++, k++, i++) {
          const ph = base + k * (d0 + k * (c2 + k * c3));
          const idx = (p + ((ph * one) | 0)) >>> shift;
          re[i] = (re[i] as number) + a * (cosT[idx] as number);
          im[i] = (im[i] as number) + a * (sinT[idx] as number);
          p = (p + inc) | 0;
        }
      } else {
        for (; s < stop; s++, k++, i++) {
          const ph = base + k * (d0 + k * (c2 + k * c3));
          const idx = (p + ((ph * one) | 0)) >>> shift;
          const a = A * (a0 + da * k);
          re[i] = (re[i] as number) + a * (cosT[idx] as number);
          im[i] = (im[i] as number) + a * (sinT[idx] as number);
          p = (p + inc) | 0;
        }
      }
    }
  }
}
