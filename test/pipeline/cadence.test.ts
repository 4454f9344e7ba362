/**
 * A spectrum spans ~27 ms at any sample rate: at 250 kS/s (rtl_433-style captures) a fixed 32 frames made it 262 ms,
 * and a lone 0.2 s packet never reached the tracker's 3 hits in 5 spectra.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRecording, type AnalyzeRecord, type DetectionRecord } from '../../src/pipeline/analyze.ts';
import { defaultAverages } from '../../src/pipeline/spectral.ts';
import { writeSigmf } from './synthetic.ts';

describe('spectrum cadence', () => {
  it('averages ~27 ms of IQ per spectrum whatever the rate (32 frames at 2.4 MS/s)', () => {
    expect(defaultAverages(2.4e6)).toBe(32);
    expect(defaultAverages(2.048e6)).toBe(27);
    expect(defaultAverages(1.92e6)).toBe(26);
    expect(defaultAverages(250e3)).toBe(4);
    expect(defaultAverages(3.2e6)).toBe(43);
    expect(defaultAverages(2.4e6, 4096)).toBe(16);
  });

  it('catches a lone 0.2 s packet at 250 kS/s, with its times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cadence-'));
    const meta = writeSigmf(join(dir, 'packet'), {
      sampleRateHz: 250e3,
      centerHz: 433.92e6,
      durationS: 0.6,
      seed: 8,
      // A 5 kHz noise-like packet (an FM tone would resolve into its Bessel lines at 122 Hz bins).
      emitters: [{ kind: 'noise', offsetHz: 30_000, snrDbPerBin: 20, widthHz: 5000, fromS: 0.2, toS: 0.4 }],
    });
    const out: AnalyzeRecord[] = [];
    const summary = await analyzeRecording(meta, {}, (r) => out.push(r));
    expect(summary.spectra).toBeGreaterThan(15);
    const d = out.filter((r): r is DetectionRecord => r.type === 'detection');
    expect(d.length).toBeGreaterThanOrEqual(1);
    const main = d.reduce((a, b) => (b.snrDb > a.snrDb ? b : a));
    expect(Math.abs(main.centerHz - (433.92e6 + 30_000))).toBeLessThan(250e3 / 2048);
    expect(Math.abs(main.t0 - 0.2)).toBeLessThan(0.04);
    expect(Math.abs(main.t1 - 0.4)).toBeLessThan(0.06);
    // Nothing outside the packet (a skirt bump of it may stand apart; see docs/real-captures.md on fragments).
    for (const x of d) {
      expect(Math.abs(x.centerHz - main.centerHz)).toBeLessThan(20_000);
      expect(x.t0).toBeGreaterThan(0.15);
    }
  });
});
