/**
 * Audit log: one JSON line per action (who, what, when, from where, outcome) in `<dataDir>/audit.jsonl`,
 * rotated by size (`audit.jsonl.1` … `audit.jsonl.10` by default, oldest deleted). Appends go through one
 * queue so lines never interleave; `flush()` waits for it (tests, shutdown).
 */
import { RotatingLog, type RotationOptions } from './rotating-log.ts';

export interface AuditEntry {
  atMs: number;
  /** ISO time, for people reading the file. */
  at: string;
  user: string | null;
  role: string | null;
  ip: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
}

export class AuditLog {
  private readonly log: RotatingLog;
  /** Write failures (disk full ...) are counted and reported in health, never thrown at the request. */
  failures = 0;

  constructor(
    readonly file: string,
    rotation: RotationOptions = {},
  ) {
    this.log = new RotatingLog(file, rotation);
  }

  record(e: Omit<AuditEntry, 'atMs' | 'at'> & { atMs?: number }): void {
    const atMs = e.atMs ?? Date.now();
    const line = JSON.stringify({ ...e, atMs, at: new Date(atMs).toISOString() }) + '\n';
    this.log.append(line).catch(() => {
      this.failures++;
    });
  }

  flush(): Promise<void> {
    return this.log.flush();
  }

  /** The newest `limit` entries, newest first (for the admin view), across rotated files. */
  tail(limit: number): Promise<AuditEntry[]> {
    return this.log.recent(limit, parseAuditLine);
  }
}

function parseAuditLine(line: string): AuditEntry | undefined {
  try {
    const e = JSON.parse(line) as AuditEntry;
    return e && typeof e === 'object' && typeof e.atMs === 'number' ? e : undefined;
  } catch {
    // A line torn by a crash is skipped, not fatal.
    return undefined;
  }
}
