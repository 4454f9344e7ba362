/**
 * `bandwatch score` on bad input: one clear error naming the file, annotation and field, and a non-zero exit;
 * the truth is checked before any analysis, so these run in milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';

const PLAN = join(import.meta.dirname, '..', '..', 'examples', 'venue-plan.json');
const dir = mkdtempSync(join(tmpdir(), 'bw-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 0.1 s cu8 recording of silence with these annotations. */
function recording(name: string, annotations: unknown[]): string {
  const rate = 2_400_000;
  const base = join(dir, name);
  writeFileSync(base + '.sigmf-data', new Uint8Array(2 * (rate / 10)).fill(127));
  const meta = {
    global: { 'core:datatype': 'cu8', 'core:version': '1.2.0', 'core:sample_rate': rate },
    captures: [{ 'core:sample_start': 0, 'core:frequency': 446_100_000, 'core:datetime': '2026-11-26T03:00:00Z' }],
    annotations,
  };
  writeFileSync(base + '.sigmf-meta', JSON.stringify(meta));
  return base + '.sigmf-meta';
}

const good = {
  'core:sample_start': 0,
  'core:sample_count': 24_000,
  'core:freq_lower_edge': 446_175_750,
  'core:freq_upper_edge': 446_186_750,
  'bandwatch:truth': { kind: 'unlicensed-emitter' },
};

async function score(...args: string[]) {
  const io = memoryIo();
  const code = await main(['score', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('bandwatch score (bad input)', () => {
  it('a bad truth object: exit 1, one error naming the annotation index and field', async () => {
    const meta = recording('bad-kind', [good, { ...good, 'bandwatch:truth': { kind: 'jammer', jammerType: 'cw' } }]);
    const r = await score('--input', meta, '--plan', PLAN);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(`${meta}, field 'annotations[1].bandwatch:truth.kind'`);
    expect(r.err[0]).toContain('[BW_ERR_SIGMF_BAD_FIELD]');
  });

  it('no truth annotation: exit 1, says how to add one', async () => {
    const meta = recording('no-truth', [
      { 'core:sample_start': 0, 'core:label': 'jamming', 'bandwatch:alarm_id': 'A-1' },
    ]);
    const r = await score('-i', meta, '-p', PLAN, '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(
      /no ground-truth annotation.*Add one annotation per event.*bandwatch:truth.*BW_ERR_SIGMF_MISSING_FIELD/,
    );
  });

  it('a missing recording or a malformed SigMF file keeps the recording error codes', async () => {
    const missing = await score('--input', join(dir, 'nope.sigmf-meta'), '--plan', PLAN);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/nope\.sigmf-meta.*cannot read metadata.*BW_ERR_SIGMF_MISSING_FIELD/);
    const meta = recording('unsorted', [{ ...good, 'core:sample_start': 10 }, good]);
    const unsorted = await score('--input', meta, '--plan', PLAN);
    expect(unsorted.err[0]).toContain('BW_ERR_SIGMF_UNSORTED');
  });

  it('bad flags: usage (exit 2) or BW_ERR_CLI_ARGS (exit 1); --help documents the truth object', async () => {
    const meta = recording('ok', [good]);
    expect((await score('--input', meta)).code).toBe(2);
    const fmt = await score('--input', meta, '--plan', PLAN, '--format', 'csv');
    expect([fmt.code, fmt.err[0]]).toEqual([1, expect.stringContaining('BW_ERR_CLI_ARGS')]);
    const late = await score('--input', meta, '--plan', PLAN, '--late=-1');
    expect(late.err[0]).toContain("--late must be a non-negative number, got '-1'");
    const dash = await score('--input', meta, '--plan', PLAN, '--late', '-1');
    expect([dash.code, dash.err[0]]).toEqual([2, expect.stringContaining("Option '--late' argument is ambiguous")]);
    const unknown = await score('--input', meta, '--plan', PLAN, '--sensor', 'pmr');
    expect([unknown.code, unknown.err[0]]).toEqual([2, expect.stringContaining("Unknown option '--sensor'")]);
    const help = await score('--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('"bandwatch:truth": {"kind": "unlicensed-emitter"}');
  });
});
