/**
 * End to end: a shared band (Assignment.shared, here the 433.05-434.79 MHz short-range-device band) holding three
 * narrow emitters through analyzeRecording. Each must stay an emission of its own, at its own frequency, matched to
 * the band, with no alarm; the same plan without `shared` is the single-user wide channel of old, which does not
 * report them that way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeRecording,
  type AlarmRecord,
  type AnalyzeRecord,
  type DetectionRecord,
} from '../../src/pipeline/analyze.ts';
import type { Classifier } from '../../src/tracking/classifier.ts';
import type { FrequencyPlan } from '../../src/types.ts';
import { writeSigmf, type SynthScene } from './synthetic.ts';

const FS = 2.4e6;
const FC = 433.92e6;
const BIN = FS / 2048;
const dir = mkdtempSync(join(tmpdir(), 'bw-shared-'));

/** Three narrow emitters well inside the band: NFM telemetry, a 20 kHz noise-like (FSK-ish) one, and a CW line. */
const EMITTERS: SynthScene['emitters'] = [
  { kind: 'fm', offsetHz: -400_000, snrDbPerBin: 18, widthHz: 2500, modHz: 1000 },
  { kind: 'noise', offsetHz: 150_000, snrDbPerBin: 14, widthHz: 20_000 },
  { kind: 'fm', offsetHz: 520_000, snrDbPerBin: 22, widthHz: 4000, modHz: 1200 },
];

function srdPlan(shared: boolean): FrequencyPlan {
  return {
    name: 'srd',
    assignments: [
      {
        id: 'SRD-433',
        centerHz: 433.92e6,
        bandwidthHz: 1.74e6,
        emission: '1M74K1D',
        // Well above any of the three: no over-power.
        maxLevelDbfs: -5,
        ...(shared ? { shared: true } : {}),
      },
    ],
  };
}

const UNKNOWN: Classifier = { name: 'fixed', classify: () => Promise.resolve({ label: 'unknown', confidence: 0 }) };

async function analyze(name: string, plan: FrequencyPlan) {
  const meta = writeSigmf(join(dir, name), {
    sampleRateHz: FS,
    centerHz: FC,
    durationS: 2.2,
    seed: 11,
    emitters: EMITTERS,
  });
  const out: AnalyzeRecord[] = [];
  // A fixed label: the classifier has no say in the geometry or the rules tested here, and loading tfjs is slow.
  await analyzeRecording(meta, { plan, classifier: UNKNOWN }, (r) => out.push(r));
  return {
    detections: out.filter((r): r is DetectionRecord => r.type === 'detection'),
    alarms: out.filter((r): r is AlarmRecord => r.type === 'alarm'),
  };
}

describe('a shared band holding three narrow emitters', () => {
  let shared: Awaited<ReturnType<typeof analyze>>;
  let single: Awaited<ReturnType<typeof analyze>>;
  let none: Awaited<ReturnType<typeof analyze>>;
  beforeAll(async () => {
    shared = await analyze('shared', srdPlan(true));
    single = await analyze('single', srdPlan(false));
    none = await analyze('none', { name: 'none', assignments: [] });
  }, 60_000);

  const byFreq = (ds: DetectionRecord[]) => [...ds].sort((a, b) => a.centerHz - b.centerHz);

  it('reports three detections at the emitters’ own frequencies, each matched to the band', () => {
    expect(shared.detections).toHaveLength(3);
    byFreq(shared.detections).forEach((d, i) => {
      expect(Math.abs(d.centerHz - (FC + EMITTERS[i]!.offsetHz))).toBeLessThan(2 * BIN);
      // Narrow, as emitted, not a band-wide merge (the 20 kHz noise emitter's skirts make its 99 % OBW ~70 kHz).
      expect(d.bandwidthHz).toBeLessThan(100_000);
      expect(d.assignment).toBe('SRD-433');
      expect(d.t0).toBeLessThan(0.1);
    });
  });

  it('measures each emission as if no assignment were there (centre and width as without a plan)', () => {
    const free = byFreq(none.detections);
    expect(free).toHaveLength(3);
    byFreq(shared.detections).forEach((d, i) => {
      expect(Math.abs(d.centerHz - free[i]!.centerHz)).toBeLessThan(BIN / 4);
      expect(Math.abs(d.bandwidthHz - free[i]!.bandwidthHz)).toBeLessThan(0.05 * free[i]!.bandwidthHz);
      expect(free[i]!.assignment).toBeNull();
    });
    // Without a plan the three are unlicensed: the alarms the shared band must not raise are real possibilities.
    expect(none.alarms.filter((a) => a.kind === 'unlicensed-emitter')).toHaveLength(3);
  });

  it('raises no alarm: no interference between the emitters, no out-of-mask, no over-power', () => {
    expect(shared.alarms).toEqual([]);
  });

  it('the same band as one user’s wide channel does not (the old behaviour: a merge and an interference alarm)', () => {
    const wide = single.detections.filter((d) => d.bandwidthHz > 200_000);
    const interference = single.alarms.filter((a) => a.kind === 'interference');
    expect(wide.length + interference.length).toBeGreaterThan(0);
  });
});
