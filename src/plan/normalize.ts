/**
 * Turns a hand-written plan tree (from JSON, YAML or CSV rows) into a `FrequencyPlan`, collecting every
 * problem with the field path; the caller maps paths to file lines.
 */
import type { Assignment, FrequencyPlan } from '../types.ts';
import { parseEmissionDesignator } from './designator.ts';
import { describe, parseHz, parseTimeMs } from './units.ts';

export type Phase = 'before' | 'during' | 'after';
export const PHASES: readonly Phase[] = ['before', 'during', 'after'];

/** A problem at a field path such as `assignments[3].centerHz`. */
export interface PathProblem {
  path: string;
  message: string;
}

const PLAN_FIELDS = new Set([
  'name',
  'assignments',
  'phases',
  'version',
  'description',
  'venue',
  'event',
  'timezone',
  'notes',
]);
const ASSIGNMENT_FIELDS = new Set([
  'id',
  'centerHz',
  'centerMHz',
  'frequency',
  'frequencyHz',
  'bandwidthHz',
  'bandwidth',
  'emission',
  'service',
  'licensee',
  'maxLevelDbfs',
  'windows',
  'critical',
  'shared',
  'name',
  'label',
  'channel',
  'notes',
  'comment',
  'description',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Normalise a parsed plan tree. `defaultName` is used when the plan has no name (e.g. the file name). */
export function normalizePlan(raw: unknown, defaultName: string): { plan: FrequencyPlan; problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const plan: FrequencyPlan = { name: defaultName, assignments: [] };
  if (!isRecord(raw)) {
    problems.push({ path: '', message: `a plan must be an object with 'assignments', got ${describe(raw)}` });
    return { plan, problems };
  }
  for (const k of Object.keys(raw)) {
    if (!PLAN_FIELDS.has(k))
      problems.push({ path: k, message: `unknown plan field '${k}' (known: ${[...PLAN_FIELDS].join(', ')})` });
  }
  if (raw.name !== undefined) {
    if (typeof raw.name === 'string' && raw.name.trim()) plan.name = raw.name.trim();
    else problems.push({ path: 'name', message: `name must be a non-empty string, got ${describe(raw.name)}` });
  }
  if (raw.phases !== undefined) {
    if (!Array.isArray(raw.phases))
      problems.push({ path: 'phases', message: `phases must be a list, got ${describe(raw.phases)}` });
    else {
      plan.phases = [];
      raw.phases.forEach((p, i) => {
        const ph = normalizePhase(p, `phases[${i}]`, problems);
        if (ph) plan.phases!.push(ph);
      });
    }
  }
  if (!Array.isArray(raw.assignments)) {
    problems.push({
      path: 'assignments',
      message:
        raw.assignments === undefined
          ? "missing 'assignments' list"
          : `assignments must be a list, got ${describe(raw.assignments)}`,
    });
  } else {
    raw.assignments.forEach((a, i) => {
      const n = normalizeAssignment(a, `assignments[${i}]`, problems);
      // Keep the index aligned with the source so later checks can point at the right line.
      plan.assignments.push(n ?? { id: '', centerHz: NaN, bandwidthHz: NaN });
    });
  }
  return { plan, problems };
}

function normalizePhase(
  p: unknown,
  path: string,
  problems: PathProblem[],
): NonNullable<FrequencyPlan['phases']>[number] | null {
  if (!isRecord(p)) {
    problems.push({ path, message: `a phase must be an object {phase, from, to}, got ${describe(p)}` });
    return null;
  }
  const phase = p.phase;
  let ok = true;
  if (typeof phase !== 'string' || !PHASES.includes(phase as Phase)) {
    problems.push({
      path: `${path}.phase`,
      message: `phase must be one of ${PHASES.join(', ')}, got ${describe(phase)}`,
    });
    ok = false;
  }
  const from = timeField(p, ['fromMs', 'from'], path, problems, true);
  const to = timeField(p, ['toMs', 'to'], path, problems, true);
  if (from !== null && to !== null && from >= to) {
    problems.push({ path: `${path}.to`, message: `phase ends (${iso(to)}) before it starts (${iso(from)})` });
    ok = false;
  }
  if (!ok || from === null || to === null) return null;
  return { phase: phase as Phase, fromMs: from, toMs: to };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function timeField(
  o: Record<string, unknown>,
  names: string[],
  path: string,
  problems: PathProblem[],
  required: boolean,
): number | null {
  const name = names.find((n) => o[n] !== undefined);
  if (!name) {
    if (required)
      problems.push({
        path: `${path}.${names[names.length - 1]}`,
        message: `missing '${names[names.length - 1]}' time`,
      });
    return null;
  }
  const t = parseTimeMs(o[name]);
  if (typeof t === 'string') {
    problems.push({ path: `${path}.${name}`, message: t });
    return null;
  }
  return t;
}

function normalizeAssignment(a: unknown, path: string, problems: PathProblem[]): Assignment | null {
  if (!isRecord(a)) {
    problems.push({ path, message: `an assignment must be an object, got ${describe(a)}` });
    return null;
  }
  const before = problems.length;
  for (const k of Object.keys(a)) {
    if (!ASSIGNMENT_FIELDS.has(k)) problems.push({ path: `${path}.${k}`, message: `unknown assignment field '${k}'` });
  }
  let id = '';
  if (typeof a.id === 'string' && a.id.trim()) id = a.id.trim();
  else if (typeof a.id === 'number') id = String(a.id);
  else
    problems.push({
      path: `${path}.id`,
      message: a.id === undefined ? "missing 'id'" : `id must be a non-empty string, got ${describe(a.id)}`,
    });

  let centerHz = NaN;
  if (a.centerMHz !== undefined) {
    if (typeof a.centerMHz === 'number' && Number.isFinite(a.centerMHz)) centerHz = Math.round(a.centerMHz * 1e6);
    else
      problems.push({ path: `${path}.centerMHz`, message: `centerMHz must be a number, got ${describe(a.centerMHz)}` });
  } else {
    const name = ['centerHz', 'frequencyHz', 'frequency'].find((n) => a[n] !== undefined);
    if (!name) problems.push({ path: `${path}.centerHz`, message: "missing 'centerHz' (centre frequency)" });
    else {
      const v = parseHz(a[name]);
      if (typeof v === 'string') problems.push({ path: `${path}.${name}`, message: v });
      else centerHz = v;
    }
  }

  let emission: string | undefined;
  let designatorHz: number | undefined;
  if (a.emission !== undefined) {
    if (typeof a.emission !== 'string')
      problems.push({
        path: `${path}.emission`,
        message: `emission must be a designator string like 16K0F3E, got ${describe(a.emission)}`,
      });
    else {
      const d = parseEmissionDesignator(a.emission);
      if (typeof d === 'string') problems.push({ path: `${path}.emission`, message: d });
      else {
        emission = d.text;
        designatorHz = d.bandwidthHz;
      }
    }
  }

  let bandwidthHz = NaN;
  const bwName = ['bandwidthHz', 'bandwidth'].find((n) => a[n] !== undefined);
  if (bwName) {
    const v = parseHz(a[bwName]);
    if (typeof v === 'string') problems.push({ path: `${path}.${bwName}`, message: v });
    else if (!(v > 0)) problems.push({ path: `${path}.${bwName}`, message: `bandwidth must be > 0 Hz, got ${v}` });
    else {
      bandwidthHz = v;
      // The channel may be wider than the necessary bandwidth (channel spacing), never narrower.
      if (designatorHz !== undefined && designatorHz > v * 1.001) {
        problems.push({
          path: `${path}.${bwName}`,
          message: `bandwidth ${v} Hz is narrower than the emission designator's necessary bandwidth ${designatorHz} Hz (${emission})`,
        });
      }
    }
  } else if (designatorHz !== undefined) bandwidthHz = designatorHz;
  else if (emission === undefined && a.emission === undefined)
    problems.push({
      path: `${path}.bandwidthHz`,
      message: "missing 'bandwidthHz' (or an 'emission' designator to take it from)",
    });

  const out: Assignment = { id, centerHz, bandwidthHz };
  if (emission) out.emission = emission;
  for (const f of ['service', 'licensee'] as const) {
    const v = a[f];
    if (v === undefined) continue;
    if (typeof v === 'string') out[f] = v;
    else problems.push({ path: `${path}.${f}`, message: `${f} must be a string, got ${describe(v)}` });
  }
  if (a.maxLevelDbfs !== undefined) {
    const v =
      typeof a.maxLevelDbfs === 'string' && a.maxLevelDbfs.trim() !== '' ? Number(a.maxLevelDbfs) : a.maxLevelDbfs;
    if (typeof v !== 'number' || !Number.isFinite(v))
      problems.push({
        path: `${path}.maxLevelDbfs`,
        message: `maxLevelDbfs must be a number (dBFS), got ${describe(a.maxLevelDbfs)}`,
      });
    else if (v > 0)
      problems.push({
        path: `${path}.maxLevelDbfs`,
        message: `maxLevelDbfs ${v} is above full scale (0 dBFS): no level can exceed it`,
      });
    else out.maxLevelDbfs = v;
  }
  const critical = flagField(a, 'critical', 'critical must be true or false', path, problems);
  if (critical !== undefined) out.critical = critical;
  const shared = flagField(
    a,
    'shared',
    'shared must be true (a band or block shared by many emitters) or false (one user’s channel)',
    path,
    problems,
  );
  if (shared !== undefined) out.shared = shared;
  if (a.windows !== undefined) {
    const w = normalizeWindows(a.windows, `${path}.windows`, problems);
    if (w) out.windows = w;
  }
  return problems.length === before ? out : out.id || Number.isFinite(out.centerHz) ? out : null;
}

/**
 * A yes/no field: a boolean, or (CSV cells, YAML 1.2 where `yes` is a string) true/false, yes/no, 1/0 in any case;
 * an empty CSV cell is false. Anything else is a problem at the field, and undefined is returned.
 */
function flagField(
  a: Record<string, unknown>,
  name: string,
  what: string,
  path: string,
  problems: PathProblem[],
): boolean | undefined {
  const v = a[name];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'yes' || t === '1') return true;
    if (t === 'false' || t === 'no' || t === '0' || t === '') return false;
  }
  problems.push({ path: `${path}.${name}`, message: `${what}, got ${describe(v)}` });
  return undefined;
}

function normalizeWindows(v: unknown, path: string, problems: PathProblem[]): Assignment['windows'] | null {
  // Shorthand: "during" or "before, during" (CSV cells and quick YAML).
  if (typeof v === 'string')
    v = v
      .split(/[;,|]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => (s.includes('/') ? { from: s.split('/')[0], to: s.split('/')[1] } : { phase: s }));
  if (!Array.isArray(v)) {
    problems.push({ path, message: `windows must be a list of {phase} or {from, to}, got ${describe(v)}` });
    return null;
  }
  const out: NonNullable<Assignment['windows']> = [];
  v.forEach((w, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(w)) {
      problems.push({ path: p, message: `a window must be {phase} or {from, to}, got ${describe(w)}` });
      return;
    }
    const win: NonNullable<Assignment['windows']>[number] = {};
    if (w.phase !== undefined) {
      if (typeof w.phase === 'string' && PHASES.includes(w.phase as Phase)) win.phase = w.phase as Phase;
      else
        problems.push({
          path: `${p}.phase`,
          message: `phase must be one of ${PHASES.join(', ')}, got ${describe(w.phase)}`,
        });
    }
    const from = timeField(w, ['fromMs', 'from'], p, problems, false);
    const to = timeField(w, ['toMs', 'to'], p, problems, false);
    if (from !== null) win.fromMs = from;
    if (to !== null) win.toMs = to;
    if (from !== null && to !== null && from >= to)
      problems.push({ path: `${p}.to`, message: `window ends (${iso(to)}) before it starts (${iso(from)})` });
    if (
      w.phase === undefined &&
      w.from === undefined &&
      w.fromMs === undefined &&
      w.to === undefined &&
      w.toMs === undefined
    ) {
      problems.push({ path: p, message: 'a window needs a phase or a from/to time' });
    }
    out.push(win);
  });
  return out;
}
