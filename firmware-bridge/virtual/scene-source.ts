/**
 * Adapts a `dsp/synth` Scene to the virtual dongle's IqSignalSource. Scene levels are dBFS "at the reference
 * gain": the dongle's derived receive gain (LNA + mixer + VGA) minus SCENE_REFERENCE_GAIN_DB scales them, so a
 * driver that turns the gain up sees everything (noise floor included) rise until the 8-bit ADC clips.
 *
 * `stateAt` reports which emitters are switched on by their schedule / PTT / pulse gates (the same gate classes
 * and keys the scene uses), so the stream engine can loop a rendered stretch and still switch emitters at the
 * exact sample. Modulation inside an emitter (4FSK TDMA bursts, sweeps, pulse-kind emitters) is part of the
 * looped signal and repeats with the loop.
 */
import { Scene, deriveKey, type EmitterSpec, type SceneSpec } from '../../dsp/synth/index.ts';
import { PttGate, PulseGate, ScheduleGate, type Gate } from '../../dsp/synth/gates.ts';
import type { IqSignalSource, SignalRenderRequest, SourceState } from './signal-source.ts';

/** Receive gain at which a scene's levels are as written: librtlsdr manual 28.0 dB + the fixed 16.3 dB VGA. */
export const SCENE_REFERENCE_GAIN_DB = 44.3;

export class SceneSource implements IqSignalSource {
  readonly scene: Scene;
  readonly referenceGainDb: number;
  private readonly gates: Gate[][];

  constructor(scene: Scene | SceneSpec, opts: { referenceGainDb?: number } = {}) {
    this.scene = scene instanceof Scene ? scene : new Scene(scene);
    this.referenceGainDb = opts.referenceGainDb ?? SCENE_REFERENCE_GAIN_DB;
    const spec = this.scene.spec;
    // same key derivation as the scene's emitters, so PTT spurts land on the same samples
    const sceneKey = deriveKey(spec.seed >>> 0, Math.floor(spec.seed / 4294967296));
    this.gates = spec.emitters.map((e) => gatesOf(e, sceneKey));
  }

  renderCu8(req: SignalRenderRequest, out: Uint8Array): void {
    this.scene.renderCu8(
      { centerHz: req.centerHz, sampleRateHz: req.sampleRateHz, startSample: req.startSample, count: req.count },
      out,
      req.gainDb - this.referenceGainDb,
    );
  }

  stateAt(sample: number, sampleRateHz: number): SourceState {
    let key = '';
    let next = Infinity;
    for (const gs of this.gates) {
      let open = true;
      for (const g of gs) {
        if (!g.at(sample, sampleRateHz)) open = false;
        if (g.next < next) next = g.next;
      }
      key += open ? '1' : '0';
    }
    return { key, nextChangeSample: next };
  }
}

function gatesOf(spec: EmitterSpec, sceneKey: number): Gate[] {
  const key = deriveKey(deriveKey(sceneKey, spec.id), spec.seed ?? 0);
  const gates: Gate[] = [];
  if (spec.schedule) gates.push(new ScheduleGate(spec.schedule));
  if (spec.ptt) gates.push(new PttGate(spec.ptt, deriveKey(key, 'ptt')));
  if (spec.pulse) gates.push(new PulseGate(spec.pulse));
  return gates;
}
