import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlarmManager } from '../../src/alarms/manager.ts';
import type { AlarmCondition } from '../../src/alarms/condition.ts';
import type { AlarmEvent } from '../../src/types.ts';

function cond(t: number, over: Partial<AlarmCondition> = {}): AlarmCondition {
  return {
    sensorId: 's1',
    kind: 'unlicensed-emitter',
    severity: 'major',
    timeMs: t,
    centerHz: 447e6,
    bandwidthHz: 12000,
    levelDbfs: -40,
    assignmentId: null,
    detail: {},
    ...over,
  };
}

describe('AlarmManager lifecycle', () => {
  it('raises once, deduplicates, clears after the hysteresis', async () => {
    const m = await AlarmManager.create({ clearAfterMs: 3000 });
    const ev: AlarmEvent[] = [];
    m.on((e) => ev.push(e));
    for (let t = 0; t <= 2000; t += 100) m.report(cond(t, { centerHz: 447e6 + (t % 300), emissionId: 'e1' }));
    m.tick(4000); // 2 s silent: still active
    expect(m.active()).toHaveLength(1);
    m.report(cond(4100, { emissionId: 'e2' })); // same emitter keyed again after a gap: an occurrence
    m.tick(7200);
    expect(ev.map((e) => e.type)).toEqual(['raised', 'cleared']);
    const a = m.list()[0]!;
    expect(a.state).toBe('cleared');
    expect(a.occurrences).toBe(2);
    expect(a.clearedMs).toBe(4100);
  });

  it('keeps alarms at different frequencies apart and merges by assignment', async () => {
    const m = await AlarmManager.create();
    m.report(cond(0));
    m.report(cond(0, { centerHz: 448e6 }));
    m.report(cond(0, { kind: 'over-power', assignmentId: 'a1', centerHz: 446e6 }));
    m.report(cond(100, { kind: 'over-power', assignmentId: 'a1', centerHz: 446.001e6 }));
    expect(
      m
        .active()
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['over-power', 'unlicensed-emitter', 'unlicensed-emitter']);
  });

  it('acknowledges with operator and comment, escalates only unacknowledged alarms', async () => {
    const m = await AlarmManager.create({ escalateAfterMs: 60_000, clearAfterMs: 1e9 });
    const a = m.report(cond(0))!;
    const b = m.report(cond(0, { centerHz: 460e6 }))!;
    expect(() => m.acknowledge(a.id, ' ', 'x')).toThrow(/operator/);
    const acked = m.acknowledge(a.id, 'Nguyen Van A', 'checking with licensee', 1000);
    expect(acked.acks).toEqual([{ by: 'Nguyen Van A', atMs: 1000, comment: 'checking with licensee' }]);
    m.tick(61_000);
    expect(m.get(a.id)!.escalated).toBe(false);
    expect(m.get(b.id)!.escalated).toBe(true);
    expect(m.get(b.id)!.severity).toBe('critical');
    const cleared = m.clear(b.id, 'Tran B', 'false alarm, test transmitter', 62_000);
    expect(cleared.state).toBe('cleared');
    expect(cleared.detail.clearedBy).toBe('Tran B');
    expect(() => m.acknowledge('AL-999999', 'x', '')).toThrow(/no alarm/);
  });

  it('rate-limits new alarms per sensor', async () => {
    const m = await AlarmManager.create({ maxRaisesPerMinute: 5 });
    for (let i = 0; i < 20; i++) m.report(cond(i, { centerHz: 400e6 + i * 1e6 }));
    expect(m.active()).toHaveLength(5);
    expect(m.suppressed.get('s1')).toBe(15);
  });

  it('journals every event and restores state after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-alarms-'));
    const m1 = await AlarmManager.create({ dataDir: dir, clearAfterMs: 1e9 });
    const a = m1.report(cond(0))!;
    m1.acknowledge(a.id, 'op', 'seen', 10);
    m1.report(cond(20, { centerHz: 460e6 }));
    const journal = join(dir, 'alarms', 'journal.jsonl');
    appendFileSync(journal, '{"type":"raised","alarm":{"id"'); // torn write
    const m2 = await AlarmManager.create({ dataDir: dir, clearAfterMs: 1e9 });
    expect(m2.restoredBadLines).toHaveLength(1);
    expect(
      m2
        .list()
        .map((x) => x.id)
        .sort(),
    ).toEqual([a.id, 'AL-000002']);
    expect(m2.get(a.id)!.acks[0]!.by).toBe('op');
    const c = m2.report(cond(30, { centerHz: 470e6 }))!;
    expect(c.id).toBe('AL-000003');
    // The restored active alarm is still deduplicated against.
    expect(m2.report(cond(40))!.id).toBe(a.id);
    expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean).length).toBe(5);
  });
});

describe('webhooks', () => {
  it('delivers with retries and backoff after failures', async () => {
    let calls = 0;
    const bodies: unknown[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls++;
        if (calls <= 2) {
          res.statusCode = 503;
          res.end();
          return;
        }
        bodies.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const m = await AlarmManager.create({
        webhooks: [{ url: `http://127.0.0.1:${port}/hook`, backoffMs: 10, kinds: ['jamming'] }],
      });
      m.report(cond(0)); // not a subscribed kind
      m.report(cond(0, { kind: 'jamming', key: 'jam:barrage', detail: { jammerType: 'barrage' } }));
      await m.flushNotifications();
      expect(calls).toBe(3);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatchObject({
        event: 'raised',
        alarm: { kind: 'jamming', detail: { jammerType: 'barrage' } },
      });
      expect(m.webhookStats()).toMatchObject({ delivered: 1, retried: 2, failed: 0 });
      await m.close();
    } finally {
      srv.close();
    }
  });

  it('gives up after the retries and counts the failure', async () => {
    const m = await AlarmManager.create({ webhooks: [{ url: 'http://127.0.0.1:9/none', retries: 2, backoffMs: 5 }] });
    m.report(cond(0));
    await m.flushNotifications();
    expect(m.webhookStats()).toMatchObject({ delivered: 0, failed: 1, retried: 2 });
  });
});

describe('per-alarm clear hysteresis', () => {
  it('keeps a swept sensor’s alarm through a revisit gap that would clear a dwelling one', async () => {
    const m = await AlarmManager.create({
      clearAfterMs: 3000,
      clearAfterFor: (a) => (a.sensorId === 'sweeper' ? 10_000 : undefined),
    });
    m.report(cond(0, { sensorId: 'sweeper' }));
    m.report(cond(0, { sensorId: 'dweller' }));
    m.tick(5000);
    expect(m.active().map((a) => a.sensorId)).toEqual(['sweeper']);
    m.tick(10_500);
    expect(m.active()).toEqual([]);
  });
});
