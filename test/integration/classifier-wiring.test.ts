import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRecording, Analyzer, type AnalyzeRecord, type DetectionRecord } from '../../src/pipeline/analyze.ts';
import { createClassifierOrFallback } from '../../models/classifier.ts';
import type { IqBlock } from '../../src/types.ts';
import { CENTER_HZ, RATE_HZ, renderScene, writeRecording } from './scene.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-cls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An NFM talker 150 kHz above the centre and a wide FM station 600 kHz below, both on for the whole 3 s.
const data = renderScene(
  [
    { id: 'talk', kind: 'nfm', centerHz: CENTER_HZ + 150_000, levelDbfs: -40, voicePause: 0 },
    { id: 'fm', kind: 'wfm', centerHz: CENTER_HZ - 600_000, levelDbfs: -35 },
  ],
  3,
);

async function analyzeInBlocks(
  blockSamples: number,
  classifier?: Awaited<ReturnType<typeof createClassifierOrFallback>>,
) {
  const out: AnalyzeRecord[] = [];
  const an = await Analyzer.create({ classifier }, (r) => out.push(r));
  const t0 = Date.parse('2026-05-01T09:00:00.000Z');
  for (let s = 0; s * 2 < data.length; s += blockSamples) {
    const bytes = data.subarray(2 * s, Math.min(data.length, 2 * (s + blockSamples)));
    const b: IqBlock = {
      format: 'cu8',
      bytes,
      sampleIndex: s,
      timeMs: t0 + (s / RATE_HZ) * 1000,
      centerHz: CENTER_HZ,
      sampleRateHz: RATE_HZ,
    };
    await an.push(b);
  }
  await an.finish();
  return out;
}

describe('classifier wired into analyze', () => {
  it('labels an NFM talker nfm and a broadcast station wfm with the model, not the bandwidth heuristic', async () => {
    const meta = writeRecording(join(dir, 'scene'), data);
    const recs: AnalyzeRecord[] = [];
    await analyzeRecording(meta, {}, (r) => recs.push(r));
    const dets = recs.filter((r): r is DetectionRecord => r.type === 'detection');
    const nfm = dets.find((d) => Math.abs(d.centerHz - (CENTER_HZ + 150_000)) < 5000);
    const wfm = dets.find((d) => Math.abs(d.centerHz - (CENTER_HZ - 600_000)) < 20000);
    expect(nfm, JSON.stringify(dets)).toBeDefined();
    expect(nfm!.class).toBe('nfm');
    // The heuristic never says more than 0.5.
    expect(nfm!.confidence).toBeGreaterThan(0.6);
    expect(wfm, JSON.stringify(dets)).toBeDefined();
    expect(wfm!.class).toBe('wfm');
    expect(wfm!.confidence).toBeGreaterThan(0.6);
  });

  it('gives the same records whatever the block size (classification does not depend on how IQ arrives)', async () => {
    const a = await analyzeInBlocks(262_144);
    const b = await analyzeInBlocks(100_003);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('runs on with unknown labels when the weights cannot be loaded', async () => {
    const logs: string[] = [];
    const fallback = await createClassifierOrFallback({ weightsDir: join(dir, 'no-weights') }, (l) => logs.push(l));
    const recs = await analyzeInBlocks(262_144, fallback);
    const dets = recs.filter((r): r is DetectionRecord => r.type === 'detection');
    expect(logs).toHaveLength(1);
    expect(dets.length).toBeGreaterThanOrEqual(2);
    for (const d of dets) expect(d.class).toBe('unknown');
    expect(recs.some((r) => r.type === 'alarm' && r.kind === 'sensor-fault')).toBe(false);
  });
});
