/**
 * Typed application errors. Every error has a stable code (`BW_ERR_*`, listed in docs/errors.md) and, where
 * it applies, where the problem is (file, line, field, request path) so a user can fix it.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
  /** Byte offset in a data file or stream. */
  offset?: number;
}

export class BandwatchError extends Error {
  readonly code: string;
  readonly location?: ErrorLocation;
  constructor(code: string, message: string, location?: ErrorLocation, options?: { cause?: unknown }) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
  }
}

export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file + (loc.line !== undefined ? `:${loc.line}` : ''));
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field) parts.push(`field '${loc.field}'`);
  if (loc.offset !== undefined) parts.push(`byte ${loc.offset}`);
  return parts.join(', ');
}

export class ConfigError extends BandwatchError {}
export class PlanError extends BandwatchError {
  /** Every problem found; a malformed plan is rejected as a whole. */
  readonly problems: { location: ErrorLocation; message: string }[];
  constructor(problems: { location: ErrorLocation; message: string }[], file?: string) {
    super(
      'BW_ERR_PLAN_INVALID',
      `frequency plan${file ? ` ${file}` : ''} has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${formatLocation(p.location)}: ${p.message}`).join('\n'),
    );
    this.problems = problems;
  }
}
export class RecordingError extends BandwatchError {}
export class StorageError extends BandwatchError {}
export class ApiError extends BandwatchError {
  readonly statusCode: number;
  constructor(statusCode: number, code: string, message: string, location?: ErrorLocation) {
    super(code, message, location);
    this.statusCode = statusCode;
  }
}

/**
 * True for any of Bandwatch's typed errors, whatever layer threw it (the bridge and dsp have their own base
 * classes so they need not import the application): a stable `BW_` code is the mark.
 */
export function isTypedError(e: unknown): e is Error & { code: string; location?: ErrorLocation } {
  if (!(e instanceof Error)) return false;
  const code = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('BW_');
}
