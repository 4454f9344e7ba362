/**
 * When an assignment is valid: event phases (before / during / after, with absolute times in `plan.phases`) and
 * absolute windows. An assignment without windows is always valid. A phase window in a plan that does not
 * give that phase's times cannot be placed in time; it is treated as always valid (no false "unlicensed").
 */
import type { Assignment, FrequencyPlan } from '../types.ts';

/** The event phase at `timeMs`, or null outside every phase / when the plan has none. */
export function phaseAt(plan: FrequencyPlan, timeMs: number): 'before' | 'during' | 'after' | null {
  for (const p of plan.phases ?? []) if (timeMs >= p.fromMs && timeMs < p.toMs) return p.phase;
  return null;
}

/** Time intervals (ms, half-open) of one assignment; `null` means always. */
export function assignmentIntervals(plan: FrequencyPlan, a: Assignment): [number, number][] | null {
  if (!a.windows || a.windows.length === 0) return null;
  const out: [number, number][] = [];
  for (const w of a.windows) {
    const from = w.fromMs ?? -Infinity;
    const to = w.toMs ?? Infinity;
    if (w.phase) {
      const ph = (plan.phases ?? []).filter((p) => p.phase === w.phase);
      if (ph.length === 0) return null;
      for (const p of ph) {
        const f = Math.max(from, p.fromMs);
        const t = Math.min(to, p.toMs);
        if (f < t) out.push([f, t]);
      }
      continue;
    }
    if (from < to) out.push([from, to]);
  }
  return out;
}

export function isAssignmentActive(plan: FrequencyPlan, a: Assignment, timeMs: number): boolean {
  const iv = assignmentIntervals(plan, a);
  if (iv === null) return true;
  return iv.some(([f, t]) => timeMs >= f && timeMs < t);
}

/** Assignments valid at `timeMs`. */
export function activeAssignments(plan: FrequencyPlan, timeMs: number): Assignment[] {
  return plan.assignments.filter((a) => isAssignmentActive(plan, a, timeMs));
}

/** Whether two assignments can be valid at the same time. */
export function windowsOverlap(plan: FrequencyPlan, a: Assignment, b: Assignment): boolean {
  const ia = assignmentIntervals(plan, a);
  const ib = assignmentIntervals(plan, b);
  if (ia === null || ib === null) {
    // Phase windows without phase times: overlapping only if they share a phase (or one is unrestricted).
    const pa = phaseSet(a);
    const pb = phaseSet(b);
    if (pa && pb && ia === null && ib === null) return [...pa].some((p) => pb.has(p));
    return true;
  }
  return ia.some(([f1, t1]) => ib.some(([f2, t2]) => f1 < t2 && f2 < t1));
}

function phaseSet(a: Assignment): Set<string> | null {
  if (!a.windows || a.windows.length === 0) return null;
  if (a.windows.some((w) => !w.phase || w.fromMs !== undefined || w.toMs !== undefined)) return null;
  return new Set(a.windows.map((w) => w.phase!));
}
