/**
 * DMR-like 4FSK: symbols ±1, ±3 at 4800 Bd, deviation ±648/±1944 Hz, the frequency pulse shaped by a root-raised
 * cosine (α = 0.2, ±4 symbols). Transmission comes in frames (TDMA: 27.5 ms burst every 60 ms like a DMR mobile;
 * continuous: back-to-back 1 s frames like a repeater). The phase restarts at every frame, so the phase at any sample
 * needs only that frame's symbols: a pure function of the sample index.
 */
import type { Fsk4EmitterSpec } from '../spec.ts';
import { PulseGate } from '../gates.ts';
import { hash32, mix32 } from '../prng.ts';
import { EnvelopeEmitter } from './envelope.ts';

const SPAN = 4; // pulse half-length, symbols
const P_RES = 64; // integrated pulse table points per symbol
const ALPHA = 0.2;

/** RRC impulse response at t (in symbols). */
function rrc(t: number): number {
  const a = ALPHA;
  if (Math.abs(t) < 1e-9) return 1 - a + (4 * a) / Math.PI;
  if (Math.abs(Math.abs(t) - 1 / (4 * a)) < 1e-9) {
    return (
      (a / Math.SQRT2) *
      ((1 + 2 / Math.PI) * Math.sin(Math.PI / (4 * a)) + (1 - 2 / Math.PI) * Math.cos(Math.PI / (4 * a)))
    );
  }
  const num = Math.sin(Math.PI * t * (1 - a)) + 4 * a * t * Math.cos(Math.PI * t * (1 + a));
  const den = Math.PI * t * (1 - 4 * a * t * (4 * a * t));
  return num / den;
}

/** The unit-area RRC pulse sampled every 1/P_RES symbol over [-SPAN, SPAN] (filled with CUM below). */
const PULSE = new Float64Array(2 * SPAN * P_RES + 2);

/** Cumulative integral of the unit-area RRC pulse over [-SPAN, SPAN], sampled every 1/P_RES symbol. */
const CUM = (() => {
  const n = 2 * SPAN * P_RES + 1;
  const cum = new Float64Array(n + 1);
  let acc = 0;
  const sub = 16;
  for (let i = 1; i < n; i++) {
    const t0 = -SPAN + (i - 1) / P_RES;
    for (let k = 0; k < sub; k++) acc += rrc(t0 + (k + 0.5) / (P_RES * sub)) / (P_RES * sub);
    cum[i] = acc;
  }
  for (let i = 0; i < n; i++) {
    cum[i] = (cum[i] as number) / acc;
    PULSE[i] = rrc(-SPAN + i / P_RES) / acc;
  }
  cum[n] = 1;
  return cum;
})();

function pulse(u: number): number {
  if (u <= -SPAN || u >= SPAN) return 0;
  const x = (u + SPAN) * P_RES;
  const i = Math.floor(x);
  const a = PULSE[i] as number;
  return a + ((PULSE[i + 1] as number) - a) * (x - i);
}

function cumPulse(u: number): number {
  if (u <= -SPAN) return 0;
  if (u >= SPAN) return 1;
  const x = (u + SPAN) * P_RES;
  const i = Math.floor(x);
  const f = x - i;
  const a = CUM[i] as number;
  return a + ((CUM[i + 1] as number) - a) * f;
}

const LEVELS = [-3, -1, 1, 3];
const TDMA_PERIOD_S = 0.06;
const TDMA_BURST_S = 0.0275;
const CONT_FRAME_S = 1;

export class Fsk4Emitter extends EnvelopeEmitter {
  declare readonly spec: Fsk4EmitterSpec;
  private readonly rate: number;
  private readonly dev: number;
  private readonly frameS: number;
  private readonly symbolsPerFrame: number;
  private prefFrame = -1;
  private prefUpTo = 0;
  private prefSum = 0;

  constructor(spec: Fsk4EmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    this.rate = spec.symbolRateHz ?? 4800;
    this.dev = spec.innerDeviationHz ?? 648;
    const tdma = spec.tdma ?? true;
    this.frameS = tdma ? TDMA_PERIOD_S : CONT_FRAME_S;
    this.symbolsPerFrame = Math.floor((tdma ? TDMA_BURST_S : CONT_FRAME_S) * this.rate);
    if (tdma) this.gates.push(new PulseGate({ periodS: TDMA_PERIOD_S, dutyCycle: TDMA_BURST_S / TDMA_PERIOD_S }));
  }

  halfSpanHz(): number {
    return 3 * this.dev + this.rate * 0.6;
  }

  protected phaseCurvature4(): number {
    // the shaped frequency pulse swings by up to ±3·dev at about half the symbol rate: treat it as such a tone
    return (3 * this.dev * Math.pow(this.rate / 2, 3)) / (2 * Math.PI);
  }

  private symbol(frame: number, j: number): number {
    if (j < 0 || j >= this.symbolsPerFrame) return 0;
    return LEVELS[mix32(hash32(this.key, frame), j) & 3] as number;
  }

  /** Σ_{0 ≤ j < upTo} d_j of a frame, cached for the sequential case. */
  private prefix(frame: number, upTo: number): number {
    if (frame !== this.prefFrame || upTo < this.prefUpTo) {
      this.prefFrame = frame;
      this.prefUpTo = 0;
      this.prefSum = 0;
    }
    while (this.prefUpTo < upTo) {
      this.prefSum += this.symbol(frame, this.prefUpTo);
      this.prefUpTo++;
    }
    return this.prefSum;
  }

  protected envelopeAt(g: number, out: Float64Array, o: number): void {
    const fs = this.fs;
    const frameLen = this.frameS * fs;
    const frame = Math.floor(g / frameLen);
    const tSym = ((g - frame * frameLen) / fs) * this.rate; // symbols since frame start
    // symbol j is centred at j + 0.5; symbols with u = tSym - j - 0.5 ≥ SPAN are fully integrated
    const jFull = Math.max(0, Math.min(this.symbolsPerFrame, Math.floor(tSym - 0.5 - SPAN) + 1));
    let acc = this.prefix(frame, jFull);
    const jHi = Math.min(this.symbolsPerFrame - 1, Math.ceil(tSym - 0.5 + SPAN));
    let fr = 0;
    for (let j = jFull; j <= jHi; j++) {
      const d = this.symbol(frame, j);
      acc += d * cumPulse(tSym - j - 0.5);
      fr += d * pulse(tSym - j - 0.5);
    }
    out[o] = 1;
    out[o + 1] = (this.dev / this.rate) * acc;
    out[o + 2] = (this.dev * fr) / fs;
  }
}
