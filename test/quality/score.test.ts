/**
 * src/quality/score.ts on hand-made truth and alarm/detection records: one event per matching rule, and the
 * figures (recall, precision, latency, centre / OBW errors) derived from them.
 */
import { describe, expect, it } from 'vitest';
import {
  alarmMatchesEvent,
  latencyStats,
  overall,
  perKind,
  scoreEvents,
  type ScoredAlarm,
  type ScoredDetection,
  type TruthEvent,
} from '../../src/quality/score.ts';

const BIN_HZ = 2_400_000 / 2048;
const M = { toleranceHz: 5000, binHz: BIN_HZ, lateS: 2 };

function ev(o: Partial<TruthEvent>): TruthEvent {
  return {
    kind: 'unlicensed-emitter',
    emitterId: 'TALKER',
    centerHz: 446_181_250,
    bandwidthHz: 11_000,
    startS: 20,
    endS: 30,
    ...o,
  };
}

function al(o: Partial<ScoredAlarm>): ScoredAlarm {
  return {
    kind: 'unlicensed-emitter',
    sceneS: 20.3,
    centerHz: 446_181_000,
    bandwidthHz: 12_000,
    assignment: null,
    detail: {},
    levelDbfs: -41.26,
    ...o,
  };
}

function det(o: Partial<ScoredDetection>): ScoredDetection {
  return { sceneT0: 20.2, sceneT1: 29.9, centerHz: 446_181_250 + BIN_HZ / 2, bandwidthHz: 13_200, ...o };
}

const jam = ev({ kind: 'jamming', emitterId: 'CW', jammerType: 'cw', centerHz: 446_031_250, bandwidthHz: 2000 });
const ev40 = { startS: 40, endS: 45 };

describe('alarmMatchesEvent', () => {
  it('needs the kind, the window [start, end + late] and the centre within band ± tolerance', () => {
    const e = ev({});
    expect(alarmMatchesEvent(al({}), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ kind: 'interference' }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ sceneS: 19.99 }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ sceneS: 32 }), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ sceneS: 32.01 }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ sceneS: 32.5 }), e, { ...M, lateS: 3 })).toBe(true);
    expect(alarmMatchesEvent(al({ centerHz: 446_181_250 + 10_500 }), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ centerHz: 446_181_250 + 10_501 }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ centerHz: 446_181_250 + 10_501 }), e, { ...M, toleranceHz: 6000 })).toBe(true);
  });

  it('jamming needs the annotated jammer type, any type when the truth has none; a centre-less jamming alarm matches', () => {
    const a = al({ kind: 'jamming', ...ev40, sceneS: 40.5, centerHz: 446_031_000, detail: { jammerType: 'pulse' } });
    const j = { ...jam, ...ev40 };
    expect(alarmMatchesEvent(a, j, M)).toBe(false);
    expect(alarmMatchesEvent(a, j, M, false)).toBe(true);
    expect(alarmMatchesEvent(a, { ...j, jammerType: undefined }, M)).toBe(true);
    expect(alarmMatchesEvent({ ...a, centerHz: null, detail: { jammerType: 'cw' } }, j, M)).toBe(true);
    expect(alarmMatchesEvent(al({ centerHz: null }), ev({}), M)).toBe(false);
  });

  it('interference, over-power and out-of-mask need the annotated assignment', () => {
    for (const kind of ['interference', 'over-power', 'out-of-mask'] as const) {
      const e = ev({ kind, assignmentId: 'LMR-02' });
      expect(alarmMatchesEvent(al({ kind, assignment: 'LMR-02' }), e, M)).toBe(true);
      expect(alarmMatchesEvent(al({ kind, assignment: 'LMR-01' }), e, M)).toBe(false);
      expect(alarmMatchesEvent(al({ kind, assignment: 'LMR-01' }), ev({ kind }), M)).toBe(true);
    }
  });
});

describe('scoreEvents', () => {
  const events: TruthEvent[] = [
    ev({ emitterId: 'EARLY', startS: 3, endS: 8 }), // starts in the warm-up: not scored
    ev({}), // matched, then a duplicate
    { ...jam, ...ev40 }, // only a wrong-type alarm: missed
    ev({ emitterId: 'LATE', startS: 50, endS: 55 }), // its alarm comes too late: missed
    ev({ emitterId: 'SILENT', startS: 60, endS: 65 }), // nothing at all: missed
  ];
  const alarms: ScoredAlarm[] = [
    al({ sceneS: 4 }), // the warm-up event's alarm: neither TP nor FP
    al({ sceneS: 20.3 }), // TP for TALKER, latency 0.3 s
    al({ kind: 'interference', sceneS: 20.5, assignment: 'PMR-05' }), // wrong kind: FP no-event
    al({ sceneS: 21.1 }), // duplicate
    al({ kind: 'jamming', sceneS: 40.4, centerHz: 446_031_300, detail: { jammerType: 'sweep' } }), // wrong type
    al({ sceneS: 57.5 }), // LATE's alarm 2.5 s after its end: FP no-event
  ];
  const s = scoreEvents(events, { alarms, detections: [det({})] }, M, 10);

  it('scores only events after the warm-up and counts each alarm once', () => {
    expect(s.events.map((e) => e.emitterId)).toEqual(['TALKER', 'CW', 'LATE', 'SILENT']);
    expect(s.matched).toEqual([
      {
        emitterId: 'TALKER',
        kind: 'unlicensed-emitter',
        startS: 20,
        latencyS: expect.closeTo(0.3, 9),
        alarmCenterHz: 446_181_000,
      },
    ]);
    expect(s.misses.map((m) => m.emitterId)).toEqual(['CW', 'LATE', 'SILENT']);
    expect(s.falsePositives.map((f) => `${f.kind}@${f.t}:${f.reason}`)).toEqual([
      'interference@20.5:no-event',
      'unlicensed-emitter@21.1:duplicate',
      'jamming@40.4:wrong-jammer-type',
      'unlicensed-emitter@57.5:no-event',
    ]);
    expect(s.falsePositives[0]!.levelDbfs).toBe(-41.3);
  });

  it('lists the wrong-type alarm near the missed jammer', () => {
    const cw = s.misses.find((m) => m.emitterId === 'CW')!;
    expect(cw.jammerType).toBe('cw');
    expect(cw.nearAlarms.map((a) => a.detail['jammerType'])).toEqual(['sweep']);
    expect(s.misses.find((m) => m.emitterId === 'SILENT')!.nearAlarms).toEqual([]);
  });

  it('measures centre error in bins and OBW error in % of the annotated band, for detection and alarm', () => {
    const q = s.quality.find((x) => x.emitterId === 'TALKER')!;
    expect(q.detections).toBe(1);
    expect(q.centerErrBins).toBeCloseTo(0.5, 3);
    expect(q.obwErrPct).toBeCloseTo(20, 3);
    expect(q.alarmCenterErrBins).toBeCloseTo(250 / BIN_HZ, 3);
    expect(q.alarmObwErrPct).toBeCloseTo((100 * 1000) / 11_000, 3);
    // no quality line for jamming; none for a missed event's alarm
    expect(s.quality.map((x) => x.emitterId)).toEqual(['TALKER', 'LATE', 'SILENT']);
    expect(s.quality.find((x) => x.emitterId === 'SILENT')).toMatchObject({ detections: 0, centerErrBins: null });
  });

  it('measures the main track (longest in the event), not a fragment nearer the centre; against obwHz when known', () => {
    const e = ev({ obwHz: 12_000 });
    const run = {
      alarms: [],
      detections: [
        det({ sceneT0: 22, sceneT1: 22.4, centerHz: 446_181_250, bandwidthHz: 1200 }), // a bare carrier in a pause
        det({ centerHz: 446_181_250 + BIN_HZ, bandwidthHz: 11_400 }),
      ],
    };
    const q = scoreEvents([e], run, M, 10).quality[0]!;
    expect(q.detections).toBe(2);
    expect(q.centerErrBins).toBeCloseTo(1, 3);
    expect(q.obwErrPct).toBeCloseTo(-5, 3);
    expect(q.truthBandwidthHz).toBe(12_000);
  });

  it('per kind and overall: recall, precision, latency', () => {
    const k = perKind([s]);
    expect(Object.keys(k)).toEqual(['unlicensed-emitter', 'interference', 'jamming']);
    expect(k['unlicensed-emitter']).toMatchObject({ events: 3, truePositives: 1, misses: 2, falsePositives: 2 });
    expect(k['unlicensed-emitter']!.recall).toBeCloseTo(1 / 3, 9);
    expect(k['unlicensed-emitter']!.precision).toBeCloseTo(1 / 3, 9);
    expect(k['unlicensed-emitter']!.latencyS).toMatchObject({ n: 1, p50: 0.3, p99: 0.3 });
    expect(k['interference']!.recall).toBeNaN();
    expect(k['jamming']).toMatchObject({ events: 1, truePositives: 0, falsePositives: 1, recall: 0, precision: 0 });
    const o = overall([s]);
    expect(o.overall).toMatchObject({ events: 4, truePositives: 1, alarms: 5 });
    expect(o.overall.precision).toBeCloseTo(0.2, 9);
  });

  it('the first matching alarm in raise order takes the event', () => {
    const two = scoreEvents([ev({})], { alarms: [al({ sceneS: 22 }), al({ sceneS: 21 })], detections: [] }, M, 0);
    expect(two.matched[0]!.latencyS).toBe(2);
    expect(two.falsePositives.map((f) => f.reason)).toEqual(['duplicate']);
  });
});

describe('latencyStats', () => {
  it('nearest-rank p50 / p99 and max, NaN when empty', () => {
    expect(latencyStats([0.9, 0.1, 0.5, 0.3])).toEqual({ n: 4, p50: 0.3, p99: 0.9, max: 0.9 });
    const e = latencyStats([]);
    expect(e.n).toBe(0);
    expect(e.p50).toBeNaN();
  });
});
