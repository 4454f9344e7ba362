/**
 * Advice on a valid plan, never a problem: things that are legal but probably not what the planner meant. The
 * plan is never changed on a guess (a wrong guess would hide an intruder or raise false alarms); `bandwatch plan
 * check` prints these so a person decides.
 */
import type { FrequencyPlan } from '../types.ts';
import { parseEmissionDesignator } from './designator.ts';
import type { PathProblem } from './normalize.ts';

/** Assignments wider than this, Hz, are looked at as possible bands (a 200 kHz microphone channel is not one). */
export const HINT_MIN_BAND_HZ = 500e3;
/** ...when their designator's necessary bandwidth is at most this fraction of the assignment. */
export const HINT_MAX_DESIGNATOR_FRACTION = 0.25;

/**
 * A wide assignment (> 500 kHz) that is not `shared` but whose emission designator needs at most a quarter of it
 * (a 1.74 MHz block with `16K0F3E`) is most likely a band of narrow channels used by many emitters: without
 * `shared: true` the pipeline takes every emission inside it for one user's spectrum. `1M74K1D` on 1.74 MHz is fine.
 */
export function planHints(plan: FrequencyPlan): PathProblem[] {
  const out: PathProblem[] = [];
  plan.assignments.forEach((a, i) => {
    if (a.shared || !a.emission || !(a.bandwidthHz > HINT_MIN_BAND_HZ)) return;
    const d = parseEmissionDesignator(a.emission);
    if (typeof d === 'string' || d.bandwidthHz > HINT_MAX_DESIGNATOR_FRACTION * a.bandwidthHz) return;
    out.push({
      path: `assignments[${i}]`,
      message:
        `'${a.id}' is ${fmtKHz(a.bandwidthHz)} wide but its designator ${a.emission} needs only ${fmtKHz(d.bandwidthHz)}: ` +
        `if it is a band or block shared by many emitters, add 'shared: true' (otherwise everything inside it is ` +
        `taken for one user's emission)`,
    });
  });
  return out;
}

function fmtKHz(hz: number): string {
  return hz >= 1e6 ? `${Number((hz / 1e6).toFixed(3))} MHz` : `${Number((hz / 1e3).toFixed(3))} kHz`;
}
