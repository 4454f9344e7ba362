import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROW_HEADER_BYTES, SpectrumHistory } from '../../src/history/history.ts';
import type { SpectrumLine } from '../../src/types.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-hist-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 26, 10, 50, 0);
const START = 430e6;
const BIN = 1000;
const BINS = 1024;

/** Noise at -100 dBFS with a -40 dBFS carrier in bin `sigBin` (or none). */
function line(timeMs: number, sigBin: number | null, sensorId = 's1', levelDb = -40): SpectrumLine {
  const psd = new Float32Array(BINS);
  for (let k = 0; k < BINS; k++) psd[k] = -100 + ((k * 7919) % 13) / 13; // deterministic ±0.5 dB ripple
  if (sigBin !== null) psd[sigBin] = levelDb;
  return { sensorId, timeMs, startHz: START, binHz: BIN, psdDbfs: psd };
}

describe('SpectrumHistory', () => {
  it('rebuilds a past window with the carrier at the right time and frequency, within the quantisation step', async () => {
    const h = new SpectrumHistory({ dir: tmp() });
    // 20 minutes (crossing the 11:00 hour boundary), 4 lines/s; the carrier moves 10 bins per minute.
    for (let i = 0; i < 20 * 60 * 4; i++) {
      const t = T0 + i * 250;
      h.append(line(t, 100 + 10 * Math.floor(i / 240)));
    }
    h.close();
    const w = await h.rebuild({
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 20 * 60_000 - 1,
      startHz: START,
      stopHz: START + BINS * BIN,
      width: 256,
      height: 20,
    });
    expect(w.level).toBe('overview'); // 1-minute slices: the 1-minute overview rows answer
    expect(w.rowIntervalMs).toBe(60_000);
    expect(w.rowsRead).toBe(20);
    // The same window from the full-resolution rows (no overview) gives the same picture within a quantisation step.
    const full = await new SpectrumHistory({ dir: dirs[0]!, overview: null }).rebuild({
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 20 * 60_000 - 1,
      startHz: START,
      stopHz: START + BINS * BIN,
      width: 256,
      height: 20,
    });
    expect(full.level).toBe('full');
    expect(full.rowsRead).toBe(20 * 60);
    let worst = 0;
    for (let i = 0; i < full.dbfs.length; i++) worst = Math.max(worst, Math.abs(full.dbfs[i]! - w.dbfs[i]!));
    expect(worst).toBeLessThanOrEqual(0.25);
    for (let r = 0; r < 20; r++) {
      let best = 0;
      for (let c = 1; c < 256; c++) if (w.dbfs[r * 256 + c]! > w.dbfs[r * 256 + best]!) best = c;
      expect(best).toBe(Math.floor((100 + 10 * r) / 4)); // 4 bins per column
      expect(w.dbfs[r * 256 + best]!).toBeCloseTo(-40, 0);
      expect(Math.abs(w.dbfs[r * 256 + best]! + 40)).toBeLessThanOrEqual(0.25);
      // Noise columns: max of 4 bins of -100..-99.5 dB.
      const noise = w.dbfs[r * 256 + ((best + 100) % 256)]!;
      expect(noise).toBeGreaterThan(-100.3);
      expect(noise).toBeLessThan(-98.9);
    }
    // Two hour files were written.
    const days = readdirSync(join(dirs[0]!, 's1', '2026-11-26'));
    expect(days.sort()).toEqual(
      ['10.10s', '10.60s', '10', '11.10s', '11.60s', '11'].flatMap((b) => [`${b}.wfi`, `${b}.wfr`]).sort(),
    );
    // 20-second slices: the 10-second level answers, with the same picture.
    const area = {
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 20 * 60_000 - 1,
      startHz: START,
      stopHz: START + BINS * BIN,
      width: 256,
      height: 60,
    };
    const mid = await h.rebuild(area);
    expect(mid).toMatchObject({ level: 'overview', rowIntervalMs: 10_000, rowsRead: 120 });
    const midFull = await new SpectrumHistory({ dir: dirs[0]!, overview: null }).rebuild(area);
    expect(midFull.rowsRead).toBe(1200);
    let worstMid = 0;
    for (let i = 0; i < midFull.dbfs.length; i++)
      worstMid = Math.max(worstMid, Math.abs(midFull.dbfs[i]! - mid.dbfs[i]!));
    expect(worstMid).toBeLessThanOrEqual(0.25);
  });

  it('keeps a short burst by max-hold in time and frequency, and zooms with the nearest bin', async () => {
    const h = new SpectrumHistory({ dir: tmp() });
    for (let i = 0; i < 3600; i++) h.append(line(T0 + i * 250, i === 1234 ? 700 : null));
    h.close();
    const w = await h.rebuild({
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 900_000,
      startHz: START,
      stopHz: START + BINS * BIN,
      width: 64,
      height: 10,
    });
    const row = Math.floor((1234 * 250) / 90_000); // the burst lasted one 250 ms line
    const col = Math.floor(700 / 16);
    expect(w.dbfs[row * 64 + col]!).toBeCloseTo(-40, 0);
    expect(w.dbfs[(row + 1) * 64 + col]!).toBeLessThan(-99);
    // Zoomed in to 10 bins over 40 columns: 4 columns per bin, the burst bin gives 4 columns.
    const z = await h.rebuild({
      sensorId: 's1',
      fromMs: T0 + 308_000,
      toMs: T0 + 308_999,
      startHz: START + 695.5 * BIN,
      stopHz: START + 705.5 * BIN,
      width: 40,
      height: 1,
    });
    const hot = [...z.dbfs].map((v, c) => (v > -50 ? c : -1)).filter((c) => c >= 0);
    expect(hot).toEqual([16, 17, 18, 19]);
    // Outside the stored data: NaN.
    const empty = await h.rebuild({
      sensorId: 's1',
      fromMs: T0 - 3_600_000,
      toMs: T0 - 1,
      startHz: START,
      stopHz: START + 1e6,
      width: 8,
      height: 2,
    });
    expect([...empty.dbfs].every(Number.isNaN)).toBe(true);
    expect(empty.rowsRead).toBe(0);
  });

  it('groups bins to maxBins with max-hold, stores 40 + bins bytes per row, and prunes old days', async () => {
    const dir = tmp();
    const h = new SpectrumHistory({ dir, maxBins: 256, overview: null });
    for (let i = 0; i < 100; i++) h.append(line(T0 + i * 1000, 513));
    h.close();
    const size = statSync(join(dir, 's1', '2026-11-26', '10.wfr')).size;
    expect(size).toBe(100 * (ROW_HEADER_BYTES + 256));
    const w = await h.rebuild({
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 100_000,
      startHz: START,
      stopHz: START + BINS * BIN,
      width: 256,
      height: 1,
    });
    expect(w.dbfs[128]!).toBeCloseTo(-40, 0); // bin 513 is in group 128 (bins 512..515)
    expect(await h.prune(2, T0 + 2 * 86_400_000)).toEqual(['s1/2026-11-26']);
    expect(readdirSync(join(dir, 's1'))).toEqual([]);
  });
});

describe('SpectrumHistory with several spans per sensor', () => {
  it('keeps one row per span and interval when a sweep alternates ranges', async () => {
    const dir = tmp();
    const h = new SpectrumHistory({ dir, overview: null });
    const spanA = { startHz: 430e6, binHz: 1000 };
    const spanB = { startHz: 440e6, binHz: 1000 };
    for (let i = 0; i < 40; i++) {
      const span = i % 2 ? spanB : spanA;
      const psd = new Float32Array(256).fill(-100);
      psd[i % 2 ? 200 : 50] = -30;
      h.append({ sensorId: 's1', timeMs: T0 + i * 250, ...span, psdDbfs: psd });
    }
    h.close();
    // 10 s, two spans: 20 rows (not one per line).
    expect(statSync(join(dir, 's1', '2026-11-26', '10.wfr')).size).toBe(20 * (ROW_HEADER_BYTES + 256));
    const w = await h.rebuild({
      sensorId: 's1',
      fromMs: T0,
      toMs: T0 + 9_999,
      startHz: 430e6,
      stopHz: 440.256e6,
      width: 10_256 / 4,
      height: 1,
    });
    expect(w.dbfs[Math.floor(50 / 4)]!).toBeCloseTo(-30, 0);
    expect(w.dbfs[Math.floor((10_000 + 200) / 4)]!).toBeCloseTo(-30, 0);
    expect(Number.isNaN(w.dbfs[Math.floor(5000 / 4)]!)).toBe(true); // between the spans: no data
  });
});
