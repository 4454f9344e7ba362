/** CSV → plan rows → plan JSON, and the server's problems placed on rows and columns. */
import { describe, expect, it } from 'vitest';
import {
  parseDecimal,
  parsePlanCsv,
  parsePlanText,
  placeProblems,
  planToRows,
  PlanInputError,
  rowsToPlan,
  splitCsv,
} from '../../web/src/plan-io.ts';

describe('plan CSV parser', () => {
  it('reads an English CSV (comma, decimal point) into the API shape in Hz', () => {
    const rows = parsePlanCsv(
      'id,centerMHz,bandwidthKHz,emission,service,licensee,maxLevelDbfs,critical\n' +
        'A-1,470.1,12.5,11K0F3E,PMR,"Ban tổ chức, Hà Nội",-30,\n' +
        'A-2,470.6,200,200KF8E,Wireless mic,,,yes\n',
    );
    const { plan, problems } = rowsToPlan('Venue', rows);
    expect(problems).toEqual([]);
    expect(plan).toEqual({
      name: 'Venue',
      assignments: [
        {
          id: 'A-1',
          centerHz: 470_100_000,
          bandwidthHz: 12_500,
          emission: '11K0F3E',
          service: 'PMR',
          licensee: 'Ban tổ chức, Hà Nội',
          maxLevelDbfs: -30,
        },
        {
          id: 'A-2',
          centerHz: 470_600_000,
          bandwidthHz: 200_000,
          emission: '200KF8E',
          service: 'Wireless mic',
          critical: true,
        },
      ],
    });
  });

  it('reads a Vietnamese CSV (semicolon, decimal comma) and Hz columns', () => {
    const rows = parsePlanCsv(
      '\uFEFFid;centerHz;bandwidthHz;service\r\nB-1;433920000;25000;SRD\r\n\r\nB-2;446006250;12500;PMR446\r\n',
    );
    expect(rows.map((r) => r.cells.centerMHz)).toEqual(['433,92', '446,00625']);
    const { plan } = rowsToPlan('vi', rows);
    expect(plan.assignments.map((a) => [a.centerHz, a.bandwidthHz])).toEqual([
      [433_920_000, 25_000],
      [446_006_250, 12_500],
    ]);
  });

  it('names unknown and missing columns', () => {
    try {
      parsePlanCsv('id,freq,bandwidthKHz\nA,1,2\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanInputError);
      const msgs = (e as PlanInputError).problems.map((p) => p.message);
      expect(msgs.some((m) => m.includes("unknown column 'freq'"))).toBe(true);
      expect(msgs).toContain('missing column centerMHz');
    }
  });

  it('places numbers that do not parse at their cell and keeps quotes and doubled quotes', () => {
    const rows = parsePlanCsv('id,centerMHz,bandwidthKHz,service\nA,47O.1,12.5,"say ""hi"""\nB,,25,x\n');
    expect(rows[0]?.cells.service).toBe('say "hi"');
    const { problems } = rowsToPlan('p', rows);
    expect(problems).toEqual([
      { row: 0, column: 'centerMHz', field: 'assignments[0].centerMHz', message: "not a number: '47O.1'" },
      { row: 1, column: 'centerMHz', field: 'assignments[1].centerMHz', message: 'required' },
    ]);
  });

  it('refuses a row longer than the header and bad yes/no', () => {
    expect(() => parsePlanCsv('id,centerMHz,bandwidthKHz\nA,1,2,3\n')).toThrow(/4 cells, header has 3/);
    expect(() => parsePlanCsv('id,centerMHz,bandwidthKHz,critical\nA,1,2,maybe\n')).toThrow(/not yes\/no/);
  });

  it('splits with the separator of the header line', () => {
    expect(splitCsv('a;b\n1,5;2\n')).toEqual({
      sep: ';',
      records: [
        ['a', 'b'],
        ['1,5', '2'],
      ],
    });
    expect(splitCsv('a,b\n"x\ny",2')).toEqual({
      sep: ',',
      records: [
        ['a', 'b'],
        ['x\ny', '2'],
      ],
    });
  });

  it('parses decimals with either mark, rejects grouping and junk', () => {
    expect(parseDecimal('470,125')).toBe(470.125);
    expect(parseDecimal(' 470.125 ')).toBe(470.125);
    expect(parseDecimal('−30')).toBe(-30);
    expect(parseDecimal('1.234,5')).toBeNaN();
    expect(parseDecimal('abc')).toBeNaN();
    expect(parseDecimal('-')).toBeNaN();
  });

  it('reads JSON plans (object or bare array) and round-trips the hidden fields', () => {
    const plan = {
      name: 'J',
      phases: [{ phase: 'during' as const, fromMs: 1, toMs: 2 }],
      assignments: [{ id: 'X', centerHz: 470_100_000, bandwidthHz: 12_500, windows: [{ phase: 'during' as const }] }],
    };
    const parsed = parsePlanText(JSON.stringify(plan), 'fallback', true);
    expect(parsed.name).toBe('J');
    expect(parsed.rows[0]?.cells.centerMHz).toBe('470,1');
    expect(rowsToPlan(parsed.name, parsed.rows, { phases: parsed.phases }).plan).toEqual(plan);
    expect(parsePlanText(JSON.stringify(plan.assignments), 'fallback', false).name).toBe('fallback');
    expect(() => parsePlanText('{"name": 1', 'f', false)).toThrow(PlanInputError);
    expect(() => parsePlanText('{"name": "x"}', 'f', false)).toThrow(/assignments/);
  });

  it('shows the plan in display units with the language decimal mark', () => {
    const rows = planToRows(
      { name: 'p', assignments: [{ id: 'a', centerHz: 470_125_000, bandwidthHz: 12_500, maxLevelDbfs: -30.5 }] },
      true,
    );
    expect(rows[0]?.cells).toMatchObject({ centerMHz: '470,125', bandwidthKHz: '12,5', maxLevelDbfs: '-30,5' });
    expect(
      planToRows({ name: 'p', assignments: [{ id: 'a', centerHz: 470_125_000, bandwidthHz: 12_500 }] }, false)[0]?.cells
        .centerMHz,
    ).toBe('470.125');
  });
});

describe('server problems placed in the table', () => {
  it('maps schema paths and plan-validation paths to row and column', () => {
    expect(
      placeProblems([
        { field: 'body.assignments.3.bandwidthHz', message: 'must be > 0' },
        { field: 'assignments[1].id', message: "duplicate id 'A'" },
        { field: 'assignments[2].windows', message: 'bad window' },
        { field: 'assignments[4]', message: 'overlaps assignments[5]' },
        { field: 'body.name', message: 'must NOT have fewer than 1 characters' },
        { field: 'phases[0]', message: 'from after to' },
        { message: 'no field' },
      ]),
    ).toEqual([
      { row: 3, column: 'bandwidthKHz', field: 'assignments.3.bandwidthHz', message: 'must be > 0' },
      { row: 1, column: 'id', field: 'assignments[1].id', message: "duplicate id 'A'" },
      { row: 2, column: null, field: 'assignments[2].windows', message: 'bad window' },
      { row: 4, column: null, field: 'assignments[4]', message: 'overlaps assignments[5]' },
      { row: null, column: null, field: 'name', message: 'must NOT have fewer than 1 characters' },
      { row: null, column: null, field: 'phases[0]', message: 'from after to' },
      { row: null, column: null, field: 'plan', message: 'no field' },
    ]);
  });
});
