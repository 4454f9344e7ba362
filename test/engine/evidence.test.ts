import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { openLiveInput } from '../../src/sources/open.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';

describe('evidence on alarms', () => {
  it('records IQ around a raised alarm and links it to the alarm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-evid-'));
    const source = await openLiveInput('virtual:tone', { sampleRateHz: 2.4e6, serial: '00000066', port: 66 });
    const store = await EmbeddedStore.create({ dir: join(dir, 'm') });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: { name: 'none', assignments: [] },
      store,
      sensors: [{ id: 'ev', source }],
      workers: false,
      evidence: { preS: 0.5, postS: 0.5 },
    });
    await monitor.start();
    for (let i = 0; i < 60 && !monitor.alarms().some((a) => a.evidenceId); i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1200));
    await monitor.stop();
    const a = monitor.alarms().find((x) => x.evidenceId);
    expect(a, JSON.stringify(monitor.alarms())).toBeDefined();
    // The test tones are steady lines: unlicensed emitters, and CW jammers once steady for 0.6 s.
    expect(['unlicensed-emitter', 'jamming']).toContain(a!.kind);
    const recs = await new Promise<ReturnType<Monitor['recordings']>>((resolve) =>
      setTimeout(() => resolve(monitor.recordings()), 50),
    );
    const rec = recs.find((r) => r.id === a!.evidenceId);
    expect(rec, JSON.stringify(recs)).toBeDefined();
    expect(rec!.reason).toBe('evidence');
    expect(existsSync(rec!.metaPath)).toBe(true);
  }, 30_000);

  it('records a sensor on demand (MonitorApi.startRecording/stopRecording)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-rec-'));
    const source = await openLiveInput('virtual:venue-quiet', { sampleRateHz: 2.4e6, serial: '00000067', port: 67 });
    const store = await EmbeddedStore.create({ dir: join(dir, 'm') });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: { name: 'none', assignments: [] },
      store,
      sensors: [{ id: 'r', source }],
      workers: false,
      evidence: false,
    });
    await monitor.start();
    const info = await monitor.startRecording('r', 'operator1');
    await expect(monitor.startRecording('r', 'operator1')).rejects.toMatchObject({ statusCode: 409 });
    await expect(monitor.startRecording('nope', 'x')).rejects.toMatchObject({ statusCode: 404 });
    expect(monitor.recordings().find((x) => x.id === info.id)!.endMs).toBeNull();
    await new Promise((r) => setTimeout(r, 700));
    const done = await monitor.stopRecording(info.id, 'operator1');
    await monitor.stop();
    expect(done.endMs).not.toBeNull();
    expect(done.bytes).toBeGreaterThan(2.4e6 * 2 * 0.3);
    expect(existsSync(done.metaPath)).toBe(true);
    await expect(monitor.stopRecording(info.id, 'x')).rejects.toMatchObject({ statusCode: 404 });
  }, 30_000);
});
