/**
 * src/quality/truth.ts: ground-truth events from a recording's `bandwatch:truth` annotations, and the errors for
 * missing or malformed truth (annotation index and field named).
 */
import { describe, expect, it } from 'vitest';
import { RecordingError } from '../../src/errors.ts';
import type { SigmfRecording } from '../../src/recording/sigmfReader.ts';
import type { SigmfAnnotation } from '../../src/recording/sigmfMeta.ts';
import { parseTruthObject, truthEvents } from '../../src/quality/truth.ts';

const RATE = 2_400_000;
const T0 = Date.parse('2026-11-26T03:00:00Z');

function rec(annotations: SigmfAnnotation[], segments?: SigmfRecording['segments']): SigmfRecording {
  return {
    metaPath: '/rec/venue.sigmf-meta',
    meta: { global: { 'core:datatype': 'cu8', 'core:version': '1.2.0' }, captures: [], annotations },
    segments: segments ?? [{ sampleStart: 0, sampleEnd: 100 * RATE, centerHz: 446_100_000, timeMs: T0 }],
    sampleRateHz: RATE,
    startMs: T0,
  } as unknown as SigmfRecording;
}

const talker: SigmfAnnotation = {
  'core:sample_start': 12 * RATE,
  'core:sample_count': 6 * RATE,
  'core:freq_lower_edge': 446_175_750,
  'core:freq_upper_edge': 446_186_750,
  'core:label': 'PMR talker',
  'bandwatch:truth': { kind: 'unlicensed-emitter' },
};
const alarmNote: SigmfAnnotation = {
  'core:sample_start': 13 * RATE,
  'core:label': 'unlicensed-emitter',
  'core:generator': 'bandwatch alarms',
  'bandwatch:alarm_id': 'A-1',
};
const jammer: SigmfAnnotation = {
  'core:sample_start': 20 * RATE,
  'core:sample_count': RATE / 2,
  'core:freq_lower_edge': 446_030_250,
  'core:freq_upper_edge': 446_032_250,
  'bandwatch:truth': { kind: 'jamming', jammerType: 'cw' },
};

function thrown(f: () => unknown): RecordingError {
  try {
    f();
  } catch (e) {
    if (e instanceof RecordingError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('truthEvents', () => {
  it('reads truth annotations only: band from the edges, times from the samples, id from the label or index', () => {
    const ev = truthEvents(rec([talker, alarmNote, jammer]));
    expect(ev).toEqual([
      {
        kind: 'unlicensed-emitter',
        emitterId: 'PMR talker',
        centerHz: 446_181_250,
        bandwidthHz: 11_000,
        startS: 12,
        endS: 18,
        annotationIndex: 0,
      },
      {
        kind: 'jamming',
        emitterId: 'annotations[2]',
        jammerType: 'cw',
        centerHz: 446_031_250,
        bandwidthHz: 2000,
        startS: 20,
        endS: 20.5,
        annotationIndex: 2,
      },
    ]);
  });

  it('keeps the assignment, and times a later capture by its own datetime (samples lost in between)', () => {
    const oom: SigmfAnnotation = {
      ...talker,
      'core:sample_start': 11 * RATE,
      'core:sample_count': RATE,
      'bandwatch:truth': { kind: 'out-of-mask', assignment: 'LMR-02' },
    };
    const segs = [
      { sampleStart: 0, sampleEnd: 10 * RATE, centerHz: 446_100_000, timeMs: T0 },
      { sampleStart: 10 * RATE, sampleEnd: 20 * RATE, centerHz: 446_100_000, timeMs: T0 + 10_500 },
    ];
    const [e] = truthEvents(rec([oom], segs));
    expect(e).toMatchObject({ kind: 'out-of-mask', assignmentId: 'LMR-02', startS: 11.5, endS: 12.5 });
  });

  it('no truth annotation: says so and how to add one', () => {
    const e = thrown(() => truthEvents(rec([alarmNote])));
    expect(e.code).toBe('BW_ERR_SIGMF_MISSING_FIELD');
    expect(e.location).toEqual({ file: '/rec/venue.sigmf-meta', field: 'annotations[*].bandwatch:truth' });
    expect(e.message).toContain('none of the 1 annotation(s)');
    expect(e.message).toContain('"bandwatch:truth": {"kind": "unlicensed-emitter"}');
  });

  it('an incomplete truth annotation names the annotation and the missing field', () => {
    const noCount = { ...talker };
    delete noCount['core:sample_count'];
    expect(thrown(() => truthEvents(rec([alarmNote, noCount]))).location?.field).toBe(
      'annotations[1].core:sample_count',
    );
    const noEdges = { ...talker };
    delete noEdges['core:freq_lower_edge'];
    delete noEdges['core:freq_upper_edge'];
    const e = thrown(() => truthEvents(rec([noEdges])));
    expect([e.code, e.location?.field]).toEqual(['BW_ERR_SIGMF_MISSING_FIELD', 'annotations[0].core:freq_lower_edge']);
    const empty = thrown(() => truthEvents(rec([{ ...talker, 'core:sample_count': 0 }])));
    expect([empty.code, empty.location?.field]).toEqual(['BW_ERR_SIGMF_BAD_FIELD', 'annotations[0].core:sample_count']);
  });
});

describe('parseTruthObject', () => {
  const F = 'annotations[4].bandwatch:truth';
  const field = (v: unknown) => {
    const e = thrown(() => parseTruthObject(v, F, 'x.sigmf-meta'));
    return `${e.code} ${e.location?.field}`;
  };

  it('accepts every kind, jammer types for jamming, an assignment', () => {
    expect(parseTruthObject({ kind: 'jamming', jammerType: 'sweep' }, F)).toEqual({
      kind: 'jamming',
      jammerType: 'sweep',
    });
    expect(parseTruthObject({ kind: 'over-power', assignment: 'MIC-05' }, F)).toEqual({
      kind: 'over-power',
      assignment: 'MIC-05',
    });
    expect(parseTruthObject({ kind: 'out-of-mask', assignment: 'LMR-02', obwHz: 68_245 }, F)).toEqual({
      kind: 'out-of-mask',
      assignment: 'LMR-02',
      obwHz: 68_245,
    });
  });

  it('rejects a malformed object, naming the member', () => {
    expect(field('jamming')).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}`);
    expect(field({})).toBe(`BW_ERR_SIGMF_MISSING_FIELD ${F}.kind`);
    expect(field({ kind: 'sensor-fault' })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.kind`);
    expect(field({ kind: 'jamming', jammerType: 'noise' })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.jammerType`);
    expect(field({ kind: 'interference', jammerType: 'cw' })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.jammerType`);
    expect(field({ kind: 'interference', assignment: 7 })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.assignment`);
    expect(field({ kind: 'jamming', jamerType: 'cw' })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.jamerType`);
    expect(field({ kind: 'out-of-mask', obwHz: -3 })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.obwHz`);
    expect(field({ kind: 'out-of-mask', obwHz: '46k' })).toBe(`BW_ERR_SIGMF_BAD_FIELD ${F}.obwHz`);
  });
});
