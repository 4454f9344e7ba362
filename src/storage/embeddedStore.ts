/**
 * Storage without InfluxDB: the same measurements as line protocol, one file per UTC day
 * (`<dir>/YYYY-MM-DD.lp`, timestamps in ms) so a day can be loaded into InfluxDB later with
 * `influx -import -precision ms` (after a DML header) or `curl --data-binary @file '/write?db=X&precision=ms'`.
 *
 * Queries on recent data are answered from an in-memory index (per measurement, sorted by time); older
 * ranges are answered by scanning only the day files that overlap the range.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { StorageError } from '../errors.ts';
import type { MeasurementStore, Point, PointQuery } from '../types.ts';
import { escapeMeasurement, formatPoint, parseLine } from './lineProtocol.ts';
import { applyLimit, lowerBound, tagsMatch, upperBound, validateQuery } from './query.ts';
import { intFieldsOf } from './schema.ts';

const DAY_MS = 86_400_000;

export interface EmbeddedStoreOptions {
  /** Directory of the day files. */
  dir: string;
  /** Points kept in memory over all measurements; oldest are evicted (they stay on disk). Default 500 000. */
  maxMemoryPoints?: number;
  /** Days of files (today included) loaded into memory at start. Default 1. */
  loadDays?: number;
  /** Clock, ms (tests). */
  now?: () => number;
}

interface Series {
  times: number[];
  points: Point[];
  /** Every point of this measurement with time ≥ coveredFromMs is in memory. */
  coveredFromMs: number;
}

/** Day file name of a time: UTC date. */
export function dayFileName(timeMs: number): string {
  return new Date(Math.floor(timeMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10) + '.lp';
}

export class EmbeddedStore implements MeasurementStore {
  readonly kind = 'embedded' as const;
  private readonly series = new Map<string, Series>();
  private memoryPoints = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Lines the start-up scan could not parse (kept on disk, reported in health()). */
  private badLines = 0;

  private constructor(
    private readonly dir: string,
    private readonly maxMemoryPoints: number,
    private readonly defaultCoverageMs: number,
  ) {}

  static async create(opts: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    await mkdir(opts.dir, { recursive: true });
    const now = (opts.now ?? Date.now)();
    const loadDays = opts.loadDays ?? 1;
    const coverFrom = Math.floor(now / DAY_MS) * DAY_MS - (loadDays - 1) * DAY_MS;
    const store = new EmbeddedStore(opts.dir, opts.maxMemoryPoints ?? 500_000, coverFrom);
    for (let d = coverFrom; d <= now; d += DAY_MS) {
      const file = join(opts.dir, dayFileName(d));
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (!exists) continue;
      await store.scanFile(file, (p) => {
        if (p.timeMs >= coverFrom) store.insert(p);
      });
    }
    return store;
  }

  private seriesOf(measurement: string): Series {
    let s = this.series.get(measurement);
    if (!s) {
      s = { times: [], points: [], coveredFromMs: this.defaultCoverageMs };
      this.series.set(measurement, s);
    }
    return s;
  }

  private insert(p: Point): void {
    const s = this.seriesOf(p.measurement);
    if (p.timeMs < s.coveredFromMs) return; // older than memory: on disk only
    const n = s.times.length;
    if (n === 0 || s.times[n - 1]! <= p.timeMs) {
      s.times.push(p.timeMs);
      s.points.push(p);
    } else {
      const at = upperBound(s.times, p.timeMs);
      s.times.splice(at, 0, p.timeMs);
      s.points.splice(at, 0, p);
    }
    this.memoryPoints++;
    if (this.memoryPoints > this.maxMemoryPoints) this.evict();
  }

  /** Drops the oldest tenth of memory from the measurement holding the oldest point. */
  private evict(): void {
    while (this.memoryPoints > this.maxMemoryPoints * 0.9) {
      let oldest: Series | undefined;
      for (const s of this.series.values()) {
        if (s.times.length && (!oldest || s.times[0]! < oldest.times[0]!)) oldest = s;
      }
      if (!oldest) return;
      const cut = Math.max(1, Math.floor(oldest.times.length / 10));
      // Keep the coverage invariant: evict every point sharing the boundary time.
      const boundaryMs = oldest.times[cut - 1]!;
      const end = upperBound(oldest.times, boundaryMs);
      oldest.times.splice(0, end);
      oldest.points.splice(0, end);
      oldest.coveredFromMs = boundaryMs + 1;
      this.memoryPoints -= end;
    }
  }

  async writePoints(points: Point[]): Promise<void> {
    if (this.closed) throw new StorageError('BW_ERR_STORAGE_CLOSED', 'embedded store is closed');
    // Format everything first: a bad point rejects the whole batch before anything is written.
    const byDay = new Map<string, string[]>();
    for (const p of points) {
      const line = formatPoint(p, intFieldsOf(p.measurement));
      const day = dayFileName(p.timeMs);
      let arr = byDay.get(day);
      if (!arr) byDay.set(day, (arr = []));
      arr.push(line);
    }
    const run = async (): Promise<void> => {
      // One append + fdatasync per day file and batch: a batch the caller saw succeed survives a crash.
      for (const [day, lines] of byDay) {
        const fh = await open(join(this.dir, day), 'a');
        try {
          await fh.appendFile(lines.join('\n') + '\n');
          await fh.datasync();
        } finally {
          await fh.close();
        }
      }
      for (const p of points) this.insert(normalise(p));
    };
    const next = this.writeChain.then(run);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  async query(q: PointQuery): Promise<Point[]> {
    validateQuery(q);
    await this.writeChain;
    const s = this.series.get(q.measurement);
    const coveredFrom = s?.coveredFromMs ?? this.defaultCoverageMs;
    let out: Point[] = [];
    if (q.fromMs < coveredFrom) {
      const scanTo = Math.min(q.toMs, coveredFrom - 1);
      out = await this.scanRange(q, q.fromMs, scanTo);
    }
    if (s && q.toMs >= coveredFrom) {
      const a = lowerBound(s.times, Math.max(q.fromMs, coveredFrom));
      const b = upperBound(s.times, q.toMs);
      for (let i = a; i < b; i++) {
        const p = s.points[i]!;
        if (tagsMatch(p, q.tags)) out.push(p);
      }
    }
    return applyLimit(out, q.limit);
  }

  /** Scans the day files overlapping [fromMs, toMs] (points older than memory). */
  private async scanRange(q: PointQuery, fromMs: number, toMs: number): Promise<Point[]> {
    // Only the day files that exist and overlap the range (a query may span decades).
    const days = (await readdir(this.dir))
      .filter((f) => /^\d{4}-\d{2}-\d{2}\.lp$/.test(f))
      .map((f) => ({ name: f, startMs: Date.parse(f.slice(0, 10) + 'T00:00:00Z') }))
      .filter((d) => d.startMs + DAY_MS > fromMs && d.startMs <= toMs)
      .sort((a, b) => a.startMs - b.startMs);
    const out: Point[] = [];
    const prefix = escapeMeasurement(q.measurement);
    for (const { name } of days) {
      const found: Point[] = [];
      await this.scanFile(
        join(this.dir, name),
        (p) => {
          if (p.timeMs >= fromMs && p.timeMs <= toMs && p.measurement === q.measurement && tagsMatch(p, q.tags)) {
            found.push(p);
          }
        },
        prefix,
      );
      // Lines in a day file are in arrival order, nearly sorted: a stable sort is cheap.
      found.sort((a, b) => a.timeMs - b.timeMs);
      for (const p of found) out.push(p); // not push(...found): a day can exceed the argument limit
    }
    return out;
  }

  private async scanFile(file: string, onPoint: (p: Point) => void, measurementPrefix?: string): Promise<void> {
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (!line || line.startsWith('#')) continue;
      // Cheap pre-filter before parsing: the line must start with the measurement then ',' or ' '.
      if (measurementPrefix !== undefined) {
        if (!line.startsWith(measurementPrefix)) continue;
        const c = line[measurementPrefix.length];
        if (c !== ',' && c !== ' ') continue;
      }
      try {
        onPoint(parseLine(line, { file, line: lineNo }));
      } catch {
        // A torn last line after a crash: skip it but count it, the rest of the file is still good.
        this.badLines++;
      }
    }
  }

  /**
   * Retention: deletes the day files older than `keepDays` days before the current UTC day (InfluxDB would use a
   * retention policy). Points of those days still in memory are dropped too. Returns the deleted file names.
   */
  async prune(keepDays: number, nowMs = Date.now()): Promise<string[]> {
    const cutoffMs = Math.floor(nowMs / DAY_MS) * DAY_MS - keepDays * DAY_MS;
    await this.writeChain;
    const gone: string[] = [];
    for (const f of await readdir(this.dir)) {
      if (!/^\d{4}-\d{2}-\d{2}\.lp$/.test(f)) continue;
      if (Date.parse(f.slice(0, 10) + 'T00:00:00Z') < cutoffMs) {
        await unlink(join(this.dir, f));
        gone.push(f);
      }
    }
    for (const s of this.series.values()) {
      const n = lowerBound(s.times, cutoffMs);
      if (n) {
        s.times.splice(0, n);
        s.points.splice(0, n);
        this.memoryPoints -= n;
      }
    }
    return gone.sort();
  }

  health(): { ok: boolean; spooledPoints: number; detail?: string } {
    return {
      ok: !this.closed,
      spooledPoints: 0,
      detail: this.badLines ? `${this.badLines} unreadable line(s) skipped in ${this.dir}` : undefined,
    };
  }

  async close(): Promise<void> {
    await this.writeChain;
    this.closed = true;
  }
}

/** What a point looks like after a round trip through line protocol (no empty tags, no non-finite fields). */
function normalise(p: Point): Point {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.tags)) if (v !== '') tags[k] = v;
  const fields: Point['fields'] = {};
  for (const [k, v] of Object.entries(p.fields)) {
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    if (typeof v === 'number' && intFieldsOf(p.measurement)?.has(k)) fields[k] = Math.trunc(v);
    else if (typeof v === 'string') fields[k] = v.replace(/[\r\n]+/g, ' ');
    else fields[k] = v;
  }
  return { measurement: p.measurement, tags, fields, timeMs: Math.round(p.timeMs) };
}
