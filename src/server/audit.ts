/**
 * Audit log: one JSON line per action (who, what, when, from where, outcome) in `<dataDir>/audit.jsonl`.
 * Appends are serialised so lines never interleave; `flush()` waits for the queue (tests, shutdown).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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
  private queue: Promise<void> = Promise.resolve();
  private ready: Promise<unknown>;
  /** Write failures (disk full ...) are counted and reported in health, never thrown at the request. */
  failures = 0;

  constructor(readonly file: string) {
    this.ready = mkdir(dirname(file), { recursive: true });
  }

  record(e: Omit<AuditEntry, 'atMs' | 'at'> & { atMs?: number }): void {
    const atMs = e.atMs ?? Date.now();
    const line = JSON.stringify({ ...e, atMs, at: new Date(atMs).toISOString() }) + '\n';
    this.queue = this.queue
      .then(() => this.ready)
      .then(() => appendFile(this.file, line, { mode: 0o600 }))
      .catch(() => {
        this.failures++;
      });
  }

  flush(): Promise<void> {
    return this.queue;
  }

  /** The newest `limit` entries (for the admin view). */
  async tail(limit: number): Promise<AuditEntry[]> {
    await this.flush();
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n').filter(Boolean);
    const out: AuditEntry[] = [];
    for (const l of lines.slice(-limit)) {
      try {
        out.push(JSON.parse(l) as AuditEntry);
      } catch {
        // A torn last line after a crash is skipped, not fatal.
      }
    }
    return out.reverse();
  }
}
