// Every BW_ERR_* code the code can raise must be explained to users in docs/errors.md.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['src', 'dsp', 'firmware-bridge', 'models', 'web/src'];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

function codesIn(text: string): Set<string> {
  return new Set(text.match(/BW_ERR_[A-Z0-9_]+/g) ?? []);
}

describe('error codes', () => {
  const used = new Map<string, string>();
  for (const d of SOURCE_DIRS)
    for (const f of tsFiles(join(root, d)))
      for (const c of codesIn(readFileSync(f, 'utf8'))) if (!used.has(c)) used.set(c, f.slice(root.length + 1));
  const documented = codesIn(readFileSync(join(root, 'docs', 'errors.md'), 'utf8'));

  it('finds the codes in the source', () => {
    expect(used.size).toBeGreaterThan(40);
  });

  it('documents every code the source uses', () => {
    const missing = [...used].filter(([c]) => !documented.has(c)).map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });

  it('documents no code that the source no longer uses', () => {
    expect([...documented].filter((c) => !used.has(c))).toEqual([]);
  });
});
