/**
 * On/off gating of emitters in sample time. A gate answers, for an absolute sample index, whether it is open and
 * the next sample at which its state may change; the scene intersects all gates of an emitter and renders only
 * the open runs. Everything is a pure function of the sample index (schedules, seeded PTT spurts, pulses), so
 * chunked rendering switches at exactly the same sample as one-shot rendering.
 *
 * Time of sample s is s / sampleRateHz seconds; a window [fromS, toS) covers the samples
 * ceil(fromS * fs) .. ceil(toS * fs) - 1.
 */
import type { PttSpec, PulseSpec, ScheduleSpec } from './spec.ts';
import { hashUnit } from './prng.ts';

/** First sample whose time is at or after `tS`. The epsilon absorbs float error in tS * fs. */
export function sampleAtOrAfter(tS: number, sampleRateHz: number): number {
  return Math.ceil(tS * sampleRateHz - 1e-6);
}

export interface Gate {
  /** Is the gate open at sample s? Also sets {@link Gate.next}. */
  at(s: number, sampleRateHz: number): boolean;
  /** After `at(s)`: the next sample index > s where the state may change (Infinity if never). */
  next: number;
}

/** Gate made of windows that repeat with a cycle (or not, with cycleS = Infinity). */
abstract class CycleGate implements Gate {
  next = Infinity;
  protected readonly win = new Float64Array(16);
  constructor(protected readonly cycleS: number) {}

  /** Writes windows [from, to) of cycle k (seconds, absolute) into `win` as pairs; returns the pair count. */
  protected abstract windows(k: number): number;

  at(s: number, fs: number): boolean {
    const finite = Number.isFinite(this.cycleS);
    const k0 = finite ? Math.floor(s / (this.cycleS * fs)) : 0;
    let open = false;
    let next = finite ? sampleAtOrAfter((k0 + 2) * this.cycleS, fs) : Infinity;
    for (let k = k0 - 1; k <= k0 + 1; k++) {
      if (k < 0 || (!finite && k !== 0)) continue;
      const n = this.windows(k);
      for (let w = 0; w < n; w++) {
        const a = sampleAtOrAfter(this.win[2 * w] as number, fs);
        const b = sampleAtOrAfter(this.win[2 * w + 1] as number, fs);
        if (b <= a) continue;
        if (s >= a && s < b) open = true;
        if (a > s && a < next) next = a;
        if (b > s && b < next) next = b;
      }
    }
    this.next = next;
    return open;
  }
}

export class ScheduleGate extends CycleGate {
  constructor(private readonly spec: ScheduleSpec) {
    super(spec.repeatS !== undefined && spec.repeatS > 0 ? spec.repeatS : Infinity);
    if (spec.windows.length > 8) throw new RangeError('schedule: at most 8 windows per cycle');
  }
  protected windows(k: number): number {
    const base = Number.isFinite(this.cycleS) ? k * this.cycleS : 0;
    let n = 0;
    for (const w of this.spec.windows) {
      this.win[2 * n] = base + w.fromS;
      this.win[2 * n + 1] = base + w.toS;
      n++;
    }
    return n;
  }
}

export class PttGate extends CycleGate {
  constructor(
    private readonly spec: PttSpec,
    private readonly key: number,
  ) {
    super(spec.slotS);
  }
  protected windows(k: number): number {
    const { slotS, minOnS, maxOnS, activity } = this.spec;
    if (hashUnit(this.key, k, 0) >= activity) return 0;
    const dur = Math.min(slotS, minOnS + (maxOnS - minOnS) * hashUnit(this.key, k, 1));
    const start = k * slotS + (slotS - dur) * hashUnit(this.key, k, 2);
    this.win[0] = start;
    this.win[1] = start + dur;
    return 1;
  }
}

export class PulseGate extends CycleGate {
  constructor(private readonly spec: PulseSpec) {
    super(spec.periodS);
  }
  protected windows(k: number): number {
    const start = k * this.spec.periodS + (this.spec.offsetS ?? 0);
    this.win[0] = start;
    this.win[1] = start + this.spec.dutyCycle * this.spec.periodS;
    return 1;
  }
}
