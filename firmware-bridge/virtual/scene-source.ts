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
import {
  REFERENCE_TUNER_GAIN_DB,
  Scene,
  deriveKey,
  venueScene,
  type EmitterSpec,
  type SceneSpec,
} from '../../dsp/synth/index.ts';
import { PttGate, PulseGate, ScheduleGate, type Gate } from '../../dsp/synth/gates.ts';
import type { IqSignalSource, SignalRenderRequest, SourceState } from './signal-source.ts';

/**
 * Receive gain (LNA + mixer + VGA, dB) at which a scene's levels are as written: the synth's reference tuner gain
 * (29.7 dB) plus the 16.3 dB VGA librtlsdr fixes in manual mode.
 */
export const SCENE_REFERENCE_GAIN_DB = REFERENCE_TUNER_GAIN_DB + 16.3;

/** Half of the band an emitter can occupy around its centre, Hz (generous: used only to skip far emitters). */
function halfSpanHz(e: EmitterSpec): number {
  let half = 150_000;
  if ('bandwidthHz' in e) half = Math.max(half, e.bandwidthHz / 2 + 10_000);
  if ('spanHz' in e) half = Math.max(half, e.spanHz / 2 + 10_000);
  return half;
}

export class SceneSource implements IqSignalSource {
  readonly scene: Scene;
  readonly referenceGainDb: number;
  private readonly gates: Gate[][];
  private readonly centers: number[];
  private readonly halfSpans: number[];

  constructor(scene: Scene | SceneSpec, opts: { referenceGainDb?: number } = {}) {
    this.scene = scene instanceof Scene ? scene : new Scene(scene);
    this.referenceGainDb = opts.referenceGainDb ?? SCENE_REFERENCE_GAIN_DB;
    const spec = this.scene.spec;
    // same key derivation as the scene's emitters, so PTT spurts land on the same samples
    const sceneKey = deriveKey(spec.seed >>> 0, Math.floor(spec.seed / 4294967296));
    this.gates = spec.emitters.map((e) => gatesOf(e, sceneKey));
    this.centers = spec.emitters.map((e) => e.centerHz);
    this.halfSpans = spec.emitters.map(halfSpanHz);
  }

  renderCu8(req: SignalRenderRequest, out: Uint8Array): void {
    this.scene.renderCu8(
      { centerHz: req.centerHz, sampleRateHz: req.sampleRateHz, startSample: req.startSample, count: req.count },
      out,
      req.gainDb - this.referenceGainDb,
    );
  }

  stateAt(sample: number, sampleRateHz: number, centerHz: number): SourceState {
    let key = '';
    let next = Infinity;
    // emitters that cannot reach this receiver (ppm and roll-off aside) do not change what it hears
    const reach = sampleRateHz / 2;
    for (let i = 0; i < this.gates.length; i++) {
      const gs = this.gates[i] as Gate[];
      if (Math.abs((this.centers[i] as number) - centerHz) > reach + (this.halfSpans[i] as number)) {
        key += '-';
        continue;
      }
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

let shared: SceneSource | undefined;

/** The default demo venue (dsp/synth venueScene) as a source, built once and shared by every virtual dongle. */
export function defaultVenueSource(): SceneSource {
  shared ??= new SceneSource(venueScene());
  return shared;
}

function gatesOf(spec: EmitterSpec, sceneKey: number): Gate[] {
  const key = deriveKey(deriveKey(sceneKey, spec.id), spec.seed ?? 0);
  const gates: Gate[] = [];
  if (spec.schedule) gates.push(new ScheduleGate(spec.schedule));
  if (spec.ptt) gates.push(new PttGate(spec.ptt, deriveKey(key, 'ptt')));
  if (spec.pulse) gates.push(new PulseGate(spec.pulse));
  return gates;
}
