/**
 * Which sensor watches what. A dongle sees `sampleRateHz` but only its flat middle (`usableFraction`, the RTL
 * passband rolls off at the edges) is trusted. Assignments are grouped into clusters that fit one capture;
 * critical clusters get a dwelling sensor each (watched continuously), then the others while sensors last; the
 * last sensor sweeps whatever is left.
 */
import type { Assignment, FrequencyPlan } from '../types.ts';

export interface Cluster {
  centerHz: number;
  startHz: number;
  stopHz: number;
  assignments: Assignment[];
  critical: boolean;
}

export interface SensorRole {
  mode: 'dwell' | 'sweep';
  /** Dwell centre, Hz. */
  centerHz: number;
  /** Sweep ranges, Hz. */
  ranges?: { startHz: number; stopHz: number }[];
  clusters: Cluster[];
}

/** Greedy clustering of assignments (sorted by frequency) into spans no wider than `usableSpanHz`. */
export function clusterAssignments(assignments: readonly Assignment[], usableSpanHz: number): Cluster[] {
  const sorted = [...assignments].sort((a, b) => a.centerHz - b.centerHz);
  const out: Cluster[] = [];
  for (const a of sorted) {
    const lo = a.centerHz - a.bandwidthHz / 2;
    const hi = a.centerHz + a.bandwidthHz / 2;
    const last = out[out.length - 1];
    if (last && hi - last.startHz <= usableSpanHz) {
      last.stopHz = Math.max(last.stopHz, hi);
      last.assignments.push(a);
      last.critical ||= !!a.critical;
      last.centerHz = (last.startHz + last.stopHz) / 2;
    } else {
      out.push({ centerHz: (lo + hi) / 2, startHz: lo, stopHz: hi, assignments: [a], critical: !!a.critical });
    }
  }
  return out;
}

export function planSensors(
  plan: FrequencyPlan,
  sensorCount: number,
  sampleRateHz: number,
  usableFraction = 0.84,
): SensorRole[] {
  const span = sampleRateHz * usableFraction;
  const clusters = clusterAssignments(plan.assignments, span);
  // Critical first, then by number of assignments: the busiest clusters deserve continuous watch.
  const ranked = [...clusters].sort(
    (a, b) => Number(b.critical) - Number(a.critical) || b.assignments.length - a.assignments.length,
  );
  const roles: SensorRole[] = [];
  if (sensorCount <= 0 || ranked.length === 0) return roles;
  const dwellers = ranked.length <= sensorCount ? ranked.length : sensorCount - 1;
  for (let i = 0; i < dwellers; i++) {
    const c = ranked[i]!;
    // Keep DC (the centre bin) off an assignment: shift by a quarter of the span if it would sit on one.
    let centerHz = c.centerHz;
    if (c.assignments.some((a) => Math.abs(a.centerHz - centerHz) < a.bandwidthHz / 2 + 5000)) {
      const shifted = centerHz + span / 8;
      if (c.stopHz - (shifted - span / 2) <= span && shifted + span / 2 - c.startHz <= span) centerHz = shifted;
    }
    roles.push({ mode: 'dwell', centerHz, clusters: [c] });
  }
  const rest = ranked.slice(dwellers);
  if (rest.length) {
    const ranges = rest
      .map((c) => ({ startHz: c.startHz - 10_000, stopHz: c.stopHz + 10_000 }))
      .sort((a, b) => a.startHz - b.startHz);
    roles.push({ mode: 'sweep', centerHz: (ranges[0]!.startHz + ranges[0]!.stopHz) / 2, ranges, clusters: rest });
  }
  return roles;
}
