/**
 * State of each assignment of the frequency plan for display: violated when an active alarm refers to it,
 * active when an emission is on it (or the trace shows energy in its band), idle otherwise.
 */
import type { Alarm, Assignment, TrackedEmission } from '../../src/types.ts';

export type BandState = 'idle' | 'active' | 'violated';

export interface BandView {
  assignment: Assignment;
  state: BandState;
  startHz: number;
  stopHz: number;
}

export function bandStates(
  assignments: Assignment[],
  alarms: Alarm[],
  emissions: TrackedEmission[],
  sensorId: string,
): BandView[] {
  const violated = new Set(
    alarms
      .filter((a) => a.state === 'active' && a.assignmentId && a.sensorId === sensorId)
      .map((a) => a.assignmentId as string),
  );
  const busy = new Set(
    emissions
      .filter((e) => e.endedMs === undefined && e.assignmentId && e.sensorId === sensorId)
      .map((e) => e.assignmentId as string),
  );
  return assignments.map((a) => ({
    assignment: a,
    state: violated.has(a.id) ? 'violated' : busy.has(a.id) ? 'active' : 'idle',
    startHz: a.centerHz - a.bandwidthHz / 2,
    stopHz: a.centerHz + a.bandwidthHz / 2,
  }));
}

/** Mark bands active where the trace stands well above the floor (when the tracker has not said so yet). */
export function activeFromTrace(
  bands: BandView[],
  trace: Float32Array,
  startHz: number,
  stopHz: number,
  floorDbfs: number,
  marginDb = 10,
): void {
  const n = trace.length;
  for (const b of bands) {
    if (b.state !== 'idle') continue;
    const i0 = Math.max(0, Math.floor(((b.startHz - startHz) / (stopHz - startHz)) * n));
    const i1 = Math.min(n - 1, Math.ceil(((b.stopHz - startHz) / (stopHz - startHz)) * n));
    for (let i = i0; i <= i1; i++) {
      if ((trace[i] as number) > floorDbfs + marginDb) {
        b.state = 'active';
        break;
      }
    }
  }
}
