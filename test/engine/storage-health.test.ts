import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { HeuristicClassifier } from '../../src/tracking/classifier.ts';
import type { AlarmEvent, MeasurementStore, Point } from '../../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store whose health the test flips, like InfluxStore spooling through an outage (writes never throw). */
class FlippingStore implements MeasurementStore {
  readonly kind = 'influxdb' as const;
  ok = true;
  spooled = 0;
  written: Point[] = [];
  writePoints(points: Point[]): Promise<void> {
    if (this.ok) this.written.push(...points);
    else this.spooled += points.length;
    return Promise.resolve();
  }
  query(): Promise<Point[]> {
    return Promise.resolve([]);
  }
  health() {
    return this.ok
      ? { ok: true, spooledPoints: 0 }
      : { ok: false, spooledPoints: this.spooled, detail: `InfluxDB unreachable; ${this.spooled} point(s) spooled` };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('storage health polling', () => {
  it('raises one storage-down sensor-fault while health is not ok, keeps it updated, clears it when ok again', async () => {
    const store = new FlippingStore();
    const logs: string[] = [];
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: { name: 'none', assignments: [] },
      store,
      sensors: [],
      classifier: new HeuristicClassifier(),
      alarms: { clearAfterS: 0.4 },
      storageHealthPollMs: 100,
      spectrumHistory: false,
      log: (l) => logs.push(l),
    });
    const events: AlarmEvent[] = [];
    monitor.on('alarm', (e) => events.push(e));
    await monitor.start();
    await sleep(300);
    expect(events).toHaveLength(0);

    store.ok = false;
    store.spooled = 120;
    await sleep(1000);
    const raised = events.filter((e) => e.type === 'raised');
    expect(raised).toHaveLength(1);
    const a = raised[0]!.alarm;
    expect(a.kind).toBe('sensor-fault');
    expect(a.sensorId).toBe('storage');
    expect(a.detail.reason).toBe('storage down');
    expect(a.detail.spooledPoints).toBe(120);
    // Still active well past the clear hysteresis: the poll keeps reporting it.
    expect(monitor.alarms({ state: 'active' }).map((x) => x.id)).toEqual([a.id]);

    store.spooled = 5000;
    await sleep(2300);
    expect(events.filter((e) => e.type === 'raised')).toHaveLength(1);
    const upd = events.filter((e) => e.type === 'updated' && e.alarm.id === a.id);
    expect(upd.length).toBeGreaterThan(0);
    expect(upd.at(-1)!.alarm.detail.spooledPoints).toBe(5000);
    expect(monitor.alarms().find((x) => x.id === a.id)!.detail.spooledPoints).toBe(5000);

    store.ok = true;
    await sleep(1200);
    const cleared = events.filter((e) => e.type === 'cleared');
    expect(cleared.map((e) => e.alarm.id)).toEqual([a.id]);
    expect(monitor.alarms({ state: 'active' })).toHaveLength(0);
    expect(logs.some((l) => l.startsWith('storage down'))).toBe(true);
    await monitor.stop();
  }, 15_000);
});
