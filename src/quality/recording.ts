/**
 * Scores a SigMF recording against its own ground-truth annotations: the truth is read and checked first (so a
 * bad annotation fails before minutes of analysis), then the recording runs through the same pipeline as
 * `bandwatch analyze` (src/pipeline/analyze.ts `analyzeRecording`) and its alarms and detections are scored with
 * the venue evaluation's rules (./score.ts).
 */
import { analyzeRecording, type AnalyzeOptions, type AnalyzeSummary } from '../pipeline/analyze.ts';
import { openRecording } from '../recording/sigmfReader.ts';
import type { FrequencyPlan } from '../types.ts';
import { RecordCollector } from './collect.ts';
import {
  ANALYZE_FFT_SIZE,
  DEFAULT_LATE_S,
  DEFAULT_TOLERANCE_HZ,
  overall,
  perKind,
  scoreEvents,
  type EventScore,
  type KindScore,
  type LatencyStats,
  type Overall,
} from './score.ts';
import { truthEvents, type AnnotatedTruth } from './truth.ts';

/** Events starting before this are not scored by default, s (the pipeline learns its floor for 10 s). */
export const DEFAULT_WARMUP_S = 10;

export interface RecordingScoreOptions {
  plan?: FrequencyPlan;
  /** Frequency tolerance beyond an event's band, Hz. Default 5000. */
  toleranceHz?: number;
  /** Lateness allowed after an event's end, s. Default 2. */
  lateS?: number;
  /** Events starting before this recording time are not scored, s. Default 10. */
  warmupS?: number;
  /** Passed to the analyzer (tests inject a classifier; the CLI passes its abort signal). */
  analyze?: Pick<AnalyzeOptions, 'classifier' | 'log' | 'signal' | 'pipeline'>;
}

export interface RecordingScore {
  input: { metaPath: string; sampleRateHz: number; durationS: number; truthAnnotations: number };
  config: { fftSize: number; binHz: number; toleranceHz: number; lateS: number; warmupS: number; plan: string | null };
  perKind: Record<string, KindScore>;
  overall: Overall;
  latencyS: LatencyStats;
  /** Matches, misses, false positives, quality; `events` are the scored truth events. */
  score: EventScore<AnnotatedTruth>;
  /** Truth events not scored because they start in the warm-up. */
  warmupEvents: AnnotatedTruth[];
  analyzed: AnalyzeSummary;
  /** Wall time of the analysis, s. */
  wallS: number;
}

export async function scoreRecording(path: string, o: RecordingScoreOptions = {}): Promise<RecordingScore> {
  const rec = await openRecording(path);
  const truth = truthEvents(rec);
  const fftSize = o.analyze?.pipeline?.fftSize ?? ANALYZE_FFT_SIZE;
  const m = {
    toleranceHz: o.toleranceHz ?? DEFAULT_TOLERANCE_HZ,
    binHz: rec.sampleRateHz / fftSize,
    lateS: o.lateS ?? DEFAULT_LATE_S,
  };
  const warmupS = o.warmupS ?? DEFAULT_WARMUP_S;
  const collector = new RecordCollector(0);
  const t = performance.now();
  const analyzed = await analyzeRecording(
    rec.metaPath,
    { ...o.analyze, plan: o.plan, onAlarm: collector.onAlarm },
    collector.emit,
  );
  const wallS = (performance.now() - t) / 1000;
  const score = scoreEvents(truth, collector, m, warmupS);
  return {
    input: {
      metaPath: rec.metaPath,
      sampleRateHz: rec.sampleRateHz,
      durationS: rec.durationS,
      truthAnnotations: truth.length,
    },
    config: {
      fftSize,
      binHz: m.binHz,
      toleranceHz: m.toleranceHz,
      lateS: m.lateS,
      warmupS,
      plan: o.plan?.name ?? null,
    },
    perKind: perKind([score]),
    ...overall([score]),
    score,
    warmupEvents: truth.filter((e) => e.startS < warmupS),
    analyzed,
    wallS: Math.round(wallS * 1000) / 1000,
  };
}
