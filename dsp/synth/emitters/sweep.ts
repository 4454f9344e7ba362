/**
 * Swept jammer: a carrier whose frequency ramps linearly (sawtooth) across `spanHz` at `rateHzPerS`, restarting at
 * the low edge. Only the stretches inside the receiver band are rendered (a real tuner filters the rest), and the
 * phase within a sweep is the closed form 2π(f0 τ + rate τ²/2), so it is a pure function of the sample index.
 */
import type { SweepEmitterSpec } from '../spec.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SIZE } from '../tables.ts';
import { Emitter } from './base.ts';

export class SweepEmitter extends Emitter {
  declare readonly spec: SweepEmitterSpec;
  halfSpanHz(): number {
    return this.spec.spanHz / 2;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const fs = this.fs;
    const rate = this.spec.rateHzPerS;
    const periodS = this.spec.spanHz / rate;
    const scaleHz = 1 + (this.band?.ppm ?? 0) * 1e-6;
    // baseband frequency at the start of each sweep
    const f0 = this.offsetHz - (this.spec.spanHz / 2) * scaleHz;
    const slope = rate * scaleHz;
    const limit = fs / 2;
    const A = this.amp;
    const cosT = COS_TABLE;
    const sinT = SIN_TABLE;
    const size = TRIG_SIZE;
    for (let k = 0, s = s0; k < n; k++, s++) {
      const t = s / fs;
      const cyc = Math.floor(t / periodS);
      const tau = t - cyc * periodS;
      const f = f0 + slope * tau;
      if (f <= -limit || f >= limit) continue;
      const ph = tau * (f0 + 0.5 * slope * tau);
      const idx = ((ph - Math.floor(ph)) * size) | 0;
      re[o + k] = (re[o + k] as number) + A * (cosT[idx] as number);
      im[o + k] = (im[o + k] as number) + A * (sinT[idx] as number);
    }
  }
}
