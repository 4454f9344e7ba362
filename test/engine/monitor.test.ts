import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { PlanError } from '../../src/errors.ts';
import { SigmfSource } from '../../src/sources/sigmf-source.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import type { FrequencyPlan, MonitorEventMap } from '../../src/types.ts';
import { writeSigmf } from '../pipeline/synthetic.ts';

const FC = 446.2e6;
const PLAN: FrequencyPlan = {
  name: 't',
  assignments: [{ id: 'sec', centerHz: 446.00625e6, bandwidthHz: 12500, critical: true }],
};

async function runMonitor(workers: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-mon-'));
  const meta = writeSigmf(join(dir, 'rec'), {
    sampleRateHz: 2.4e6,
    centerHz: FC,
    durationS: 3,
    seed: 21,
    emitters: [
      { kind: 'fm', offsetHz: 446.00625e6 - FC, snrDbPerBin: 15, widthHz: 2500, fromS: 0.2, toS: 2.5 },
      { kind: 'fm', offsetHz: 400000, snrDbPerBin: 12, widthHz: 2500, fromS: 1, toS: 2.2 },
    ],
  });
  const store = await EmbeddedStore.create({ dir: join(dir, 'measurements') });
  // 3× real time: a live-like source (at 'max' the ring overflows and the monitor rightly raises an overload fault).
  const source = await SigmfSource.create('s1', meta, 3);
  const monitor = await Monitor.create({
    dataDir: dir,
    plan: PLAN,
    store,
    sensors: [{ id: 's1', source }],
    workers,
    storageIntervalS: 1,
  });
  const events: { [K in keyof MonitorEventMap]?: MonitorEventMap[K][] } = {
    emission: [],
    alarm: [],
    sensor: [],
    spectrum: [],
  };
  for (const k of ['emission', 'alarm', 'sensor', 'spectrum'] as const)
    monitor.on(k, (e) => (events[k] as unknown[]).push(e));
  const ended = new Promise<void>((resolve) => monitor.on('sensor', (s) => s.state === 'stopped' && resolve()));
  await monitor.start();
  await ended;
  // Let the worker finish the last spectra.
  await new Promise((r) => setTimeout(r, 300));
  await monitor.stop();
  return { dir, monitor, store, events };
}

describe('Monitor', () => {
  it('runs a sensor in a worker: emissions, alarms, storage, journal', async () => {
    const { dir, monitor, store, events } = await runMonitor(true);
    const ems = monitor.emissions();
    expect(ems.map((e) => e.assignmentId).sort()).toEqual([null, 'sec']);
    const alarms = monitor.alarms();
    expect(alarms.map((a) => a.kind)).toEqual(['unlicensed-emitter']);
    expect(Math.abs(alarms[0]!.centerHz! - (FC + 400000))).toBeLessThan(1200);
    expect(events.spectrum!.length).toBeGreaterThan(5);
    expect(events.emission!.filter((e) => e.phase === 'end')).toHaveLength(2);
    expect(existsSync(join(dir, 'alarms', 'journal.jsonl'))).toBe(true);
    const t0 = Date.parse('2026-05-01T09:00:00Z');
    const pts = await store.query({ measurement: 'emission', fromMs: t0 - 1000, toMs: t0 + 10_000 });
    expect(pts.length).toBeGreaterThanOrEqual(4);
    const ch = await store.query({
      measurement: 'channel',
      fromMs: t0 - 1000,
      toMs: t0 + 10_000,
      tags: { assignment: 'sec' },
    });
    expect(ch.length).toBeGreaterThan(0);
    expect(Number(ch[0]!.fields.occupancyPct)).toBeGreaterThan(50);
    const al = await store.query({ measurement: 'alarm', fromMs: t0 - 1000, toMs: t0 + 10_000 });
    expect(al.length).toBeGreaterThan(0);
    // Acknowledge and clear through the API.
    const acked = monitor.acknowledge(alarms[0]!.id, 'duty officer', 'investigating');
    expect(acked.acks[0]!.by).toBe('duty officer');
    expect(
      JSON.parse(
        readFileSync(join(dir, 'alarms', 'journal.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .pop()!,
      ).type,
    ).toMatch(/acknowledged|cleared/);
  });

  it('runs in-process too, and validates plans on setPlan with history', async () => {
    const { monitor } = await runMonitor(false);
    expect(monitor.alarms().map((a) => a.kind)).toEqual(['unlicensed-emitter']);
    await expect(
      monitor.setPlan({ name: 'bad', assignments: [{ id: '', centerHz: 1, bandwidthHz: -1 }] }, 'op'),
    ).rejects.toBeInstanceOf(PlanError);
    await monitor.setPlan(
      { name: 'v2', assignments: [...PLAN.assignments, { id: 'new', centerHz: FC + 400000, bandwidthHz: 12500 }] },
      'op',
    );
    expect(monitor.planHistory().map((h) => h.by)).toEqual(['startup', 'op']);
    expect(monitor.plan().name).toBe('v2');
  });
});
