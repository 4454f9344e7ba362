import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { openLiveInput } from '../../src/sources/open.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import { spectrumHistoryAdapter } from '../../src/server/history.ts';
import { loadPlanFile } from '../../src/plan/index.ts';
import { VENUE_PLAN_PATH } from '../../src/engine/setup.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-hist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spectrum history in the monitor', () => {
  it('keeps the lines of a running virtual sensor: history rebuild has rows for that window', async () => {
    const store = await EmbeddedStore.create({ dir: join(dir, 'measurements') });
    const source = await openLiveInput('virtual:venue', { id: 'v1', cluster: 'pmr', serial: '00000042', port: 42 });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: await loadPlanFile(VENUE_PLAN_PATH),
      store,
      sensors: [{ id: 'v1', source }],
      workers: false,
      evidence: false,
    });
    let lines = 0;
    let fromMs = Infinity;
    monitor.on('spectrum', (l) => {
      lines++;
      fromMs = Math.min(fromMs, l.timeMs);
    });
    await monitor.start();
    await new Promise((r) => setTimeout(r, 2500));
    await monitor.stop();
    await store.close();
    expect(lines).toBeGreaterThan(0);
    const h = monitor.spectrumHistory!;
    const toMs = monitor.nowMs();
    const centerHz = source.getCenterHz();
    const wf = await h.rebuild({
      sensorId: 'v1',
      fromMs,
      toMs,
      startHz: centerHz - 1e6,
      stopHz: centerHz + 1e6,
      width: 200,
      height: 10,
    });
    expect(wf.rowsRead).toBeGreaterThan(0);
    const finite = wf.dbfs.filter((v) => Number.isFinite(v));
    expect(finite.length).toBeGreaterThan(wf.width);
    // Levels are dBFS per bin: below full scale and above the quantisation floor.
    expect(Math.max(...finite)).toBeLessThan(0);
    expect(Math.min(...finite)).toBeGreaterThan(-150);
    // The console reads the same rows through the server adapter.
    const rows = await spectrumHistoryAdapter(h).render({
      sensorId: 'v1',
      fromMs,
      toMs,
      startHz: centerHz - 1e6,
      stopHz: centerHz + 1e6,
      widthPx: 100,
      rows: 5,
    });
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows[0]!.dbfs.some((v) => Number.isFinite(v))).toBe(true);
    // Another sensor has nothing.
    const other = await h.rebuild({
      sensorId: 'nobody',
      fromMs,
      toMs,
      startHz: centerHz - 1e6,
      stopHz: centerHz + 1e6,
      width: 10,
      height: 2,
    });
    expect(other.rowsRead).toBe(0);
  }, 20_000);
});
