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

describe('compliance rules: alarm quality', () => {
  const micPlan: FrequencyPlan = {
    name: 'mics',
    assignments: [{ id: 'MIC-02', centerHz: 470.375e6, bandwidthHz: 200_000, maxLevelDbfs: -25 }],
  };
  const c = (timeMs: number, extra = {}) => ({ sensorId: 's1', timeMs, plan: micPlan, binHz: 1171.875, ...extra });
  const aged = (e: TrackedEmission, firstSeenMs: number) => ({ ...e, firstSeenMs });

  it('in a wide channel the user is the best fit, not the strongest: a stronger narrow interferer is the interference', () => {
    const mic = aged(em('mic', 470.375e6 + 3000, 112_000, -32), 0);
    const intf = aged(em('intf', 470.435e6, 11_000, -30), 3000);
    const out = evaluateEmissions([intf, mic], c(4000));
    expect(out.map((x) => `${x.kind}:${x.emissionId}`)).toEqual(['interference:intf']);
    expect(out[0]!.centerHz).toBe(470.435e6);
  });

  it('a second track as wide as the user (its merged spectrum seen twice) is not interference', () => {
    const mic = aged(em('mic', 470.375e6, 110_000, -32), 0);
    const twin = aged(em('twin', 470.375e6 + 30_000, 105_000, -31), 2000);
    expect(evaluateEmissions([twin, mic], c(4000))).toEqual([]);
  });

  it('a wide user pulled off-centre by an interferer inside its band is not out-of-mask; alone it is', () => {
    const mic = aged(em('mic', 470.375e6 + 36_000, 112_000, -32), 0);
    const intf = aged(em('intf', 470.435e6, 11_000, -30), 3000);
    expect(evaluateEmissions([mic, intf], c(4000)).map((x) => x.kind)).not.toContain('out-of-mask');
    expect(evaluateEmissions([mic], c(4000)).map((x) => x.kind)).toEqual(['out-of-mask']);
  });

  it('while an interference alarm stands on a wide channel its merged user is not judged against the mask', () => {
    const merged = aged(em('mic', 470.375e6 + 36_000, 112_000, -28), 0);
    expect(evaluateEmissions([merged], c(4000, { interferenceActive: () => true })).map((x) => x.kind)).toEqual([]);
    expect(
      evaluateEmissions([merged], c(4000, { interferenceActive: (id: string) => id !== 'MIC-02' })).map((x) => x.kind),
    ).toEqual(['out-of-mask']);
    // A narrow channel keeps its mask rule: there the user is never merged with a separate band.
    const narrowPlan: FrequencyPlan = {
      name: 'n',
      assignments: [{ id: 'PMR', centerHz: 446.00625e6, bandwidthHz: 12_500 }],
    };
    const off = aged(em('o', 446.00625e6 + 4000, 6000), 0);
    expect(
      evaluateEmissions([off], { ...c(4000, { interferenceActive: () => true }), plan: narrowPlan }).map((x) => x.kind),
    ).toEqual(['out-of-mask']);
  });

  it('no interference while the user itself is young (a PTT microphone keying up) or the piece is weak', () => {
    const mic = aged(em('mic', 470.375e6, 112_000, -32), 3500);
    const piece = aged(em('p', 470.435e6, 11_000, -30), 3000);
    expect(evaluateEmissions([piece, mic], c(4000))).toEqual([]);
    const weak = { ...aged(em('w', 470.435e6, 11_000, -45), 3000), snrDb: 6 };
    expect(evaluateEmissions([weak, aged(mic, 0)], c(4000))).toEqual([]);
  });

  it('unlicensed-emitter waits for the hold and needs SNR', () => {
    const u = aged(em('u', 447e6, 12_000), 1000);
    expect(evaluateEmissions([u], c(1200))).toEqual([]);
    expect(evaluateEmissions([u], c(1500)).map((x) => x.kind)).toEqual(['unlicensed-emitter']);
    expect(evaluateEmissions([{ ...u, snrDb: 3 }], c(5000))).toEqual([]);
  });

  it('a comb of unlicensed pieces (an OFDM carrier wider than the capture) raises one alarm over its span', () => {
    // Real TD-LTE: 12-16 kHz pilot lines every 45 kHz, each its own track; only some are strong enough to alarm.
    const comb = [0, 1, 2, 3, 4, 5].map((k) => ({
      ...aged(em(`p${k}`, 447e6 + k * 45_000, 14_000), k === 2 ? 100 : 500),
      snrDb: k % 2 ? 4 : 7,
    }));
    const out = evaluateEmissions(comb, c(2000));
    expect(out).toHaveLength(1);
    expect(out[0]!.kind).toBe('unlicensed-emitter');
    expect(out[0]!.centerHz).toBeCloseTo(447e6 + 2.5 * 45_000, -1);
    expect(out[0]!.bandwidthHz).toBeCloseTo(5 * 45_000 + 14_000, -1);
    // Named after its oldest alarmable piece (a stable key while that piece lives).
    expect(out[0]!.emissionId).toBe('p2');
    expect(out[0]!.detail).toMatchObject({ pieces: 6, snrDb: 7 });
    // Total power of the pieces: six at -40 dBFS.
    expect(out[0]!.levelDbfs).toBeCloseTo(-40 + 10 * Math.log10(6), 1);
  });

  it('separate unlicensed emitters, or an emitter with its skirts, keep their own alarms', () => {
    const far = [0, 1, 2, 3].map((k) => aged(em(`f${k}`, 447e6 + k * 100_000, 12_000), 0));
    expect(evaluateEmissions(far, c(2000)).map((x) => x.emissionId)).toEqual(['f0', 'f1', 'f2', 'f3']);
    const skirts = [
      { ...aged(em('s1', 447e6 - 14_000, 6000), 0), snrDb: 3 },
      aged(em('main', 447e6, 12_000), 0),
      { ...aged(em('s2', 447e6 + 14_000, 6000), 0), snrDb: 3 },
    ];
    const out = evaluateEmissions(skirts, c(2000));
    expect(out.map((x) => x.emissionId)).toEqual(['main']);
    expect(out[0]!.bandwidthHz).toBe(12_000);
  });

  it('over-power waits while the power has just stepped up (time for a jamming detector), then fires', () => {
    const loud = { ...aged(em('m', 470.375e6, 112_000, -20), 0), powerStepMs: 5000 };
    expect(evaluateEmissions([loud], c(5200))).toEqual([]);
    expect(evaluateEmissions([loud], c(5800)).map((x) => x.kind)).toEqual(['over-power']);
    const { powerStepMs: _drop, ...steady } = loud;
    expect(evaluateEmissions([steady], c(5100)).map((x) => x.kind)).toEqual(['over-power']);
  });

  it('an emission carrying a jammed CW line is left to the jamming alarm', () => {
    const user = aged(em('m', 470.375e6, 112_000, -20), 0);
    const jammed = [{ startHz: 470.375e6 - 600, stopHz: 470.375e6 + 600 }];
    expect(evaluateEmissions([user], c(5000, { jammedRanges: jammed }))).toEqual([]);
  });
});

describe('compliance rules: shared bands (Assignment.shared)', () => {
  /** The 433.05-434.79 MHz SRD band, shared, with a per-emission limit; valid only in the first minute. */
  const SRD = {
    id: 'SRD-433',
    centerHz: 433.92e6,
    bandwidthHz: 1.74e6,
    emission: '1M74K1D',
    shared: true,
    maxLevelDbfs: -30,
    windows: [{ fromMs: 0, toMs: 60_000 }],
  };
  const sharedPlan: FrequencyPlan = { name: 'srd', assignments: [SRD] };
  const channelPlan: FrequencyPlan = { name: 'srd as a channel', assignments: [{ ...SRD, shared: false }] };
  const c = (timeMs: number, p = sharedPlan, extra = {}) => ({ sensorId: 's1', timeMs, plan: p, binHz: 122, ...extra });
  const old = (id: string, hz: number, bw: number, dbfs = -40) => ({ ...em(id, hz, bw, dbfs), firstSeenMs: 0 });
  const kinds = (out: ReturnType<typeof evaluateEmissions>) =>
    out.map((x) => `${x.kind}:${x.assignmentId}:${x.emissionId}`);
  // Three emitters far from the centre, of any width, at comparable power: a sensor, a remote key, a line.
  const three = () => [
    old('sensor', 433.8126e6, 34_000, -38),
    old('key', 434.4e6, 12_000, -36),
    old('line', 433.2e6, 500, -39),
  ];

  it('many emitters anywhere inside the band, of any width: no interference, no out-of-mask', () => {
    expect(evaluateEmissions(three(), c(5000))).toEqual([]);
    // The same plan as one user's channel: the sensor is taken for its user, the key for interference on it.
    expect(kinds(evaluateEmissions(three(), c(5000, channelPlan)))).toEqual(['interference:SRD-433:key']);
  });

  it('an emission reaching past a band edge is out-of-mask, measured against that edge', () => {
    const lowEdge = 433.92e6 - 0.87e6;
    // 40 kHz wide, 10 kHz of it below the band: beyond the 15 % allowance (6 kHz) plus a bin.
    const spill = old('spill', lowEdge + 10_000, 40_000);
    const out = evaluateEmissions([spill, ...three()], c(5000));
    expect(kinds(out)).toEqual(['out-of-mask:SRD-433:spill']);
    expect(out[0]!.detail).toMatchObject({ reason: 'beyond-edges', beyondLowHz: 10_000, beyondHighHz: 0 });
    expect(out[0]!.key).toBe('out-of-mask|SRD-433|spill');
    // Touching the edge within the measurement allowance is not.
    expect(evaluateEmissions([old('edge', lowEdge + 17_000, 40_000)], c(5000))).toEqual([]);
    // Young emissions wait like everywhere else.
    expect(evaluateEmissions([{ ...spill, firstSeenMs: 4800 }], c(5000))).toEqual([]);
    // Mostly outside the band: not the band's at all, an unlicensed emitter.
    expect(kinds(evaluateEmissions([old('out', lowEdge - 15_000, 20_000)], c(5000)))).toEqual([
      'unlicensed-emitter:null:out',
    ]);
  });

  it('over-power is judged per emission against the band’s limit, each with its own alarm', () => {
    const loud1 = old('loud1', 433.5e6, 12_000, -25);
    const loud2 = old('loud2', 434.3e6, 12_000, -28);
    const quiet = old('quiet', 434.0e6, 12_000, -35);
    const out = evaluateEmissions([loud1, quiet, loud2], c(5000));
    expect(kinds(out)).toEqual(['over-power:SRD-433:loud1', 'over-power:SRD-433:loud2']);
    expect(out.map((x) => x.key)).toEqual(['over-power|SRD-433|loud1', 'over-power|SRD-433|loud2']);
    expect(out[0]!.detail).toMatchObject({ maxLevelDbfs: -30, excessDb: 5 });
    // The band's total power (−23.7 dBFS) is over the limit, but no single emission is: nothing.
    const many = [0, 1, 2, 3, 4].map((k) => old(`m${k}`, 433.3e6 + k * 200_000, 12_000, -31));
    expect(evaluateEmissions(many, c(5000))).toEqual([]);
    // Even a narrow line over the limit is judged (no "user's Bessel line" in a shared band).
    expect(kinds(evaluateEmissions([old('cw', 434.1e6, 300, -20)], c(5000)))).toEqual(['over-power:SRD-433:cw']);
  });

  it('over-power clears with its hysteresis per emission (alarmActive by key)', () => {
    const near = old('near', 433.5e6, 12_000, -30.5);
    expect(evaluateEmissions([near], c(5000))).toEqual([]);
    const standing = (key: string) => key === 'over-power|SRD-433|near';
    expect(kinds(evaluateEmissions([near], c(5000, sharedPlan, { alarmActive: standing })))).toEqual([
      'over-power:SRD-433:near',
    ]);
    // Another emission's standing alarm does not lower this one's limit.
    const other = (key: string) => key === 'over-power|SRD-433|someone-else';
    expect(evaluateEmissions([near], c(5000, sharedPlan, { alarmActive: other, overPowerActive: () => true }))).toEqual(
      [],
    );
  });

  it('outside its time windows the band is not active: its emissions are unlicensed', () => {
    const out = evaluateEmissions(three(), c(70_000));
    expect(out.map((x) => x.kind).every((k) => k === 'unlicensed-emitter')).toBe(true);
    expect(out.map((x) => x.emissionId).sort()).toEqual(['key', 'line', 'sensor']);
  });
});
