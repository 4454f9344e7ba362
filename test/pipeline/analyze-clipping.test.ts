import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { analyzeRecording, type AlarmRecord, type AnalyzeRecord } from '../../src/pipeline/analyze.ts';
import { HeuristicClassifier } from '../../src/tracking/classifier.ts';

const FS = 250_000;
const FC = 433.92e6;
const dir = mkdtempSync(join(tmpdir(), 'bw-clip-'));

/**
 * Writes a cu8 SigMF recording: seeded Gaussian noise (σ = 0.03 full scale per component) plus a tone 40 kHz above
 * the centre whose amplitude (full scale = 1) follows `amplitude(tS)`; beyond ±1 the 8-bit ADC clips. Returns the
 * .sigmf-meta path and the number of complex samples with I or Q at 0 or 255, counted here independently.
 */
function writeScene(name: string, durationS: number, amplitude: (tS: number) => number) {
  const n = Math.round(durationS * FS);
  const bytes = new Uint8Array(2 * n);
  let s = 99;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const a = amplitude(i / FS);
    const ph = (2 * Math.PI * 40_000 * i) / FS;
    const r = Math.sqrt(-2 * Math.log(rnd())) * 0.03;
    const th = 2 * Math.PI * rnd();
    const q8 = (x: number) => Math.min(255, Math.max(0, Math.round(127.5 + 127.5 * x)));
    const vi = q8(a * Math.cos(ph) + r * Math.cos(th));
    const vq = q8(a * Math.sin(ph) + r * Math.sin(th));
    bytes[2 * i] = vi;
    bytes[2 * i + 1] = vq;
    if (vi === 0 || vi === 255 || vq === 0 || vq === 255) clipped++;
  }
  const base = join(dir, name);
  writeFileSync(`${base}.sigmf-data`, bytes);
  writeFileSync(
    `${base}.sigmf-meta`,
    JSON.stringify({
      global: { 'core:datatype': 'cu8', 'core:sample_rate': FS, 'core:version': '1.0.0' },
      captures: [{ 'core:sample_start': 0, 'core:frequency': FC }],
      annotations: [],
    }),
  );
  return { meta: `${base}.sigmf-meta`, clipped, samples: n };
}

async function analyze(meta: string) {
  const recs: AnalyzeRecord[] = [];
  const summary = await analyzeRecording(meta, { classifier: new HeuristicClassifier(), log: () => undefined }, (r) =>
    recs.push(r),
  );
  const faults = recs.filter((r): r is AlarmRecord => r.type === 'alarm' && r.kind === 'sensor-fault');
  return { recs, summary, faults };
}

describe('analyze: ADC overload', () => {
  it('a recording clipped for 3 s of 4 gives one sensor-fault (overload) record, 2 s into the clipping', async () => {
    // Tone at 0.3 full scale, driven to 1.5 (clipping every sample: max(|cos|, |sin|) ≥ 0.707) from 0.5 s to 3.5 s.
    const scene = writeScene('hot', 4, (t) => (t >= 0.5 && t < 3.5 ? 1.5 : 0.3));
    const { summary, faults } = await analyze(scene.meta);
    expect(faults).toHaveLength(1);
    const f = faults[0]!;
    // Window [0, 1 s) is half clipped, [1, 2 s) fully: two windows over 1 %, decided at 2 s.
    expect(f.t).toBe(2);
    expect(f.centerHz).toBeNull();
    expect(f.detail.fault).toBe('overload');
    expect(f.detail.key).toBe('fault:adc-overload');
    expect(f.detail.clippedFraction as number).toBeGreaterThan(0.97);
    expect(f.detail.clippedFraction as number).toBeLessThanOrEqual(1);
    expect(String(f.detail.advice)).toMatch(/gain/);
    // The summary's fraction is exactly the count over the whole file.
    expect(scene.clipped / scene.samples).toBeGreaterThan(0.7);
    expect(summary.clippedFraction).toBe(scene.clipped / scene.samples);
  }, 30_000);

  it('a clean recording (strong but inside full scale) gives none', async () => {
    const scene = writeScene('clean', 3, () => 0.8);
    expect(scene.clipped).toBe(0);
    const { summary, faults, recs } = await analyze(scene.meta);
    expect(faults).toEqual([]);
    expect(summary.clippedFraction).toBe(0);
    // The tone itself is still reported: the overload check does not hide real analysis output.
    expect(recs.some((r) => r.type === 'detection')).toBe(true);
  }, 30_000);

  it('a recording shorter than 2 s, clipped throughout, still says so (wholeStream)', async () => {
    const scene = writeScene('short', 0.3, () => 1.5);
    const { faults } = await analyze(scene.meta);
    expect(faults).toHaveLength(1);
    expect(faults[0]!.t).toBe(0.3);
    expect(faults[0]!.detail).toMatchObject({ fault: 'overload', wholeStream: true });
  }, 30_000);

  it('`bandwatch analyze --format jsonl` prints the record', async () => {
    const scene = writeScene('cli', 2.5, (t) => (t < 2.2 ? 1.2 : 0.2));
    const io = memoryIo();
    expect(await main(['analyze', '--input', scene.meta, '--format', 'jsonl'], io)).toBe(0);
    const faults = io.stdout
      .map((l) => JSON.parse(l) as AnalyzeRecord)
      .filter((r): r is AlarmRecord => r.type === 'alarm' && r.kind === 'sensor-fault');
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ t: 2, detail: { fault: 'overload' } });
  }, 30_000);
});
