import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

describe('bandwatch plan check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-plancli-'));
  it('prints OK with counts for a valid plan', async () => {
    const f = join(dir, 'ok.json');
    writeFileSync(
      f,
      JSON.stringify({
        name: 'v',
        assignments: [
          { id: 'a', centerHz: 446006250, bandwidthHz: 12500, critical: true },
          { id: 'b', centerHz: 470.2e6, emission: '200KF3E' },
        ],
      }),
    );
    const io = memoryIo();
    expect(await main(['plan', 'check', f], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^OK .*2 assignment\(s\), 1 critical/);
  });
  it('prints every problem and exits 1', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'id,centerHz,bandwidthHz\na,446006250,12500\na,446006250,0\n');
    const io = memoryIo();
    expect(await main(['plan', 'check', f], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain(`${f}:3, field 'id': duplicate id 'a'`);
    expect(err).toContain(`${f}:3, field 'bandwidthHz'`);
  });
  it('exits 1 for a missing file and 2 for bad usage', async () => {
    const io = memoryIo();
    expect(await main(['plan', 'check', join(dir, 'nope.yaml')], io)).toBe(1);
    expect(io.stderr.join()).toContain('ENOENT');
    expect(await main(['plan', 'frobnicate'], memoryIo())).toBe(2);
  });
});
