import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/storage/spool.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function drainAll(s: Spool, batch: number): Promise<string[]> {
  const out: string[] = [];
  for (let b = await s.peek(batch); b; b = await s.peek(batch)) {
    out.push(...b.lines);
    await s.commit(b);
  }
  return out;
}

describe('Spool', () => {
  it('delivers lines in append order across segments and deletes delivered segments', async () => {
    const dir = tmp();
    const s = await Spool.create({ dir, segmentBytes: 200 });
    const lines = Array.from({ length: 100 }, (_, i) => `m v=${i} ${1000 + i}`);
    for (let i = 0; i < 100; i += 7) s.append(lines.slice(i, i + 7));
    expect(s.pendingPoints).toBe(100);
    expect(await drainAll(s, 9)).toEqual(lines);
    expect(s.pendingPoints).toBe(0);
    expect((await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.spool'))).toEqual([]);
    s.close();
  });

  it('survives a restart: undelivered lines come back after the cursor, torn tail ignored', async () => {
    const dir = tmp();
    const s = await Spool.create({ dir, segmentBytes: 1 << 20 });
    const lines = Array.from({ length: 20 }, (_, i) => `m v=${i} ${i}`);
    s.append(lines);
    const b = (await s.peek(5))!;
    await s.commit(b);
    s.close();
    // Simulate a crash mid-append: a partial line without newline.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, '000001.spool'), 'm v=99');
    const again = await Spool.create({ dir });
    expect(again.pendingPoints).toBe(15);
    expect(await drainAll(again, 4)).toEqual(lines.slice(5));
    again.close();
  });

  it('refuses new batches when full and counts them, keeping the older ones', async () => {
    const dir = tmp();
    const s = await Spool.create({ dir, maxBytes: 100 });
    expect(s.append(['m v=1 1', 'm v=2 2'])).toBe(2);
    expect(s.append(['m v=3 3'.padEnd(120, '0')])).toBe(0);
    expect(s.droppedPoints).toBe(1);
    expect(await drainAll(s, 10)).toEqual(['m v=1 1', 'm v=2 2']);
    s.close();
  });
});
