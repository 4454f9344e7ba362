import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import { openStore } from '../../src/storage/openStore.ts';
import type { Point } from '../../src/types.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-emb-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

function points(n: number, stepMs: number, startMs = T0): Point[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'channel',
    tags: { sensor: i % 2 ? 's2' : 's1', assignment: `ch${i % 3}`, method: 'noise+6dB' },
    fields: {
      occupancyPct: i % 100,
      channelPowerDbfs: -60 + (i % 10),
      revisits: 10,
      occupiedRevisits: i % 10,
      integrationS: 60,
      rbwHz: 1000,
      thresholdDbfs: -90,
    },
    timeMs: startMs + i * stepMs,
  }));
}

describe('EmbeddedStore', () => {
  it('answers range, tag and limit queries, newest N in ascending order', async () => {
    const s = await EmbeddedStore.create({ dir: tmp(), now: () => T0 });
    const ps = points(600, 1000);
    await s.writePoints(ps);
    const all = await s.query({ measurement: 'channel', fromMs: T0, toMs: T0 + 1e9 });
    expect(all.length).toBe(600);
    const r = await s.query({
      measurement: 'channel',
      fromMs: T0 + 10_000,
      toMs: T0 + 99_000,
      tags: { sensor: 's1', assignment: 'ch0' },
    });
    const want = ps.filter(
      (p) =>
        p.timeMs >= T0 + 10_000 && p.timeMs <= T0 + 99_000 && p.tags.sensor === 's1' && p.tags.assignment === 'ch0',
    );
    expect(r.map((p) => p.timeMs)).toEqual(want.map((p) => p.timeMs));
    const lim = await s.query({ measurement: 'channel', fromMs: T0, toMs: T0 + 1e9, limit: 5 });
    expect(lim.map((p) => p.timeMs)).toEqual(ps.slice(-5).map((p) => p.timeMs));
    expect(await s.query({ measurement: 'nothing', fromMs: 0, toMs: 1e15 })).toEqual([]);
    await s.close();
  });

  it('rotates files daily and answers old ranges from the files after a restart', async () => {
    const dir = tmp();
    const s = await EmbeddedStore.create({ dir, now: () => T0 + 3 * DAY });
    const ps = points(4 * 24, 3_600_000); // one point per hour over 4 days
    await s.writePoints(ps);
    await s.close();
    expect(readdirSync(dir).sort()).toEqual(['2026-11-20.lp', '2026-11-21.lp', '2026-11-22.lp', '2026-11-23.lp']);
    // Each line is valid line protocol with a ms timestamp.
    const first = readFileSync(join(dir, '2026-11-20.lp'), 'utf8').split('\n')[0]!;
    expect(first).toMatch(/^channel,assignment=ch0,method=noise\+6dB,sensor=s1 occupancyPct=0,.*revisits=10i.* (\d+)$/);
    expect(Number(first.split(' ').pop())).toBe(T0);

    const again = await EmbeddedStore.create({ dir, now: () => T0 + 3 * DAY + 1000 });
    const r = await again.query({
      measurement: 'channel',
      fromMs: T0 + 12 * 3_600_000,
      toMs: T0 + 3 * DAY + 5 * 3_600_000,
      tags: { sensor: 's2' },
    });
    const want = ps.filter(
      (p) => p.timeMs >= T0 + 12 * 3_600_000 && p.timeMs <= T0 + 3 * DAY + 5 * 3_600_000 && p.tags.sensor === 's2',
    );
    expect(r.map((p) => p.timeMs)).toEqual(want.map((p) => p.timeMs));
    expect(r[0]!.fields).toEqual(want[0]!.fields);
    // Retention: keep the current day and 1 before it.
    expect(await again.prune(1, T0 + 3 * DAY + 1000)).toEqual(['2026-11-20.lp', '2026-11-21.lp']);
    expect(readdirSync(dir).sort()).toEqual(['2026-11-22.lp', '2026-11-23.lp']);
    expect((await again.query({ measurement: 'channel', fromMs: 0, toMs: 1e15 })).length).toBe(48);
    await again.close();
  });

  it('gives the same answers after memory eviction (file scan + memory)', async () => {
    const dir = tmp();
    const s = await EmbeddedStore.create({ dir, now: () => T0, maxMemoryPoints: 100 });
    const ps = points(1000, 500);
    for (let i = 0; i < ps.length; i += 50) await s.writePoints(ps.slice(i, i + 50));
    const r = await s.query({
      measurement: 'channel',
      fromMs: T0 + 1000,
      toMs: T0 + 400_000,
      tags: { assignment: 'ch1' },
    });
    const want = ps.filter((p) => p.timeMs >= T0 + 1000 && p.timeMs <= T0 + 400_000 && p.tags.assignment === 'ch1');
    expect(r.map((p) => p.timeMs)).toEqual(want.map((p) => p.timeMs));
    await s.close();
  });

  it('answers a file-scan query larger than the argument limit of a call (130 000 points in a day)', async () => {
    const dir = tmp();
    // Written directly as line protocol (what the store itself writes), to keep the test fast.
    const lines = Array.from({ length: 130_000 }, (_, i) => `channel,sensor=s1 v=${i} ${T0 + i * 100}`);
    writeFileSync(join(dir, '2026-11-20.lp'), lines.join('\n') + '\n');
    const s = await EmbeddedStore.create({ dir, now: () => T0 + 5 * DAY });
    const r = await s.query({ measurement: 'channel', fromMs: T0, toMs: T0 + DAY });
    expect(r.length).toBe(130_000);
    expect(r[129_999]).toEqual({
      measurement: 'channel',
      tags: { sensor: 's1' },
      fields: { v: 129_999 },
      timeMs: T0 + 129_999 * 100,
    });
    await s.close();
  });

  it('rejects a batch with a bad point before writing anything, and bad queries', async () => {
    const dir = tmp();
    const s = await openStore({ dataDir: dir });
    expect(s.kind).toBe('embedded');
    await expect(
      s.writePoints([...points(3, 1), { measurement: 'channel', tags: {}, fields: { x: Infinity }, timeMs: T0 }]),
    ).rejects.toMatchObject({ code: 'BW_ERR_STORAGE_POINT' });
    expect(await s.query({ measurement: 'channel', fromMs: 0, toMs: 1e15 })).toEqual([]);
    await expect(s.query({ measurement: 'channel', fromMs: 10, toMs: 5 })).rejects.toMatchObject({
      code: 'BW_ERR_STORAGE_QUERY',
    });
    expect(s.health()).toMatchObject({ ok: true, spooledPoints: 0 });
    await s.close();
  });
});
