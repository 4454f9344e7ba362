/**
 * The venue evaluation's scoring (scripts/venue-eval.ts): matching by kind, jammer type, time window, frequency and
 * assignment; duplicates and wrong jammer types are false positives; warm-up events are neither.
 */
import { describe, expect, it } from 'vitest';
import type { VenueEvent } from '../../dsp/synth/venue.ts';
import {
  alarmMatchesEvent,
  perKind,
  percentile,
  scoreCluster,
  type EvalAlarm,
  type RunResult,
} from '../../scripts/venue-eval.ts';

const M = { toleranceHz: 5000, binHz: 1171.875 };

function ev(o: Partial<VenueEvent>): VenueEvent {
  return {
    kind: 'unlicensed-emitter',
    emitterId: 'E',
    emitterKind: 'nfm',
    centerHz: 446_181_250,
    bandwidthHz: 11_000,
    levelDbfs: -40,
    cluster: 'pmr',
    startS: 20,
    endS: 30,
    ...o,
  };
}

function al(o: Partial<EvalAlarm>): EvalAlarm {
  return {
    type: 'alarm',
    kind: 'unlicensed-emitter',
    t: 0,
    sceneS: 20.1,
    centerHz: 446_181_300,
    bandwidthHz: 9000,
    assignment: null,
    detail: {},
    levelDbfs: -40,
    ...o,
  };
}

function run(alarms: EvalAlarm[]): RunResult {
  return { alarms, detections: [], spectra: 0, seconds: 60, wallS: 0 };
}

describe('venue scoring', () => {
  it('matches on kind, time window [start, end + 2 s] and band ± tolerance', () => {
    const e = ev({});
    expect(alarmMatchesEvent(al({}), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ kind: 'interference' }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ sceneS: 19.9 }), e, M)).toBe(false);
    expect(alarmMatchesEvent(al({ sceneS: 31.9 }), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ sceneS: 32.1 }), e, M)).toBe(false);
    // band half-width 5.5 kHz + 5 kHz tolerance
    expect(alarmMatchesEvent(al({ centerHz: 446_181_250 + 10_400 }), e, M)).toBe(true);
    expect(alarmMatchesEvent(al({ centerHz: 446_181_250 + 10_600 }), e, M)).toBe(false);
  });

  it('jamming needs the right jammer type unless told not to check it; interference needs the assignment', () => {
    const j = ev({ kind: 'jamming', jammerType: 'barrage', centerHz: 471e6, bandwidthHz: 1e6, cluster: 'mic' });
    const a = al({ kind: 'jamming', centerHz: 471.2e6, detail: { jammerType: 'pulse' } });
    expect(alarmMatchesEvent(a, j, M)).toBe(false);
    expect(alarmMatchesEvent(a, j, M, false)).toBe(true);
    const i = ev({ kind: 'interference', assignmentId: 'MIC-02', centerHz: 470_435_000, cluster: 'mic' });
    expect(alarmMatchesEvent(al({ kind: 'interference', centerHz: 470_435_000, assignment: 'MIC-02' }), i, M)).toBe(
      true,
    );
    expect(alarmMatchesEvent(al({ kind: 'interference', centerHz: 470_435_000, assignment: 'MIC-03' }), i, M)).toBe(
      false,
    );
  });

  it('counts TP, duplicates, wrong-type and unrelated alarms as FP, misses, and ignores warm-up events', () => {
    const events = [
      ev({ startS: 5, endS: 8 }), // warm-up: not scored
      ev({}),
      ev({
        kind: 'jamming',
        jammerType: 'cw',
        emitterId: 'J',
        centerHz: 446_031_250,
        bandwidthHz: 0,
        startS: 40,
        endS: 45,
      }),
      ev({ emitterId: 'F', startS: 50, endS: 55 }), // missed
    ];
    const alarms = [
      al({ sceneS: 5.2 }), // matches the warm-up event: neither TP nor FP
      al({ sceneS: 20.07 }), // TP, latency 0.07
      al({ sceneS: 21 }), // duplicate
      al({ kind: 'jamming', sceneS: 40.6, centerHz: 446_031_000, detail: { jammerType: 'pulse' } }), // wrong type
      al({ kind: 'over-power', sceneS: 42, centerHz: 446_031_000, assignment: 'PMR-03' }), // no event
    ];
    const s = scoreCluster('pmr', run(alarms), events, M, 10);
    expect(s.events).toHaveLength(3);
    expect(s.matched.map((m) => m.emitterId)).toEqual(['E']);
    expect(s.matched[0]!.latencyS).toBeCloseTo(0.07, 6);
    expect(s.misses.map((m) => m.emitterId).sort()).toEqual(['F', 'J']);
    expect(s.misses.find((m) => m.emitterId === 'J')!.nearAlarms).toHaveLength(1);
    expect(s.falsePositives.map((f) => `${f.kind}:${f.reason}`).sort()).toEqual([
      'jamming:wrong-jammer-type',
      'over-power:no-event',
      'unlicensed-emitter:duplicate',
    ]);
    const k = perKind([s]);
    expect(k['unlicensed-emitter']).toMatchObject({ events: 2, truePositives: 1, misses: 1, falsePositives: 1 });
    expect(k['unlicensed-emitter']!.precision).toBeCloseTo(0.5, 9);
    expect(k['jamming']).toMatchObject({ events: 1, truePositives: 0, falsePositives: 1, precision: 0 });
    expect(k['over-power']!.recall).toBeNaN();
  });

  it('percentile is the nearest-rank value', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});
