import { describe, expect, it } from 'vitest';
import { clusterAssignments, planSensors } from '../../src/scheduler/plan-sensors.ts';
import { planHops, Stitcher, SweepController } from '../../src/scheduler/sweep.ts';
import type { Assignment, FrequencyPlan, IqBlock, Source, SourceEvent } from '../../src/types.ts';

const a = (id: string, mhz: number, bw = 12500, critical = false): Assignment => ({
  id,
  centerHz: mhz * 1e6,
  bandwidthHz: bw,
  critical,
});

describe('plan → sensors', () => {
  const plan: FrequencyPlan = {
    name: 'p',
    assignments: [
      a('pmr1', 446.00625),
      a('pmr2', 446.09375),
      a('mic1', 470.125, 200000, true),
      a('mic2', 471.875, 200000, true),
      a('fm', 98.5, 200000),
      a('lmr', 160.1),
    ],
  };
  it('clusters assignments into captures no wider than the usable span', () => {
    const c = clusterAssignments(plan.assignments, 2.4e6 * 0.84);
    expect(c.map((x) => x.assignments.map((y) => y.id))).toEqual([['fm'], ['lmr'], ['pmr1', 'pmr2'], ['mic1', 'mic2']]);
    for (const x of c) expect(x.stopHz - x.startHz).toBeLessThanOrEqual(2.4e6 * 0.84);
  });
  it('dwells on critical clusters first and sweeps the rest with the last sensor', () => {
    const roles = planSensors(plan, 2, 2.4e6);
    expect(roles[0]!.mode).toBe('dwell');
    expect(roles[0]!.clusters[0]!.critical).toBe(true);
    // The dwell centre keeps every assignment of the cluster inside the usable span and DC off the channels.
    const r0 = roles[0]!;
    for (const x of r0.clusters[0]!.assignments) {
      expect(Math.abs(x.centerHz - r0.centerHz) + x.bandwidthHz / 2).toBeLessThanOrEqual(2.4e6 * 0.42);
      expect(Math.abs(x.centerHz - r0.centerHz)).toBeGreaterThan(x.bandwidthHz / 2);
    }
    expect(roles[1]!.mode).toBe('sweep');
    expect(roles[1]!.ranges!.length).toBe(3);
    expect(planSensors(plan, 4, 2.4e6).every((r) => r.mode === 'dwell')).toBe(true);
  });
});

describe('sweep', () => {
  it('tiles ranges with the flat middle of each capture', () => {
    const hops = planHops([{ startHz: 400e6, stopHz: 410e6 }], 2.4e6, 0.8);
    expect(hops).toHaveLength(Math.ceil(10e6 / 1.92e6));
    for (let i = 1; i < hops.length; i++) expect(hops[i]!.startHz).toBeCloseTo(hops[i - 1]!.stopHz, 3);
    expect(hops[0]!.startHz).toBeLessThanOrEqual(400e6);
    expect(hops[hops.length - 1]!.stopHz).toBeGreaterThanOrEqual(410e6);
  });

  it('stitches hop lines into one full-span line using only each hop’s usable part', () => {
    const hops = planHops([{ startHz: 100e6, stopHz: 104e6 }], 2.4e6, 0.8);
    const st = new Stitcher(hops, 400);
    for (const [i, h] of hops.entries()) {
      // Each hop's capture is flat at -(90+i) dB with strong edge artefacts outside the usable part.
      const n = 1024;
      const psd = new Float32Array(n).fill(-90 - i);
      for (let k = 0; k < 60; k++) psd[k] = psd[n - 1 - k] = 0;
      st.add({ sensorId: 's', timeMs: 0, startHz: h.centerHz - 1.2e6, binHz: 2.4e6 / n, psdDbfs: psd }, h);
    }
    const line = st.line('s', 0);
    expect(Math.max(...line.psdDbfs)).toBeLessThan(-80);
    expect(line.psdDbfs[0]).toBe(-90);
    expect(line.psdDbfs[399]).toBe(-90 - (hops.length - 1));
  });

  it('retunes through the hops and measures revisit time', async () => {
    const tuned: number[] = [];
    let now = 0;
    const src: Source = {
      id: 'f',
      kind: 'virtual',
      description: 'fake',
      getCenterHz: () => tuned[tuned.length - 1] ?? 0,
      getSampleRateHz: () => 2.4e6,
      tune: (hz) => {
        tuned.push(hz);
        return Promise.resolve();
      },
      start: (_b: (b: IqBlock) => void, _e: (e: SourceEvent) => void) => Promise.resolve(),
      stop: () => Promise.resolve(),
    };
    const sw = new SweepController(
      src,
      [{ startHz: 100e6, stopHz: 104e6 }],
      { dwellMs: 5, settleMs: 1 },
      () => {},
      () => now,
    );
    await sw.start();
    for (let i = 0; i < 40 && tuned.length < 2 * sw.hops.length + 1; i++) {
      now += 6;
      await new Promise((r) => setTimeout(r, 8));
    }
    sw.stop();
    expect(tuned.slice(0, sw.hops.length)).toEqual(sw.hops.map((h) => h.centerHz));
    expect(sw.revisitMs.get(0)).toBeGreaterThan(0);
  });
});
