/**
 * The simulated venue end to end: the register-level virtual dongle, driven by the real RtlSdr driver, through the
 * live pipeline. The venue's staged unlicensed emitter (dsp/synth venueEvents) must be alarmed at its frequency.
 */
import { describe, expect, it } from 'vitest';
import { venueEvents } from '../../dsp/synth/venue.ts';
import { analyzeSource, type AlarmRecord, type DetectionRecord } from '../../src/pipeline/analyze.ts';
import { loadPlanFile } from '../../src/plan/index.ts';
import { openLiveInput, parseInputSpec } from '../../src/sources/open.ts';
import { VENUE_PLAN_PATH } from '../../src/engine/setup.ts';

describe('input specs', () => {
  it('parses every --input form and rejects bad ones', () => {
    expect(parseInputSpec('rtltcp://127.0.0.1:1234')).toEqual({ kind: 'rtltcp', host: '127.0.0.1', port: 1234 });
    expect(parseInputSpec('rtltcp://host')).toEqual({ kind: 'rtltcp', host: 'host', port: 1234 });
    expect(parseInputSpec('usb:00000002')).toEqual({ kind: 'usb', serial: '00000002' });
    expect(parseInputSpec('usb')).toEqual({ kind: 'usb', serial: undefined });
    expect(parseInputSpec('virtual:venue-quiet')).toEqual({ kind: 'virtual', scene: 'venue-quiet' });
    expect(parseInputSpec('rec.sigmf-meta')).toEqual({ kind: 'sigmf', path: 'rec.sigmf-meta' });
    expect(() => parseInputSpec('rtltcp://h:99999')).toThrow(/out of range/);
    expect(() => parseInputSpec('rtltcp://a:b:c')).toThrow(/rtltcp:\/\/HOST:PORT/);
  });

  it('rejects an unknown virtual scene with a typed error', async () => {
    await expect(openLiveInput('virtual:mars')).rejects.toMatchObject({ code: 'BW_ERR_INPUT' });
  });
});

describe('virtual dongle through the live pipeline', () => {
  it('alarms the venue staged events at their frequencies and nothing else on licensed traffic', async () => {
    const timeScale = 0.05; // the 240 s event cycle takes 12 s
    const cycleS = 240 * timeScale;
    const staged = venueEvents(0, 2 * cycleS, { timeScale }).filter((e) => e.cluster === 'pmr');
    const unlicensed = staged.find((e) => e.kind === 'unlicensed-emitter')!;
    expect(unlicensed).toBeDefined();
    const plan = await loadPlanFile(VENUE_PLAN_PATH);
    const source = await openLiveInput('virtual:venue', { cluster: 'pmr', timeScale, serial: '00000042', port: 42 });
    const out: (AlarmRecord | DetectionRecord)[] = [];
    await analyzeSource(source, { plan, durationS: cycleS + 0.5 }, (r) => out.push(r));
    const alarms = out.filter((r): r is AlarmRecord => r.type === 'alarm');
    // The dongle's clock does not start at the scene's t = 0, so events are matched by frequency, not time.
    const hit = alarms.find(
      (a) => a.kind === 'unlicensed-emitter' && Math.abs(a.centerHz! - unlicensed.centerHz) < 3000,
    );
    expect(hit, JSON.stringify(alarms)).toBeDefined();
    for (const a of alarms) {
      const explained = staged.some(
        (e) => a.centerHz !== null && Math.abs(a.centerHz - e.centerHz) < Math.max(15000, e.bandwidthHz),
      );
      expect(explained, `unexpected alarm ${JSON.stringify(a)}`).toBe(true);
    }
    const licensed = out.filter((r): r is DetectionRecord => r.type === 'detection' && r.assignment !== null);
    expect(licensed.length).toBeGreaterThan(0);
  }, 60_000);
});
