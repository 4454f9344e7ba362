import { describe, expect, it } from 'vitest';
import { evaluateEmissions } from '../../src/alarms/rules.ts';
import type { FrequencyPlan, TrackedEmission } from '../../src/types.ts';

const plan: FrequencyPlan = {
  name: 'p',
  assignments: [
    { id: 'sec', centerHz: 446006250, bandwidthHz: 12500, maxLevelDbfs: -20 },
    { id: 'mic', centerHz: 470.2e6, bandwidthHz: 200000, critical: true, windows: [{ fromMs: 0, toMs: 10_000 }] },
  ],
};
function em(id: string, centerHz: number, bw: number, powerDbfs = -40): TrackedEmission {
  return {
    id,
    sensorId: 's1',
    firstSeenMs: 0,
    lastSeenMs: 0,
    centerHz,
    bandwidthHz: bw,
    peakDbfs: powerDbfs + 3,
    channelPowerDbfs: powerDbfs,
    snrDb: 20,
    className: 'unknown',
    confidence: 0,
    assignmentId: null,
    bursts: 1,
  };
}
const ctx = (timeMs = 1000) => ({ sensorId: 's1', timeMs, plan, binHz: 1171.875 });

describe('compliance rules', () => {
  it('licensed traffic raises nothing', () => {
    expect(evaluateEmissions([em('a', 446006250, 11000), em('b', 470.2e6 + 2000, 180000)], ctx())).toEqual([]);
  });
  it('unlicensed, out-of-mask, over-power and interference', () => {
    const kinds = (ems: TrackedEmission[], t = 1000) =>
      evaluateEmissions(ems, ctx(t)).map((c) => `${c.kind}:${c.assignmentId}:${c.emissionId}`);
    expect(kinds([em('u', 447e6, 12000)])).toEqual(['unlicensed-emitter:null:u']);
    expect(kinds([em('w', 446006250, 40000)])).toEqual(['out-of-mask:sec:w']);
    expect(kinds([em('o', 446006250 + 4000, 6000)])).toEqual(['out-of-mask:sec:o']);
    expect(kinds([em('p', 446006250, 11000, -10)])).toEqual(['over-power:sec:p']);
    expect(kinds([em('m', 470.2e6, 100000), em('i', 470.28e6, 10000)])).toEqual(['interference:mic:i']);
    // A second track inside the user's occupied band is the same emitter seen twice.
    expect(kinds([em('m', 470.2e6, 100000), em('d', 470.21e6, 60000)])).toEqual([]);
    // Outside its time window the mic channel is not licensed.
    expect(kinds([em('m', 470.2e6, 180000)], 20_000)).toEqual(['unlicensed-emitter:null:m']);
  });
  it('over-power clears only below the hysteresis', () => {
    const c = evaluateEmissions([em('p', 446006250, 11000, -20.5)], { ...ctx(), overPowerActive: () => true });
    expect(c.map((x) => x.kind)).toEqual(['over-power']);
    expect(evaluateEmissions([em('p', 446006250, 11000, -20.5)], ctx())).toEqual([]);
  });
  it('leaves wide emissions inside a jammed range to the jamming alarm', () => {
    expect(
      evaluateEmissions([em('j', 447e6, 1.5e6)], { ...ctx(), jammedRanges: [{ startHz: 446e6, stopHz: 448e6 }] }),
    ).toEqual([]);
  });
});
