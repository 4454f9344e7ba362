import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer, analyzeRecording, type AnalyzeRecord } from '../../src/pipeline/analyze.ts';
import { SigmfWriter } from '../../src/recording/sigmfWriter.ts';
import type { IqBlock } from '../../src/types.ts';
import { CENTER_HZ, RATE_HZ, renderScene } from './scene.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay of a recording with lost samples', () => {
  it('analyzes it with the gaps the live stream had (same records as the gapped stream itself)', async () => {
    const data = renderScene(
      [
        { id: 'a', kind: 'nfm', centerHz: CENTER_HZ + 150_000, levelDbfs: -40, voicePause: 0 },
        {
          id: 'b',
          kind: 'fsk4',
          centerHz: CENTER_HZ - 300_000,
          levelDbfs: -42,
          schedule: { windows: [{ fromS: 0, toS: 0.6 }], repeatS: 1.1 },
        },
      ],
      3,
    );
    // 50 ms blocks (whole milliseconds, so the capture times written are exact); blocks 13 and 30-31 never arrive.
    const BLOCK = 120_000;
    const t0 = Date.parse('2026-05-01T09:00:00.000Z');
    const dropped = new Set([13, 30, 31]);
    const blocks: IqBlock[] = [];
    for (let k = 0; k * BLOCK * 2 < data.length; k++) {
      if (dropped.has(k)) continue;
      const s = k * BLOCK;
      blocks.push({
        format: 'cu8',
        bytes: data.subarray(2 * s, Math.min(data.length, 2 * (s + BLOCK))),
        sampleIndex: s,
        timeMs: t0 + (s / RATE_HZ) * 1000,
        centerHz: CENTER_HZ,
        sampleRateHz: RATE_HZ,
      });
    }
    const live: AnalyzeRecord[] = [];
    const an = await Analyzer.create({}, (r) => live.push(r));
    const writer = await SigmfWriter.create({ basePath: join(dir, 'gappy'), sensorId: 's', reason: 'manual' });
    for (const b of blocks) {
      writer.write(b);
      await an.push(b);
    }
    await an.finish();
    const meta = await writer.close();
    expect(meta.captures.filter((c) => c['bandwatch:lost_samples'])).toHaveLength(2);

    const replay: AnalyzeRecord[] = [];
    await analyzeRecording(writer.metaPath, {}, (r) => replay.push(r));
    expect(live.filter((r) => r.type === 'detection').length).toBeGreaterThanOrEqual(2);
    expect(replay).toEqual(live);
  });
});
