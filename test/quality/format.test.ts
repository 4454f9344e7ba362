/**
 * The table `bandwatch score` prints (src/cli/commands/score.ts `formatRecordingScore`), on a hand-made score: the
 * per-kind line, every match, miss, false positive and warm-up event is shown.
 */
import { describe, expect, it } from 'vitest';
import { formatRecordingScore } from '../../src/cli/commands/score.ts';
import type { RecordingScore } from '../../src/quality/recording.ts';
import { overall, perKind, scoreEvents, type ScoredAlarm } from '../../src/quality/score.ts';
import type { AnnotatedTruth } from '../../src/quality/truth.ts';

const truth: AnnotatedTruth[] = [
  {
    kind: 'unlicensed-emitter',
    emitterId: 'early',
    centerHz: 446.1e6,
    bandwidthHz: 11e3,
    startS: 2,
    endS: 6,
    annotationIndex: 0,
  },
  {
    kind: 'unlicensed-emitter',
    emitterId: 'PMR talker',
    centerHz: 446_181_250,
    bandwidthHz: 11e3,
    startS: 12,
    endS: 18,
    annotationIndex: 1,
  },
  {
    kind: 'jamming',
    emitterId: 'CW',
    jammerType: 'cw',
    centerHz: 446_031_250,
    bandwidthHz: 2e3,
    startS: 20,
    endS: 25,
    annotationIndex: 2,
  },
];
const alarm = (o: Partial<ScoredAlarm>): ScoredAlarm => ({
  kind: 'unlicensed-emitter',
  sceneS: 12.45,
  centerHz: 446_181_300,
  bandwidthHz: 11_500,
  assignment: null,
  detail: {},
  levelDbfs: -40,
  ...o,
});

describe('formatRecordingScore', () => {
  it('shows the table, each match, miss and false positive, and the events left to the warm-up', () => {
    const alarms = [alarm({}), alarm({ kind: 'over-power', sceneS: 21, centerHz: 446_031_000, assignment: 'PMR-03' })];
    const score = scoreEvents(truth, { alarms, detections: [] }, { toleranceHz: 5000, binHz: 1171.875 }, 10);
    const r: RecordingScore = {
      input: { metaPath: '/rec/pmr.sigmf-meta', sampleRateHz: 2.4e6, durationS: 30, truthAnnotations: 3 },
      config: { fftSize: 2048, binHz: 1171.875, toleranceHz: 5000, lateS: 2, warmupS: 10, plan: 'venue' },
      perKind: perKind([score]),
      ...overall([score]),
      score,
      warmupEvents: truth.filter((e) => e.startS < 10),
      analyzed: { samples: 72e6, spectra: 1098, durationS: 30, detections: 4, alarms: 2, lostSamples: 0 },
      wallS: 3.2,
    };
    const text = formatRecordingScore(r);
    expect(text).toMatch(/^unlicensed-emitter\s+1\s+1\s+0\s+0\s+1\.00\s+1\.00\s+0\.45\/0\.45$/m);
    expect(text).toMatch(/^jamming\s+1\s+0\s+1\s+0\s+0\.00\s+—/m);
    expect(text).toMatch(/^over-power\s+0\s+0\s+0\s+1\s+—\s+0\.00/m);
    expect(text).toContain('overall: recall 0.50 (1/2), precision 0.50 (1/2)');
    expect(text).toContain('TP unlicensed-emitter PMR talker at 12.00 s: alarm after 0.45 s at 446.1813 MHz');
    expect(text).toContain('MISS jamming/cw CW 446.0313 MHz [20.00, 25.00) s');
    expect(text).toContain('FP ×1 over-power (no-event) 446.0310 MHz');
    expect(text).toContain('not scored (start in the warm-up): unlicensed-emitter early at 2.00 s');
  });
});
