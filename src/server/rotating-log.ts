/**
 * An append-only JSON-lines file that rotates by size, like logrotate: when the next append would take
 * `file` past `maxBytes`, `file.{keep-1}` … `file.1` move up one, `file` becomes `file.1` and the oldest
 * (`file.{keep}`) is deleted. Appends, rotations and reads all run through one queue per instance, so lines
 * never interleave, none is lost or written twice across a rotation, and a read never sees a half-rotated set.
 * Used by the audit log and the operator notes (one instance per file: one writer per file).
 */
import { appendFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.ts';

export interface RotationOptions {
  /** Size at which the current file is rotated, bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept (`file.1` newest … `file.{keep}` oldest); 0 keeps none. Default 10. */
  keep?: number;
}

export const DEFAULT_ROTATION: Required<RotationOptions> = { maxBytes: 10 * 1024 * 1024, keep: 10 };

/** Bytes read per step when reading a file backwards. */
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

function checkRotation(o: RotationOptions): Required<RotationOptions> {
  const r = { ...DEFAULT_ROTATION, ...o };
  if (!Number.isInteger(r.maxBytes) || r.maxBytes < 1)
    throw new ConfigError('BW_ERR_CONFIG', 'must be a whole number of bytes ≥ 1', { field: 'logs.maxBytes' });
  if (!Number.isInteger(r.keep) || r.keep < 0 || r.keep > 1000)
    throw new ConfigError('BW_ERR_CONFIG', 'must be a whole number from 0 to 1000', { field: 'logs.keep' });
  return r;
}

export class RotatingLog {
  private readonly rotation: Required<RotationOptions>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Checked once: a line torn by a crash must not swallow the next one. */
  private tailChecked = false;

  /** Throws `BW_ERR_CONFIG` for a bad `maxBytes`/`keep`. */
  constructor(
    readonly file: string,
    rotation: RotationOptions = {},
  ) {
    this.rotation = checkRotation(rotation);
  }

  /** The files that may hold lines, newest first: `file`, `file.1`, … `file.{keep}`. */
  files(): string[] {
    return [this.file, ...Array.from({ length: this.rotation.keep }, (_, i) => `${this.file}.${i + 1}`)];
  }

  /**
   * Append whole lines (`text` ends with '\n'). Resolves once written; rejects with the file-system error
   * (the queue itself carries on). A batch larger than `maxBytes` still goes whole into one file.
   */
  append(text: string): Promise<void> {
    return this.run(async () => {
      const size = await this.currentSize();
      if (!this.tailChecked) {
        this.tailChecked = true;
        if (size > 0 && !(await this.endsWithNewline(size))) text = '\n' + text;
      }
      if (size > 0 && size + Buffer.byteLength(text) > this.rotation.maxBytes) await this.rotate();
      await appendFile(this.file, text, { mode: 0o600 });
    });
  }

  /** Resolves when everything queued so far is written (or has failed). */
  async flush(): Promise<void> {
    await this.run(async () => undefined);
  }

  /**
   * The newest `limit` lines that `parse` accepts (returns non-undefined for), newest first, from the current
   * file and then as many rotated files as needed. Torn or foreign lines are left to `parse` to refuse.
   */
  recent<T>(limit: number, parse: (line: string) => T | undefined): Promise<T[]> {
    return this.run(async () => {
      const out: T[] = [];
      for (const f of this.files()) {
        if (out.length >= limit) break;
        await readLinesBackwards(f, (line) => {
          const v = parse(line);
          if (v !== undefined) out.push(v);
          return out.length < limit;
        });
      }
      return out;
    });
  }

  private run<T>(job: () => Promise<T>): Promise<T> {
    const p = this.queue.then(job);
    this.queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  private async currentSize(): Promise<number> {
    try {
      return (await stat(this.file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dirname(this.file), { recursive: true });
      return 0;
    }
  }

  private async endsWithNewline(size: number): Promise<boolean> {
    const fh = await open(this.file, 'r');
    try {
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, size - 1);
      return b[0] === NEWLINE;
    } finally {
      await fh.close();
    }
  }

  private async rotate(): Promise<void> {
    const names = this.files();
    await rm(names[names.length - 1] as string, { force: true });
    // Each rename is atomic; a crash part-way leaves a gap in the numbering, never a lost or doubled line.
    for (let i = names.length - 2; i >= 0; i--) {
      try {
        await rename(names[i] as string, names[i + 1] as string);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}

/**
 * Calls `take` with each non-empty line of `file`, last line first, until it returns false or the file is
 * read. A missing file has no lines. Reads 64 KiB at a time from the end, so the newest lines of a large
 * file cost little; '\n' never occurs inside a UTF-8 multi-byte character, so splitting bytes is safe.
 */
export async function readLinesBackwards(file: string, take: (line: string) => boolean): Promise<void> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    let pos = (await fh.stat()).size;
    let carry = Buffer.alloc(0);
    while (pos > 0) {
      const n = Math.min(CHUNK_BYTES, pos);
      pos -= n;
      const buf = Buffer.alloc(n);
      await fh.read(buf, 0, n, pos);
      const data = carry.length > 0 ? Buffer.concat([buf, carry]) : buf;
      let end = data.length;
      for (let i = data.length - 1; i >= 0; i--) {
        if (data[i] !== NEWLINE) continue;
        if (end > i + 1 && !take(data.toString('utf8', i + 1, end))) return;
        end = i;
      }
      carry = data.subarray(0, end);
    }
    if (carry.length > 0) take(carry.toString('utf8'));
  } finally {
    await fh.close();
  }
}
