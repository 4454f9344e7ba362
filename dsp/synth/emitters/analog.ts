/**
 * Analogue emitters on the envelope engine: CW tone, AM, NFM, wireless microphone FM, broadcast WFM.
 */
import type { AmEmitterSpec, MicEmitterSpec, NfmEmitterSpec, ToneEmitterSpec, WfmEmitterSpec } from '../spec.ts';
import { VoiceAudio } from '../audio.ts';
import { deriveKey } from '../prng.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SHIFT, phaseAt, phaseIncrement } from '../tables.ts';
import { Emitter, type ReceiverBand } from './base.ts';
import { EnvelopeEmitter } from './envelope.ts';

// module-local aliases: imported bindings can cost a getter call per access under some loaders (tsx, vite-node)
const SIN = SIN_TABLE;
const COS = COS_TABLE;
const SHIFT = TRIG_SHIFT;
const phaseAtL = phaseAt;

/** Unmodulated carrier. Specialised loop: no envelope at all. */
export class ToneEmitter extends Emitter {
  declare readonly spec: ToneEmitterSpec;
  halfSpanHz(): number {
    return 0;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const inc = this.inc;
    const A = this.amp;
    const ph0 = Math.round((this.spec.phaseCycles ?? 0) * 4294967296) | 0;
    let p = (phaseAt(s0, inc) + ph0) | 0;
    const end = o + n;
    const cosT = COS_TABLE;
    const sinT = SIN_TABLE;
    const shift = TRIG_SHIFT;
    for (let i = o; i < end; i++) {
      const idx = p >>> shift;
      re[i] = (re[i] as number) + A * (cosT[idx] as number);
      im[i] = (im[i] as number) + A * (sinT[idx] as number);
      p = (p + inc) | 0;
    }
  }
}

/** Double-sideband full-carrier AM with voice-like audio. */
export class AmEmitter extends EnvelopeEmitter {
  declare readonly spec: AmEmitterSpec;
  private readonly audio: VoiceAudio;
  private readonly depth: number;
  constructor(spec: AmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    this.depth = spec.modulationDepth ?? 0.8;
    this.audio = new VoiceAudio(deriveKey(this.key, 'audio'), {
      loHz: 200,
      hiHz: spec.audioHighHz ?? 3000,
      pause: spec.voicePause ?? 0.1,
    });
  }
  halfSpanHz(): number {
    return this.spec.audioHighHz ?? 3000;
  }
  protected override levelPower(): number {
    // level = carrier + sidebands: scale the carrier down by the sideband share
    return super.levelPower() / (1 + this.depth * this.depth * this.audio.meanSquareEstimate());
  }
  protected phaseCurvature4(): number {
    return 0;
  }
  protected override amplitudeBandwidthHz(): number {
    return this.spec.audioHighHz ?? 3000;
  }
  protected override onTune(band: ReceiverBand): void {
    this.audio.setRate(band.sampleRateHz);
    super.onTune(band);
  }
  protected envelopeAt(g: number, out: Float64Array, o: number): void {
    out[o] = 1 + this.depth * this.audio.value(g);
    out[o + 1] = 0;
    out[o + 2] = 0;
  }
}

/**
 * Voice peaks overshoot the nominal deviation: a loud syllable drives the modulator up to drive × deviationHz.
 * Chosen so the long-term 99 % occupied bandwidth matches the necessary bandwidth of the usual designators
 * (12.5 kHz NFM ≈ 11 kHz, broadcast FM ≈ 190 kHz, 45 kHz-deviation microphone ≈ 115 kHz); see docs/synth.md.
 */
const NFM_DRIVE = 1.85;
const WIDE_DRIVE = 1.5;
/** Broadcast FM: a little below the 200 kHz channel so a 200 kHz assignment is not breached. */
const WFM_DRIVE = 1.45;

/** One voice-like component of an FM emitter: audio and its share of the deviation. */
interface FmPart {
  audio: VoiceAudio;
  devHz: number;
  hiHz: number;
}
/** A steady sinusoidal component (pilot, CTCSS): frequency and peak deviation. */
interface SteadyTone {
  toneHz: number;
  devHz: number;
  /** Phase amplitude devHz / (2π toneHz), cycles. */
  beta: number;
  inc: number;
}

/** Frequency modulation by voice-like audio plus steady sub-tones, used by NFM, mic and WFM. */
abstract class FmEmitter extends EnvelopeEmitter {
  protected readonly parts: FmPart[] = [];
  protected readonly steady: SteadyTone[] = [];
  private readonly tmp = new Float64Array(2);

  protected override onTune(band: ReceiverBand): void {
    for (const p of this.parts) p.audio.setRate(band.sampleRateHz);
    for (const t of this.steady) t.inc = phaseIncrement(t.toneHz, band.sampleRateHz);
    super.onTune(band);
  }
  protected phaseCurvature4(): number {
    // β = dev/(2πf) cycles for a tone: β f⁴ = dev f³ / 2π. Audio energy sits mostly below the top frequency.
    let c = 0;
    for (const p of this.parts) c += (p.devHz * Math.pow(0.8 * p.hiHz, 3)) / (2 * Math.PI);
    for (const t of this.steady) c += (t.devHz * Math.pow(t.toneHz, 3)) / (2 * Math.PI);
    return c;
  }
  protected envelopeAt(g: number, out: Float64Array, o: number): void {
    const fs = this.fs;
    const tmp = this.tmp;
    let ph = 0;
    let fr = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i] as FmPart;
      p.audio.integral(g, tmp, 0);
      ph += p.devHz * (tmp[0] as number);
      fr += p.devHz * (tmp[1] as number);
    }
    for (let i = 0; i < this.steady.length; i++) {
      const t = this.steady[i] as SteadyTone;
      const idx = phaseAtL(g, t.inc) >>> SHIFT;
      ph += t.beta * (SIN[idx] as number);
      fr += t.devHz * (COS[idx] as number);
    }
    out[o] = 1;
    out[o + 1] = ph;
    out[o + 2] = fr / fs;
  }
}

/** Narrowband FM voice (PMR446, business radio). */
export class NfmEmitter extends FmEmitter {
  declare readonly spec: NfmEmitterSpec;
  constructor(spec: NfmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 2500;
    const hi = spec.audioHighHz ?? 3000;
    const ctcss = spec.ctcssHz ?? 0;
    this.parts.push({
      audio: new VoiceAudio(deriveKey(this.key, 'audio'), {
        loHz: 600,
        hiHz: hi,
        tilt: 1.5,
        tones: 2,
        pause: spec.voicePause ?? 0.1,
      }),
      devHz: (ctcss > 0 ? dev * 0.85 : dev) * NFM_DRIVE,
      hiHz: hi,
    });
    if (ctcss > 0)
      this.steady.push({ toneHz: ctcss, devHz: dev * 0.15, beta: (dev * 0.15) / (2 * Math.PI * ctcss), inc: 0 });
  }
  halfSpanHz(): number {
    return (this.spec.deviationHz ?? 2500) + (this.spec.audioHighHz ?? 3000);
  }
}

/** Wireless microphone: wide FM, audio to 15 kHz, plus a 32.768 kHz tone-key pilot at low deviation. */
export class MicEmitter extends FmEmitter {
  declare readonly spec: MicEmitterSpec;
  constructor(spec: MicEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 45000;
    const hi = spec.audioHighHz ?? 15000;
    this.parts.push({
      audio: new VoiceAudio(deriveKey(this.key, 'audio'), {
        loHz: 300,
        hiHz: hi,
        tilt: 1.5,
        tones: 2,
        pause: spec.voicePause ?? 0.1,
      }),
      devHz: dev * 0.95 * WIDE_DRIVE,
      hiHz: hi,
    });
    this.steady.push({ toneHz: 32768, devHz: dev * 0.05, beta: (dev * 0.05) / (2 * Math.PI * 32768), inc: 0 });
  }
  halfSpanHz(): number {
    return (this.spec.deviationHz ?? 45000) + (this.spec.audioHighHz ?? 15000) + 32768;
  }
}

/** Broadcast FM: mono 50 Hz-15 kHz, 19 kHz pilot (10 %), "L-R"-like content in 23-53 kHz. */
export class WfmEmitter extends FmEmitter {
  declare readonly spec: WfmEmitterSpec;
  constructor(spec: WfmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 75000;
    const stereo = spec.stereo ?? true;
    const mono = new VoiceAudio(deriveKey(this.key, 'mono'), { loHz: 300, hiHz: 15000, pause: 0, tilt: 1, tones: 2 });
    this.parts.push({ audio: mono, devHz: dev * (stereo ? 0.55 : 0.9) * WFM_DRIVE, hiHz: 15000 });
    if (stereo) {
      const side = new VoiceAudio(deriveKey(this.key, 'side'), { loHz: 23000, hiHz: 53000, pause: 0.1, tones: 1 });
      this.parts.push({ audio: side, devHz: dev * 0.35 * WFM_DRIVE, hiHz: 53000 });
      this.steady.push({ toneHz: 19000, devHz: dev * 0.1, beta: (dev * 0.1) / (2 * Math.PI * 19000), inc: 0 });
    }
  }
  halfSpanHz(): number {
    return 130000;
  }
}
