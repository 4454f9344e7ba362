import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRecording, SigmfPlayer } from '../../src/recording/sigmfReader.ts';
import { SigmfWriter } from '../../src/recording/sigmfWriter.ts';
import type { IqBlock } from '../../src/types.ts';
import { rampBlock, tempDirs } from './helpers.ts';

const tmp = tempDirs();
afterEach(tmp.cleanup);
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const RATE = 250_000;

describe('SigMF writer → reader round trip', () => {
  it('keeps bytes, captures (retune, loss), times, gain/ppm and sorted annotations', async () => {
    const dir = tmp.make();
    const w = await SigmfWriter.create({
      basePath: join(dir, 'rec1'),
      sensorId: 's1',
      hw: 'RTL2832U + R820T2',
      gainDb: 29.7,
      ppm: 1.5,
    });
    const o1 = { rate: RATE, centerHz: 433_920_000, t0Ms: T0 };
    const blocks: IqBlock[] = [rampBlock(0, 1000, o1), rampBlock(1000, 1000, o1)];
    blocks.push(rampBlock(2000, 500, { ...o1, centerHz: 446_000_000 })); // retune
    blocks.push(rampBlock(3000, 700, { ...o1, centerHz: 446_000_000 })); // 500 samples lost before it
    for (const b of blocks) w.write(b);
    w.annotate({
      sampleStart: 2600,
      sampleCount: 100,
      label: 'later',
      freqLowerHz: 446e6 - 6250,
      freqUpperHz: 446e6 + 6250,
    });
    w.annotate({ sampleStart: 100, sampleCount: 50, label: 'an unlicensed emitter near 433.92', comment: 'x' });
    await w.close();

    const rec = await openRecording(join(dir, 'rec1.sigmf-meta'));
    expect(rec.format).toBe('cu8');
    expect(rec.totalSamples).toBe(3200);
    expect(rec.sampleRateHz).toBe(RATE);
    const data = readFileSync(rec.dataPath);
    const expected = Buffer.concat(blocks.map((b) => Buffer.from(b.bytes)));
    expect(data.equals(expected)).toBe(true);
    expect(rec.segments.map((s) => [s.sampleStart, s.sampleEnd, s.centerHz, s.timeMs])).toEqual([
      [0, 2000, 433_920_000, T0],
      [2000, 2500, 446_000_000, T0 + 8],
      [2500, 3200, 446_000_000, T0 + 12],
    ]);
    const g = rec.meta.global;
    expect(g).toMatchObject({
      'core:datatype': 'cu8',
      'core:sample_rate': RATE,
      'core:hw': 'RTL2832U + R820T2',
      'bandwatch:gain_db': 29.7,
      'bandwatch:ppm': 1.5,
      'bandwatch:complete': true,
    });
    expect(g['core:recorder']).toMatch(/^bandwatch/);
    expect(rec.meta.captures[2]!['bandwatch:lost_samples']).toBe(500);
    expect(rec.meta.captures[0]!['core:datetime']).toBe(new Date(T0).toISOString());
    const anns = rec.meta.annotations;
    expect(anns.map((a) => a['core:sample_start'])).toEqual([100, 2600]);
    expect(anns[0]!['core:label']).toHaveLength(20);
    expect(anns[0]!['core:comment']).toMatch(/^an unlicensed emitter near 433\.92 — x$/);

    // Playing: blocks never cross a capture and carry its frequency and time.
    const got: { i: number; n: number; c: number; t: number }[] = [];
    const player = new SigmfPlayer(rec, { chunkSamples: 768 });
    expect(
      await player.run((b) => void got.push({ i: b.sampleIndex, n: b.bytes.length / 2, c: b.centerHz, t: b.timeMs })),
    ).toBe('end');
    expect(got.map((g) => [g.i, g.n])).toEqual([
      [0, 768],
      [768, 768],
      [1536, 464],
      [2000, 500],
      [2500, 700],
    ]);
    expect(got[1]!.t).toBeCloseTo(T0 + (768 / RATE) * 1000, 6);
    expect(got[4]!.c).toBe(446_000_000);
  });

  it('converts non-cu8 sources to cu8 and notes the source format', async () => {
    const dir = tmp.make();
    const w = await SigmfWriter.create({ basePath: join(dir, 'conv') });
    const f = new Float32Array([1, -1, 0, 0.5]);
    w.write({
      format: 'cf32_le',
      bytes: new Uint8Array(f.buffer),
      sampleIndex: 0,
      timeMs: T0,
      centerHz: 1e8,
      sampleRateHz: RATE,
    });
    await w.close();
    const rec = await openRecording(join(dir, 'conv.sigmf-data'));
    expect([...readFileSync(rec.dataPath)]).toEqual([255, 0, 128, 191]);
    expect(rec.meta.global['bandwatch:source_format']).toBe('cf32_le');
  });

  it('keeps a readable recording after a crash mid-recording (meta describes only flushed samples)', async () => {
    const dir = tmp.make();
    const w = await SigmfWriter.create({ basePath: join(dir, 'crash'), flushIntervalMs: 1e9 });
    const o = { rate: RATE, centerHz: 1e8, t0Ms: T0 };
    w.write(rampBlock(0, 1000, o));
    w.flush();
    w.write(rampBlock(1000, 1000, { ...o, centerHz: 2e8 })); // written, not flushed, meta not rewritten
    // "crash": no close. The meta on disk is whole JSON describing the first 1000 samples.
    const rec = await openRecording(join(dir, 'crash.sigmf-meta'));
    expect(rec.meta.global['bandwatch:complete']).toBe(false);
    expect(rec.meta.global['bandwatch:sample_count']).toBe(1000);
    expect(rec.meta.captures).toHaveLength(1);
    expect(rec.totalSamples).toBe(2000);
  });

  it('paces at N×, pauses, seeks and resumes', async () => {
    const dir = tmp.make();
    const w = await SigmfWriter.create({ basePath: join(dir, 'p') });
    const o = { rate: 100_000, centerHz: 1e8, t0Ms: T0 };
    w.write(rampBlock(0, 40_000, o)); // 0.4 s
    await w.close();
    const rec = await openRecording(join(dir, 'p.sigmf-meta'));
    const t = performance.now();
    await new SigmfPlayer(rec, { chunkSamples: 5000, speed: 4 }).run(() => undefined);
    // 0.4 s at 4× = 100 ms of content; the last block is due at 87.5 ms.
    expect(performance.now() - t).toBeGreaterThanOrEqual(80);

    const player = new SigmfPlayer(rec, { chunkSamples: 5000, speed: 'max' });
    const seen: number[] = [];
    const done = player.run(async (b) => {
      seen.push(b.sampleIndex);
      if (b.sampleIndex === 5000) {
        player.pause();
        setTimeout(() => {
          player.seek(30_000);
          player.resume();
        }, 20);
      }
      await Promise.resolve();
    });
    expect(await done).toBe('end');
    expect(seen).toEqual([0, 5000, 30_000, 35_000]);
  });
});
