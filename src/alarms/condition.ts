/** What a detector asserts at one moment; the AlarmManager turns streams of these into alarms. */
import type { AlarmKind, AlarmSeverity, EmissionClass } from '../types.ts';

export interface AlarmCondition {
  sensorId: string;
  kind: AlarmKind;
  severity: AlarmSeverity;
  /** When the condition was observed, ms (recording time in replays). */
  timeMs: number;
  centerHz: number | null;
  bandwidthHz: number | null;
  levelDbfs: number | null;
  assignmentId: string | null;
  emissionId?: string;
  className?: EmissionClass;
  confidence?: number;
  detail: Record<string, unknown>;
  /**
   * Identity for de-duplication beyond kind+sensor (e.g. `jam:barrage`, `fault:stalled`). Emission kinds without
   * an assignment are de-duplicated by frequency proximity instead.
   */
  key?: string;
}

const ORDER: AlarmSeverity[] = ['warning', 'minor', 'major', 'critical'];

export function bumpSeverity(s: AlarmSeverity): AlarmSeverity {
  return ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(s) + 1)]!;
}

export function severityRank(s: AlarmSeverity): number {
  return ORDER.indexOf(s);
}
