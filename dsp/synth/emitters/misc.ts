/** White-noise emitter (raises the floor over the whole receiver band). */
import type { NoiseEmitterSpec } from '../spec.ts';
import { addWhiteNoise, noisePowerFs } from '../noise.ts';
import { Emitter } from './base.ts';

export class NoiseEmitter extends Emitter {
  declare readonly spec: NoiseEmitterSpec;
  halfSpanHz(): number {
    return Infinity;
  }
  override tune(band: Parameters<Emitter['tune']>[0]): boolean {
    this.fs = band.sampleRateHz;
    this.band = band;
    return true;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    addWhiteNoise(this.key, noisePowerFs(this.spec.densityDbfsPerHz, this.fs), s0, n, re, im, o);
  }
}
