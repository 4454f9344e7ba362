/**
 * Base of all rendered emitters. An emitter is tuned to a receiver band (centre, rate, ppm, roll-off) and then adds
 * its complex baseband for absolute samples [s0, s0+n) into planar buffers. Everything an emitter adds at sample s
 * is a pure function of s and the band, which makes rendering chunk-size independent and seekable.
 */
import type { EmitterSpec } from '../spec.ts';
import { type Gate, PttGate, PulseGate, ScheduleGate } from '../gates.ts';
import { deriveKey } from '../prng.ts';
import { phaseIncrement } from '../tables.ts';

/** What an emitter needs to know about the receiver. */
export interface ReceiverBand {
  centerHz: number;
  sampleRateHz: number;
  /** Reference error, ppm (emitter at f appears at f·(1+ppm·1e-6)). */
  ppm: number;
  /** Attenuation at ±fs/2 of the passband roll-off, dB (0 = flat). */
  rollOffDb: number;
}

/** Linear amplitude gain of the roll-off at baseband offset `offsetHz`. */
export function rollOffGain(offsetHz: number, sampleRateHz: number, rollOffDb: number): number {
  if (rollOffDb <= 0) return 1;
  const x = Math.abs(offsetHz) / (sampleRateHz / 2);
  if (x <= 0.8) return 1;
  const u = Math.min(1, (x - 0.8) / 0.2);
  const db = rollOffDb * (0.5 - 0.5 * Math.cos(Math.PI * u));
  return Math.pow(10, -db / 20);
}

export abstract class Emitter {
  readonly key: number;
  readonly gates: Gate[] = [];
  /** Linear amplitude for the current band (level and roll-off). */
  protected amp = 0;
  /** Baseband offset of the carrier for the current band, Hz. */
  protected offsetHz = 0;
  /** Phase increment of the carrier per sample (int32 phase units). */
  protected inc = 0;
  protected fs = 1;
  protected band: ReceiverBand | null = null;

  constructor(
    readonly spec: EmitterSpec,
    sceneKey: number,
  ) {
    this.key = deriveKey(deriveKey(sceneKey, spec.id), spec.seed ?? 0);
    if (spec.schedule) this.gates.push(new ScheduleGate(spec.schedule));
    if (spec.ptt) this.gates.push(new PttGate(spec.ptt, deriveKey(this.key, 'ptt')));
    if (spec.pulse) this.gates.push(new PulseGate(spec.pulse));
  }

  /** Half of the bandwidth the emitter can occupy around its centre, Hz (for the in-band test). */
  abstract halfSpanHz(): number;

  /** Mean power of the emitter when on, full-scale units². */
  protected levelPower(): number {
    return Math.pow(10, this.spec.levelDbfs / 10);
  }

  /**
   * Tunes to a band. Returns false when nothing of the emitter reaches the band (it then costs nothing).
   * Cheap when the band did not change.
   */
  tune(band: ReceiverBand): boolean {
    const fs = band.sampleRateHz;
    this.fs = fs;
    this.band = band;
    this.offsetHz = this.spec.centerHz * (1 + band.ppm * 1e-6) - band.centerHz;
    if (Math.abs(this.offsetHz) - this.halfSpanHz() >= fs / 2) return false;
    this.inc = phaseIncrement(this.offsetHz, fs);
    this.amp = Math.sqrt(this.levelPower()) * rollOffGain(this.offsetHz, fs, band.rollOffDb);
    this.onTune(band);
    return true;
  }

  /** Kind-specific work on retune (sample-rate dependent tables). */
  protected onTune(_band: ReceiverBand): void {}

  /** Adds samples s0 .. s0+n-1 into re/im starting at index o. Only called for open gate runs. */
  abstract add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void;
}
