import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingCatalog } from '../../src/recording/catalog.ts';
import { EvidenceRecorder, IqRing } from '../../src/recording/evidence.ts';
import { openRecording } from '../../src/recording/sigmfReader.ts';
import { SigmfWriter } from '../../src/recording/sigmfWriter.ts';
import type { Alarm } from '../../src/types.ts';
import { rampBlock, rampIndex, tempDirs } from './helpers.ts';

const tmp = tempDirs();
afterEach(tmp.cleanup);
const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const RATE = 10_000;
const o = { rate: RATE, centerHz: 433_920_000, t0Ms: T0 };

function alarm(id: string, raisedMs: number): Alarm {
  return {
    id,
    sensorId: 's1',
    kind: 'unlicensed-emitter',
    severity: 'major',
    state: 'active',
    raisedMs,
    updatedMs: raisedMs,
    centerHz: 433_925_000,
    bandwidthHz: 12_500,
    levelDbfs: -35.2,
    assignmentId: null,
    detail: {},
    acks: [],
    escalated: false,
    occurrences: 1,
    className: 'nfm',
  };
}

describe('IqRing', () => {
  it('keeps the last N samples and maps time to sample index', () => {
    const ring = new IqRing(2500);
    for (let i = 0; i < 10; i++) ring.push(rampBlock(i * 1000, 1000, o));
    expect(ring.oldestSample()).toBe(7500);
    expect(ring.endSample()).toBe(10_000);
    expect(ring.sampleAtTime(T0 + 850)).toBe(8500);
    expect(ring.sampleAtTime(T0)).toBe(7500); // clamped to what is held
    const got: number[] = [];
    ring.read(7000, 9100, (b) => {
      for (let k = 0; k < b.bytes.length / 2; k++) got.push(rampIndex(b.bytes, k));
      expect(b.timeMs).toBeCloseTo(T0 + (b.sampleIndex / RATE) * 1000, 6);
    });
    expect(got).toEqual(Array.from({ length: 1600 }, (_, k) => 7500 + k));
  });
});

describe('EvidenceRecorder', () => {
  it('writes the pre-trigger seconds from the ring and the post-trigger seconds as they come, linked to the alarm', async () => {
    const dir = tmp.make();
    const ev = new EvidenceRecorder({
      dir,
      sensorId: 's1',
      sampleRateHz: RATE,
      preTriggerS: 1,
      postTriggerS: 0.5,
      isProtected: () => false,
    });
    for (let i = 0; i < 30; i++) ev.onBlock(rampBlock(i * 1000, 1000, o));
    const { id, done } = ev.trigger(alarm('A-7', T0 + 2800)); // trigger sample 28 000
    expect(ev.inProgress).toEqual([id]);
    for (let i = 30; i < 36; i++) ev.onBlock(rampBlock(i * 1000, 1000, o));
    const info = await done;
    expect(info).toMatchObject({
      id,
      sensorId: 's1',
      reason: 'evidence',
      alarmId: 'A-7',
      sampleRateHz: RATE,
      centerHz: 433_920_000,
    });
    expect(info.startMs).toBe(T0 + 1800);
    expect(info.endMs).toBe(T0 + 3300);
    const rec = await openRecording(info.metaPath);
    expect(rec.totalSamples).toBe(15_000);
    const data = readFileSync(rec.dataPath);
    for (const k of [0, 1, 9999, 10_000, 14_999]) expect(rampIndex(data, k)).toBe((18_000 + k) & 0xffff);
    expect(rec.meta.global['bandwatch:alarm_id']).toBe('A-7');
    const a = rec.meta.annotations[0]!;
    expect(a).toMatchObject({
      'core:sample_start': 10_000,
      'core:sample_count': 5000,
      'core:label': 'unlicensed-emitter',
      'core:freq_lower_edge': 433_918_750,
      'core:freq_upper_edge': 433_931_250,
      'bandwatch:alarm_id': 'A-7',
    });
    expect(a['core:comment']).toMatch(/alarm A-7.*-35\.2 dBFS.*nfm/);
  });

  it('deletes the oldest evidence first but never that of a protected alarm', async () => {
    const dir = tmp.make();
    const protectedIds = new Set(['A1']);
    let clock = T0;
    // Each evidence: 0.2 s before + 0.1 s after at 10 kS/s = 3000 samples = 6000 B + metadata.
    const ev = new EvidenceRecorder({
      dir,
      sensorId: 's1',
      sampleRateHz: RATE,
      preTriggerS: 0.2,
      postTriggerS: 0.1,
      maxBytes: 15_000,
      isProtected: (id) => protectedIds.has(id),
      now: () => clock,
    });
    let idx = 0;
    const feed = (blocks: number) => {
      for (let i = 0; i < blocks; i++, idx += 1000) ev.onBlock(rampBlock(idx, 1000, o));
    };
    const ids: string[] = [];
    for (const [n, aid] of [
      [1, 'A1'],
      [2, 'A2'],
      [3, 'A3'],
    ] as const) {
      feed(5);
      clock = T0 + n * 1000;
      const t = ev.trigger(alarm(aid, T0 + (idx / RATE) * 1000 - 50));
      feed(2);
      await t.done;
      ids.push(t.id);
    }
    const left = (await ev.catalog.list()).map((r) => r.alarmId).sort();
    expect(left).toEqual(['A1', 'A3']); // A2 was the oldest unprotected
    expect(ev.lastBudget).toMatchObject({ deleted: [ids[1]], overBudget: false });
    // Everything protected and over budget: nothing deleted, the excess is reported.
    protectedIds.add('A3');
    protectedIds.add('A4');
    feed(5);
    const t4 = ev.trigger(alarm('A4', T0 + (idx / RATE) * 1000 - 50));
    feed(2);
    await t4.done;
    expect((await ev.catalog.list()).length).toBe(3);
    expect(ev.lastBudget.overBudget).toBe(true);
    expect(ev.lastBudget.deleted).toEqual([]);
  });
});

describe('RecordingCatalog', () => {
  it('lists manual and evidence recordings, in-progress ones without an end, and reports broken files', async () => {
    const dir = tmp.make();
    const w = await SigmfWriter.create({ basePath: join(dir, 'manual-1'), sensorId: 's2', flushIntervalMs: 0 });
    w.write(rampBlock(0, 5000, { ...o, centerHz: 100e6 }));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'broken.sigmf-meta'), '{"global": {}}');
    const cat = new RecordingCatalog([dir, join(dir, 'missing-dir')]);
    let list = await cat.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: 'manual-1',
      sensorId: 's2',
      reason: 'manual',
      endMs: null,
      centerHz: 100e6,
      startMs: T0,
      sampleRateHz: RATE,
    });
    expect(list[0]!.bytes).toBeGreaterThan(10_000);
    expect([...cat.problems.values()][0]).toMatch(/captures/);
    await w.close();
    list = await cat.list();
    expect(list[0]!.endMs).toBe(T0 + 500);
    await cat.delete('manual-1');
    expect(await cat.list()).toEqual([]);
    await expect(cat.delete('nope')).rejects.toMatchObject({ code: 'BW_ERR_RECORDING_NOT_FOUND' });
  });
});

describe('Evidence (all sensors)', () => {
  it('records the evidence from the alarm’s own sensor and none for a sensor without samples', async () => {
    const dir = tmp.make();
    const ev = new (await import('../../src/recording/evidence.ts')).Evidence({
      dir,
      preTriggerS: 0.2,
      postTriggerS: 0.1,
      isProtected: () => true,
    });
    for (let i = 0; i < 5; i++) {
      ev.onBlock('s1', rampBlock(i * 1000, 1000, o));
      ev.onBlock('s2', rampBlock(50_000 + i * 1000, 1000, { ...o, centerHz: 446e6, t0Ms: T0 - 5000 }));
    }
    const a = { ...alarm('B-1', T0 + 400), sensorId: 's2' };
    const t = ev.trigger(a)!;
    for (let i = 5; i < 8; i++)
      ev.onBlock('s2', rampBlock(50_000 + i * 1000, 1000, { ...o, centerHz: 446e6, t0Ms: T0 - 5000 }));
    const info = await t.done;
    expect(info).toMatchObject({ sensorId: 's2', centerHz: 446e6, alarmId: 'B-1' });
    const rec = await openRecording(info.metaPath);
    expect(rec.totalSamples).toBe(3000);
    // s2's sample 50 000 is at T0, so the trigger (T0 + 400 ms) is sample 54 000 and the 0.2 s pre-trigger starts at 52 000.
    expect(rampIndex(readFileSync(rec.dataPath), 0)).toBe((50_000 + 2000 + 0) & 0xffff);
    expect(ev.trigger({ ...a, id: 'B-2', sensorId: 'storage' })).toBeNull();
    expect(ev.inProgress()).toEqual([]);
  });
});
