/** Matching a measured emission against the plan's active assignments. */
import type { Assignment } from '../types.ts';

export interface AssignmentMatch {
  assignment: Assignment | null;
  /**
   * `ok`: inside the channel and within the mask; `too-wide`: wider than the assignment; `off-centre`: its
   * centre is further from the assigned one than allowed; `beyond-edges`: in a shared band (Assignment.shared),
   * where any centre and width inside the band are fine, the emission reaches past the band's edges; `none`:
   * outside every assignment.
   */
  relation: 'ok' | 'too-wide' | 'off-centre' | 'beyond-edges' | 'none';
  /** Centre offset from the assignment, Hz (0 when none). */
  offsetHz: number;
}

export interface MatchTolerances {
  /** Measured bandwidth may exceed the assigned one by this factor (OBW measurement is ±20 %). Default 1.3. */
  widthFactor?: number;
  /** Centre may be off by this fraction of the assigned bandwidth. Default 0.15. */
  offsetFraction?: number;
  /** Measurement resolution (bin width), Hz: added to both tolerances. */
  resolutionHz?: number;
}

export function matchAssignment(
  centerHz: number,
  bandwidthHz: number,
  active: readonly Assignment[],
  tol: MatchTolerances = {},
): AssignmentMatch {
  const widthFactor = tol.widthFactor ?? 1.3;
  const offsetFraction = tol.offsetFraction ?? 0.15;
  const res = tol.resolutionHz ?? 0;
  let best: Assignment | null = null;
  let bestScore = Infinity;
  for (const a of active) {
    const half = a.bandwidthHz / 2;
    const off = Math.abs(centerHz - a.centerHz);
    // Inside the channel, or overlapping it with most of the emission's width.
    const lo = Math.max(centerHz - bandwidthHz / 2, a.centerHz - half);
    const hi = Math.min(centerHz + bandwidthHz / 2, a.centerHz + half);
    const overlap = Math.max(0, hi - lo) / Math.max(bandwidthHz, 1);
    if (off > half + res && overlap < 0.5) continue;
    const score = off / Math.max(half, 1);
    if (score < bestScore) {
      bestScore = score;
      best = a;
    }
  }
  if (!best) return { assignment: null, relation: 'none', offsetHz: 0 };
  const offsetHz = centerHz - best.centerHz;
  if (best.shared) {
    // A shared band has no user whose centre and width could be wrong, only edges. The same ±(widthFactor − 1)
    // measurement allowance as a channel's width, taken on the emission's own width at each edge (plus a bin).
    const allowHz = Math.max(((widthFactor - 1) / 2) * bandwidthHz, 0) + res;
    const spill = Math.max(
      best.centerHz - best.bandwidthHz / 2 - (centerHz - bandwidthHz / 2),
      centerHz + bandwidthHz / 2 - (best.centerHz + best.bandwidthHz / 2),
    );
    return { assignment: best, relation: spill > allowHz ? 'beyond-edges' : 'ok', offsetHz };
  }
  if (Math.abs(offsetHz) > offsetFraction * best.bandwidthHz + res)
    return { assignment: best, relation: 'off-centre', offsetHz };
  if (bandwidthHz > best.bandwidthHz * widthFactor + 2 * res)
    return { assignment: best, relation: 'too-wide', offsetHz };
  return { assignment: best, relation: 'ok', offsetHz };
}
