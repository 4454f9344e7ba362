/**
 * Collects what the analyze pipeline emits (src/pipeline/analyze.ts records, plus the raw alarm's level and class)
 * on the truth's time axis, for scoring (./score.ts).
 */
import type { AlarmRecord, AnalyzeRecord, DetectionRecord } from '../pipeline/analyze.ts';
import type { Alarm } from '../types.ts';
import type { ScoredAlarm, ScoredDetection } from './score.ts';

/** An alarm record with its raise time on the truth axis and the raw alarm's level / class. */
export interface CollectedAlarm extends AlarmRecord, ScoredAlarm {}
/** A detection record with its first / last sight on the truth axis. */
export interface CollectedDetection extends DetectionRecord, ScoredDetection {}

/**
 * Pass `onAlarm` as the Analyzer's `onAlarm` option and `emit` as its record callback. `startS` is the truth-axis
 * time of the first sample pushed (records' times are relative to it).
 */
export class RecordCollector {
  readonly alarms: CollectedAlarm[] = [];
  readonly detections: CollectedDetection[] = [];
  private lastRaw: Alarm | null = null;

  constructor(private readonly startS = 0) {}

  readonly onAlarm = (a: Alarm): void => {
    this.lastRaw = a;
  };

  readonly emit = (r: AnalyzeRecord): void => {
    if (r.type === 'alarm') {
      // The Analyzer calls onAlarm just before it emits the record of the same raise.
      const a = this.lastRaw;
      this.alarms.push({
        ...r,
        sceneS: this.startS + r.t,
        levelDbfs: a ? a.levelDbfs : null,
        className: a?.className,
      });
    } else {
      this.detections.push({ ...r, sceneT0: this.startS + r.t0, sceneT1: this.startS + r.t1 });
    }
  };
}
