/**
 * Past waterfall rows for the history view and alarm evidence. The server asks a `WaterfallHistory`; the
 * storage layer's history (src/history) can be adapted to it, and `RecentLinesHistory` is the built-in
 * fallback: an in-memory ring of decimated lines (one per `intervalMs`, at most `maxBins` bins, uint8 over a
 * fixed wide dB range) covering the last `retainMs`.
 */
import type { MonitorApi, SpectrumLine } from '../types.ts';
import { quantiseU8, resampleWindow } from './stream/resample.ts';

/** One stored row: bins over [startHz, stopHz), dBFS. */
export interface HistoryRow {
  timeMs: number;
  startHz: number;
  stopHz: number;
  dbfs: Float32Array;
}

export interface WaterfallHistory {
  readonly kind: string;
  /** Rows of one sensor with fromMs ≤ timeMs < toMs, oldest first. */
  rows(sensorId: string, fromMs: number, toMs: number): Promise<HistoryRow[]>;
  /** Oldest time held per sensor, ms (for the UI's scroll range). */
  coverage(): Record<string, { fromMs: number; toMs: number }>;
}

export interface RecentLinesOptions {
  intervalMs?: number;
  retainMs?: number;
  maxBins?: number;
}

/** Quantisation range of the ring, dBFS (0,67 dB per step: plenty for a look back). */
const RING_LOW_DBFS = -160;
const RING_HIGH_DBFS = 10;

interface RingRow {
  timeMs: number;
  startHz: number;
  stopHz: number;
  u8: Uint8Array;
}

export class RecentLinesHistory implements WaterfallHistory {
  readonly kind = 'memory';
  private rings = new Map<string, RingRow[]>();
  private lastMs = new Map<string, number>();
  private unsub: (() => void) | null = null;
  private scratch = new Float32Array(0);
  private readonly intervalMs: number;
  private readonly retainMs: number;
  private readonly maxBins: number;

  constructor(opts: RecentLinesOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.retainMs = opts.retainMs ?? 3600_000;
    this.maxBins = opts.maxBins ?? 2048;
  }

  attach(monitor: Pick<MonitorApi, 'on'>): this {
    this.unsub = monitor.on('spectrum', (line) => this.add(line));
    return this;
  }

  detach(): void {
    this.unsub?.();
    this.unsub = null;
  }

  add(line: SpectrumLine): void {
    const last = this.lastMs.get(line.sensorId) ?? -Infinity;
    if (line.timeMs - last < this.intervalMs) return;
    this.lastMs.set(line.sensorId, line.timeMs);
    const n = line.psdDbfs.length;
    const stopHz = line.startHz + n * line.binHz;
    const bins = Math.min(n, this.maxBins);
    if (this.scratch.length < bins) this.scratch = new Float32Array(bins);
    const db = resampleWindow(
      line.psdDbfs,
      line.startHz,
      line.binHz,
      line.startHz,
      stopHz,
      'max',
      this.scratch.subarray(0, bins),
    );
    const u8 = quantiseU8(db, RING_LOW_DBFS, RING_HIGH_DBFS, new Uint8Array(bins));
    let ring = this.rings.get(line.sensorId);
    if (!ring) {
      ring = [];
      this.rings.set(line.sensorId, ring);
    }
    ring.push({ timeMs: line.timeMs, startHz: line.startHz, stopHz, u8 });
    const cutoff = line.timeMs - this.retainMs;
    let drop = 0;
    while (drop < ring.length && (ring[drop] as RingRow).timeMs < cutoff) drop++;
    if (drop > 0) ring.splice(0, drop);
  }

  async rows(sensorId: string, fromMs: number, toMs: number): Promise<HistoryRow[]> {
    const ring = this.rings.get(sensorId) ?? [];
    const scale = (RING_HIGH_DBFS - RING_LOW_DBFS) / 255;
    return ring
      .filter((r) => r.timeMs >= fromMs && r.timeMs < toMs)
      .map((r) => {
        const dbfs = new Float32Array(r.u8.length);
        for (let i = 0; i < dbfs.length; i++)
          dbfs[i] = r.u8[i] === 0 ? NaN : RING_LOW_DBFS + (r.u8[i] as number) * scale;
        return { timeMs: r.timeMs, startHz: r.startHz, stopHz: r.stopHz, dbfs };
      });
  }

  coverage(): Record<string, { fromMs: number; toMs: number }> {
    const out: Record<string, { fromMs: number; toMs: number }> = {};
    for (const [id, ring] of this.rings) {
      const a = ring[0];
      const b = ring[ring.length - 1];
      if (a && b) out[id] = { fromMs: a.timeMs, toMs: b.timeMs };
    }
    return out;
  }
}

/**
 * Render history rows into `rows` time buckets × `widthPx` pixels over [startHz, stopHz), quantised to uint8.
 * Each bucket keeps the per-pixel maximum of its rows so a short burst in a long look-back stays visible.
 * Returns buckets newest first, empty buckets omitted.
 */
export function renderHistory(
  src: HistoryRow[],
  fromMs: number,
  toMs: number,
  startHz: number,
  stopHz: number,
  widthPx: number,
  rows: number,
  lowDbfs: number,
  highDbfs: number,
): { timeMs: number; u8: Uint8Array }[] {
  const bucketMs = (toMs - fromMs) / rows;
  const acc: (Float32Array | null)[] = new Array(rows).fill(null);
  const tmp = new Float32Array(widthPx);
  for (const r of src) {
    const b = Math.min(rows - 1, Math.max(0, Math.floor((r.timeMs - fromMs) / bucketMs)));
    const binHz = (r.stopHz - r.startHz) / r.dbfs.length;
    resampleWindow(r.dbfs, r.startHz, binHz, startHz, stopHz, 'max', tmp);
    let a = acc[b];
    if (!a) {
      a = new Float32Array(widthPx).fill(NaN);
      acc[b] = a;
    }
    for (let i = 0; i < widthPx; i++) {
      const v = tmp[i] as number;
      const cur = a[i] as number;
      if (v === v && !(cur >= v)) a[i] = v;
    }
  }
  const out: { timeMs: number; u8: Uint8Array }[] = [];
  for (let b = rows - 1; b >= 0; b--) {
    const a = acc[b];
    if (a)
      out.push({
        timeMs: Math.round(fromMs + b * bucketMs),
        u8: quantiseU8(a, lowDbfs, highDbfs, new Uint8Array(widthPx)),
      });
  }
  return out;
}
