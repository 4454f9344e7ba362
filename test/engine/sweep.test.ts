import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { openLiveInput } from '../../src/sources/open.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import type { SpectrumLine } from '../../src/types.ts';

describe('sweeping sensor', () => {
  it('hops a virtual dongle across a range wider than a capture, stitches lines and reports revisit time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-sweep-'));
    const ranges = [{ startHz: 444.5e6, stopHz: 448.5e6 }];
    const source = await openLiveInput('virtual:venue-quiet', {
      centerHz: 445.5e6,
      sampleRateHz: 2.4e6,
      serial: '00000055',
      port: 55,
    });
    const store = await EmbeddedStore.create({ dir: join(dir, 'm') });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan: { name: 'none', assignments: [] },
      store,
      sensors: [{ id: 'sw', source, ranges }],
      workers: false,
    });
    const lines: SpectrumLine[] = [];
    const centres = new Set<number>();
    monitor.on('spectrum', (l) => lines.push(l));
    monitor.on('sensor', (s) => centres.add(s.centerHz));
    await monitor.start();
    await new Promise((r) => setTimeout(r, 2500));
    const status = monitor.sensors()[0]!;
    await monitor.stop();
    expect(status.mode).toBe('sweep');
    expect(status.ranges![0]!.revisitMs).toBeGreaterThan(500);
    // Stitched lines span the whole range, not one capture.
    const full = lines.filter((l) => l.startHz < 444.6e6 && l.startHz + l.binHz * l.psdDbfs.length > 448.4e6);
    expect(full.length).toBeGreaterThan(0);
    expect(status.samplesReceived).toBeGreaterThan(2e6);
  }, 30_000);
});
