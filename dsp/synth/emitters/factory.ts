/** Builds the renderer for an {@link EmitterSpec}, validating it first. */
import type { EmitterSpec } from '../spec.ts';
import { validateEmitterSpec } from '../validate.ts';
import { AmEmitter, MicEmitter, NfmEmitter, ToneEmitter, WfmEmitter } from './analog.ts';
import type { Emitter } from './base.ts';
import { BarrageEmitter, OfdmEmitter } from './blocks.ts';
import { Fsk4Emitter } from './fsk4.ts';
import { NoiseEmitter } from './misc.ts';
import { SweepEmitter } from './sweep.ts';
import { PulseGate } from '../gates.ts';

export function createEmitter(spec: EmitterSpec, sceneKey: number, where = 'emitter'): Emitter {
  validateEmitterSpec(spec, where);
  switch (spec.kind) {
    case 'noise':
      return new NoiseEmitter(spec, sceneKey);
    case 'tone':
      return new ToneEmitter(spec, sceneKey);
    case 'am':
      return new AmEmitter(spec, sceneKey);
    case 'nfm':
      return new NfmEmitter(spec, sceneKey);
    case 'wfm':
      return new WfmEmitter(spec, sceneKey);
    case 'mic':
      return new MicEmitter(spec, sceneKey);
    case 'fsk4':
      return new Fsk4Emitter(spec, sceneKey);
    case 'ofdm':
      return new OfdmEmitter(spec, sceneKey);
    case 'barrage':
      return new BarrageEmitter(spec, sceneKey);
    case 'sweep':
      return new SweepEmitter(spec, sceneKey);
    case 'pulse': {
      const inner: Emitter =
        spec.bandwidthHz > 0
          ? new BarrageEmitter(spec, sceneKey)
          : new ToneEmitter({ ...spec, kind: 'tone' }, sceneKey);
      inner.gates.push(new PulseGate({ periodS: spec.periodS, dutyCycle: spec.dutyCycle }));
      return inner;
    }
  }
}
