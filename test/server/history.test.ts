import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpectrumHistory } from '../../src/history/index.ts';
import { spectrumHistoryAdapter } from '../../src/server/history.ts';
import { login, startTestConsole, type Login, type TestConsole } from '../helpers/console-server.ts';

describe('history API over the long-term SpectrumHistory store', () => {
  let tc: TestConsole;
  let viewer: Login;
  let dir: string;
  let store: SpectrumHistory;
  const t0 = Date.UTC(2026, 10, 26, 10, 0, 0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-hist-'));
    store = new SpectrumHistory({ dir });
    tc = await startTestConsole({ history: spectrumHistoryAdapter(store) });
    viewer = await login(tc.server, 'viewer');
    // 60 s of lines at 4/s, an unlicensed carrier appears at t0 + 30 s.
    tc.monitor.on('spectrum', (l) => store.append(l));
    for (let i = 0; i < 240; i++) {
      if (i === 120) tc.monitor.switchOnUnlicensed('venue-a', 469.85e6, -45);
      tc.monitor.emitLine('venue-a', t0 + i * 250);
    }
    store.flush();
  });
  afterAll(async () => {
    store.close();
    await tc.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds the window from disk, newest first, with the carrier only after it was switched on', async () => {
    const res = await tc.server.app.inject({
      method: 'GET',
      url: `/api/history/waterfall?sensorId=venue-a&fromMs=${t0}&toMs=${t0 + 60_000}&startHz=469800000&stopHz=469900000&widthPx=100&rows=6`,
      headers: viewer.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { source: string; rows: { timeMs: number; b64: string }[] };
    expect(body.source).toBe('store');
    expect(body.rows).toHaveLength(6);
    expect(body.rows[0]!.timeMs).toBeGreaterThan(body.rows[5]!.timeMs);
    const peak = (b64: string) => Math.max(...Buffer.from(b64, 'base64'));
    // Quantised over −130…−10 dBFS: the −45 dBFS carrier ≈ 181, the −110 dBFS floor ≈ 50.
    expect(peak(body.rows[0]!.b64)).toBeGreaterThan(160);
    expect(peak(body.rows[5]!.b64)).toBeLessThan(90);
  });

  it('answers 503 when the server has no history at all', async () => {
    const none = await startTestConsole({ history: null });
    try {
      const v = await login(none.server, 'viewer');
      const res = await none.server.app.inject({
        method: 'GET',
        url: `/api/history/waterfall?sensorId=venue-a&fromMs=${t0}&toMs=${t0 + 60_000}`,
        headers: v.headers,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('BW_ERR_HISTORY_UNAVAILABLE');
    } finally {
      await none.dispose();
    }
  });
});
