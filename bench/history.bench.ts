/**
 * Spectrum history: rebuild time of a 24-hour waterfall window (rows generated outside the timed part) and the
 * bytes stored per hour per sensor, against the cu8 IQ the same hour would take.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpectrumHistory } from '../src/history/history.ts';
import type { SpectrumLine } from '../src/types.ts';

export const name = 'history';

export async function run(): Promise<{ table: string; results: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-hist-bench-'));
  try {
    const bins = 4096;
    const rowIntervalMs = 1000;
    const sampleRateHz = 2_400_000;
    const startHz = 430e6;
    const binHz = sampleRateHz / bins;
    const t0 = Date.UTC(2026, 10, 25, 0, 0, 0);
    const hours = 24;
    const h = new SpectrumHistory({ dir, rowIntervalMs, maxBins: bins });
    const psd = new Float32Array(bins);
    const line: SpectrumLine = { sensorId: 'bench', timeMs: 0, startHz, binHz, psdDbfs: psd };
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const genStart = performance.now();
    const rows = hours * 3600;
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < bins; k++) psd[k] = -100 + 3 * rnd();
      psd[(i * 7) % bins] = -40; // a drifting carrier
      line.timeMs = t0 + i * rowIntervalMs;
      h.append(line);
    }
    h.close();
    const genMs = performance.now() - genStart;
    const bytesPerHour = h.bytesWritten / hours;
    const iqBytesPerHour = sampleRateHz * 2 * 3600;

    // The same files read without the overview level: the full-resolution path.
    const fullOnly = new SpectrumHistory({ dir, rowIntervalMs, maxBins: bins, overview: null });
    const day = hours * 3_600_000;
    const cases = [
      { reader: h, windowMs: day, width: 1024, height: 720, startHz, stopHz: startHz + sampleRateHz },
      { reader: h, windowMs: day, width: 1920, height: 1080, startHz, stopHz: startHz + sampleRateHz },
      { reader: h, windowMs: 6 * 3_600_000, width: 1024, height: 720, startHz, stopHz: startHz + sampleRateHz },
      { reader: fullOnly, windowMs: day, width: 1024, height: 720, startHz, stopHz: startHz + sampleRateHz },
      { reader: h, windowMs: day, width: 512, height: 512, startHz: startHz + 1e6, stopHz: startHz + 1.2e6 },
    ];
    const results: Record<string, unknown>[] = [];
    for (const c of cases) {
      // Warm-up (page cache, JIT), then the median of 3.
      const { reader, windowMs, ...area } = c;
      const span = { sensorId: 'bench', fromMs: t0, toMs: t0 + windowMs - 1, ...area };
      await reader.rebuild(span);
      const times: number[] = [];
      let rowsRead = 0;
      let level = '';
      let rowMs = 0;
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        const w = await reader.rebuild(span);
        times.push(performance.now() - t);
        rowsRead = w.rowsRead;
        level = w.level;
        rowMs = w.rowIntervalMs;
      }
      times.sort((a, b) => a - b);
      const ms = times[1]!;
      results.push({
        window: `${windowMs / 3_600_000} h`,
        level: `${level} (${rowMs / 1000} s rows)`,
        width: c.width,
        height: c.height,
        spanHz: c.stopHz - c.startHz,
        rowsRead,
        rebuildMs: Math.round(ms),
        rowsPerS: Math.round(rowsRead / (ms / 1000)),
      });
    }
    const table = [
      `rows stored: ${rows} (1 row/s × ${bins} bins, ${hours} h), generation+write ${(genMs / 1000).toFixed(1)} s (not timed below)`,
      `bytes per hour per sensor (1 s rows + 10 s and 1 min overview rows, with indexes): ${(bytesPerHour / 1e6).toFixed(2)} MB; cu8 IQ at 2.4 MS/s: ${(iqBytesPerHour / 1e9).toFixed(2)} GB/h; ratio ${((bytesPerHour / iqBytesPerHour) * 100).toFixed(3)} %`,
      '| window | level | width×height | span | rows read | rebuild ms | rows/s |',
      '|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${String(r.window)} | ${String(r.level)} | ${String(r.width)}×${String(r.height)} | ${(Number(r.spanHz) / 1e6).toFixed(1)} MHz | ${String(r.rowsRead)} | ${String(r.rebuildMs)} | ${String(r.rowsPerS)} |`,
      ),
    ].join('\n');
    return {
      table,
      results: {
        rows,
        bins,
        rowIntervalMs,
        bytesPerHour,
        iqBytesPerHour,
        ratio: bytesPerHour / iqBytesPerHour,
        rebuild: results,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
