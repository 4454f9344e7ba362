/** Recordings made by other tools, in every datatype we read (hand-made files). */
import { afterEach, describe, expect, it } from 'vitest';
import { openRecording, SigmfPlayer } from '../../src/recording/sigmfReader.ts';
import { toCu8 } from '../../src/recording/toCu8.ts';
import type { IqBlock } from '../../src/types.ts';
import { tempDirs, writeRecording } from './helpers.ts';

const tmp = tempDirs();
afterEach(tmp.cleanup);

const meta = (datatype: string, extra: Record<string, unknown> = {}) => ({
  global: { 'core:datatype': datatype, 'core:version': '1.2.5', 'core:sample_rate': 48_000, ...extra },
  captures: [
    { 'core:sample_start': 0, 'core:frequency': 100e6, 'core:datetime': '2025-01-01T12:00:00Z' },
    { 'core:sample_start': 3, 'core:frequency': 101e6 },
  ],
  annotations: [],
});

async function play(path: string, chunk = 2): Promise<IqBlock[]> {
  const rec = await openRecording(path);
  const out: IqBlock[] = [];
  await new SigmfPlayer(rec, { chunkSamples: chunk }).run((b) => void out.push({ ...b, bytes: b.bytes.slice() }));
  return out;
}

describe('other tools’ datatypes', () => {
  it('reads ci16_le (4 B/sample) with capture frequency and extrapolated time', async () => {
    const v = new Int16Array([32767, -32768, 0, 256, -256, 1, 100, 200, -1, -2]); // 5 samples
    const p = writeRecording(tmp.make(), 'ci16', meta('ci16_le'), new Uint8Array(v.buffer));
    const blocks = await play(p);
    expect(blocks.map((b) => [b.sampleIndex, b.bytes.length, b.centerHz])).toEqual([
      [0, 8, 100e6],
      [2, 4, 100e6],
      [3, 8, 101e6],
    ]);
    expect(blocks[2]!.timeMs).toBe(Date.parse('2025-01-01T12:00:00Z') + (3 / 48_000) * 1000);
    const back = new Int16Array(new Uint8Array(Buffer.concat(blocks.map((b) => b.bytes))).buffer);
    expect([...back]).toEqual([...v]);
    const out = new Uint8Array(10);
    for (const b of blocks) toCu8(b, 0, b.bytes.length / 4, out, b.sampleIndex * 2);
    // High byte with the sign flipped: 32767 → 255, -32768 → 0, 0 → 128, 256 → 129, -256 → 127.
    expect([...out.slice(0, 5)]).toEqual([255, 0, 128, 129, 127]);
  });

  it('reads cf32_le (8 B/sample) and ci8, and converts them to cu8', async () => {
    const f = new Float32Array([0.5, -0.5, 1, -1, 0, 0.25, 2, -2]); // 4 samples
    const blocks = await play(writeRecording(tmp.make(), 'cf32', meta('cf32_le'), new Uint8Array(f.buffer)), 4);
    expect(blocks.map((b) => b.bytes.length)).toEqual([24, 8]);
    expect(blocks[0]!.format).toBe('cf32_le');
    const got = new Float32Array(new Uint8Array(Buffer.concat(blocks.map((b) => b.bytes))).buffer);
    expect([...got]).toEqual([...f]);
    const out = new Uint8Array(8);
    toCu8(blocks[0]!, 0, 3, out, 0);
    toCu8(blocks[1]!, 0, 1, out, 6);
    expect([...out]).toEqual([191, 64, 255, 0, 128, 159, 255, 0]);

    const i8 = new Int8Array([127, -128, 0, -1, 5, 6, -5, 10]);
    const b8 = await play(writeRecording(tmp.make(), 'ci8', meta('ci8'), new Uint8Array(i8.buffer)), 8);
    expect(b8[0]!.format).toBe('ci8');
    const o8 = new Uint8Array(6);
    toCu8(b8[0]!, 0, 3, o8, 0);
    expect([...o8]).toEqual([255, 0, 128, 127, 133, 134]);
  });
});
