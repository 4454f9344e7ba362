/**
 * A scene: a seeded set of emitters at absolute RF frequencies plus a receiver noise floor and RTL-SDR
 * impairments, rendered as complex baseband for any centre frequency and sample rate.
 *
 * Sample s is at time s / sampleRateHz seconds from scene start. Rendering is a pure function of
 * (spec, centre, rate, sample index): chunking never changes the output, and a virtual dongle can retune or seek
 * freely. The hot path allocates nothing once the scratch buffers have grown to the largest request.
 */
import type { EmitterSpec, ImpairmentSpec, SceneSpec } from './spec.ts';
import type { Emitter, ReceiverBand } from './emitters/base.ts';
import { createEmitter } from './emitters/factory.ts';
import { addWhiteNoise, noisePowerFs } from './noise.ts';
import { deriveKey } from './prng.ts';
import { SynthSpecError, validateSceneSpec } from './validate.ts';
import { applyIqImbalance, quantizeCu8 } from './impairments.ts';

/** One render request. `re`/`im` receive `count` samples starting at index 0 (they may be longer). */
export interface RenderRequest {
  centerHz: number;
  sampleRateHz: number;
  /** Absolute index of the first sample (time = startSample / sampleRateHz). Non-negative integer. */
  startSample: number;
  count: number;
  re: Float32Array;
  im: Float32Array;
}

/** Same without output buffers (for {@link Scene.renderCu8}). */
export type RenderCu8Request = Omit<RenderRequest, 're' | 'im'>;

export class Scene {
  readonly spec: SceneSpec;
  private readonly emitters: Emitter[];
  private readonly noiseKey: number;
  private readonly band: ReceiverBand = { centerHz: 0, sampleRateHz: 1, ppm: 0, rollOffDb: 0 };
  private readonly inBand: boolean[];
  private bandValid = false;
  private scratchRe = new Float32Array(0);
  private scratchIm = new Float32Array(0);

  /** @throws SynthSpecError on an invalid spec (field and emitter named). */
  constructor(spec: SceneSpec) {
    validateSceneSpec(spec);
    this.spec = structuredClone(spec);
    const key = deriveKey(spec.seed >>> 0, Math.floor(spec.seed / 4294967296));
    this.noiseKey = deriveKey(key, '#noise');
    this.emitters = this.spec.emitters.map((e, i) => createEmitter(e, key, `scene.emitters[${i}]`));
    this.inBand = this.emitters.map(() => false);
  }

  get impairments(): ImpairmentSpec {
    return this.spec.impairments ?? {};
  }

  /** The emitter specs (copies). */
  emitterSpecs(): EmitterSpec[] {
    return structuredClone(this.spec.emitters);
  }

  private tune(centerHz: number, sampleRateHz: number): void {
    const imp = this.impairments;
    const b = this.band;
    if (this.bandValid && b.centerHz === centerHz && b.sampleRateHz === sampleRateHz) return;
    b.centerHz = centerHz;
    b.sampleRateHz = sampleRateHz;
    b.ppm = imp.ppm ?? 0;
    b.rollOffDb = imp.rollOffDb ?? 0;
    for (let i = 0; i < this.emitters.length; i++) this.inBand[i] = (this.emitters[i] as Emitter).tune(b);
    this.bandValid = true;
  }

  private check(req: RenderCu8Request, re?: Float32Array, im?: Float32Array): void {
    const { centerHz, sampleRateHz, startSample, count } = req;
    if (!(sampleRateHz > 0) || !Number.isFinite(sampleRateHz))
      throw new SynthSpecError(`sampleRateHz must be > 0, got ${sampleRateHz}`, 'render.sampleRateHz');
    if (!Number.isFinite(centerHz)) throw new SynthSpecError('must be finite', 'render.centerHz');
    if (!Number.isSafeInteger(startSample) || startSample < 0)
      throw new SynthSpecError(`must be a non-negative integer, got ${startSample}`, 'render.startSample');
    if (!Number.isSafeInteger(count) || count < 0)
      throw new SynthSpecError(`must be a non-negative integer, got ${count}`, 'render.count');
    if (re && im && (re.length < count || im.length < count))
      throw new SynthSpecError(`buffers hold ${Math.min(re.length, im.length)} < ${count} samples`, 'render.re/im');
  }

  /** Emitters + noise + IQ imbalance (everything analog, before gain, DC and quantisation). */
  private renderAnalog(req: RenderCu8Request, re: Float32Array, im: Float32Array): void {
    const { centerHz, sampleRateHz: fs, startSample: s0, count: n } = req;
    this.tune(centerHz, fs);
    if (this.spec.noiseDbfsPerHz !== undefined) {
      addWhiteNoise(this.noiseKey, noisePowerFs(this.spec.noiseDbfsPerHz, fs), s0, n, re, im, 0, true);
    } else {
      re.fill(0, 0, n);
      im.fill(0, 0, n);
    }
    const end = s0 + n;
    for (let e = 0; e < this.emitters.length; e++) {
      if (!this.inBand[e]) continue;
      const em = this.emitters[e] as Emitter;
      const gates = em.gates;
      let s = s0;
      while (s < end) {
        let open = true;
        let next = end;
        for (let g = 0; g < gates.length; g++) {
          const gate = gates[g] as (typeof gates)[number];
          if (!gate.at(s, fs)) open = false;
          if (gate.next < next) next = gate.next;
        }
        if (open) em.add(s, next - s, re, im, s - s0);
        s = next;
      }
    }
    const imp = this.impairments;
    if (imp.iqGainDb || imp.iqPhaseDeg) applyIqImbalance(re, im, n, imp.iqGainDb ?? 0, imp.iqPhaseDeg ?? 0);
  }

  /**
   * When an emitter transmits: its on-intervals `[startS, endS)` overlapping [fromS, toS), sample-accurate at
   * `sampleRateHz` (schedules, PTT spurts, pulses and TDMA bursts combined). Ground truth for tracker and alarm tests.
   * @throws SynthSpecError for an unknown id.
   */
  activity(id: string, fromS: number, toS: number, sampleRateHz = 2_400_000): [number, number][] {
    const idx = this.spec.emitters.findIndex((e) => e.id === id);
    if (idx < 0) throw new SynthSpecError(`no emitter ${JSON.stringify(id)}`, 'activity.id');
    const gates = (this.emitters[idx] as Emitter).gates;
    const fs = sampleRateHz;
    const end = Math.ceil(toS * fs);
    const out: [number, number][] = [];
    let s = Math.max(0, Math.floor(fromS * fs));
    while (s < end) {
      let open = true;
      let next = end;
      for (const gate of gates) {
        if (!gate.at(s, fs)) open = false;
        if (gate.next < next) next = gate.next;
      }
      if (open) {
        const last = out[out.length - 1];
        if (last && last[1] === s / fs) last[1] = next / fs;
        else out.push([s / fs, next / fs]);
      }
      s = next;
    }
    return out;
  }

  /**
   * Renders complex baseband (full-scale units, the ADC's ±1) into re/im[0 .. count), including the IQ imbalance
   * and DC offset, without gain or quantisation.
   */
  render(req: RenderRequest): void {
    this.check(req, req.re, req.im);
    this.renderAnalog(req, req.re, req.im);
    const imp = this.impairments;
    const dcI = imp.dcOffsetI ?? 0;
    const dcQ = imp.dcOffsetQ ?? 0;
    if (dcI !== 0 || dcQ !== 0) {
      for (let i = 0; i < req.count; i++) {
        req.re[i] = (req.re[i] as number) + dcI;
        req.im[i] = (req.im[i] as number) + dcQ;
      }
    }
  }

  /**
   * Renders cu8 (interleaved I,Q offset binary) into `out[0 .. 2·count)`: the analog signal scaled by `gainDb`
   * (relative to the levels of the spec), plus DC offset, quantised as round(x·127.5 + 127.5) clamped to 0..255.
   */
  renderCu8(req: RenderCu8Request, out: Uint8Array, gainDb = 0): void {
    this.check(req);
    if (out.length < 2 * req.count)
      throw new SynthSpecError(`output holds ${out.length} bytes < ${2 * req.count}`, 'renderCu8.out');
    if (this.scratchRe.length < req.count) {
      this.scratchRe = new Float32Array(req.count);
      this.scratchIm = new Float32Array(req.count);
    }
    this.renderAnalog(req, this.scratchRe, this.scratchIm);
    const imp = this.impairments;
    quantizeCu8(
      this.scratchRe,
      this.scratchIm,
      req.count,
      Math.pow(10, gainDb / 20),
      imp.dcOffsetI ?? 0,
      imp.dcOffsetQ ?? 0,
      out,
    );
  }
}
