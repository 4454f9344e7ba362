/**
 * Operator notes ("annotate"): free-text remarks on an alarm or a sensor at a moment and frequency, kept in
 * `<dataDir>/notes.jsonl` (append-only, rotated by size like the audit log) so hand-overs between duty shifts
 * keep the context. At start the newest `maxNotes` notes are loaded from the current file and as many rotated
 * files as needed; that window (default 10 000) is what the notes API searches and serves. Older notes stay on
 * disk in the rotated files until rotation deletes them.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import { RotatingLog, type RotationOptions } from './rotating-log.ts';

export interface Note {
  id: string;
  sensorId: string;
  alarmId?: string;
  /** Moment the note is about, ms (defaults to when it was written). */
  timeMs: number;
  centerHz?: number;
  text: string;
  by: string;
  atMs: number;
}

export interface NoteStoreOptions {
  rotation?: RotationOptions;
  /** Notes kept in memory (loaded at start, newest first; older ones dropped as new ones come). Default 10 000. */
  maxNotes?: number;
  /** One-line warnings (damaged lines skipped at load). Default stderr. */
  warn?: (line: string) => void;
}

export const DEFAULT_MAX_NOTES = 10_000;

export class NoteStore {
  /** Oldest first. */
  private notes: Note[] = [];
  private readonly log: RotatingLog;
  private readonly maxNotes: number;

  private constructor(
    readonly file: string,
    opts: NoteStoreOptions,
  ) {
    this.log = new RotatingLog(file, opts.rotation);
    this.maxNotes = opts.maxNotes ?? DEFAULT_MAX_NOTES;
    if (!Number.isInteger(this.maxNotes) || this.maxNotes < 1)
      throw new ConfigError('BW_ERR_CONFIG', 'must be a whole number ≥ 1', { field: 'maxNotes' });
  }

  /**
   * Load the newest `maxNotes` notes. A line that is not a note (torn by a crash, damaged) is skipped with one
   * warning naming the file; it stays on disk untouched.
   */
  static async create(file: string, opts: NoteStoreOptions = {}): Promise<NoteStore> {
    const s = new NoteStore(file, opts);
    let skipped = 0;
    const newestFirst = await s.log.recent(s.maxNotes, (line) => {
      if (!line.trim()) return undefined;
      const n = parseNote(line);
      if (!n) skipped++;
      return n;
    });
    s.notes = newestFirst.reverse();
    if (skipped > 0) {
      const warn = opts.warn ?? ((l: string) => process.stderr.write(l + '\n'));
      const e = new ConfigError(
        'BW_ERR_NOTES_FILE',
        `skipped ${skipped} line(s) that are not notes (torn by a crash?)`,
        {
          file,
        },
      );
      warn(`notes: ${e.code}: ${e.message}; the file is left as it is`);
    }
    return s;
  }

  /** Newest first (notes written in the same millisecond: last written first). */
  list(filter: { alarmId?: string; sensorId?: string; limit?: number } = {}): Note[] {
    return [...this.notes]
      .reverse()
      .filter(
        (n) =>
          (!filter.alarmId || n.alarmId === filter.alarmId) && (!filter.sensorId || n.sensorId === filter.sensorId),
      )
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, filter.limit ?? 500);
  }

  /** Write the note, then serve it; a failed write rejects and leaves nothing half-added. */
  async add(n: Omit<Note, 'id' | 'atMs' | 'timeMs'> & { timeMs?: number }): Promise<Note> {
    const atMs = Date.now();
    const note: Note = {
      id: `N${atMs.toString(36)}${randomBytes(3).toString('hex')}`,
      ...n,
      timeMs: n.timeMs ?? atMs,
      atMs,
    };
    await this.log.append(JSON.stringify(note) + '\n');
    this.notes.push(note);
    if (this.notes.length > this.maxNotes) this.notes.splice(0, this.notes.length - this.maxNotes);
    return note;
  }

  /** Resolves when queued writes are done. */
  flush(): Promise<void> {
    return this.log.flush();
  }
}

function parseNote(line: string): Note | undefined {
  try {
    const n = JSON.parse(line) as Note;
    return n &&
      typeof n === 'object' &&
      typeof n.id === 'string' &&
      typeof n.sensorId === 'string' &&
      typeof n.text === 'string' &&
      typeof n.atMs === 'number'
      ? n
      : undefined;
  } catch {
    return undefined;
  }
}
