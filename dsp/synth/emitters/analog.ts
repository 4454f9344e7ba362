/**
 * Analogue emitters on the envelope engine: CW tone, AM, NFM, wireless microphone FM, broadcast WFM.
 */
import type { AmEmitterSpec, MicEmitterSpec, NfmEmitterSpec, ToneEmitterSpec, WfmEmitterSpec } from '../spec.ts';
import { VoiceAudio } from '../audio.ts';
import { deriveKey } from '../prng.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SHIFT, phaseAt } from '../tables.ts';
import { Emitter } from './base.ts';
import { EnvelopeEmitter } from './envelope.ts';

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

/** Sinusoidal phase term of a steady tone (pilot, CTCSS) of frequency f and peak deviation dev, cycles. */
function steadyTonePhase(s: number, fs: number, toneHz: number, devHz: number): number {
  const cyc = (toneHz * s) / fs;
  return (devHz / (2 * Math.PI * toneHz)) * Math.sin(2 * Math.PI * (cyc - Math.floor(cyc)));
}

/** Double-sideband full-carrier AM with voice-like audio. */
export class AmEmitter extends EnvelopeEmitter {
  declare readonly spec: AmEmitterSpec;
  private readonly audio: VoiceAudio;
  private readonly depth: number;
  constructor(spec: AmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    this.depth = spec.modulationDepth ?? 0.8;
    this.audio = new VoiceAudio(deriveKey(this.key, 'audio'), { loHz: 200, hiHz: spec.audioHighHz ?? 3000 });
  }
  halfSpanHz(): number {
    return this.spec.audioHighHz ?? 3000;
  }
  protected override levelPower(): number {
    // level = carrier + sidebands: scale the carrier down by the sideband share
    return super.levelPower() / (1 + this.depth * this.depth * this.audio.meanSquareEstimate());
  }
  protected phaseCurvature(): number {
    // amplitude modulation: the envelope's curvature plays the role of phase curvature (error in amplitude units)
    const f = this.spec.audioHighHz ?? 3000;
    return (this.depth * f * f) / (2 * Math.PI);
  }
  protected override onTune(band: Parameters<EnvelopeEmitter['onTune']>[0]): void {
    this.audio.setRate(band.sampleRateHz);
    super.onTune(band);
  }
  protected envelopeAt(g: number, out: Float64Array): void {
    out[0] = 1 + this.depth * this.audio.value(g);
    out[1] = 0;
  }
}

/** Frequency modulation by voice-like audio (+ optional steady sub-tones), used by NFM, mic and WFM. */
abstract class FmEmitter extends EnvelopeEmitter {
  protected abstract readonly parts: { audio: VoiceAudio; devHz: number; hiHz: number }[];
  protected abstract readonly steady: { toneHz: number; devHz: number }[];
  protected override onTune(band: Parameters<EnvelopeEmitter['onTune']>[0]): void {
    for (const p of this.parts) p.audio.setRate(band.sampleRateHz);
    super.onTune(band);
  }
  protected phaseCurvature(): number {
    let c = 0;
    for (const p of this.parts) c += (p.devHz * p.hiHz) / (2 * Math.PI);
    for (const t of this.steady) c += (t.devHz * t.toneHz) / (2 * Math.PI);
    return c;
  }
  protected envelopeAt(g: number, out: Float64Array): void {
    let ph = 0;
    for (const p of this.parts) ph += p.devHz * p.audio.integral(g);
    for (const t of this.steady) ph += steadyTonePhase(g, this.fs, t.toneHz, t.devHz);
    out[0] = 1;
    out[1] = ph;
  }
}

/** Narrowband FM voice (PMR446, business radio). */
export class NfmEmitter extends FmEmitter {
  declare readonly spec: NfmEmitterSpec;
  protected readonly parts;
  protected readonly steady;
  constructor(spec: NfmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 2500;
    const hi = spec.audioHighHz ?? 3000;
    const ctcss = spec.ctcssHz ?? 0;
    const audioDev = ctcss > 0 ? dev * 0.85 : dev;
    this.parts = [
      {
        audio: new VoiceAudio(deriveKey(this.key, 'audio'), { loHz: 300, hiHz: hi, tilt: 1, loudness: [0.75, 1] }),
        devHz: audioDev,
        hiHz: hi,
      },
    ];
    this.steady = ctcss > 0 ? [{ toneHz: ctcss, devHz: dev * 0.15 }] : [];
  }
  halfSpanHz(): number {
    return (this.spec.deviationHz ?? 2500) + (this.spec.audioHighHz ?? 3000);
  }
}

/** Wireless microphone: wide FM, audio to 15 kHz, with an ultrasonic-ish 32 kHz pilot at low deviation. */
export class MicEmitter extends FmEmitter {
  declare readonly spec: MicEmitterSpec;
  protected readonly parts;
  protected readonly steady;
  constructor(spec: MicEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 45000;
    const hi = spec.audioHighHz ?? 15000;
    this.parts = [
      {
        audio: new VoiceAudio(deriveKey(this.key, 'audio'), {
          loHz: 80,
          hiHz: hi,

          tilt: 1,
          loudness: [0.55, 0.95],
        }),
        devHz: dev * 0.95,
        hiHz: hi,
      },
    ];
    this.steady = [{ toneHz: 32768, devHz: dev * 0.05 }];
  }
  halfSpanHz(): number {
    return (this.spec.deviationHz ?? 45000) + (this.spec.audioHighHz ?? 15000) + 32768;
  }
}

/** Broadcast FM: mono 30 Hz-15 kHz, 19 kHz pilot (10 %), "L-R" content in 23-53 kHz. */
export class WfmEmitter extends FmEmitter {
  declare readonly spec: WfmEmitterSpec;
  protected readonly parts;
  protected readonly steady;
  constructor(spec: WfmEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    const dev = spec.deviationHz ?? 75000;
    const stereo = spec.stereo ?? true;
    const mono = new VoiceAudio(deriveKey(this.key, 'mono'), {
      loHz: 50,
      hiHz: 15000,

      pause: 0,
      tilt: 0.5,
      loudness: [0.7, 1],
    });
    this.parts = [{ audio: mono, devHz: dev * (stereo ? 0.55 : 0.9), hiHz: 15000 }];
    if (stereo) {
      const side = new VoiceAudio(deriveKey(this.key, 'side'), {
        loHz: 23000,
        hiHz: 53000,

        pause: 0.1,
        loudness: [0.5, 1],
      });
      this.parts.push({ audio: side, devHz: dev * 0.35, hiHz: 53000 });
    }
    this.steady = stereo ? [{ toneHz: 19000, devHz: dev * 0.1 }] : [];
  }
  halfSpanHz(): number {
    return 130000;
  }
}
