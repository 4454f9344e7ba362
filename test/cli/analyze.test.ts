import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { writeSigmf } from '../pipeline/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
const FC = 446.2e6;
let meta = '';
let plan = '';

beforeAll(() => {
  meta = writeSigmf(join(dir, 'rec'), {
    sampleRateHz: 2.4e6,
    centerHz: FC,
    durationS: 2,
    seed: 4,
    emitters: [
      { kind: 'fm', offsetHz: 446.00625e6 - FC, snrDbPerBin: 15, widthHz: 2500, fromS: 0.2, toS: 1.5 },
      { kind: 'fm', offsetHz: 500000, snrDbPerBin: 12, widthHz: 2500, fromS: 0.5, toS: 1.2 },
    ],
  });
  plan = join(dir, 'plan.yaml');
  writeFileSync(plan, 'name: t\nassignments:\n  - { id: sec, centerHz: 446.00625 MHz, bandwidthHz: 12500 }\n');
});

describe('bandwatch analyze', () => {
  it('prints detection and alarm objects, one per line, deterministically', async () => {
    const io = memoryIo();
    expect(await main(['analyze', '--input', meta, '--plan', plan, '--format', 'jsonl'], io)).toBe(0);
    const recs = io.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    const det = recs.filter((r) => r.type === 'detection');
    const al = recs.filter((r) => r.type === 'alarm');
    expect(det.map((d) => d.assignment).sort()).toEqual([null, 'sec']);
    for (const d of det)
      expect(Object.keys(d).sort()).toEqual([
        'assignment',
        'bandwidthHz',
        'centerHz',
        'class',
        'confidence',
        'peakDbfs',
        'snrDb',
        't0',
        't1',
        'type',
      ]);
    expect(al).toHaveLength(1);
    expect(al[0]).toMatchObject({ type: 'alarm', kind: 'unlicensed-emitter', assignment: null });
    expect(Object.keys(al[0]!).sort()).toEqual([
      'assignment',
      'bandwidthHz',
      'centerHz',
      'detail',
      'kind',
      't',
      'type',
    ]);
    const again = memoryIo();
    await main(['analyze', '--input', meta, '--plan', plan], again);
    expect(again.stdout).toEqual(io.stdout);
  });

  it('rejects malformed recordings with one clear error and a non-zero exit', async () => {
    const cases: [string, () => string][] = [
      ['missing', () => join(dir, 'nope.sigmf-meta')],
      [
        'datatype',
        () => {
          const base = join(dir, 'dt');
          writeFileSync(`${base}.sigmf-data`, new Uint8Array(1000));
          writeFileSync(`${base}.sigmf-meta`, readFileSync(meta, 'utf8').replace('"cu8"', '"cq9"'));
          return `${base}.sigmf-meta`;
        },
      ],
      [
        'truncated',
        () => {
          const base = join(dir, 'tr');
          writeFileSync(`${base}.sigmf-data`, new Uint8Array(1001));
          writeFileSync(`${base}.sigmf-meta`, readFileSync(meta, 'utf8'));
          truncateSync(`${base}.sigmf-data`, 1001);
          return `${base}.sigmf-meta`;
        },
      ],
      [
        'json',
        () => {
          const base = join(dir, 'js');
          writeFileSync(`${base}.sigmf-data`, new Uint8Array(1000));
          writeFileSync(`${base}.sigmf-meta`, '{"global": ');
          return `${base}.sigmf-meta`;
        },
      ],
    ];
    for (const [name, make] of cases) {
      const io = memoryIo();
      const code = await main(['analyze', '--input', make(), '--plan', plan], io);
      expect(code, name).not.toBe(0);
      expect(code, name).not.toBe(70);
      expect(io.stderr, name).toHaveLength(1);
      expect(io.stderr[0], name).toMatch(/BW_ERR_/);
      expect(io.stdout, name).toEqual([]);
    }
  });

  it('rejects a bad plan and bad flags', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"assignments": [{"id": "x"}]}');
    const io = memoryIo();
    expect(await main(['analyze', '--input', meta, '--plan', bad], io)).toBe(1);
    expect(io.stderr.join()).toContain('BW_ERR_PLAN_INVALID');
    expect(await main(['analyze', '--input', meta, '--format', 'csv'], memoryIo())).toBe(1);
    expect(await main(['analyze'], memoryIo())).toBe(2);
  });
});

describe('bandwatch monitor', () => {
  it('runs a recording as a live source, prints JSON lines, stores and stops cleanly', async () => {
    const data = join(dir, 'data');
    const io = memoryIo();
    const code = await main(
      [
        'monitor',
        '--input',
        meta,
        '--plan',
        plan,
        '--format',
        'jsonl',
        '--no-console',
        '--data-dir',
        data,
        '--duration',
        '10',
      ],
      io,
    );
    expect(code).toBe(0);
    const recs = io.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.filter((r) => r.type === 'alarm').map((r) => r.kind)).toEqual(['unlicensed-emitter']);
    expect(recs.filter((r) => r.type === 'detection').length).toBe(2);
    expect(io.stderr.join('\n')).toContain('stopped:');
    expect(readFileSync(join(data, 'alarms', 'journal.jsonl'), 'utf8')).toContain('unlicensed-emitter');
  }, 30_000);

  it('stops on the abort signal (SIGINT/SIGTERM)', async () => {
    const ac = new AbortController();
    const io = memoryIo(ac.signal);
    const t = setTimeout(() => ac.abort(), 1500);
    const code = await main(
      ['monitor', '--input', 'virtual:tone', '--no-console', '--data-dir', join(dir, 'data2'), '--in-process'],
      io,
    );
    clearTimeout(t);
    expect(code).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/stopping[\s\S]*stopped:/);
  }, 30_000);
});
