/**
 * Frequency plan in and out of the browser, no DOM: CSV text → the API's plan JSON shape, table rows (strings
 * as typed, MHz / kHz) ↔ assignments (Hz), and the server's problem list (`field` paths of schema errors
 * `body.assignments.3.centerHz` or plan validation `assignments[3].centerHz`) mapped to table row and column.
 */
import type { Assignment, FrequencyPlan } from '../../src/types.ts';

/** The columns the plan table edits. Numbers are in display units: MHz, kHz, dBFS. */
export const PLAN_COLUMNS = [
  'id',
  'centerMHz',
  'bandwidthKHz',
  'emission',
  'service',
  'licensee',
  'maxLevelDbfs',
] as const;
export type PlanColumn = (typeof PLAN_COLUMNS)[number];

/** One table row as typed, plus the assignment fields the table does not show as text (windows, critical, shared). */
export interface PlanRow {
  cells: Record<PlanColumn, string>;
  extra: Omit<Assignment, 'id' | 'centerHz' | 'bandwidthHz' | 'emission' | 'service' | 'licensee' | 'maxLevelDbfs'>;
}

/** A problem placed in the table: `row` null = about the plan as a whole; `column` null = the whole row. */
export interface PlacedProblem {
  row: number | null;
  column: PlanColumn | null;
  field: string;
  message: string;
}

/** A CSV or number problem found in the browser, before anything is sent. */
export class PlanInputError extends Error {
  constructor(readonly problems: PlacedProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/** Header names accepted in a CSV (lower case, spaces/underscores ignored) → column and unit factor to Hz. */
const HEADERS: Record<string, { column: PlanColumn | 'critical' | 'shared'; toDisplay?: number }> = {
  id: { column: 'id' },
  centermhz: { column: 'centerMHz' },
  centrefrequencymhz: { column: 'centerMHz' },
  centerhz: { column: 'centerMHz', toDisplay: 1e-6 },
  bandwidthkhz: { column: 'bandwidthKHz' },
  bandwidthhz: { column: 'bandwidthKHz', toDisplay: 1e-3 },
  emission: { column: 'emission' },
  designator: { column: 'emission' },
  service: { column: 'service' },
  licensee: { column: 'licensee' },
  maxleveldbfs: { column: 'maxLevelDbfs' },
  maxlevel: { column: 'maxLevelDbfs' },
  critical: { column: 'critical' },
  shared: { column: 'shared' },
};

/** Splits CSV text into records (RFC 4180 quoting; `,` or `;` separator guessed from the header line). */
export function splitCsv(text: string): { sep: string; records: string[][] } {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: string[][] = [];
  let rec: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      rec.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      rec.push(cell);
      if (rec.some((x) => x.trim() !== '')) records.push(rec);
      rec = [];
      cell = '';
    } else cell += c;
  }
  rec.push(cell);
  if (rec.some((x) => x.trim() !== '')) records.push(rec);
  return { sep, records };
}

/** Number typed with a decimal comma or point ("470,125", "470.125", "−30"); NaN if it is not one. */
export function parseDecimal(s: string): number {
  const t = s
    .trim()
    .replace(/\u2212/g, '-')
    .replace(/\s/g, '');
  if (t === '') return NaN;
  // Only one decimal mark is meaningful; grouping marks are not accepted (ambiguous between vi and en).
  if (!/^[-+]?\d*([.,]\d+)?$/.test(t) || t === '-' || t === '+') return NaN;
  return Number(t.replace(',', '.'));
}

const emptyCells = (): Record<PlanColumn, string> => ({
  id: '',
  centerMHz: '',
  bandwidthKHz: '',
  emission: '',
  service: '',
  licensee: '',
  maxLevelDbfs: '',
});

/** Display text of a number: up to `max` decimals, trailing zeros trimmed, the language's decimal mark. */
export function displayNumber(v: number, max: number, decimalComma: boolean): string {
  const s = String(Number(v.toFixed(max)));
  return decimalComma ? s.replace('.', ',') : s;
}

/** Table rows from a plan (MHz with up to 6 decimals = 1 Hz, kHz with up to 3). */
export function planToRows(plan: FrequencyPlan, decimalComma: boolean): PlanRow[] {
  return plan.assignments.map((a) => {
    const { id, centerHz, bandwidthHz, emission, service, licensee, maxLevelDbfs, ...extra } = a;
    return {
      cells: {
        id,
        centerMHz: displayNumber(centerHz / 1e6, 6, decimalComma),
        bandwidthKHz: displayNumber(bandwidthHz / 1e3, 3, decimalComma),
        emission: emission ?? '',
        service: service ?? '',
        licensee: licensee ?? '',
        maxLevelDbfs: maxLevelDbfs === undefined ? '' : displayNumber(maxLevelDbfs, 2, decimalComma),
      },
      extra,
    };
  });
}

/**
 * Rows → the plan JSON the API takes (Hz). Numbers that do not parse are problems placed at their cell, in
 * the same shape as the server's, so the table shows both the same way; nothing is sent while any remain.
 */
export function rowsToPlan(
  name: string,
  rows: PlanRow[],
  base: Pick<FrequencyPlan, 'phases'> = {},
): { plan: FrequencyPlan; problems: PlacedProblem[] } {
  const problems: PlacedProblem[] = [];
  const num = (row: number, column: PlanColumn, s: string, required: boolean): number | undefined => {
    if (s.trim() === '') {
      if (required) problems.push({ row, column, field: fieldOf(row, column), message: 'required' });
      return undefined;
    }
    const v = parseDecimal(s);
    if (Number.isNaN(v)) problems.push({ row, column, field: fieldOf(row, column), message: `not a number: '${s}'` });
    return v;
  };
  const assignments: Assignment[] = rows.map((r, i) => {
    const c = r.cells;
    const mhz = num(i, 'centerMHz', c.centerMHz, true);
    const khz = num(i, 'bandwidthKHz', c.bandwidthKHz, true);
    const max = num(i, 'maxLevelDbfs', c.maxLevelDbfs, false);
    const a: Assignment = {
      ...r.extra,
      id: c.id.trim(),
      // Rounded to the hertz: 470,1 MHz × 1e6 must not become 470099999.99999994 Hz.
      centerHz: mhz === undefined ? NaN : Math.round(mhz * 1e6),
      bandwidthHz: khz === undefined ? NaN : Math.round(khz * 1e3 * 1000) / 1000,
    };
    if (c.emission.trim()) a.emission = c.emission.trim();
    if (c.service.trim()) a.service = c.service.trim();
    if (c.licensee.trim()) a.licensee = c.licensee.trim();
    if (max !== undefined) a.maxLevelDbfs = max;
    return a;
  });
  const plan: FrequencyPlan = { name: name.trim(), assignments };
  if (base.phases) plan.phases = base.phases;
  return { plan, problems };
}

const fieldOf = (row: number, column: PlanColumn) => `assignments[${row}].${column}`;

/** Parses a plan pasted or uploaded as CSV (header row required) into table rows. */
export function parsePlanCsv(text: string): PlanRow[] {
  const { sep, records } = splitCsv(text);
  const [head, ...body] = records;
  if (!head) throw new PlanInputError([{ row: null, column: null, field: 'csv', message: 'empty CSV' }]);
  const cols = head.map(
    (h) =>
      HEADERS[
        h
          .trim()
          .toLowerCase()
          .replace(/[\s_()-]/g, '')
      ] ?? null,
  );
  const unknown = head.filter((_, i) => cols[i] === null);
  const problems: PlacedProblem[] = unknown.map((u) => ({
    row: null,
    column: null,
    field: 'csv.header',
    message: `unknown column '${u.trim()}' (known: id, centerMHz | centerHz, bandwidthKHz | bandwidthHz, emission, service, licensee, maxLevelDbfs, critical, shared)`,
  }));
  for (const need of ['id', 'centerMHz', 'bandwidthKHz'] as const) {
    if (!cols.some((c) => c?.column === need)) {
      problems.push({ row: null, column: null, field: 'csv.header', message: `missing column ${need}` });
    }
  }
  if (problems.length) throw new PlanInputError(problems);
  const comma = sep === ';';
  const rows = body.map((rec, r) => {
    const row: PlanRow = { cells: emptyCells(), extra: {} };
    cols.forEach((c, i) => {
      const raw = (rec[i] ?? '').trim();
      if (!c) return;
      if (c.column === 'critical') {
        if (/^(1|true|yes|có|x)$/i.test(raw)) row.extra.critical = true;
        else if (raw !== '' && !/^(0|false|no|không)$/i.test(raw)) {
          problems.push({ row: r, column: null, field: `assignments[${r}].critical`, message: `not yes/no: '${raw}'` });
        }
        return;
      }
      if (c.column === 'shared') {
        // A band shared by many emitters (SRD/ISM, a PMR446 block); an explicit "no" is kept as false.
        if (/^(1|true|yes|có|x)$/i.test(raw)) row.extra.shared = true;
        else if (/^(0|false|no|không)$/i.test(raw)) row.extra.shared = false;
        else if (raw !== '')
          problems.push({ row: r, column: null, field: `assignments[${r}].shared`, message: `not yes/no: '${raw}'` });
        return;
      }
      if (c.toDisplay !== undefined && raw !== '') {
        const v = parseDecimal(raw);
        row.cells[c.column] = Number.isNaN(v) ? raw : displayNumber(v * c.toDisplay, 6, comma);
      } else row.cells[c.column] = raw;
    });
    if (rec.length > head.length && rec.slice(head.length).some((x) => x.trim() !== '')) {
      problems.push({
        row: r,
        column: null,
        field: `csv.line${r + 2}`,
        message: `${rec.length} cells, header has ${head.length}`,
      });
    }
    return row;
  });
  if (problems.length) throw new PlanInputError(problems);
  return rows;
}

/** Parses pasted or uploaded text: JSON (the plan object or a bare assignments array) or CSV. */
export function parsePlanText(
  text: string,
  fallbackName: string,
  decimalComma: boolean,
): {
  name: string;
  rows: PlanRow[];
  phases?: FrequencyPlan['phases'];
} {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new PlanInputError([{ row: null, column: null, field: 'json', message: (e as Error).message }]);
    }
    const plan = (Array.isArray(v) ? { name: fallbackName, assignments: v } : v) as Partial<FrequencyPlan>;
    if (!plan || typeof plan !== 'object' || !Array.isArray(plan.assignments)) {
      throw new PlanInputError([
        { row: null, column: null, field: 'json.assignments', message: 'expected {name, assignments: [...]}' },
      ]);
    }
    const rows = planToRows({ name: '', assignments: plan.assignments }, decimalComma);
    return { name: typeof plan.name === 'string' ? plan.name : fallbackName, rows, phases: plan.phases };
  }
  const rows = parsePlanCsv(t);
  return { name: fallbackName, rows };
}

/** Field names of the API (Hz) → the table's columns (display units). */
const API_FIELD_TO_COLUMN: Record<string, PlanColumn> = {
  id: 'id',
  centerHz: 'centerMHz',
  centerMHz: 'centerMHz',
  bandwidthHz: 'bandwidthKHz',
  bandwidthKHz: 'bandwidthKHz',
  emission: 'emission',
  service: 'service',
  licensee: 'licensee',
  maxLevelDbfs: 'maxLevelDbfs',
};

/**
 * Places each problem the server returned (400 schema errors or 422 plan problems) at its row and column.
 * `body.assignments.3.centerHz` and `assignments[3].centerHz` both mean row 3, column centre MHz; a field
 * the table has no column for (windows, critical) stays on the row; `name`, `phases[…]` on the plan.
 */
export function placeProblems(problems: { field?: string; message: string }[]): PlacedProblem[] {
  return problems.map((p) => {
    const field = (p.field ?? '').replace(/^body\.?/, '');
    const norm = field.replace(/\[(\d+)\]/g, '.$1');
    const m = /^assignments\.(\d+)(?:\.([A-Za-z]+))?/.exec(norm);
    if (!m) return { row: null, column: null, field: field || 'plan', message: p.message };
    const col = m[2] ? (API_FIELD_TO_COLUMN[m[2]] ?? null) : null;
    return { row: Number(m[1]), column: col, field, message: p.message };
  });
}
