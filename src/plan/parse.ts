/**
 * Reading plan files: JSON, YAML (the `yaml` package) and CSV. Every problem is reported with the file, the
 * line and the field, and a plan with any problem is rejected as a whole (PlanError).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { PlanError, type ErrorLocation } from '../errors.ts';
import type { FrequencyPlan } from '../types.ts';
import { planHints } from './hints.ts';
import { normalizePlan, type PathProblem } from './normalize.ts';
import { validatePlanSemantics } from './validate.ts';

export type PlanFormat = 'json' | 'yaml' | 'csv';
export interface PlanProblem {
  location: ErrorLocation;
  message: string;
}
export interface PlanParseResult {
  plan: FrequencyPlan;
  problems: PlanProblem[];
  /** Advice on a plan without problems (see {@link planHints}), located like the problems; never a reason to reject. */
  hints?: PlanProblem[];
}

export function formatFromName(file: string): PlanFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return 'json';
}

/** Parse and validate plan text; never throws for bad content, returns all problems instead. */
export function parsePlanText(text: string, opts: { file?: string; format?: PlanFormat } = {}): PlanParseResult {
  const file = opts.file;
  const format = opts.format ?? (file ? formatFromName(file) : 'json');
  const defaultName = file ? basename(file, extname(file)) : 'plan';
  if (format === 'csv') return parseCsvPlan(text, file, defaultName);

  const lineCounter = new LineCounter();
  const problems: PlanProblem[] = [];
  if (format === 'json') {
    // YAML accepts things JSON does not (comments, unquoted keys): check strict JSON syntax first.
    try {
      JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec(String(e));
      const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
      return {
        plan: { name: defaultName, assignments: [] },
        problems: [{ location: { file, line }, message: `invalid JSON: ${(e as Error).message}` }],
      };
    }
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.push({
        location: { file, line: lineCounter.linePos(err.pos[0]).line },
        message: `invalid ${format.toUpperCase()}: ${err.message.split('\n')[0]}`,
      });
    }
    return { plan: { name: defaultName, assignments: [] }, problems };
  }
  const lines = new Map<string, number>();
  indexLines(doc.contents as Node | null, '', lines, lineCounter);
  const raw: unknown = doc.toJS();
  return finish(raw, defaultName, (path) => ({ file, line: lineFor(path, lines), field: path || undefined }));
}

/** Validate a plan object (e.g. from the console API); problems carry field paths. */
export function checkPlanObject(plan: unknown): PlanParseResult {
  return finish(plan, (plan as { name?: string } | null)?.name ?? 'plan', (path) => ({ field: path || undefined }));
}

/** Throwing variant: returns the normalised plan or throws PlanError listing every problem. */
export function validatePlanOrThrow(plan: unknown): FrequencyPlan {
  const r = checkPlanObject(plan);
  if (r.problems.length) throw new PlanError(r.problems);
  return r.plan;
}

function finish(raw: unknown, defaultName: string, locate: (path: string) => ErrorLocation): PlanParseResult {
  const { plan, problems } = normalizePlan(raw, defaultName);
  const all: PathProblem[] = [...problems];
  // Semantic checks only make sense on fields that parsed; they skip NaN entries themselves.
  all.push(...validatePlanSemantics(plan));
  const located = (ps: PathProblem[]) => ps.map((p) => ({ location: locate(p.path), message: p.message }));
  return { plan, problems: located(all), hints: all.length ? [] : located(planHints(plan)) };
}

/** Reads, parses and validates a plan file; throws PlanError (every problem) or a read error. */
export async function loadPlanFile(file: string): Promise<FrequencyPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PlanError(
      [{ location: { file }, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }],
      file,
    );
  }
  const r = parsePlanText(text, { file });
  if (r.problems.length) throw new PlanError(r.problems, file);
  return r.plan;
}

function indexLines(node: Node | null, path: string, out: Map<string, number>, lc: LineCounter): void {
  if (!node) return;
  if (node.range) out.set(path, lc.linePos(node.range[0]).line);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = path ? `${path}.${key}` : key;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) out.set(p, lc.linePos(keyNode.range[0]).line);
      if (pair.value && !isScalar(pair.value)) indexLines(pair.value as Node, p, out, lc);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => indexLines(item as Node, `${path}[${i}]`, out, lc));
  }
}

/** Line of the deepest known ancestor of `path` (a missing field points at its object). */
function lineFor(path: string, lines: Map<string, number>): number | undefined {
  let p = path;
  for (;;) {
    const l = lines.get(p);
    if (l !== undefined) return l;
    if (!p) return undefined;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}

// ---- CSV ----------------------------------------------------------------------------------------------------

/** Split one CSV line (RFC 4180 quotes within a line). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells.map((s) => s.trim());
}

const CSV_NUMERIC = new Set(['centerHz', 'bandwidthHz', 'maxLevelDbfs', 'centerMHz']);

/**
 * CSV: a header row naming assignment fields (id, centerHz, bandwidthHz, emission, service, licensee,
 * maxLevelDbfs, critical, shared, windows), one assignment per row; `#` lines are comments. `critical` and
 * `shared` take true/false, yes/no or 1/0 (empty = false). `windows` holds
 * phases or ISO intervals separated by `;` (e.g. `before;during` or `2026-05-01T08:00Z/2026-05-01T12:00Z`).
 */
function parseCsvPlan(text: string, file: string | undefined, defaultName: string): PlanParseResult {
  const rows = text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, text: l }))
    .filter((r) => r.text.trim() && !r.text.trimStart().startsWith('#'));
  const header = rows.shift();
  if (!header)
    return {
      plan: { name: defaultName, assignments: [] },
      problems: [{ location: { file }, message: 'empty CSV: expected a header row and one row per assignment' }],
    };
  const cols = splitCsvLine(header.text);
  const rowLines: number[] = [];
  const assignments: Record<string, unknown>[] = [];
  const early: PlanProblem[] = [];
  for (const r of rows) {
    const cells = splitCsvLine(r.text);
    if (cells.length !== cols.length)
      early.push({
        location: { file, line: r.line },
        message: `row has ${cells.length} cells, the header has ${cols.length}`,
      });
    const o: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      const v = cells[i];
      if (v === undefined || v === '') return;
      o[c] = CSV_NUMERIC.has(c) && /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : v;
    });
    assignments.push(o);
    rowLines.push(r.line);
  }
  const res = finish({ name: defaultName, assignments }, defaultName, (path) => {
    const m = /^assignments\[(\d+)\](?:\.(.*))?$/.exec(path);
    if (m) return { file, line: rowLines[Number(m[1])], field: m[2]?.replace(/\[.*$/, '') ?? undefined };
    return { file, field: path || undefined };
  });
  res.problems.unshift(...early);
  return res;
}
