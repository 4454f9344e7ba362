/**
 * The model's output classes and how they map to `EmissionClass`. `cw` and `jam-cw` are one output (`tone`):
 * an unmodulated carrier looks the same in a 13 ms snippet whoever transmits it (the synthesiser renders both
 * with the same generator); the classifier tells them apart from the emission's track (see classifier.ts).
 * `noise` is trained explicitly so that detections of nothing come out `unknown`. `ook`, `tdma` and `pulse-pos` are
 * benign bursty traffic (OOK/ASK telemetry, TDMA/TDD bursts, SSR replies): without them every on-off envelope fell
 * into `jam-pulse` (docs/real-captures.md, defect 1).
 */
import type { EmissionClass } from '../src/types.ts';
import type { ExampleKind } from '../dsp/synth/examples.ts';

export const MODEL_CLASSES = [
  'nfm',
  'wfm',
  'am',
  'tone',
  'fsk4',
  'ofdm',
  'mic',
  'jam-barrage',
  'jam-sweep',
  'jam-pulse',
  'noise',
  'ook',
  'tdma',
  'pulse-pos',
] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];

/** Output index of a synthesiser example kind. */
export function classIndexOfKind(kind: ExampleKind): number {
  const c: ModelClass = kind === 'cw' || kind === 'jam-cw' ? 'tone' : kind;
  return MODEL_CLASSES.indexOf(c);
}

/** The label a kind should get (what the evaluation counts as correct); cw/jam-cw both count as 'cw' here. */
export function expectedLabel(kind: ExampleKind): EmissionClass {
  if (kind === 'noise') return 'unknown';
  if (kind === 'jam-cw') return 'cw';
  return kind;
}

/** Model outputs that name a jammer (the classifier's safety net demotes them unless a jammer is reported). */
export const JAM_MODEL_CLASSES: readonly ModelClass[] = ['jam-barrage', 'jam-sweep', 'jam-pulse'];
