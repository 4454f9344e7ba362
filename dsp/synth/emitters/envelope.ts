/**
 * Narrowband emitters described by a slowly varying complex envelope (amplitude a, phase φ in cycles).
 * The envelope is evaluated on a grid of every D-th absolute sample and interpolated linearly in between; the
 * carrier is a 32-bit phase accumulator into the sin/cos tables. D is chosen per emitter so the phase
 * interpolation error stays below ~3 mrad (spurs < -50 dBc, under the 8-bit floor).
 */
import { COS_TABLE, PHASE_ONE, SIN_TABLE, TRIG_SHIFT, phaseAt } from '../tables.ts';
import { Emitter, floorPow2, type ReceiverBand } from './base.ts';

export abstract class EnvelopeEmitter extends Emitter {
  /** Grid step, samples (power of two). */
  protected decim = 1;
  private readonly env = new Float64Array(2);
  private cacheG = -1;
  private cacheA = 0;
  private cachePh = 0;

  /** Envelope at absolute sample g: writes relative amplitude to out[0] and phase (cycles, unwrapped) to out[1]. */
  protected abstract envelopeAt(g: number, out: Float64Array): void;

  /**
   * Σ over the modulating components of (phase amplitude, cycles) × frequency², Hz² · cycles: drives the grid
   * choice. The linear-interpolation error of a tone of phase amplitude β cycles at f Hz is 2π·β(2πfD/fs)²/8 rad.
   */
  protected abstract phaseCurvature(): number;

  protected override onTune(band: ReceiverBand): void {
    const fs = band.sampleRateHz;
    const curv = this.phaseCurvature();
    // error (rad) ≈ 2π · curv · (2π D / fs)² / 8 ≤ 3e-3
    const dMax = curv > 0 ? Math.sqrt((3e-3 * 8) / (2 * Math.PI * curv)) * (fs / (2 * Math.PI)) : 4096;
    this.decim = Math.min(256, floorPow2(Math.max(1, dMax)));
    this.cacheG = -1;
  }

  private envAt(g: number): void {
    if (g === this.cacheG) {
      this.env[0] = this.cacheA;
      this.env[1] = this.cachePh;
      return;
    }
    this.envelopeAt(g, this.env);
  }

  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const D = this.decim;
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
      this.envAt(g);
      const a0 = env[0] as number;
      const ph0 = env[1] as number;
      this.envelopeAt(g + D, env);
      const a1 = env[0] as number;
      const ph1 = env[1] as number;
      this.cacheG = g + D;
      this.cacheA = a1;
      this.cachePh = ph1;
      const base = ph0 - Math.floor(ph0);
      const dph = (ph1 - ph0) / D;
      const da = (a1 - a0) / D;
      const stop = Math.min(g + D, end);
      let k = s - g;
      for (; s < stop; s++, k++, i++) {
        const idx = (p + (((base + dph * k) * one) | 0)) >>> shift;
        const a = A * (a0 + da * k);
        re[i] = (re[i] as number) + a * (cosT[idx] as number);
        im[i] = (im[i] as number) + a * (sinT[idx] as number);
        p = (p + inc) | 0;
      }
    }
  }
}
