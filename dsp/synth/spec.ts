/**
 * JSON-serialisable descriptions of emitters, schedules and receiver impairments. A scene file is just
 * `{ seed, noiseDbfsPerHz, emitters: EmitterSpec[], impairments }`.
 *
 * Units: frequencies in Hz (absolute RF unless said otherwise), levels in dBFS of the complex baseband at the
 * ADC at the reference gain (0 dB synth gain), times in seconds from scene start.
 */

/** Time windows in which an emitter may transmit. `[fromS, toS)`; with `repeatS` the pattern repeats. */
export interface ScheduleSpec {
  windows: { fromS: number; toS: number }[];
  /** Period of the pattern, s. Windows must lie within [0, repeatS). Absent = no repetition. */
  repeatS?: number;
}

/**
 * Push-to-talk behaviour: time is cut into slots of `slotS`; each slot carries one talk spurt with probability
 * `activity`, of seeded duration in [minOnS, maxOnS] at a seeded position inside the slot.
 */
export interface PttSpec {
  slotS: number;
  minOnS: number;
  maxOnS: number;
  /** Probability a slot holds a spurt, 0..1. */
  activity: number;
}

/** On/off keying: on for `dutyCycle * periodS` at the start of every period (shifted by `offsetS`). */
export interface PulseSpec {
  periodS: number;
  dutyCycle: number;
  offsetS?: number;
}

/** Fields every emitter has. */
export interface EmitterBaseSpec {
  /** Unique within a scene; also the random-stream label. */
  id: string;
  /** Carrier / centre frequency, Hz (absolute RF). For `sweep`, the middle of the swept range. */
  centerHz: number;
  /** Mean power while on, dBFS (complex baseband at the ADC at 0 dB synth gain). */
  levelDbfs: number;
  schedule?: ScheduleSpec;
  ptt?: PttSpec;
  pulse?: PulseSpec;
  /** Free-form ground-truth label for tests (e.g. 'licensed', 'unlicensed', 'jammer'). */
  label?: string;
  /** Extra seed so two otherwise identical emitters differ. */
  seed?: number;
}

export interface NoiseEmitterSpec extends EmitterBaseSpec {
  kind: 'noise';
  /** White noise over the whole receiver band. `levelDbfs` is ignored; density in dBFS/Hz. */
  densityDbfsPerHz: number;
}
export interface ToneEmitterSpec extends EmitterBaseSpec {
  kind: 'tone';
  /** Initial phase, cycles (0..1). */
  phaseCycles?: number;
}
/** Options of the voice-like modulation shared by AM, NFM and microphones. */
export interface VoiceSpec {
  /** Probability that a 0.25 s syllable is a pause (carrier only). Default 0.1. */
  voicePause?: number;
}

export interface AmEmitterSpec extends EmitterBaseSpec, VoiceSpec {
  kind: 'am';
  /** Modulation depth 0..1 (peak). Default 0.8. */
  modulationDepth?: number;
  /** Highest audio frequency, Hz. Default 3000 (6 kHz occupied, 6K00A3E). */
  audioHighHz?: number;
}
export interface NfmEmitterSpec extends EmitterBaseSpec, VoiceSpec {
  kind: 'nfm';
  /** Peak deviation, Hz. Default 2500 (12.5 kHz channel); 5000 for 25 kHz channels. */
  deviationHz?: number;
  /** Highest audio frequency, Hz. Default 3000. */
  audioHighHz?: number;
  /** CTCSS-like sub-audible tone, Hz (0 = none). Default 0. */
  ctcssHz?: number;
}
export interface WfmEmitterSpec extends EmitterBaseSpec {
  kind: 'wfm';
  /** Peak deviation, Hz. Default 75000. */
  deviationHz?: number;
  /** 19 kHz pilot plus 38 kHz DSB-SC "L-R" content. Default true. */
  stereo?: boolean;
}
export interface MicEmitterSpec extends EmitterBaseSpec, VoiceSpec {
  kind: 'mic';
  /** Peak deviation, Hz. Default 45000. */
  deviationHz?: number;
  /** Highest audio frequency, Hz. Default 15000. */
  audioHighHz?: number;
}
export interface Fsk4EmitterSpec extends EmitterBaseSpec {
  kind: 'fsk4';
  /** Symbol rate, Bd. Default 4800. */
  symbolRateHz?: number;
  /** Inner deviation, Hz (outer = 3x). Default 648. */
  innerDeviationHz?: number;
  /** TDMA bursts (27.5 ms every 60 ms, DMR mobile) or continuous (repeater). Default true. */
  tdma?: boolean;
}
export interface OfdmEmitterSpec extends EmitterBaseSpec {
  kind: 'ofdm';
  /** Occupied bandwidth (flat top), Hz. */
  bandwidthHz: number;
  /** Nominal subcarrier spacing, Hz; the actual one is fs / 2^k closest to it. Default 15000. */
  subcarrierSpacingHz?: number;
  /** Cyclic prefix as a fraction of the useful symbol. Default 0.125. */
  cyclicPrefix?: number;
}
export interface BarrageEmitterSpec extends EmitterBaseSpec {
  kind: 'barrage';
  /** Flat-topped band-limited Gaussian noise of this bandwidth, Hz. */
  bandwidthHz: number;
}
export interface SweepEmitterSpec extends EmitterBaseSpec {
  kind: 'sweep';
  /** Swept span, Hz, centred on centerHz. */
  spanHz: number;
  /** Sweep rate, Hz/s (sawtooth, upwards). */
  rateHzPerS: number;
}
export interface PulseEmitterSpec extends EmitterBaseSpec {
  kind: 'pulse';
  /** 0 = a pulsed carrier, otherwise pulsed band-limited noise of this bandwidth, Hz. */
  bandwidthHz: number;
  periodS: number;
  dutyCycle: number;
}

export type EmitterSpec =
  | NoiseEmitterSpec
  | ToneEmitterSpec
  | AmEmitterSpec
  | NfmEmitterSpec
  | WfmEmitterSpec
  | MicEmitterSpec
  | Fsk4EmitterSpec
  | OfdmEmitterSpec
  | BarrageEmitterSpec
  | SweepEmitterSpec
  | PulseEmitterSpec;

export type EmitterKind = EmitterSpec['kind'];

/** Receiver (RTL-SDR) impairments. All optional; absent = ideal. */
export interface ImpairmentSpec {
  /** DC offset added before quantisation, full-scale units (I and Q). */
  dcOffsetI?: number;
  dcOffsetQ?: number;
  /** IQ gain imbalance, dB (Q relative to I). */
  iqGainDb?: number;
  /** IQ phase imbalance, degrees. */
  iqPhaseDeg?: number;
  /** Reference oscillator error, ppm: an emitter at f appears at f * (1 + ppm * 1e-6). */
  ppm?: number;
  /**
   * Passband roll-off: emitters beyond 0.8 * fs/2 from the centre are attenuated with a cosine taper reaching
   * `rollOffDb` at ±fs/2. Applied per emitter at its centre frequency (the noise floor is not shaped). 0 = none.
   */
  rollOffDb?: number;
}

/** A complete scene description. */
export interface SceneSpec {
  seed: number;
  /** Receiver noise floor, dBFS/Hz (complex). Absent = no noise. */
  noiseDbfsPerHz?: number;
  emitters: EmitterSpec[];
  impairments?: ImpairmentSpec;
}
