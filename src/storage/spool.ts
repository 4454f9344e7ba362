/**
 * Disk spool for points that could not reach InfluxDB. Line protocol in numbered segment files
 * (`<dir>/000001.spool`, ...), appended and fsync'd once per batch; a cursor file (`cursor.json`, replaced
 * atomically) records how far the first segment has been delivered. Delivery is in append order.
 *
 * Bound: `maxBytes` of undelivered data. Policy when full: the NEW batch is refused whole and counted in
 * `droppedPoints` (older points are never removed to make room, so what is kept is a gap-free prefix of the
 * outage, and the engine sees the drop in health()). A crash between a delivered batch and its cursor update
 * re-sends that batch once; InfluxDB overwrites a point with the same series and timestamp, so no duplicate rows.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../errors.ts';

export interface SpoolOptions {
  dir: string;
  /** Undelivered bytes kept at most. Default 256 MiB. */
  maxBytes?: number;
  /** A new segment starts after this many bytes. Default 4 MiB. */
  segmentBytes?: number;
}

interface Segment {
  seq: number;
  bytes: number;
  lines: number;
}

export interface SpoolBatch {
  lines: string[];
  seq: number;
  /** Byte offset in the segment after the batch. */
  endOffset: number;
}

const segName = (seq: number): string => String(seq).padStart(6, '0') + '.spool';

export class Spool {
  private segments: Segment[] = [];
  /** Delivered bytes/lines of the first segment. */
  private cursorOffset = 0;
  private cursorLines = 0;
  private fd: number | null = null;
  private fdSeq = -1;
  private cache: { seq: number; buf: Buffer } | null = null;
  private _dropped = 0;
  private _pending = 0;

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly segmentBytes: number,
  ) {}

  static async create(opts: SpoolOptions): Promise<Spool> {
    await mkdir(opts.dir, { recursive: true });
    const s = new Spool(opts.dir, opts.maxBytes ?? 256 * 2 ** 20, opts.segmentBytes ?? 4 * 2 ** 20);
    const names = (await readdir(opts.dir)).filter((f) => /^\d{6}\.spool$/.test(f)).sort();
    for (const n of names) {
      const text = await readFile(join(opts.dir, n), 'utf8');
      // Only whole lines count: a torn tail (crash mid-write) is ignored.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      const lines = complete ? complete.split('\n').length - 1 : 0;
      s.segments.push({ seq: Number(n.slice(0, 6)), bytes: Buffer.byteLength(complete), lines });
    }
    try {
      const c = JSON.parse(await readFile(join(opts.dir, 'cursor.json'), 'utf8')) as { seq: number; offset: number };
      const first = s.segments[0];
      if (first && first.seq === c.seq && c.offset <= first.bytes) {
        s.cursorOffset = c.offset;
        const head = (await readFile(join(opts.dir, segName(first.seq)))).subarray(0, c.offset).toString('utf8');
        s.cursorLines = head ? head.split('\n').length - 1 : 0;
      }
    } catch {
      // no cursor: nothing of the first segment was delivered
    }
    s._pending = s.segments.reduce((a, g) => a + g.lines, 0) - s.cursorLines;
    return s;
  }

  /** Points waiting for delivery. */
  get pendingPoints(): number {
    return this._pending;
  }

  /** Points refused because the spool was full (should stay 0). */
  get droppedPoints(): number {
    return this._dropped;
  }

  /** Undelivered bytes on disk. */
  get pendingBytes(): number {
    return this.segments.reduce((a, g) => a + g.bytes, 0) - this.cursorOffset;
  }

  /** Appends lines (no newlines inside) and fsyncs; returns how many were accepted (0 or all). */
  append(lines: string[]): number {
    if (lines.length === 0) return 0;
    const text = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(text);
    if (this.pendingBytes + bytes > this.maxBytes) {
      this._dropped += lines.length;
      return 0;
    }
    let last = this.segments[this.segments.length - 1];
    if (!last || last.bytes >= this.segmentBytes) {
      last = { seq: (last?.seq ?? 0) + 1, bytes: 0, lines: 0 };
      this.segments.push(last);
    }
    if (this.fdSeq !== last.seq) {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = openSync(join(this.dir, segName(last.seq)), 'a');
      this.fdSeq = last.seq;
    }
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd!, buf, off);
    fsyncSync(this.fd!);
    last.bytes += bytes;
    last.lines += lines.length;
    this._pending += lines.length;
    if (this.cache?.seq === last.seq) this.cache = null;
    return lines.length;
  }

  /** Next undelivered lines (at most `maxLines`, never across segments), or null when empty. */
  async peek(maxLines: number): Promise<SpoolBatch | null> {
    const first = this.segments[0];
    if (!first || this._pending === 0) return null;
    if (!this.cache || this.cache.seq !== first.seq) {
      const buf = (await readFile(join(this.dir, segName(first.seq)))).subarray(0, first.bytes);
      this.cache = { seq: first.seq, buf };
    }
    const buf = this.cache.buf;
    const lines: string[] = [];
    let pos = this.cursorOffset;
    while (lines.length < maxLines && pos < first.bytes) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      lines.push(buf.subarray(pos, nl).toString('utf8'));
      pos = nl + 1;
    }
    return { lines, seq: first.seq, endOffset: pos };
  }

  /** Marks a peeked batch delivered; deletes a segment once fully delivered. */
  async commit(batch: SpoolBatch): Promise<void> {
    const first = this.segments[0];
    if (!first || first.seq !== batch.seq) {
      throw new StorageError('BW_ERR_STORAGE_SPOOL', `spool commit out of order (segment ${batch.seq})`);
    }
    this.cursorOffset = batch.endOffset;
    this.cursorLines += batch.lines.length;
    this._pending -= batch.lines.length;
    if (this.cursorOffset >= first.bytes) {
      if (this.fdSeq === first.seq && this.fd !== null) {
        closeSync(this.fd);
        this.fd = null;
        this.fdSeq = -1;
      }
      await unlink(join(this.dir, segName(first.seq)));
      this.segments.shift();
      this.cache = null;
      this.cursorOffset = 0;
      this.cursorLines = 0;
    }
    const tmp = join(this.dir, 'cursor.json.tmp');
    await writeFile(tmp, JSON.stringify({ seq: this.segments[0]?.seq ?? 0, offset: this.cursorOffset }));
    await rename(tmp, join(this.dir, 'cursor.json'));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.fdSeq = -1;
  }
}

/** Bytes of the spool directory's segment files (for docs/tests). */
export async function spoolDiskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) if (f.endsWith('.spool')) total += (await stat(join(dir, f))).size;
  return total;
}
