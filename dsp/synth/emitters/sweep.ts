/**
 * Swept jammer: a carrier whose frequency ramps linearly (sawtooth) across `spanHz` at `rateHzPerS`, restarting at
 * the low edge. Only the stretches inside the receiver band are rendered (a real tuner filters the rest), and the
 * phase within a sweep is the closed form 2π(f0 τ + rate τ²/2), so it is a pure function of the sample index.
 */
import type { SweepEmitterSpec } from '../spec.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SIZE } from '../tables.ts';
import { Emitter } from './base.ts';

const COS = COS_TABLE;
const SIN = SIN_TABLE;
const SIZE = TRIG_SIZE;

export class SweepEmitter extends Emitter {
  declare readonly spec: SweepEmitterSpec;
  halfSpanHz(): number {
    return this.spec.spanHz / 2;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const fs = this.fs;
    const periodS = this.spec.spanHz / this.spec.rateHzPerS;
    const scaleHz = 1 + (this.band?.ppm ?? 0) * 1e-6;
    // baseband frequency at the start of each sweep, and its slope, Hz and Hz/s
    const f0 = this.offsetHz - (this.spec.spanHz / 2) * scaleHz;
    const slope = this.spec.rateHzPerS * scaleHz;
    const limit = fs / 2;
    // in band for τ in (tauA, tauB) within each period
    const tauA = Math.max(0, (-limit - f0) / slope);
    const tauB = Math.min(periodS, (limit - f0) / slope);
    if (tauB <= tauA) return;
    const A = this.amp;
    const end = s0 + n;
    const k0 = Math.floor(s0 / fs / periodS);
    const k1 = Math.floor((end - 1) / fs / periodS);
    for (let k = k0; k <= k1; k++) {
      const tk = k * periodS;
      const a = Math.max(s0, Math.ceil((tk + tauA) * fs), Math.ceil(tk * fs));
      const b = Math.min(end, Math.ceil((tk + tauB) * fs), Math.ceil((tk + periodS) * fs));
      for (let s = a; s < b; s++) {
        const tau = s / fs - tk;
        const ph = tau * (f0 + 0.5 * slope * tau);
        const idx = ((ph - Math.floor(ph)) * SIZE) | 0;
        const i = o + s - s0;
        re[i] = (re[i] as number) + A * (COS[idx] as number);
        im[i] = (im[i] as number) + A * (SIN[idx] as number);
      }
    }
  }
}
