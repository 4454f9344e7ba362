/**
 * MeasurementStore on InfluxDB 1.x through the `influx` package. Writes go out as line protocol (ms precision,
 * always stated: a number without precision would be read as ns). When InfluxDB is unreachable the points go to
 * a disk Spool and are delivered in order when it returns; while anything is spooled health() is not ok so the
 * engine can raise a 'sensor-fault' alarm ("storage down").
 *
 * Client settings (see infra notes R3): the request timeout only works inside `pool`; a 5xx takes the host out
 * of the pool for the backoff delay; the default backoff (300 ms·2^n up to 10 s) delays recovery by seconds,
 * so a short ExponentialBackoff (50..500 ms) is used.
 */
import { InfluxDB } from 'influx';
import { ExponentialBackoff } from 'influx/lib/src/backoff/exponential.js';
import { Pool, RequestError } from 'influx/lib/src/pool.js';
import { StorageError } from '../errors.ts';
import type { MeasurementStore, Point, PointQuery } from '../types.ts';
import { formatPoint } from './lineProtocol.ts';
import { applyLimit, validateQuery } from './query.ts';
import { intFieldsOf } from './schema.ts';
import { Spool } from './spool.ts';

export interface InfluxStoreOptions {
  /** e.g. http://127.0.0.1:8086 */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** Directory of the outage spool. */
  spoolDir: string;
  /** Per-request timeout, ms. Default 2000. */
  requestTimeoutMs?: number;
  /** Delay between delivery attempts while spooling, ms. Default 250. */
  retryMs?: number;
  /** Spool bound, bytes. Default 256 MiB. */
  maxSpoolBytes?: number;
  /** Lines per HTTP write. Default 5000. */
  batchLines?: number;
}

/** Network failure, timeout or 5xx: the data is fine, the server is not. */
function isOutage(e: unknown): boolean {
  if (e instanceof RequestError) {
    const status = e.res?.statusCode ?? 0;
    return status >= 500 || status === 404; // 404 = database missing (server replaced): recreate and retry
  }
  return true;
}

export class InfluxStore implements MeasurementStore {
  readonly kind = 'influxdb' as const;
  private down = false;
  private downSinceMs: number | null = null;
  private lastError = '';
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private dbReady = false;
  /** Spooled points InfluxDB refused as malformed (400) on delivery; they cannot be delivered. */
  private rejectedPoints = 0;
  private readonly auth: string | undefined;

  private constructor(
    private readonly opts: Required<Pick<InfluxStoreOptions, 'database' | 'retryMs' | 'batchLines'>>,
    private readonly influx: InfluxDB,
    private readonly pool: Pool,
    private readonly spool: Spool,
    username: string | undefined,
    password: string | undefined,
  ) {
    this.auth = username !== undefined ? `${username}:${password ?? ''}` : undefined;
  }

  static async create(o: InfluxStoreOptions): Promise<InfluxStore> {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      throw new StorageError('BW_ERR_STORAGE_CONFIG', `invalid InfluxDB url '${o.url}'`, { field: 'influx.url' });
    }
    const poolOpts = () => ({
      requestTimeout: o.requestTimeoutMs ?? 2000,
      maxRetries: 0,
      backoff: new ExponentialBackoff({ initial: 50, max: 500, random: 0 }),
    });
    const influx = new InfluxDB({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 8086)),
      protocol: u.protocol === 'https:' ? 'https' : 'http',
      database: o.database,
      username: o.username,
      password: o.password,
      pool: poolOpts(),
    });
    const pool = new Pool(poolOpts());
    pool.addHost(u.origin);
    const spool = await Spool.create({ dir: o.spoolDir, maxBytes: o.maxSpoolBytes });
    const store = new InfluxStore(
      { database: o.database, retryMs: o.retryMs ?? 250, batchLines: o.batchLines ?? 5000 },
      influx,
      pool,
      spool,
      o.username,
      o.password,
    );
    // Unreachable at start is not fatal: points spool until it answers.
    try {
      await store.ensureDatabase();
    } catch (e) {
      store.markDown(e);
    }
    if (spool.pendingPoints > 0) store.scheduleDrain(0);
    return store;
  }

  private async ensureDatabase(): Promise<void> {
    if (this.dbReady) return;
    await this.influx.createDatabase(this.opts.database); // idempotent in 1.x
    this.dbReady = true;
  }

  private markDown(e: unknown): void {
    // A 404 means the database is gone (a fresh server): create it again before the next write.
    if (e instanceof RequestError && e.res?.statusCode === 404) this.dbReady = false;
    if (!this.down) this.downSinceMs = Date.now();
    this.down = true;
    this.lastError = (e as Error)?.message ?? String(e);
  }

  private async post(lines: string[]): Promise<void> {
    await this.ensureDatabase();
    await this.pool.discard({
      method: 'POST',
      path: '/write',
      query: { db: this.opts.database, precision: 'ms' },
      body: lines.join('\n'),
      auth: this.auth,
    });
  }

  /** Runs f after everything queued before it: writes and deliveries keep their order. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.chain.then(f);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async writePoints(points: Point[]): Promise<void> {
    if (this.closed) throw new StorageError('BW_ERR_STORAGE_CLOSED', 'InfluxDB store is closed');
    // Format first: a malformed point rejects the batch before anything is sent or spooled.
    const lines = points.map((p) => formatPoint(p, intFieldsOf(p.measurement)));
    if (lines.length === 0) return;
    await this.serial(async () => {
      if (this.down || this.spool.pendingPoints > 0) {
        this.toSpool(lines);
        return;
      }
      for (let i = 0; i < lines.length; i += this.opts.batchLines) {
        const part = lines.slice(i, i + this.opts.batchLines);
        try {
          await this.post(part);
        } catch (e) {
          if (!isOutage(e)) {
            throw new StorageError('BW_ERR_STORAGE_REJECTED', `InfluxDB refused the points: ${(e as Error).message}`);
          }
          this.markDown(e);
          this.toSpool(lines.slice(i));
          return;
        }
      }
    });
  }

  private toSpool(lines: string[]): void {
    this.spool.append(lines);
    this.scheduleDrain(this.opts.retryMs);
  }

  private scheduleDrain(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.serial(async () => {
        const more = await this.drainStep();
        if (more === 'more') this.scheduleDrain(0);
        else if (more === 'down') this.scheduleDrain(this.opts.retryMs);
      });
    }, delayMs);
  }

  /**
   * Delivers one batch of the spool (oldest first). One batch per serial step, so writes arriving meanwhile
   * are appended to the spool promptly instead of waiting for the whole backlog.
   */
  private async drainStep(): Promise<'more' | 'empty' | 'down'> {
    const batch = await this.spool.peek(this.opts.batchLines);
    if (!batch) {
      this.down = false;
      this.downSinceMs = null;
      return 'empty';
    }
    try {
      if (batch.lines.length) await this.post(batch.lines);
    } catch (e) {
      if (isOutage(e)) {
        this.markDown(e);
        return 'down';
      }
      // 400 on delivery: InfluxDB stored the valid points of a partial write; the rest can never go in.
      this.rejectedPoints += batch.lines.length;
      this.lastError = (e as Error).message;
    }
    await this.spool.commit(batch);
    if (this.spool.pendingPoints > 0) return 'more';
    this.down = false;
    this.downSinceMs = null;
    return 'empty';
  }

  async query(q: PointQuery): Promise<Point[]> {
    validateQuery(q);
    // InfluxDB times are int64 ns: about ±9.22e15 ms. Clamp so "everything" queries stay valid.
    const lim = 9.2e15;
    const where = [
      `time >= ${Math.floor(Math.max(-lim, q.fromMs))}ms`,
      `time <= ${Math.floor(Math.min(lim, q.toMs))}ms`,
    ];
    for (const [k, v] of Object.entries(q.tags ?? {})) where.push(`${ident(k)} = ${literal(v)}`);
    // GROUP BY * separates tags from fields in the answer; with a limit, newest first per series then merged.
    let text = `SELECT * FROM ${ident(q.measurement)} WHERE ${where.join(' AND ')} GROUP BY *`;
    if (q.limit !== undefined) text += ` ORDER BY time DESC LIMIT ${q.limit}`;
    let raw: InfluxRaw;
    try {
      raw = (await this.influx.queryRaw(text, { precision: 'ms' })) as InfluxRaw;
    } catch (e) {
      throw new StorageError('BW_ERR_STORAGE_UNAVAILABLE', `InfluxDB query failed: ${(e as Error).message}`, {
        field: q.measurement,
      });
    }
    const out: Point[] = [];
    for (const r of raw.results ?? []) {
      if (r.error) throw new StorageError('BW_ERR_STORAGE_QUERY', `InfluxDB: ${r.error}`, { field: q.measurement });
      for (const s of r.series ?? []) {
        const tags: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.tags ?? {})) if (v !== '') tags[k] = v;
        const ti = s.columns.indexOf('time');
        for (const row of s.values) {
          const fields: Point['fields'] = {};
          for (let c = 0; c < s.columns.length; c++) {
            const v = row[c];
            if (c === ti || v === null || v === undefined) continue;
            fields[s.columns[c]!] = v as number | string | boolean;
          }
          out.push({ measurement: s.name, tags: { ...tags }, fields, timeMs: Number(row[ti]) });
        }
      }
    }
    out.sort((a, b) => a.timeMs - b.timeMs);
    return applyLimit(out, q.limit);
  }

  health(): { ok: boolean; spooledPoints: number; detail?: string } {
    const spooled = this.spool.pendingPoints;
    const parts: string[] = [];
    if (this.down) {
      parts.push(
        `InfluxDB unreachable since ${new Date(this.downSinceMs ?? Date.now()).toISOString()}: ${this.lastError}`,
      );
    }
    if (spooled) parts.push(`${spooled} point(s) spooled to disk`);
    if (this.spool.droppedPoints) parts.push(`${this.spool.droppedPoints} point(s) dropped: spool full`);
    if (this.rejectedPoints) parts.push(`${this.rejectedPoints} spooled point(s) refused by InfluxDB`);
    return {
      ok: !this.closed && !this.down && spooled === 0,
      spooledPoints: spooled,
      detail: parts.length ? parts.join('; ') : undefined,
    };
  }

  /** Points refused because the spool was full. */
  get droppedPoints(): number {
    return this.spool.droppedPoints;
  }

  /** Tries to deliver the spool now; resolves when it is empty or InfluxDB is still unreachable. */
  async flush(): Promise<void> {
    for (;;) {
      const r = await this.serial(() => this.drainStep());
      if (r !== 'more') {
        if (r === 'down') this.scheduleDrain(this.opts.retryMs);
        return;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
    this.spool.close(); // undelivered points stay on disk and go out after the next start
  }
}

interface InfluxRaw {
  results?: {
    error?: string;
    series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  }[];
}

function ident(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function literal(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}
