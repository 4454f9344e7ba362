/**
 * `shared` assignments (a band or block used by many emitters): reading from JSON, YAML and CSV, malformed values
 * with their file/line/field, the plan-check hint, matching by band edges, the example plan, and the console's plan
 * editor helpers (web/src/plan-io.ts) keeping the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import {
  checkPlanObject,
  loadPlanFile,
  matchAssignment,
  parsePlanText,
  planHints,
  validatePlanOrThrow,
} from '../../src/plan/index.ts';
import type { Assignment } from '../../src/types.ts';
import { parsePlanCsv, planToRows, rowsToPlan } from '../../web/src/plan-io.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'shared-bands-plan.yaml');

describe('shared assignments: reading', () => {
  it('JSON: true/false kept, absent stays absent', () => {
    const r = parsePlanText(
      JSON.stringify({
        name: 'j',
        assignments: [
          { id: 'SRD', centerHz: 433.92e6, bandwidthHz: 1.74e6, emission: '1M74K1D', shared: true },
          { id: 'MIC', centerHz: 470.2e6, bandwidthHz: 200e3, shared: false },
          { id: 'PMR', centerHz: 446.00625e6, bandwidthHz: 12500 },
        ],
      }),
      { file: 'p.json' },
    );
    expect(r.problems).toEqual([]);
    expect(r.plan.assignments.map((a) => a.shared)).toEqual([true, false, undefined]);
    expect('shared' in r.plan.assignments[2]!).toBe(false);
  });

  it('YAML: booleans and yes/no (strings in YAML 1.2)', () => {
    const r = parsePlanText(
      `name: y
assignments:
  - { id: SRD, centerHz: 433.92 MHz, bandwidthHz: 1.74 MHz, shared: true }
  - { id: PMR446, centerHz: 446.1 MHz, bandwidthHz: 200 kHz, shared: yes }
  - { id: MIC, centerHz: 470.2 MHz, emission: 200KF3E, shared: No }
`,
      { file: 'p.yaml' },
    );
    expect(r.problems).toEqual([]);
    expect(r.plan.assignments.map((a) => a.shared)).toEqual([true, true, false]);
  });

  it('CSV: optional column with true/false/1/0/yes/no, empty = false', () => {
    const csv =
      'id,centerHz,bandwidthHz,emission,shared\n' +
      'SRD,433920000,1740000,1M74K1D,true\n' +
      'PMR446,446100000,200000,11K0F3E,1\n' +
      'ISM,869525000,250000,,YES\n' +
      'MIC,470200000,200000,200KF3E,no\n' +
      'LMR,445600000,25000,16K0F3E,0\n' +
      'LMR2,445650000,25000,16K0F3E,false\n' +
      'LMR3,445700000,25000,16K0F3E,\n';
    const r = parsePlanText(csv, { file: 'p.csv' });
    expect(r.problems).toEqual([]);
    expect(r.plan.assignments.map((a) => [a.id, a.shared])).toEqual([
      ['SRD', true],
      ['PMR446', true],
      ['ISM', true],
      ['MIC', false],
      ['LMR', false],
      ['LMR2', false],
      ['LMR3', undefined],
    ]);
    // Without the column nothing changes.
    const plain = parsePlanText('id,centerHz,bandwidthHz\nA,446006250,12500\n', { file: 'q.csv' });
    expect(plain.problems).toEqual([]);
    expect(plain.plan.assignments[0]!.shared).toBeUndefined();
  });
});

describe('shared assignments: malformed values name file, line, field and why', () => {
  const why = /shared must be true \(a band or block shared by many emitters\) or false/;

  it('YAML', () => {
    const r = parsePlanText(
      `name: y
assignments:
  - id: SRD
    centerHz: 433.92 MHz
    bandwidthHz: 1.74 MHz
    shared: maybe
  - id: PMR446
    centerHz: 446.1 MHz
    bandwidthHz: 200 kHz
    shared: [true]
`,
      { file: 'bad.yaml' },
    );
    expect(r.problems.map((p) => [p.location.file, p.location.line, p.location.field])).toEqual([
      ['bad.yaml', 6, 'assignments[0].shared'],
      ['bad.yaml', 10, 'assignments[1].shared'],
    ]);
    expect(r.problems[0]!.message).toMatch(why);
    expect(r.problems[0]!.message).toContain('"maybe"');
    expect(r.problems[1]!.message).toContain('a list');
  });

  it('JSON', () => {
    const text =
      '{\n "name": "j",\n "assignments": [\n  {"id": "SRD", "centerHz": 433920000,\n   "bandwidthHz": 1740000, "shared": "sometimes"}\n ]\n}';
    const r = parsePlanText(text, { file: 'bad.json' });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.location).toEqual({ file: 'bad.json', line: 5, field: 'assignments[0].shared' });
    expect(r.problems[0]!.message).toMatch(why);
    // A number other than 1/0 is not a yes/no either.
    const two = checkPlanObject({
      name: 'o',
      assignments: [{ id: 'S', centerHz: 433.92e6, bandwidthHz: 1e6, shared: 2 }],
    });
    expect(two.problems.map((p) => p.location.field)).toEqual(['assignments[0].shared']);
    expect(() =>
      validatePlanOrThrow({ name: 'o', assignments: [{ id: 'S', centerHz: 433.92e6, bandwidthHz: 1e6, shared: 'x' }] }),
    ).toThrow(why);
  });

  it('CSV: the row’s line and the column', () => {
    const csv = '# plan\nid,centerHz,bandwidthHz,shared\nSRD,433920000,1740000,true\nPMR446,446100000,200000,shared\n';
    const r = parsePlanText(csv, { file: 'bad.csv' });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.location).toEqual({ file: 'bad.csv', line: 4, field: 'shared' });
    expect(r.problems[0]!.message).toMatch(why);
    expect(r.problems[0]!.message).toContain('"shared"');
  });

  it('loadPlanFile rejects the plan as a whole (PlanError)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-shared-plan-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, 'assignments:\n  - { id: S, centerHz: 433.92 MHz, bandwidthHz: 1.74 MHz, shared: 3 }\n');
    await expect(loadPlanFile(f)).rejects.toMatchObject({ code: 'BW_ERR_PLAN_INVALID' });
  });
});

describe('shared assignments: plan check hint', () => {
  const a = (over: Partial<Assignment>): Assignment => ({
    id: 'B',
    centerHz: 433.92e6,
    bandwidthHz: 1.74e6,
    ...over,
  });

  it('a wide block whose designator is a narrow channel, not marked shared, gets a hint; nothing else does', () => {
    const hint = planHints({ name: 'p', assignments: [a({ emission: '16K0F3E' })] });
    expect(hint).toHaveLength(1);
    expect(hint[0]!.path).toBe('assignments[0]');
    expect(hint[0]!.message).toContain("add 'shared: true'");
    expect(hint[0]!.message).toContain('16 kHz');
    const none = [
      a({ emission: '1M74K1D' }), // the designator is the whole band: one wideband emission
      a({ emission: '16K0F3E', shared: true }), // already said
      a({ emission: undefined }), // nothing to compare with
      a({ bandwidthHz: 400e3, emission: '16K0F3E' }), // not wider than 500 kHz
      a({ bandwidthHz: 1e6, emission: '300KF3E' }), // more than a quarter
    ];
    for (const x of none) expect(planHints({ name: 'p', assignments: [x] }), JSON.stringify(x)).toEqual([]);
  });

  it('bandwatch plan check prints it with the location and still exits 0; counts shared bands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-shared-cli-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(
      f,
      'name: p\nassignments:\n  - id: A\n    centerHz: 433.92 MHz\n    bandwidthHz: 1.74 MHz\n    emission: 16K0F3E\n',
    );
    const io = memoryIo();
    expect(await main(['plan', 'check', f], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/^OK /);
    expect(out).toContain(`hint: ${f}:3, field 'assignments[0]': 'A' is 1.74 MHz wide`);
    const io2 = memoryIo();
    expect(await main(['plan', 'check', EXAMPLE], io2)).toBe(0);
    expect(io2.stdout.join('\n')).toMatch(/3 assignment\(s\), 0 critical, 2 shared band\(s\)/);
    expect(io2.stdout.join('\n')).not.toContain('hint');
  });
});

describe('shared assignments: matching by band edges', () => {
  const SRD: Assignment = { id: 'SRD', centerHz: 433.92e6, bandwidthHz: 1.74e6, shared: true };
  const CH: Assignment = { ...SRD, shared: false };
  const lo = 433.05e6;

  it('anything inside the band is ok, whatever its centre and width', () => {
    for (const [c, bw] of [
      [433.1e6, 20e3],
      [434.7e6, 50e3],
      [433.92e6, 1.7e6],
      [433.5e6, 500],
    ] as const) {
      expect(matchAssignment(c, bw, [SRD], { resolutionHz: 122 }).relation).toBe('ok');
    }
    // The same emissions against a single-user channel: off-centre.
    expect(matchAssignment(433.1e6, 20e3, [CH], { resolutionHz: 122 }).relation).toBe('off-centre');
  });

  it('beyond-edges when it reaches past an edge by more than 15 % of its own width plus a bin', () => {
    const m = matchAssignment(lo + 10_000, 40_000, [SRD], { resolutionHz: 122 });
    expect(m.relation).toBe('beyond-edges');
    expect(m.assignment?.id).toBe('SRD');
    expect(m.offsetHz).toBe(lo + 10_000 - 433.92e6);
    expect(matchAssignment(lo + 14_000, 40_000, [SRD], { resolutionHz: 122 }).relation).toBe('ok');
    expect(matchAssignment(434.79e6, 40_000, [SRD], { resolutionHz: 122 }).relation).toBe('beyond-edges');
    // Wider than the whole band.
    expect(matchAssignment(433.92e6, 2.5e6, [SRD], { resolutionHz: 122 }).relation).toBe('beyond-edges');
    // Mostly outside: not the band's at all.
    expect(matchAssignment(lo - 15_000, 20_000, [SRD], { resolutionHz: 122 }).relation).toBe('none');
  });
});

describe('shared assignments: example plan and the console editor', () => {
  it('examples/shared-bands-plan.yaml is valid and marks the SRD band and the PMR446 block shared', async () => {
    const plan = await loadPlanFile(EXAMPLE);
    expect(plan.assignments.map((a) => [a.id, a.shared ?? false])).toEqual([
      ['SRD-433', true],
      ['PMR446', true],
      ['MIC-01', false],
    ]);
  });

  it('table rows keep `shared` through an edit, and a CSV paste reads the column', () => {
    const plan = {
      name: 'p',
      assignments: [
        { id: 'SRD', centerHz: 433.92e6, bandwidthHz: 1.74e6, shared: true },
        { id: 'MIC', centerHz: 470.2e6, bandwidthHz: 200e3 },
      ],
    };
    const rows = planToRows(plan, true);
    rows[0]!.cells.licensee = 'Cục Tần số';
    const back = rowsToPlan('p', rows);
    expect(back.problems).toEqual([]);
    expect(back.plan.assignments.map((a) => a.shared)).toEqual([true, undefined]);
    expect(back.plan.assignments[0]!.licensee).toBe('Cục Tần số');

    const pasted = parsePlanCsv('id;centerMHz;bandwidthKHz;shared\nSRD;433,92;1740;có\nMIC;470,2;200;\nX;471;200;0\n');
    expect(pasted.map((r) => r.extra.shared)).toEqual([true, undefined, false]);
    expect(() => parsePlanCsv('id,centerMHz,bandwidthKHz,shared\nSRD,433.92,1740,maybe\n')).toThrow(/shared.*maybe/);
  });
});
