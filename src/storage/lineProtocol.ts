/**
 * InfluxDB 1.x line protocol: one `Point` per line, `measurement,tag=v field=1.5,n=3i,s="x" <ms>`.
 * The same text is what the embedded store keeps on disk and what the spool replays, so a file written by
 * either can be imported with `influx -import -precision ms` or `curl --data-binary @file '.../write?precision=ms'`.
 */
import { StorageError } from '../errors.ts';
import type { Point } from '../types.ts';

/**
 * Escapes a measurement name: commas and spaces. Backslashes stay as they are: InfluxDB 1.x only unescapes
 * `\,`, `\ ` (and `\=` in keys), so a lone backslash is literal text.
 */
export function escapeMeasurement(s: string): string {
  return s.replace(/[ ,]/g, (c) => '\\' + c);
}

const NEEDS_KEY_ESCAPE = /[ ,=]/;
const HAS_NEWLINE = /[\r\n]/;

/** Escapes a tag key, tag value or field key: commas, equals signs and spaces. */
export function escapeKey(s: string): string {
  // Most names need nothing: test first, replace only when needed (this runs for every tag and field).
  return NEEDS_KEY_ESCAPE.test(s) ? s.replace(/[ ,=]/g, (c) => '\\' + c) : s;
}

/** Quotes a string field value: backslashes and double quotes escaped. */
export function quoteString(s: string): string {
  if (!/["\\\r\n]/.test(s)) return '"' + s + '"';
  // A newline would end the line for line-based readers (`influx -import`, our own scanner), so it becomes a space.
  return '"' + s.replace(/[\r\n]+/g, ' ').replace(/["\\]/g, (c) => '\\' + c) + '"';
}

/**
 * Formats one point. `intFields` names the fields written as integers (`3i`); other numbers are floats.
 * Non-finite numbers cannot be stored and are left out; tags with empty values are left out (InfluxDB drops them).
 * Throws StorageError if nothing storable remains or a name is unusable.
 */
export function formatPoint(p: Point, intFields?: ReadonlySet<string>): string {
  if (!p.measurement)
    throw new StorageError('BW_ERR_STORAGE_POINT', 'point has an empty measurement', { field: 'measurement' });
  if (!Number.isFinite(p.timeMs)) {
    throw new StorageError('BW_ERR_STORAGE_POINT', `point ${p.measurement} has no valid time (${p.timeMs})`, {
      field: 'timeMs',
    });
  }
  let line = escapeMeasurement(p.measurement);
  const tagKeys = Object.keys(p.tags).sort(); // sorted tags = InfluxDB's fast path
  for (const k of tagKeys) {
    const v = p.tags[k];
    if (v === undefined || v === '') continue;
    if (HAS_NEWLINE.test(v) || HAS_NEWLINE.test(k)) {
      throw new StorageError('BW_ERR_STORAGE_POINT', `tag ${k} of ${p.measurement} contains a newline`, {
        field: `tags.${k}`,
      });
    }
    line += ',' + escapeKey(k) + '=' + escapeKey(v);
  }
  let n = 0;
  for (const [k, v] of Object.entries(p.fields)) {
    let text: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) continue;
      text = intFields?.has(k) ? `${Math.trunc(v)}i` : numberText(v);
    } else if (typeof v === 'boolean') text = v ? 'true' : 'false';
    else if (typeof v === 'string') text = quoteString(v);
    else continue;
    line += (n === 0 ? ' ' : ',') + escapeKey(k) + '=' + text;
    n++;
  }
  if (n === 0) {
    throw new StorageError('BW_ERR_STORAGE_POINT', `point ${p.measurement} has no storable field`, { field: 'fields' });
  }
  return line + ' ' + Math.round(p.timeMs);
}

function numberText(v: number): string {
  // Exponent notation ("1e+21") is valid line protocol for floats; plain integers stay floats because no 'i'.
  return String(v);
}

/**
 * Parses one line written by `formatPoint` (or any valid line protocol with a ms timestamp).
 * Throws StorageError with the line number when the line is malformed.
 */
export function parseLine(line: string, where?: { file?: string; line?: number }): Point {
  let i = 0;
  const len = line.length;
  const fail = (msg: string): never => {
    throw new StorageError('BW_ERR_STORAGE_LINE', msg, { file: where?.file, line: where?.line, offset: i });
  };
  // Scans to the next unescaped stop character; slices instead of building strings char by char.
  const readToken = (stopEq: boolean, stopComma: boolean): string => {
    const start = i;
    let escaped = false;
    while (i < len) {
      const c = line.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < len) {
        const n = line.charCodeAt(i + 1);
        if (n === COMMA || n === SPACE || n === EQUALS) {
          escaped = true;
          i += 2;
          continue;
        }
      }
      if (c === SPACE || (stopComma && c === COMMA) || (stopEq && c === EQUALS)) break;
      i++;
    }
    const tok = line.slice(start, i);
    return escaped ? tok.replace(/\\([ ,=])/g, '$1') : tok;
  };
  const measurement = readToken(false, true);
  if (!measurement) fail('missing measurement');
  const tags: Record<string, string> = {};
  while (line.charCodeAt(i) === COMMA) {
    i++;
    const k = readToken(true, true);
    if (line.charCodeAt(i) !== EQUALS) fail(`tag '${k}' has no value`);
    i++;
    tags[k] = readToken(false, true);
  }
  if (line.charCodeAt(i) !== SPACE) fail('missing fields');
  i++;
  const fields: Record<string, number | string | boolean> = {};
  for (;;) {
    const k = readToken(true, false);
    if (line.charCodeAt(i) !== EQUALS) fail(`field '${k}' has no value`);
    i++;
    if (line.charCodeAt(i) === QUOTE) {
      i++;
      const start = i;
      let escaped = false;
      while (i < len) {
        const c = line.charCodeAt(i);
        if (
          c === BACKSLASH &&
          i + 1 < len &&
          (line.charCodeAt(i + 1) === QUOTE || line.charCodeAt(i + 1) === BACKSLASH)
        ) {
          escaped = true;
          i += 2;
          continue;
        }
        if (c === QUOTE) break;
        i++;
      }
      if (i >= len) fail(`unterminated string in field '${k}'`);
      const raw = line.slice(start, i);
      fields[k] = escaped ? raw.replace(/\\(["\\])/g, '$1') : raw;
      i++;
    } else {
      const start = i;
      while (i < len) {
        const c = line.charCodeAt(i);
        if (c === COMMA || c === SPACE) break;
        i++;
      }
      fields[k] = parseFieldValue(line.slice(start, i), k, fail);
    }
    if (line.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    break;
  }
  let timeMs = NaN;
  if (line.charCodeAt(i) === SPACE) {
    i++;
    timeMs = Number(line.slice(i).trim());
  }
  if (!Number.isFinite(timeMs)) fail('missing or invalid timestamp');
  return { measurement, tags, fields, timeMs };
}

const BACKSLASH = 92;
const COMMA = 44;
const SPACE = 32;
const EQUALS = 61;
const QUOTE = 34;

function parseFieldValue(raw: string, key: string, fail: (m: string) => never): number | boolean {
  const c0 = raw.charCodeAt(0);
  // Letters start only booleans; numbers take the fast path.
  if (c0 > 57) {
    if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
    if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  }
  const num = raw.endsWith('i') || raw.endsWith('u') ? Number(raw.slice(0, -1)) : Number(raw);
  if (raw === '' || !Number.isFinite(num)) return fail(`field '${key}' has an invalid value '${raw}'`);
  return num;
}
