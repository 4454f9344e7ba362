/** Semantic checks across a whole plan: unique ids, tunable range, overlapping assignments, phases. */
import type { FrequencyPlan } from '../types.ts';
import type { PathProblem } from './normalize.ts';
import { windowsOverlap } from './windows.ts';

/** RF range an R820T/R828D dongle can tune, Hz (anchors §5.1). */
export const TUNABLE_MIN_HZ = 24e6;
export const TUNABLE_MAX_HZ = 1766e6;

export function validatePlanSemantics(plan: FrequencyPlan): PathProblem[] {
  const problems: PathProblem[] = [];
  const seen = new Map<string, number>();
  plan.assignments.forEach((a, i) => {
    const path = `assignments[${i}]`;
    if (a.id) {
      const prev = seen.get(a.id);
      if (prev !== undefined)
        problems.push({ path: `${path}.id`, message: `duplicate id '${a.id}' (also assignments[${prev}])` });
      else seen.set(a.id, i);
    }
    if (Number.isFinite(a.centerHz) && (a.centerHz < TUNABLE_MIN_HZ || a.centerHz > TUNABLE_MAX_HZ)) {
      problems.push({
        path: `${path}.centerHz`,
        message: `${a.centerHz} Hz is outside the range an RTL-SDR can watch (24-1766 MHz)`,
      });
    }
    for (const w of a.windows ?? []) {
      if (w.phase && plan.phases && plan.phases.length > 0 && !plan.phases.some((p) => p.phase === w.phase)) {
        problems.push({
          path: `${path}.windows`,
          message: `window refers to phase '${w.phase}' which the plan's 'phases' does not define`,
        });
      }
    }
  });
  // Overlaps: O(n²) is fine for plans of a few hundred assignments and reports every pair.
  const valid = plan.assignments.map(
    (a) => Number.isFinite(a.centerHz) && Number.isFinite(a.bandwidthHz) && a.bandwidthHz > 0,
  );
  for (let i = 0; i < plan.assignments.length; i++) {
    const a = plan.assignments[i]!;
    if (!valid[i]) continue;
    for (let j = i + 1; j < plan.assignments.length; j++) {
      const b = plan.assignments[j]!;
      if (!valid[j]) continue;
      const lo = Math.max(a.centerHz - a.bandwidthHz / 2, b.centerHz - b.bandwidthHz / 2);
      const hi = Math.min(a.centerHz + a.bandwidthHz / 2, b.centerHz + b.bandwidthHz / 2);
      if (hi <= lo) continue;
      if (!windowsOverlap(plan, a, b)) continue;
      problems.push({
        path: `assignments[${j}]`,
        message: `'${b.id}' (${fmtMHz(b.centerHz)} ± ${b.bandwidthHz / 2} Hz) overlaps '${a.id}' (assignments[${i}], ${fmtMHz(a.centerHz)} ± ${a.bandwidthHz / 2} Hz) by ${Math.round(hi - lo)} Hz at the same time`,
      });
    }
  }
  const phases = plan.phases ?? [];
  for (let i = 0; i < phases.length; i++) {
    for (let j = i + 1; j < phases.length; j++) {
      const p = phases[i]!;
      const q = phases[j]!;
      if (p.fromMs < q.toMs && q.fromMs < p.toMs) {
        problems.push({
          path: `phases[${j}]`,
          message: `phase '${q.phase}' overlaps phase '${p.phase}' (phases[${i}])`,
        });
      }
    }
  }
  return problems;
}

export function fmtMHz(hz: number): string {
  return `${(hz / 1e6).toFixed(4)} MHz`;
}
