import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/errors.ts';
import {
  activeAssignments,
  checkPlanObject,
  loadPlanFile,
  matchAssignment,
  parsePlanText,
  phaseAt,
} from '../../src/plan/index.ts';

const YAML_OK = `name: Venue
phases:
  - { phase: before, from: 2026-05-01T06:00:00Z, to: 2026-05-01T09:00:00Z }
  - { phase: during, from: 2026-05-01T09:00:00Z, to: 2026-05-01T17:00:00Z }
assignments:
  - id: stage-mic-1
    centerHz: 470.2 MHz
    emission: 200KF3E
    critical: true
    maxLevelDbfs: -10
  - id: security
    centerHz: 446006250
    bandwidthHz: 12500
    emission: 11K0F3E
    windows: [{ phase: during }]
  - id: catering
    centerHz: 446018750
    bandwidthHz: 12.5k
    windows: before
`;

describe('plan parsing', () => {
  it('reads YAML with units, designators, phases and windows', () => {
    const r = parsePlanText(YAML_OK, { file: 'venue.yaml' });
    expect(r.problems).toEqual([]);
    expect(r.plan.name).toBe('Venue');
    expect(r.plan.assignments.map((a) => [a.id, a.centerHz, a.bandwidthHz])).toEqual([
      ['stage-mic-1', 470200000, 200000],
      ['security', 446006250, 12500],
      ['catering', 446018750, 12500],
    ]);
    expect(r.plan.assignments[0]!.critical).toBe(true);
    const t = Date.parse('2026-05-01T10:00:00Z');
    expect(phaseAt(r.plan, t)).toBe('during');
    expect(activeAssignments(r.plan, t).map((a) => a.id)).toEqual(['stage-mic-1', 'security']);
    expect(activeAssignments(r.plan, Date.parse('2026-05-01T07:00:00Z')).map((a) => a.id)).toEqual([
      'stage-mic-1',
      'catering',
    ]);
  });

  it('reads the same plan as JSON and CSV', () => {
    const json = JSON.stringify({
      name: 'J',
      assignments: [{ id: 'a', centerHz: 446006250, bandwidthHz: 12500, windows: [{ fromMs: 1000, toMs: 2000 }] }],
    });
    const j = parsePlanText(json, { file: 'p.json' });
    expect(j.problems).toEqual([]);
    expect(j.plan.assignments[0]!.windows).toEqual([{ fromMs: 1000, toMs: 2000 }]);
    const csv =
      '# venue\nid,centerHz,bandwidthHz,emission,critical,windows\na,446006250,12500,11K0F3E,true,during\nb,470.2 MHz,,200KF3E,,\n';
    const c = parsePlanText(csv, { file: 'p.csv' });
    expect(c.problems).toEqual([]);
    expect(c.plan.assignments.map((a) => [a.id, a.centerHz, a.bandwidthHz, a.critical ?? false])).toEqual([
      ['a', 446006250, 12500, true],
      ['b', 470200000, 200000, false],
    ]);
    expect(c.plan.assignments[0]!.windows).toEqual([{ phase: 'during' }]);
  });

  it('reports every problem with line and field', () => {
    const bad = `name: Bad
assignments:
  - id: a
    centerHz: 446.00625 MHz
    bandwidthHz: 12500
  - id: a
    centerHz: 446.0 MHz
    bandwidthHz: 12500
  - id: c
    centerHz: banana
    emission: 16K0Z3E
  - centreHz: 5
    bandwidthHz: -3
  - id: low
    centerHz: 10 MHz
    bandwidthHz: 1000
    maxLevelDbfs: 3
`;
    const r = parsePlanText(bad, { file: 'bad.yaml' });
    const lines = r.problems.map((p) => [p.location.line, p.location.field, p.message]);
    const has = (line: number, field: string, text: string) =>
      expect(
        lines.some(([l, f, m]) => l === line && f === field && String(m).includes(text)),
        `${line} ${field} ${text}\n${JSON.stringify(lines, null, 1)}`,
      ).toBe(true);
    has(6, 'assignments[1].id', "duplicate id 'a'");
    has(6, 'assignments[1]', 'overlaps');
    has(10, 'assignments[2].centerHz', 'banana');
    has(11, 'assignments[2].emission', "'Z'");
    has(12, 'assignments[3].centreHz', 'unknown assignment field');
    has(12, 'assignments[3].id', "missing 'id'");
    has(13, 'assignments[3].bandwidthHz', '> 0');
    has(15, 'assignments[4].centerHz', '24-1766 MHz');
    has(17, 'assignments[4].maxLevelDbfs', 'above full scale');
    expect(r.problems.length).toBeGreaterThanOrEqual(9);
  });

  it('reports JSON syntax errors with a line', () => {
    const r = parsePlanText('{\n "name": "x",\n "assignments": [\n  {"id": "a",}\n ]\n}', { file: 'x.json' });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.location.line).toBe(4);
    expect(r.problems[0]!.message).toContain('invalid JSON');
  });

  it('reports CSV rows by line, and ragged rows', () => {
    const r = parsePlanText('id,centerHz,bandwidthHz\na,446006250,12500\nb,446006250\nc,x,1\n', { file: 'p.csv' });
    const got = r.problems.map((p) => `${p.location.line}:${p.location.field ?? ''}:${p.message}`);
    expect(got.some((g) => g.startsWith('3::row has 2 cells'))).toBe(true);
    expect(got.some((g) => g.startsWith('3:bandwidthHz:missing'))).toBe(true);
    expect(got.some((g) => g.startsWith('4:centerHz:'))).toBe(true);
  });

  it('does not call assignments in disjoint phases overlapping, but does when phases share time', () => {
    const base = {
      name: 'p',
      phases: [
        { phase: 'before', fromMs: 0, toMs: 10 },
        { phase: 'during', fromMs: 10, toMs: 20 },
      ],
    };
    const a = { id: 'a', centerHz: 446e6, bandwidthHz: 12500, windows: [{ phase: 'before' }] };
    expect(
      checkPlanObject({ ...base, assignments: [a, { ...a, id: 'b', windows: [{ phase: 'during' }] }] }).problems,
    ).toEqual([]);
    const r = checkPlanObject({ ...base, assignments: [a, { ...a, id: 'b', windows: [{ fromMs: 5, toMs: 15 }] }] });
    expect(r.problems.map((p) => p.message).join()).toContain("'b'");
    const ph = checkPlanObject({ ...base, assignments: [{ ...a, windows: [{ phase: 'after' }] }] });
    expect(ph.problems[0]!.message).toContain("phase 'after'");
  });

  it('loadPlanFile throws PlanError listing problems with the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-plan-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, 'assignments:\n  - id: x\n');
    const err = await loadPlanFile(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe('BW_ERR_PLAN_INVALID');
    expect((err as PlanError).message).toContain(`${f}:2`);
    expect((err as PlanError).problems.length).toBe(2);
  });
});

describe('assignment matching', () => {
  const plan = [
    { id: 'nfm', centerHz: 446006250, bandwidthHz: 12500 },
    { id: 'mic', centerHz: 470.2e6, bandwidthHz: 200000 },
  ];
  it('classifies inside / too wide / off centre / outside', () => {
    expect(matchAssignment(446006250 + 300, 11000, plan, { resolutionHz: 1172 })).toMatchObject({
      relation: 'ok',
      assignment: { id: 'nfm' },
    });
    expect(matchAssignment(446006250, 40000, plan, { resolutionHz: 1172 })).toMatchObject({ relation: 'too-wide' });
    expect(matchAssignment(470.2e6 + 60000, 100000, plan, { resolutionHz: 1172 })).toMatchObject({
      relation: 'off-centre',
      assignment: { id: 'mic' },
    });
    expect(matchAssignment(447e6, 12000, plan, { resolutionHz: 1172 })).toMatchObject({
      relation: 'none',
      assignment: null,
    });
  });
});
