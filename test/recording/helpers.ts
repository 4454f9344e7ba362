import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IqBlock } from '../../src/types.ts';

export function tempDirs(): { make: () => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    make: () => {
      const d = mkdtempSync(join(tmpdir(), 'bw-rec-'));
      dirs.push(d);
      return d;
    },
    cleanup: () => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** cu8 block whose samples encode their own index: I = idx & 0xff, Q = (idx >> 8) & 0xff. */
export function rampBlock(
  sampleIndex: number,
  n: number,
  o: { rate: number; centerHz: number; t0Ms: number },
): IqBlock {
  const bytes = new Uint8Array(n * 2);
  for (let k = 0; k < n; k++) {
    const idx = sampleIndex + k;
    bytes[2 * k] = idx & 0xff;
    bytes[2 * k + 1] = (idx >> 8) & 0xff;
  }
  return {
    format: 'cu8',
    bytes,
    sampleIndex,
    timeMs: o.t0Ms + (sampleIndex / o.rate) * 1000,
    centerHz: o.centerHz,
    sampleRateHz: o.rate,
  };
}

/** Sample index encoded by rampBlock (mod 65536). */
export function rampIndex(bytes: Uint8Array, k: number): number {
  return bytes[2 * k]! | (bytes[2 * k + 1]! << 8);
}

export function writeRecording(dir: string, name: string, meta: unknown, data: Uint8Array): string {
  const base = join(dir, name);
  writeFileSync(base + '.sigmf-meta', typeof meta === 'string' ? meta : JSON.stringify(meta));
  writeFileSync(base + '.sigmf-data', data);
  return base + '.sigmf-meta';
}
