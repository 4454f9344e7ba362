/**
 * Operator notes ("annotate"): free-text remarks on an alarm or a sensor at a moment and frequency, kept in
 * `<dataDir>/notes.jsonl` (append-only, reloaded at start) so hand-overs between duty shifts keep the context.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.ts';

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

export class NoteStore {
  private notes: Note[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async create(file: string): Promise<NoteStore> {
    const s = new NoteStore(file);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        s.notes.push(JSON.parse(line) as Note);
      } catch {
        // A torn last line after a crash is skipped; anything earlier is a damaged file.
        if (i < text.split('\n').length - 2)
          throw new ConfigError('BW_ERR_NOTES_FILE', 'not a JSON line', { file, line: i + 1 });
      }
    });
    return s;
  }

  list(filter: { alarmId?: string; sensorId?: string; limit?: number } = {}): Note[] {
    return this.notes
      .filter(
        (n) =>
          (!filter.alarmId || n.alarmId === filter.alarmId) && (!filter.sensorId || n.sensorId === filter.sensorId),
      )
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, filter.limit ?? 500);
  }

  async add(n: Omit<Note, 'id' | 'atMs' | 'timeMs'> & { timeMs?: number }): Promise<Note> {
    const atMs = Date.now();
    const note: Note = {
      id: `N${atMs.toString(36)}${randomBytes(3).toString('hex')}`,
      ...n,
      timeMs: n.timeMs ?? atMs,
      atMs,
    };
    this.notes.push(note);
    const line = JSON.stringify(note) + '\n';
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await appendFile(this.file, line, { mode: 0o600 });
    });
    await this.writing;
    return note;
  }
}
