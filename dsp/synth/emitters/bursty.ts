/**
 * Benign bursty emitters for classifier training (dsp/synth/examples.ts kinds `ook`, `tdma`, `pulse-pos`): the
 * traffic a venue is full of that switches on and off without being a jammer.
 *
 * - OOK/ASK telemetry (433/868 MHz sensors, key fobs): a carrier keyed by data bits at 0.5-10 kbit/s in packets of
 *   20-300 ms (PWM, Manchester or NRZ coding): irregular on/off at the bit scale.
 * - TDMA/TDD bursts: a data-modulated carrier keyed in slots (DMR-like 4FSK, TETRA-like π/4-DQPSK, generic PSK,
 *   GSM-like GMSK, TD-LTE-like OFDM with 5 ms half-frames): data inside every burst, random slot occupancy.
 * - Pulse-position replies (SSR Mode S / Mode A/C at 1090 MHz): 0.45-0.5 µs pulses in 20-120 µs replies at random
 *   (Poisson) times, each aircraft at its own level and carrier error.
 *
 * A jammer, by contrast, is a carrier or Gaussian noise switched with a fixed period and duty (emitters/factory.ts
 * `pulse`). These emitters are not part of `EmitterSpec` (scene files and the venue never use them, so nothing
 * existing changes): the example renderer (examples.ts) builds them directly and keys them with a
 * {@link WindowListGate}. Times in seconds from scene start; frequencies in Hz; levels dBFS while on.
 */
import type { Gate } from '../gates.ts';
import { sampleAtOrAfter } from '../gates.ts';
import { hash32, type Xoshiro128ss } from '../prng.ts';
import type { ToneEmitterSpec } from '../spec.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SHIFT, phaseAt, phaseIncrement } from '../tables.ts';
import { Emitter } from './base.ts';
import { Fsk4Emitter } from './fsk4.ts';
import { OfdmEmitter } from './blocks.ts';
import { ToneEmitter } from './analog.ts';

/** On-windows `[fromS, toS)`, sorted and non-overlapping. */
export type Windows = [number, number][];

/** Sorts windows and merges the ones that touch or overlap. */
export function mergeWindows(w: Windows): Windows {
  const s = w.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Windows = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1e-12) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Time the windows are on within [fromS, toS), s. */
export function onTimeS(w: Windows, fromS: number, toS: number): number {
  let t = 0;
  for (const [a, b] of w) t += Math.max(0, Math.min(b, toS) - Math.max(a, fromS));
  return t;
}

/** A gate open in an explicit list of windows (any number of them, binary-searched). */
export class WindowListGate implements Gate {
  next = Infinity;
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  constructor(windows: Windows) {
    const w = mergeWindows(windows);
    this.from = Float64Array.from(w, (x) => x[0]);
    this.to = Float64Array.from(w, (x) => x[1]);
  }
  at(s: number, fs: number): boolean {
    const n = this.from.length;
    let lo = 0;
    let hi = n - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sampleAtOrAfter(this.from[mid] as number, fs) <= s) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k >= 0) {
      const b = sampleAtOrAfter(this.to[k] as number, fs);
      if (s < b) {
        this.next = b;
        return true;
      }
    }
    this.next = k + 1 < n ? sampleAtOrAfter(this.from[k + 1] as number, fs) : Infinity;
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Keying patterns

export type OokCoding = 'pwm' | 'manchester' | 'nrz';

/** Parameters of an OOK sensor's transmissions. */
export interface OokPattern {
  bitRateHz: number;
  coding: OokCoding;
  /** Packet length, s (20-300 ms). */
  packetS: number;
  /** Gap between repeated packets, s. */
  gapS: number;
}

/** Random OOK sensor parameters. */
export function drawOokPattern(rng: Xoshiro128ss): OokPattern {
  const codings: OokCoding[] = ['pwm', 'manchester', 'nrz'];
  return {
    bitRateHz: Math.exp(rng.range(Math.log(500), Math.log(10_000))),
    coding: codings[rng.int(3)] as OokCoding,
    packetS: rng.range(0.02, 0.3),
    gapS: rng.range(0.002, 0.03),
  };
}

/**
 * On-windows of OOK packets covering [fromS, toS): a packet train (preamble of alternating bits, then random data
 * bits) positioned so that `focusS` usually falls inside a packet, sometimes near its start or end.
 */
export function ookWindows(p: OokPattern, rng: Xoshiro128ss, fromS: number, toS: number, focusS: number): Windows {
  const T = 1 / p.bitRateHz;
  const period = p.packetS + p.gapS;
  const p0 = focusS - rng.range(-0.08, 1.05) * p.packetS;
  const w: Windows = [];
  const k0 = Math.floor((fromS - p0) / period) - 1;
  for (let k = k0; p0 + k * period < toS; k++) {
    const ps = p0 + k * period;
    const pe = ps + p.packetS;
    if (pe < fromS) continue;
    const preamble = 8 + rng.int(17);
    const nBits = Math.floor(p.packetS / T);
    for (let i = 0; i < nBits; i++) {
      const bit = i < preamble ? (i & 1) === 0 : rng.uniform() < 0.5;
      const t = ps + i * T;
      if (t + T < fromS - T || t > toS + T) continue;
      if (p.coding === 'pwm') w.push([t, t + (bit ? 0.66 : 0.33) * T]);
      else if (p.coding === 'manchester') w.push(bit ? [t, t + T / 2] : [t + T / 2, t + T]);
      else if (bit) w.push([t, t + T]);
    }
  }
  return mergeWindows(w);
}

/**
 * Slot keying: frames of `slots` slots of `frameS / slots`, each slot occupied with probability `occupancy`; a burst
 * fills `burstFraction` of its slot (guard time around it). Covers [fromS, toS) with frame 0 at `phaseS`.
 */
export function slotWindows(
  rng: Xoshiro128ss,
  o: { frameS: number; slots: number; burstFraction: number; occupancy: number; phaseS: number },
  fromS: number,
  toS: number,
): Windows {
  const slotS = o.frameS / o.slots;
  const guard = ((1 - o.burstFraction) * slotS) / 2;
  const w: Windows = [];
  const k0 = Math.floor((fromS - o.phaseS) / slotS) - 1;
  for (let k = k0; o.phaseS + k * slotS < toS; k++) {
    if (rng.uniform() >= o.occupancy) continue;
    const a = o.phaseS + k * slotS + guard;
    w.push([a, a + o.burstFraction * slotS]);
  }
  return mergeWindows(w);
}

/** Subframe types of the TD-LTE uplink-downlink configurations with a 5 ms switch period (0, 1, 2, 6). */
const TDD_CONFIGS = ['DSUUU', 'DSUUD', 'DSUDD', 'DSUUU'] as const;

/**
 * TD-LTE-like half-frames: downlink subframes and the DwPTS of the special subframe (`dl`), uplink subframes a UE
 * uses with probability 0.6 (`ul`). Frame 0 starts at `phaseS`.
 */
export function tddWindows(
  rng: Xoshiro128ss,
  phaseS: number,
  fromS: number,
  toS: number,
): { dl: Windows; ul: Windows } {
  const cfg = TDD_CONFIGS[rng.int(TDD_CONFIGS.length)] as string;
  const dwpts = rng.range(0.21e-3, 0.86e-3);
  const dl: Windows = [];
  const ul: Windows = [];
  const half = 5e-3;
  for (let k = Math.floor((fromS - phaseS) / half) - 1; phaseS + k * half < toS; k++) {
    const t = phaseS + k * half;
    for (let sf = 0; sf < 5; sf++) {
      const a = t + sf * 1e-3;
      const c = cfg[sf];
      if (c === 'D') dl.push([a, a + 1e-3]);
      else if (c === 'S') dl.push([a, a + dwpts]);
      else if (rng.uniform() < 0.6) ul.push([a, a + 1e-3]);
    }
  }
  return { dl: mergeWindows(dl), ul: mergeWindows(ul) };
}

// ---------------------------------------------------------------------------------------------------------------
// Data-modulated carriers

/** A spec the base class accepts for emitters outside the EmitterSpec union (only id, centre, level, seed count). */
export function carrierSpec(id: string, centerHz: number, levelDbfs: number, seed: number): ToneEmitterSpec {
  return { id, kind: 'tone', centerHz, levelDbfs, seed };
}

const PSK_SPAN = 4;
const PSK_RES = 128;
/** Raised-cosine pulse tables (one per roll-off, cached), sampled every 1/PSK_RES symbol over ±PSK_SPAN. */
const rcTables = new Map<number, Float64Array>();
function rcTable(alpha: number): Float64Array {
  const key = Math.round(alpha * 1000);
  let t = rcTables.get(key);
  if (t) return t;
  t = new Float64Array(2 * PSK_SPAN * PSK_RES + 1);
  for (let i = 0; i < t.length; i++) {
    const u = i / PSK_RES - PSK_SPAN;
    const sinc = Math.abs(u) < 1e-9 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    const d = 1 - (2 * alpha * u) ** 2;
    const c = Math.abs(d) < 1e-9 ? Math.PI / 4 : Math.cos(Math.PI * alpha * u) / d;
    t[i] = sinc * c;
  }
  rcTables.set(key, t);
  return t;
}

/**
 * Linear modulation: π/4-shifted QPSK symbols (the constellation of π/4-DQPSK, TETRA) with a raised-cosine pulse of
 * roll-off `alpha`. Symbol k is a pure function of (key, k), so every sample is a pure function of its index.
 */
export class PskEmitter extends Emitter {
  private readonly table: Float64Array;
  constructor(
    spec: ToneEmitterSpec,
    sceneKey: number,
    readonly symbolRateHz: number,
    readonly alpha: number,
  ) {
    super(spec, sceneKey);
    this.table = rcTable(alpha);
  }
  halfSpanHz(): number {
    return (this.symbolRateHz * (1 + this.alpha)) / 2;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const sps = this.fs / this.symbolRateHz;
    const A = this.amp;
    const inc = this.inc;
    let p = phaseAt(s0, inc);
    for (let i = 0; i < n; i++) {
      const u = (s0 + i) / sps;
      const k0 = Math.ceil(u - PSK_SPAN);
      let yr = 0;
      let yi = 0;
      for (let k = k0; k <= u + PSK_SPAN; k++) {
        const g = this.table[Math.round((u - k + PSK_SPAN) * PSK_RES)] ?? 0;
        const q = (hash32(this.key, k) & 3) * 2 + (k & 1); // eighths of a turn
        yr += g * COS8[q & 7]!;
        yi += g * SIN8[q & 7]!;
      }
      const idx = p >>> TRIG_SHIFT;
      const c = COS_TABLE[idx] as number;
      const s = SIN_TABLE[idx] as number;
      re[o + i] = (re[o + i] as number) + A * (yr * c - yi * s);
      im[o + i] = (im[o + i] as number) + A * (yr * s + yi * c);
      p = (p + inc) | 0;
    }
  }
}
const COS8 = Float64Array.from({ length: 8 }, (_, i) => Math.cos((i * Math.PI) / 4));
const SIN8 = Float64Array.from({ length: 8 }, (_, i) => Math.sin((i * Math.PI) / 4));

/** erf, Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

const GM_SPAN = 3;
const GM_RES = 128;

/**
 * GMSK (GSM-like: BT = 0.3, modulation index 0.5): the frequency is the Gaussian-smoothed NRZ data. The phase is
 * integrated from a hashed start at the beginning of each rendered run (a burst), so bursts are independent.
 */
export class GmskEmitter extends Emitter {
  private readonly freqPulse: Float64Array;
  constructor(
    spec: ToneEmitterSpec,
    sceneKey: number,
    readonly symbolRateHz: number,
    bt = 0.3,
  ) {
    super(spec, sceneKey);
    const a = Math.PI * bt * Math.sqrt(2 / Math.log(2));
    this.freqPulse = Float64Array.from(
      { length: 2 * GM_SPAN * GM_RES + 1 },
      (_, i) => 0.5 * (erf(a * (i / GM_RES - GM_SPAN + 0.5)) - erf(a * (i / GM_RES - GM_SPAN - 0.5))),
    );
  }
  halfSpanHz(): number {
    return 0.6 * this.symbolRateHz;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const fs = this.fs;
    const sps = fs / this.symbolRateHz;
    // frequency deviation of MSK: ±R/4, in radians per sample
    const w = (2 * Math.PI * (this.symbolRateHz / 4)) / fs;
    const wc = (2 * Math.PI * this.offsetHz) / fs;
    let ph = (hash32(this.key, Math.floor(s0 / 997)) / 4294967296) * 2 * Math.PI;
    const A = this.amp;
    for (let i = 0; i < n; i++) {
      const u = (s0 + i) / sps;
      let f = 0;
      for (let k = Math.ceil(u - GM_SPAN); k <= u + GM_SPAN; k++) {
        const g = this.freqPulse[Math.round((u - k + GM_SPAN) * GM_RES)] ?? 0;
        f += (hash32(this.key, k) & 1 ? 1 : -1) * g;
      }
      ph += wc + w * f;
      re[o + i] = (re[o + i] as number) + A * Math.cos(ph);
      im[o + i] = (im[o + i] as number) + A * Math.sin(ph);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pulse-position replies

/** One transponder reply: start time, carrier offset from the emitter's centre, level relative to it. */
export interface Reply {
  tS: number;
  offsetHz: number;
  relDb: number;
  /** Pulses [from, to) in µs from the reply start. */
  pulsesUs: [number, number][];
}

/** Mode S reply (56 or 112 data bits): 4 preamble pulses, then one 0.5 µs pulse per 1 µs bit (PPM). */
export function modeSPulses(bits: 56 | 112, rng: Xoshiro128ss): [number, number][] {
  const p: [number, number][] = [
    [0, 0.5],
    [1, 1.5],
    [3.5, 4],
    [4.5, 5],
  ];
  for (let i = 0; i < bits; i++) {
    const t = 8 + i + (rng.uniform() < 0.5 ? 0 : 0.5);
    p.push([t, t + 0.5]);
  }
  return p;
}

/** Mode A/C reply: framing pulses 20.3 µs apart, up to 12 code pulses (0.45 µs) on a 1.45 µs grid between. */
export function modeACPulses(rng: Xoshiro128ss): [number, number][] {
  const p: [number, number][] = [[0, 0.45]];
  for (let k = 1; k <= 13; k++) {
    if (k === 7 || rng.uniform() < 0.5) continue;
    p.push([1.45 * k, 1.45 * k + 0.45]);
  }
  p.push([20.3, 20.75]);
  return p;
}

/**
 * Replies at Poisson times (rate `ratePerS`) over [fromS, toS), plus one forced at `forcedS` so a short window
 * always holds one; 70 % Mode S (a third of those long), 30 % Mode A/C; each aircraft at its own level (0 to −15 dB)
 * and carrier error (σ `spreadHz`).
 */
export function drawReplies(
  rng: Xoshiro128ss,
  fromS: number,
  toS: number,
  forcedS: number,
  ratePerS: number,
  spreadHz: number,
): Reply[] {
  const times: number[] = [forcedS];
  for (let t = fromS - 130e-6; ;) {
    t += -Math.log(1 - rng.uniform()) / ratePerS;
    if (t >= toS) break;
    times.push(t);
  }
  times.sort((a, b) => a - b);
  return times.map((tS) => {
    const r = rng.uniform();
    const pulsesUs = r < 0.7 ? modeSPulses(r < 0.23 ? 112 : 56, rng) : modeACPulses(rng);
    return { tS, offsetHz: spreadHz * rng.gaussian(), relDb: -15 * rng.uniform(), pulsesUs };
  });
}

/** Rise/fall time of a reply pulse, s (DO-181 allows 0.05-0.2 µs). */
const EDGE_S = 0.1e-6;

/** Pulse-position replies on one channel (several aircraft: each reply has its own level and carrier error). */
export class PulseReplyEmitter extends Emitter {
  constructor(
    spec: ToneEmitterSpec,
    sceneKey: number,
    readonly replies: readonly Reply[],
  ) {
    super(spec, sceneKey);
  }
  halfSpanHz(): number {
    return 1.5e6;
  }
  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    const fs = this.fs;
    const t0 = s0 / fs;
    const t1 = (s0 + n) / fs;
    for (const r of this.replies) {
      const last = r.pulsesUs[r.pulsesUs.length - 1];
      if (!last || r.tS > t1 || r.tS + last[1] * 1e-6 + EDGE_S < t0) continue;
      const A = this.amp * Math.pow(10, r.relDb / 20);
      const inc = phaseIncrement(this.offsetHz + r.offsetHz, fs);
      const ph0 = hash32(this.key, Math.round(r.tS * 1e7)) | 0;
      for (const [a, b] of r.pulsesUs) {
        const ta = r.tS + a * 1e-6 - EDGE_S / 2;
        const tb = r.tS + b * 1e-6 + EDGE_S / 2;
        const ia = Math.max(s0, Math.ceil(ta * fs));
        const ib = Math.min(s0 + n, Math.ceil(tb * fs));
        for (let s = ia; s < ib; s++) {
          const t = s / fs;
          // raised-cosine edges of EDGE_S at both ends
          const e = Math.min(1, (t - ta) / EDGE_S, (tb - t) / EDGE_S);
          const g = e >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, e));
          const p = (phaseAt(s, inc) + ph0) | 0;
          const idx = p >>> TRIG_SHIFT;
          re[o + s - s0] = (re[o + s - s0] as number) + A * g * (COS_TABLE[idx] as number);
          im[o + s - s0] = (im[o + s - s0] as number) + A * g * (SIN_TABLE[idx] as number);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing one random emitter of a bursty kind for a training example

export type BurstyKind = 'ook' | 'tdma' | 'pulse-pos';

/** A drawn bursty emitter: what to render and what the example reports. */
export interface BurstyDraw {
  /** Emitters to render (already keyed by their gates). */
  emitters: Emitter[];
  /** Variant name (for tests and diagnostics), e.g. 'ook-pwm', 'tdma-gsm', 'tdma-tdd-ofdm', 'pulse-pos'. */
  variant: string;
  /** Bandwidth a tracker would report for it, Hz (may be a piece of a carrier wider than that). */
  obwHz: number;
  /** Centre of what a tracker would report, Hz offset from the emitter's nominal centre. */
  reportOffsetHz: number;
  /** Bandwidth the SNR refers to (the carrier's occupied bandwidth), Hz. */
  snrBandwidthHz: number;
  /** On-windows of the main emitter, s. */
  activity: Windows;
  /** The carrier as a spec (for reference; these emitters are not scene-file kinds). */
  spec: ToneEmitterSpec;
}

/**
 * Draws a random emitter of a bursty kind at `centerHz` whose activity is visible in [startS, startS + durS)
 * (an edge or a burst falls inside the window), `levelDbfs` while on. `sceneKey` seeds the emitters' data.
 */
export function drawBursty(
  kind: BurstyKind,
  rng: Xoshiro128ss,
  fs: number,
  startS: number,
  durS: number,
  centerHz: number,
  levelDbfs: number,
  sceneKey: number,
): BurstyDraw {
  const spec = carrierSpec(kind, centerHz, levelDbfs, rng.nextU32());
  const fromS = startS - 0.01;
  const toS = startS + durS + 0.01;
  // a moment inside the window (middle 80 %) that the pattern is built around
  const focusS = startS + durS * rng.range(0.1, 0.9);
  const whole = { reportOffsetHz: 0 };
  if (kind === 'ook') {
    const pat = drawOokPattern(rng);
    const w = ookWindows(pat, rng, fromS, toS, focusS);
    const em = new ToneEmitter({ ...spec, phaseCycles: rng.uniform() }, sceneKey);
    em.gates.push(new WindowListGate(w));
    const obw = Math.max(2000, 3 * pat.bitRateHz);
    // trackers see a keyed carrier's sidebands in pieces: often only the central part
    const seen = obw * Math.exp(rng.range(Math.log(0.3), Math.log(1.5)));
    return {
      emitters: [em],
      variant: `ook-${pat.coding}`,
      obwHz: seen,
      snrBandwidthHz: obw,
      activity: w,
      spec,
      ...whole,
    };
  }
  if (kind === 'pulse-pos') {
    const replies = drawReplies(rng, fromS, toS, focusS, Math.exp(rng.range(Math.log(200), Math.log(5000))), 80e3);
    const em = new PulseReplyEmitter(spec, sceneKey, replies);
    const full = Math.min(0.9 * fs, 2e6);
    const activity = mergeWindows(
      replies.map((r) => [r.tS, r.tS + (r.pulsesUs[r.pulsesUs.length - 1]?.[1] ?? 0) * 1e-6] as [number, number]),
    );
    if (rng.uniform() < 0.5) {
      return {
        emitters: [em],
        variant: 'pulse-pos',
        obwHz: rng.range(1.0e6, full),
        snrBandwidthHz: full,
        activity,
        spec,
        ...whole,
      };
    }
    // a piece of the ±1 MHz spread, as a tracker without a plan reports it
    const piece = Math.exp(rng.range(Math.log(20e3), Math.log(300e3)));
    return {
      emitters: [em],
      variant: 'pulse-pos-piece',
      obwHz: piece,
      reportOffsetHz: rng.range(-0.6e6, 0.6e6),
      snrBandwidthHz: full,
      activity,
      spec,
    };
  }
  // TDMA / TDD
  const v = rng.uniform();
  if (v < 0.35) {
    // TD-LTE-like: OFDM carrier (15 kHz subcarriers) filling most of the capture, 5 ms half-frames
    const bw = rng.range(0.6, 0.95) * fs;
    const phaseS = focusS - rng.range(0, 5e-3);
    const { dl, ul } = tddWindows(rng, phaseS, fromS, toS);
    const down = new OfdmEmitter({ ...spec, kind: 'ofdm', bandwidthHz: bw }, sceneKey);
    down.gates.push(new WindowListGate(dl));
    const ems: Emitter[] = [down];
    if (ul.length) {
      const upLevel = -rng.range(10, 30);
      const upBw = bw * rng.range(0.05, 0.5);
      // an uplink allocation sits somewhere in the carrier
      const upHz = centerHz + rng.range(-0.3, 0.3) * bw;
      const up = new OfdmEmitter(
        {
          ...spec,
          id: `${spec.id}-ul`,
          kind: 'ofdm',
          centerHz: upHz,
          bandwidthHz: upBw,
          levelDbfs: levelDbfs + upLevel,
        },
        sceneKey,
      );
      up.gates.push(new WindowListGate(ul));
      ems.push(up);
    }
    if (rng.uniform() < 0.4) {
      return { emitters: ems, variant: 'tdma-tdd-ofdm', obwHz: bw, snrBandwidthHz: bw, activity: dl, spec, ...whole };
    }
    // the tracker reports a ripple-sized piece of a carrier wider than it can measure
    const piece = Math.exp(rng.range(Math.log(5e3), Math.log(400e3)));
    return {
      emitters: ems,
      variant: 'tdma-tdd-ofdm-piece',
      obwHz: piece,
      reportOffsetHz: rng.range(-0.4, 0.4) * (bw - piece),
      snrBandwidthHz: bw,
      activity: dl,
      spec,
    };
  }
  let em: Emitter;
  let obw: number;
  let variant: string;
  let slot: { frameS: number; slots: number; burstFraction: number };
  if (v < 0.55) {
    em = new Fsk4Emitter({ ...spec, kind: 'fsk4', tdma: false }, sceneKey);
    obw = 7600;
    variant = 'tdma-dmr';
    slot = { frameS: 0.06, slots: 2, burstFraction: 27.5 / 30 };
  } else if (v < 0.75) {
    const rate = rng.uniform() < 0.5 ? 18_000 : Math.exp(rng.range(Math.log(6000), Math.log(150_000)));
    const alpha = rng.range(0.2, 0.4);
    em = new PskEmitter(spec, sceneKey, rate, alpha);
    obw = rate * (1 + alpha);
    variant = rate === 18_000 ? 'tdma-tetra' : 'tdma-psk';
    slot =
      rate === 18_000
        ? { frameS: 0.05667, slots: 4, burstFraction: 0.97 }
        : { frameS: rng.range(0.004, 0.06), slots: 2 + rng.int(7), burstFraction: rng.range(0.85, 0.97) };
  } else {
    em = new GmskEmitter(spec, sceneKey, 270_833);
    obw = 250_000;
    variant = 'tdma-gsm';
    slot = { frameS: 4.615e-3, slots: 8, burstFraction: 542.8 / 576.9 };
  }
  const slotS = slot.frameS / slot.slots;
  const occupancy = slotS > durS ? 0.5 : rng.range(0.2, 0.8);
  // put a slot boundary inside the window so a burst edge is seen
  const phaseS = focusS - ((1 - slot.burstFraction) * slotS) / 2;
  let w = slotWindows(rng, { ...slot, occupancy, phaseS }, fromS, toS);
  if (onTimeS(w, startS, startS + durS) === 0) {
    // nobody keyed up in the window: occupy the slot that starts at the focus
    w = mergeWindows([...w, [focusS, focusS + slot.burstFraction * slotS]]);
  }
  em.gates.push(new WindowListGate(w));
  return { emitters: [em], variant, obwHz: obw, snrBandwidthHz: obw, activity: w, spec, ...whole };
}
