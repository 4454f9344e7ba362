import { describe, expect, it } from 'vitest';
import { frequencyTicks, tickStepHz } from '../../web/src/axis.ts';
import { setLang } from '../../web/src/i18n.ts';
import { activeFromTrace, bandStates } from '../../web/src/plan-state.ts';
import { autoLevels, TraceHolds } from '../../web/src/spectrum-holds.ts';
import { colormapLut } from '../../web/src/waterfall/colormaps.ts';
import { RowRing } from '../../web/src/waterfall/renderer.ts';
import { FAKE_PLAN, FakeMonitor } from '../helpers/fake-monitor.ts';

describe('frequency axis', () => {
  it('picks 1-2-5 steps and labels in MHz with a decimal comma', () => {
    setLang('vi', null);
    expect(tickStepHz(2.4e6, 10)).toBe(500e3);
    expect(tickStepHz(2.4e6, 12)).toBe(200e3);
    expect(tickStepHz(40e3, 8)).toBe(5e3);
    const ticks = frequencyTicks(469.4e6, 471.8e6, 12);
    expect(ticks[0]).toMatchObject({ hz: 469.4e6, label: '469,4' });
    expect(ticks.map((x) => x.label)).toContain('470,6');
    const fine = frequencyTicks(470.58e6, 470.62e6, 8);
    expect(fine.map((x) => x.label)).toContain('470,585');
    for (const tk of fine) expect(tk.x).toBeGreaterThanOrEqual(0);
  });
});

describe('trace holds', () => {
  it('tracks average, max-hold and min-hold per pixel and resets on a new window', () => {
    const h = new TraceHolds(0.5);
    h.update(new Float32Array([-100, -50]), 1, 2);
    h.update(new Float32Array([-80, -70]), 1, 2);
    expect([...h.max]).toEqual([-80, -50]);
    expect([...h.min]).toEqual([-100, -70]);
    expect([...h.avg]).toEqual([-90, -60]);
    h.update(new Float32Array([-1, -1, -1]), 1, 3);
    expect([...h.max]).toEqual([-1, -1, -1]);
    expect(h.count).toBe(1);
  });

  it('auto-levels sit under the floor and over the strongest signal', () => {
    const tr = new Float32Array(100).fill(-110);
    tr[50] = -40;
    expect(autoLevels(tr)).toEqual({ lowDbfs: -115, highDbfs: -35 });
    expect(autoLevels(new Float32Array(100).fill(-110))).toEqual({ lowDbfs: -115, highDbfs: -70 });
    expect(autoLevels(new Float32Array(3))).toBeNull();
  });
});

describe('plan band states', () => {
  it('violated when an active alarm names the assignment, active with an emission, else idle', () => {
    const m = new FakeMonitor();
    const alarm = m.raise({
      sensorId: 'venue-a',
      kind: 'over-power',
      severity: 'major',
      centerHz: 470.1e6,
      bandwidthHz: 12.5e3,
      levelDbfs: -20,
      assignmentId: 'A-470.100',
      detail: {},
    });
    const em = { ...m.emissions()[0], id: 'E', sensorId: 'venue-a', assignmentId: 'A-470.600' } as never;
    const bands = bandStates(FAKE_PLAN.assignments, [alarm], [em], 'venue-a');
    expect(bands.map((b) => [b.assignment.id, b.state])).toEqual([
      ['A-470.100', 'violated'],
      ['A-470.600', 'active'],
      ['A-471.000', 'idle'],
    ]);
    // Another sensor's alarm does not colour this sensor's plan.
    expect(bandStates(FAKE_PLAN.assignments, [alarm], [], 'venue-b')[0]!.state).toBe('idle');
  });

  it('marks an idle band active when the trace shows energy in it', () => {
    const bands = bandStates(FAKE_PLAN.assignments, [], [], 'venue-a');
    const trace = new Float32Array(240).fill(-110);
    // 469,4 … 471,8 MHz over 240 px = 10 kHz/px; 471,0 MHz is px 160.
    trace[160] = -60;
    activeFromTrace(bands, trace, 469.4e6, 471.8e6, -110);
    expect(bands.find((b) => b.assignment.id === 'A-471.000')!.state).toBe('active');
    expect(bands.find((b) => b.assignment.id === 'A-470.100')!.state).toBe('idle');
  });
});

describe('waterfall ring and colour maps', () => {
  it('ring indexes rows by age and wraps', () => {
    const r = new RowRing(3);
    for (let i = 0; i < 5; i++) r.push({ timeMs: i, startHz: 0, stopHz: 1 });
    expect(r.count).toBe(3);
    expect([0, 1, 2, 3].map((a) => r.metaAt(a)?.timeMs ?? null)).toEqual([4, 3, 2, null]);
  });

  it('LUTs run from dark to bright with opaque alpha', () => {
    const lut = colormapLut('grey');
    expect([...lut.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...lut.subarray(255 * 4)]).toEqual([255, 255, 255, 255]);
    const turbo = colormapLut('turbo');
    expect(turbo.length).toBe(1024);
  });
});
