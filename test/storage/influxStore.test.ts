/** Integration: a real influxd (Debian 1.6) started by the test, including an outage (stop + restart). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore, dayFileName } from '../../src/storage/embeddedStore.ts';
import { InfluxStore } from '../../src/storage/influxStore.ts';
import { openStore } from '../../src/storage/openStore.ts';
import { alarmPoint, channelPoint, noiseFloorPoint, sensorHealthPoint } from '../../src/storage/schema.ts';
import { computePeriodicFigures, resolvePeriod } from '../../src/reports/periodic.ts';
import type { Alarm, Point } from '../../src/types.ts';
import { startInfluxd, type InfluxdHandle } from '../helpers/influxd.ts';

let influxd: InfluxdHandle;
let tmp: string;
beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = mkdtempSync(join(tmpdir(), 'bw-influx-store-'));
});
afterAll(async () => {
  await influxd?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);

function seq(n: number, from: number, sensor = 's1'): Point[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'sensor_health',
    tags: { sensor, state: 'running', kind: 'virtual', mode: 'dwell' },
    fields: { samples: (from + i) * 1000, lost: 0, seq: from + i },
    timeMs: T0 + (from + i) * 10,
  }));
}

async function seqInDb(db: string): Promise<number[]> {
  const r = (await influxd.query(db, 'SELECT seq FROM sensor_health ORDER BY time ASC')) as {
    results: { series?: { values: [number, number][] }[] }[];
  };
  return (r.results[0]!.series?.[0]?.values ?? []).map((v) => v[1]);
}

describe('InfluxStore against a real influxd', () => {
  it('writes and queries points with tags, ms timestamps, ints, strings with escapes, limit', async () => {
    const store = await openStore({ influx: { url: influxd.url, database: 'bw1' }, dataDir: join(tmp, 'a') });
    expect(store.kind).toBe('influxdb');
    const alarm: Alarm = {
      id: 'A 1,x',
      sensorId: 'site, 1 C:\\dir=x',
      kind: 'unlicensed-emitter',
      severity: 'major',
      state: 'active',
      raisedMs: T0,
      updatedMs: T0 + 5,
      centerHz: 433_920_000,
      bandwidthHz: 12_500,
      levelDbfs: -42.5,
      assignmentId: null,
      detail: { note: 'say "hi"' },
      acks: [],
      escalated: false,
      occurrences: 1,
    };
    await store.writePoints([alarmPoint(alarm)]);
    await store.writePoints(seq(50, 0));
    const got = await store.query({
      measurement: 'alarm',
      fromMs: T0,
      toMs: T0 + 1000,
      tags: { sensor: 'site, 1 C:\\dir=x' },
    });
    expect(got).toHaveLength(1);
    expect(got[0]!.timeMs).toBe(T0 + 5);
    expect(got[0]!.tags).toEqual({
      sensor: 'site, 1 C:\\dir=x',
      kind: 'unlicensed-emitter',
      severity: 'major',
      state: 'active',
    });
    expect(got[0]!.fields).toMatchObject({
      id: 'A 1,x',
      centerHz: 433_920_000,
      levelDbfs: -42.5,
      occurrences: 1,
      acked: false,
    });
    const lim = await store.query({ measurement: 'sensor_health', fromMs: T0, toMs: T0 + 10_000, limit: 3 });
    expect(lim.map((p) => p.fields.seq)).toEqual([47, 48, 49]);
    const none = await store.query({
      measurement: 'sensor_health',
      fromMs: T0,
      toMs: T0 + 10_000,
      tags: { sensor: 'zz' },
    });
    expect(none).toEqual([]);
    expect(store.health()).toEqual({ ok: true, spooledPoints: 0, detail: undefined });
    await store.close();
  });

  it('spools during an outage and delivers everything in order, once, after InfluxDB returns', async () => {
    const store = await InfluxStore.create({
      url: influxd.url,
      database: 'bw2',
      spoolDir: join(tmp, 'spool'),
      retryMs: 100,
      requestTimeoutMs: 1000,
    });
    await store.writePoints(seq(100, 0));
    await influxd.stop();
    // Written while down: 10 batches of 50, in separate calls as the engine would.
    for (let b = 0; b < 10; b++) await store.writePoints(seq(50, 100 + b * 50));
    const h = store.health();
    expect(h.ok).toBe(false);
    expect(h.spooledPoints).toBe(500);
    expect(h.detail).toMatch(/unreachable/);
    await influxd.start();
    // More points arrive after the return, while the spool may still be delivering: they must come after it.
    await store.writePoints(seq(100, 600));
    const deadline = Date.now() + 15_000;
    while (!store.health().ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(store.health()).toMatchObject({ ok: true, spooledPoints: 0 });
    expect(store.droppedPoints).toBe(0);
    const got = await seqInDb('bw2');
    expect(got).toEqual(Array.from({ length: 700 }, (_, i) => i));
    await store.close();
  });

  it('delivers a large outage (several spool segments) in order', async () => {
    const store = await InfluxStore.create({
      url: influxd.url,
      database: 'bw7',
      spoolDir: join(tmp, 'spool7'),
      retryMs: 50,
    });
    await store.writePoints(seq(1, 0));
    await influxd.stop();
    for (let b = 0; b < 12; b++) await store.writePoints(seq(5000, 1 + b * 5000));
    expect(store.health().spooledPoints).toBe(60_000);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(tmp, 'spool7')).filter((f) => f.endsWith('.spool')).length).toBeGreaterThan(1);
    await influxd.start();
    const deadline = Date.now() + 20_000;
    while (!store.health().ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(store.health()).toMatchObject({ ok: true, spooledPoints: 0 });
    expect(store.droppedPoints).toBe(0);
    const got = await seqInDb('bw7');
    expect(got.length).toBe(60_001);
    expect(got.every((v, i) => v === i)).toBe(true);
    await store.close();
  });

  it('keeps the spool across a restart of the app while InfluxDB is down', async () => {
    const dir = join(tmp, 'spool3');
    const s1 = await InfluxStore.create({ url: influxd.url, database: 'bw3', spoolDir: dir, retryMs: 100 });
    await influxd.stop();
    await s1.writePoints(seq(30, 0, 's9'));
    await s1.close();
    await influxd.start();
    const s2 = await InfluxStore.create({ url: influxd.url, database: 'bw3', spoolDir: dir, retryMs: 100 });
    await s2.flush();
    expect(s2.health().spooledPoints).toBe(0);
    expect(await seqInDb('bw3')).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await s2.close();
  });

  it('recreates a dropped database and delivers what was spooled meanwhile', async () => {
    const store = await InfluxStore.create({
      url: influxd.url,
      database: 'bw5',
      spoolDir: join(tmp, 'spool5'),
      retryMs: 50,
    });
    await store.writePoints(seq(10, 0));
    await influxd.query('bw5', 'DROP DATABASE bw5');
    await store.writePoints(seq(10, 10));
    const deadline = Date.now() + 10_000;
    while (!store.health().ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await seqInDb('bw5')).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    await store.close();
  });

  it('gives the same periodic report figures as the embedded store for the same points', async () => {
    const points: Point[] = [];
    for (let i = 0; i < 30; i++) {
      const timeMs = T0 + i * 60_000;
      for (const a of ['ch1', 'ch 2']) {
        points.push(
          channelPoint({
            sensorId: 's1',
            assignmentId: a,
            timeMs,
            channelPowerDbfs: -70 + (i % 7),
            occupancyPct: (i * 13) % 100,
            thresholdMethod: 'noise+6dB',
            thresholdDbfs: -94,
            integrationS: 60,
            rbwHz: 1171.875,
            revisits: 60,
            occupiedRevisits: (i * 13) % 60,
          }),
        );
      }
      points.push(
        noiseFloorPoint({
          sensorId: 's1',
          band: '433.920MHz',
          timeMs,
          startHz: 432.72e6,
          stopHz: 435.12e6,
          floorDbfs: -101 + (i % 3),
          rbwHz: 1171.875,
          method: 'median',
        }),
      );
      points.push(
        sensorHealthPoint(
          {
            id: 's1',
            name: 's1',
            kind: 'virtual',
            mode: 'dwell',
            state: i === 10 ? 'stalled' : 'running',
            centerHz: 433.92e6,
            sampleRateHz: 2.4e6,
            samplesReceived: i * 144e6,
            samplesLost: i * 100,
            lastDataMs: timeMs,
            description: '',
          },
          timeMs,
        ),
      );
    }
    const influx = await InfluxStore.create({ url: influxd.url, database: 'bw6', spoolDir: join(tmp, 's6') });
    const emb = await EmbeddedStore.create({ dir: join(tmp, 'emb6'), now: () => T0 });
    await influx.writePoints(points);
    await emb.writePoints(points);
    const period = resolvePeriod({ kind: 'custom', fromMs: T0, toMs: T0 + 3_600_000 });
    const a = await computePeriodicFigures({ store: influx, alarms: [], period });
    const b = await computePeriodicFigures({ store: emb, alarms: [], period });
    expect(a.occupancy).toHaveLength(2);
    expect(a.uptime[0]).toMatchObject({ healthPoints: 30, samples: 29 * 144e6, lost: 2900 });
    expect(a).toEqual(b);
    await influx.close();
    await emb.close();
  });

  it('an embedded day file imports into InfluxDB as-is (curl /write?precision=ms)', async () => {
    const dir = join(tmp, 'emb');
    const emb = await EmbeddedStore.create({ dir, now: () => T0 });
    const health = sensorHealthPoint(
      {
        id: 's 1 \\x',
        name: 'n',
        kind: 'usb',
        mode: 'sweep',
        state: 'running',
        centerHz: 1e8,
        sampleRateHz: 2.4e6,
        samplesReceived: 12345,
        samplesLost: 7,
        lastDataMs: T0,
        description: '',
      },
      T0 + 1,
    );
    await emb.writePoints([health, ...seq(20, 0)]);
    await emb.close();
    await influxd.query('bw4', 'CREATE DATABASE bw4');
    const body = readFileSync(join(dir, dayFileName(T0)));
    const r = await fetch(`${influxd.url}/write?db=bw4&precision=ms`, { method: 'POST', body });
    expect(r.status).toBe(204);
    const store = await InfluxStore.create({ url: influxd.url, database: 'bw4', spoolDir: join(tmp, 's4') });
    const back = await store.query({
      measurement: 'sensor_health',
      fromMs: T0,
      toMs: T0 + 1,
      tags: { sensor: 's 1 \\x' },
    });
    expect(back).toEqual([{ ...health, tags: { ...health.tags } }]);
    // The same file through the influx CLI: `influx -import` wants a DML header naming the database.
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const withHeader = join(tmp, 'import.txt');
    writeFileSync(withHeader, Buffer.concat([Buffer.from('# DML\n# CONTEXT-DATABASE: bw8\n'), body]));
    await influxd.query('bw8', 'CREATE DATABASE bw8');
    execFileSync(
      '/usr/bin/influx',
      ['-host', '127.0.0.1', '-port', String(influxd.port), '-import', '-path', withHeader, '-precision', 'ms'],
      { stdio: 'pipe' },
    );
    const viaCli = (await influxd.query('bw8', 'SELECT count(seq) FROM sensor_health')) as {
      results: { series: { values: [number, number][] }[] }[];
    };
    expect(viaCli.results[0]!.series[0]!.values[0]![1]).toBe(20);
    await store.close();
  });
});
