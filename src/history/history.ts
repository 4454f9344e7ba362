/**
 * Long-term spectrum history: compact waterfall rows per sensor, kept for days, from which the waterfall of any
 * past window and frequency range is rebuilt.
 *
 * Row: incoming SpectrumLines are max-held over `rowIntervalMs` (default 1 s) and over groups of bins down to at
 * most `maxBins` (default 4096), then quantised to uint8 over the row's own dB range:
 *   level = dbMinDb + q · dbStepDb, q = 0..254; q = 255 means "no value" (NaN in the input).
 * With a 60 dB row range the step is 0.24 dB.
 *
 * Files: `<dir>/<sensor>/<YYYY-MM-DD>/<HH>.wfr` (rows, appended) and `<HH>.wfi` (index: timeMs f64, byte offset
 * f64 per row), hours in UTC. Row record (little endian): timeMs f64, startHz f64, binHz f64, dbMinDb f32,
 * dbStepDb f32, bins u32, reserved u32, then `bins` bytes. 40 + bins bytes per row.
 *
 * Size: 1 row/s × 4096 bins ≈ 14.9 MB per hour per sensor (15.8 MB with the overview levels), against 17.3 GB/h
 * of cu8 IQ at 2.4 MS/s (≈ 0.09 %).
 *
 * Overview levels: the same lines are also max-held into 10-second and 1-minute rows of at most 2048 bins
 * (`<HH>.10s.wfr/.wfi`, `<HH>.60s.wfr/.wfi`, +5 % and +0.9 % size), so a 6-hour window is rebuilt from 2 160
 * rows and a day from 1 440 instead of 21 600 / 86 400, whenever the requested time slice is at least the
 * level's interval and its frequency slice at least the level's bin width.
 */
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpectrumLine } from '../types.ts';

export const ROW_HEADER_BYTES = 40;
const INDEX_ENTRY_BYTES = 16;
const HOUR_MS = 3_600_000;
const NO_VALUE = 255;

export interface HistoryOptions {
  dir: string;
  /** Rows are max-held over this interval, ms. Default 1000. */
  rowIntervalMs?: number;
  /** Bins per row at most (max-held groups beyond). Default 4096. */
  maxBins?: number;
  /**
   * Overview levels: interval ms and bins of each (default 10 s and 60 s, 2048 bins); null or [] disables them.
   * A single object is accepted too.
   */
  overview?: { intervalMs: number; maxBins: number } | { intervalMs: number; maxBins: number }[] | null;
}

interface Level {
  intervalMs: number;
  maxBins: number;
  /** File name suffix before the extension: '' (full) or '.<seconds>s' (overview). */
  suffix: string;
}

/** A rebuilt waterfall: `dbfs[r * width + c]`, row 0 = oldest (fromMs), column 0 = startHz; NaN = no data. */
export interface Waterfall {
  sensorId: string;
  fromMs: number;
  toMs: number;
  startHz: number;
  stopHz: number;
  width: number;
  height: number;
  dbfs: Float32Array;
  /** Stored rows that went into it. */
  rowsRead: number;
  /** 'full' rows or 'overview' rows were used. */
  level: 'full' | 'overview';
  /** Interval of the rows used, ms. */
  rowIntervalMs: number;
}

export interface RebuildRequest {
  sensorId: string;
  fromMs: number;
  toMs: number;
  startHz: number;
  stopHz: number;
  /** Columns (frequency) and rows (time) of the result. */
  width: number;
  height: number;
}

interface Accum {
  bucketMs: number;
  startHz: number;
  binHz: number;
  /** Max-held dBFS per output bin (after grouping). */
  maxDb: Float32Array;
  group: number;
  srcBins: number;
  sensorId: string;
  /** Level suffix + sensor: the file set the row goes to. */
  sensorKey: string;
  level: Level;
  /** Holds data of `bucketMs` not yet written. */
  active: boolean;
}

function hourPaths(
  root: string,
  sensorId: string,
  timeMs: number,
  suffix = '',
): { dir: string; data: string; index: string } {
  const h = new Date(Math.floor(timeMs / HOUR_MS) * HOUR_MS).toISOString();
  const dir = join(root, safeName(sensorId), h.slice(0, 10));
  const base = join(dir, h.slice(11, 13) + suffix);
  return { dir, data: base + '.wfr', index: base + '.wfi' };
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_') || '_';
}

export class SpectrumHistory {
  private readonly dir: string;
  readonly rowIntervalMs: number;
  readonly maxBins: number;
  private readonly levels: Level[];
  /** Accumulators per level, sensor and span; open files per level and sensor. */
  private readonly acc = new Map<string, Accum>();
  private readonly lastBucket = new Map<string, number>();
  private readonly files = new Map<string, { hourMs: number; data: number; index: number; size: number }>();
  private rowBuf = new Uint8Array(ROW_HEADER_BYTES + 4096);
  private rowView = new DataView(this.rowBuf.buffer, 0, ROW_HEADER_BYTES);
  private readonly idxBuf = new Uint8Array(INDEX_ENTRY_BYTES);
  private readonly idxView = new DataView(this.idxBuf.buffer);
  /** Bytes written since start (rows + index). */
  bytesWritten = 0;

  constructor(opts: HistoryOptions) {
    this.dir = opts.dir;
    this.rowIntervalMs = opts.rowIntervalMs ?? 1000;
    this.maxBins = opts.maxBins ?? 4096;
    this.levels = [{ intervalMs: this.rowIntervalMs, maxBins: this.maxBins, suffix: '' }];
    const ov =
      opts.overview === undefined
        ? [
            { intervalMs: 10_000, maxBins: 2048 },
            { intervalMs: 60_000, maxBins: 2048 },
          ]
        : opts.overview === null
          ? []
          : Array.isArray(opts.overview)
            ? opts.overview
            : [opts.overview];
    for (const o of ov) {
      if (o.intervalMs > this.rowIntervalMs) this.levels.push({ ...o, suffix: `.${o.intervalMs / 1000}s` });
    }
    mkdirSync(this.dir, { recursive: true });
  }

  /** Adds one spectrum line; a row is written when the line's interval bucket or span changes. */
  append(line: SpectrumLine): void {
    if (line.psdDbfs.length === 0) return;
    for (const lv of this.levels) this.appendLevel(lv, line);
  }

  private appendLevel(lv: Level, line: SpectrumLine): void {
    const n = line.psdDbfs.length;
    const sensorKey = lv.suffix + '\u0000' + line.sensorId;
    const bucketMs = Math.floor(line.timeMs / lv.intervalMs) * lv.intervalMs;
    const group = Math.ceil(n / lv.maxBins);
    const startHz = line.startHz + ((group - 1) * line.binHz) / 2;
    const binHz = line.binHz * group;
    // A sensor can send several spans (sweep ranges, dwell and sweep): one accumulator per span, so
    // alternating spans still give one row per span and interval.
    const key = `${sensorKey}\u0000${startHz}\u0000${binHz}\u0000${n}`;
    const last = this.lastBucket.get(sensorKey);
    if (last !== undefined && last !== bucketMs) {
      // A new interval for this sensor: every row of the previous one is complete.
      for (const a of this.acc.values()) {
        if (a.active && a.sensorKey === sensorKey && a.bucketMs !== bucketMs) {
          this.writeRow(a.sensorId, a.level, a);
          a.active = false;
        }
      }
    }
    this.lastBucket.set(sensorKey, bucketMs);
    let a = this.acc.get(key);
    if (!a) {
      const bins = Math.ceil(n / group);
      a = {
        bucketMs,
        startHz,
        binHz,
        maxDb: new Float32Array(bins),
        group,
        srcBins: n,
        sensorId: line.sensorId,
        sensorKey,
        level: lv,
        active: false,
      };
      this.acc.set(key, a);
    }
    if (!a.active || a.bucketMs !== bucketMs) {
      if (a.active) this.writeRow(a.sensorId, a.level, a); // time went backwards for this span
      a.maxDb.fill(-Infinity);
      a.bucketMs = bucketMs;
      a.active = true;
    }
    const m = a.maxDb;
    const psd = line.psdDbfs;
    for (let k = 0; k < n; k++) {
      const v = psd[k]!;
      const j = (k / group) | 0;
      if (v > m[j]!) m[j] = v;
    }
  }

  /** Writes the rows being accumulated. */
  flush(): void {
    for (const a of this.acc.values()) {
      if (a.active) this.writeRow(a.sensorId, a.level, a);
      a.active = false;
    }
  }

  close(): void {
    this.flush();
    for (const f of this.files.values()) {
      closeSync(f.data);
      closeSync(f.index);
    }
    this.files.clear();
  }

  private fileFor(sensorId: string, lv: Level, timeMs: number) {
    const key = lv.suffix + '\u0000' + sensorId;
    const hourMs = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    const cur = this.files.get(key);
    if (cur && cur.hourMs === hourMs) return cur;
    if (cur) {
      closeSync(cur.data);
      closeSync(cur.index);
    }
    const p = hourPaths(this.dir, sensorId, timeMs, lv.suffix);
    mkdirSync(p.dir, { recursive: true });
    const data = openSync(p.data, 'a');
    const index = openSync(p.index, 'a');
    const f = { hourMs, data, index, size: fstatSync(data).size };
    this.files.set(key, f);
    return f;
  }

  private writeRow(sensorId: string, lv: Level, a: Accum): void {
    const m = a.maxDb;
    const bins = m.length;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < bins; j++) {
      const v = m[j]!;
      if (v === -Infinity || Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) return; // nothing but NaN
    const dbMin = Math.floor(lo);
    const step = Math.max((Math.ceil(hi) - dbMin) / 254, 1 / 254);
    const need = ROW_HEADER_BYTES + bins;
    if (this.rowBuf.length < need) {
      this.rowBuf = new Uint8Array(need);
      this.rowView = new DataView(this.rowBuf.buffer, 0, ROW_HEADER_BYTES);
    }
    const buf = this.rowBuf;
    const dv = this.rowView;
    dv.setFloat64(0, a.bucketMs, true);
    dv.setFloat64(8, a.startHz, true);
    dv.setFloat64(16, a.binHz, true);
    dv.setFloat32(24, dbMin, true);
    dv.setFloat32(28, step, true);
    dv.setUint32(32, bins, true);
    dv.setUint32(36, 0, true);
    const inv = 1 / step;
    for (let j = 0; j < bins; j++) {
      const v = m[j]!;
      buf[ROW_HEADER_BYTES + j] =
        v === -Infinity || Number.isNaN(v) ? NO_VALUE : Math.min(254, Math.round((v - dbMin) * inv));
    }
    const f = this.fileFor(sensorId, lv, a.bucketMs);
    let off = 0;
    while (off < need) off += writeSync(f.data, buf, off, need - off);
    this.idxView.setFloat64(0, a.bucketMs, true);
    this.idxView.setFloat64(8, f.size, true);
    writeSync(f.index, this.idxBuf);
    f.size += need;
    this.bytesWritten += need + INDEX_ENTRY_BYTES;
  }

  /** Deletes whole days older than `keepDays` (by UTC date). Returns the days removed. */
  async prune(keepDays: number, nowMs = Date.now()): Promise<string[]> {
    const cutoff = new Date(Math.floor(nowMs / 86_400_000 - keepDays + 1) * 86_400_000).toISOString().slice(0, 10);
    const removed: string[] = [];
    for (const s of await readdir(this.dir).catch(() => [] as string[])) {
      for (const d of await readdir(join(this.dir, s)).catch(() => [] as string[])) {
        if (/^\d{4}-\d{2}-\d{2}$/.test(d) && d < cutoff) {
          await rm(join(this.dir, s, d), { recursive: true, force: true });
          removed.push(`${s}/${d}`);
        }
      }
    }
    return removed;
  }

  /**
   * Rebuilds the waterfall of [fromMs, toMs] × [startHz, stopHz] at width × height: each output row max-holds
   * the stored rows in its time slice, each column the bins in its frequency slice (or the nearest bin when
   * zoomed in beyond the stored resolution). Rows being accumulated (not yet flushed) are not included.
   */
  async rebuild(req: RebuildRequest): Promise<Waterfall> {
    const sliceMs = (req.toMs - req.fromMs) / req.height;
    const sliceHz = (req.stopHz - req.startHz) / req.width;
    // Coarsest level first: usable when its rows are no longer than a time slice (1 ms slack for inclusive
    // ends) and its bins no wider than a frequency slice; otherwise the next finer one.
    const coarse = this.levels.slice(1).sort((a, b) => b.intervalMs - a.intervalMs);
    for (const lv of coarse) {
      if (sliceMs < lv.intervalMs - 1) continue;
      const w = await this.rebuildLevel(req, lv.suffix, lv.intervalMs, sliceHz);
      if (w) return { ...w, level: 'overview', rowIntervalMs: lv.intervalMs };
    }
    return {
      ...(await this.rebuildLevel(req, '', this.rowIntervalMs, Infinity))!,
      level: 'full',
      rowIntervalMs: this.rowIntervalMs,
    };
  }

  /** Rebuild from one level; null if a row's bins are wider than `maxBinHz` (too coarse for the request). */
  private async rebuildLevel(
    req: RebuildRequest,
    suffix: string,
    intervalMs: number,
    maxBinHz: number,
  ): Promise<Omit<Waterfall, 'level' | 'rowIntervalMs'> | null> {
    const { width, height, fromMs, toMs, startHz, stopHz } = req;
    const out = new Float32Array(width * height).fill(-Infinity);
    const dt = (toMs - fromMs) / height;
    const df = (stopHz - startHz) / width;
    const lut = new Float32Array(256);
    const colMax = new Uint8Array(width);
    let colOf = new Int32Array(0);
    let colRowStart = NaN;
    let colBinHz = NaN;
    let rowsRead = 0;
    for (let h = Math.floor(fromMs / HOUR_MS) * HOUR_MS; h <= toMs; h += HOUR_MS) {
      const p = hourPaths(this.dir, req.sensorId, h, suffix);
      const idx = await readAll(p.index);
      if (!idx) continue;
      const entries = Math.floor(idx.length / INDEX_ENTRY_BYTES);
      const iv = new DataView(idx.buffer, idx.byteOffset, entries * INDEX_ENTRY_BYTES);
      const tAt = (i: number) => iv.getFloat64(i * INDEX_ENTRY_BYTES, true);
      let a = 0;
      // A row stamped before fromMs still holds data inside the window if its interval reaches into it.
      while (a < entries && tAt(a) + intervalMs <= fromMs) a++;
      let b = a;
      while (b < entries && tAt(b) <= toMs) b++;
      if (a >= b) continue;
      const startOff = iv.getFloat64(a * INDEX_ENTRY_BYTES + 8, true);
      const data = await readRange(
        p.data,
        startOff,
        b < entries ? iv.getFloat64(b * INDEX_ENTRY_BYTES + 8, true) : null,
      );
      if (!data) continue;
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = a; i < b; i++) {
        const off = iv.getFloat64(i * INDEX_ENTRY_BYTES + 8, true) - startOff;
        if (off + ROW_HEADER_BYTES > data.length) break; // torn tail after a crash
        const t = dv.getFloat64(off, true);
        const r0 = Math.max(0, Math.min(height - 1, Math.floor((t - fromMs) / dt)));
        const rowStart = dv.getFloat64(off + 8, true);
        const binHz = dv.getFloat64(off + 16, true);
        const dbMin = dv.getFloat32(off + 24, true);
        const step = dv.getFloat32(off + 28, true);
        const bins = dv.getUint32(off + 32, true);
        if (binHz > maxBinHz) return null;
        const q0 = off + ROW_HEADER_BYTES;
        if (q0 + bins > data.length) break;
        for (let q = 0; q < 255; q++) lut[q] = dbMin + q * step;
        lut[NO_VALUE] = -Infinity;
        const base = r0 * width;
        rowsRead++;
        if (binHz >= df) {
          // Zoomed in: each column takes the nearest stored bin.
          for (let c = 0; c < width; c++) {
            const k = Math.round((startHz + (c + 0.5) * df - rowStart) / binHz);
            if (k < 0 || k >= bins) continue;
            const v = lut[data[q0 + k]!]!;
            if (v > out[base + c]!) out[base + c] = v;
          }
        } else {
          // Dense: max-hold the quantised bytes per column first (integer compares), dequantise once per column.
          // (q + 1) & 255 maps "no value" (255) to 0 and levels 0..254 to 1..255, so 0 never wins a max.
          if (colRowStart !== rowStart || colBinHz !== binHz || colOf.length < bins) {
            if (colOf.length < bins) colOf = new Int32Array(bins);
            const invDf = 1 / df;
            for (let k = 0; k < bins; k++) {
              const c = Math.floor((rowStart + k * binHz - startHz) * invDf);
              colOf[k] = c < 0 || c >= width ? -1 : c;
            }
            colRowStart = rowStart;
            colBinHz = binHz;
          }
          const kFrom = Math.max(0, Math.ceil((startHz - rowStart) / binHz));
          const kTo = Math.min(bins, Math.ceil((stopHz - rowStart) / binHz));
          colMax.fill(0);
          for (let k = kFrom; k < kTo; k++) {
            const c = colOf[k]!;
            if (c < 0) continue;
            const q = (data[q0 + k]! + 1) & 255;
            if (q > colMax[c]!) colMax[c] = q;
          }
          for (let c = 0; c < width; c++) {
            const q = colMax[c]!;
            if (q === 0) continue;
            const v = lut[q - 1]!;
            if (v > out[base + c]!) out[base + c] = v;
          }
        }
      }
    }
    for (let i = 0; i < out.length; i++) if (out[i] === -Infinity) out[i] = NaN;
    return { sensorId: req.sensorId, fromMs, toMs, startHz, stopHz, width, height, dbfs: out, rowsRead };
  }
}

async function readAll(path: string): Promise<Uint8Array | null> {
  try {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const buf = new Uint8Array(size);
      await fh.read(buf, 0, size, 0);
      return buf;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

async function readRange(path: string, from: number, to: number | null): Promise<Uint8Array | null> {
  try {
    const fh = await open(path, 'r');
    try {
      const end = to ?? (await fh.stat()).size;
      const buf = new Uint8Array(Math.max(0, end - from));
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}
