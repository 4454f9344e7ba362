/**
 * Past waterfall rows for the history view and alarm evidence. The server asks a `WaterfallHistory` for a window
 * (time × frequency) rendered to `rows` × `widthPx`:
 * - `spectrumHistoryAdapter(h)` serves it from the storage layer's long-term `SpectrumHistory` (src/history);
 * - `RecentLinesHistory` is the built-in fallback when none is given: an in-memory ring of decimated lines
 *   (one per `intervalMs`, at most `maxBins` bins, uint8 over a wide fixed dB range) for the last `retainMs`.
 */
import type { SpectrumHistory } from '../history/history.ts';
import type { MonitorApi, SpectrumLine } from '../types.ts';
import { lineSpan, quantiseU8, resampleWindow } from './stream/resample.ts';

export interface HistoryRequest {
  sensorId: string;
  fromMs: number;
  toMs: number;
  startHz: number;
  stopHz: number;
  widthPx: number;
  rows: number;
}

/** Rendered rows, newest first; buckets with no data are left out. dBFS per pixel, NaN = no data. */
export interface HistoryRows {
  rows: { timeMs: number; dbfs: Float32Array }[];
}

export interface WaterfallHistory {
  readonly kind: string;
  render(req: HistoryRequest): Promise<HistoryRows>;
}

/** Serve history from the long-term store (src/history). */
export function spectrumHistoryAdapter(history: Pick<SpectrumHistory, 'rebuild'>): WaterfallHistory {
  return {
    kind: 'store',
    async render(req) {
      const wf = await history.rebuild({
        sensorId: req.sensorId,
        fromMs: req.fromMs,
        toMs: req.toMs,
        startHz: req.startHz,
        stopHz: req.stopHz,
        width: req.widthPx,
        height: req.rows,
      });
      const dt = (wf.toMs - wf.fromMs) / wf.height;
      const rows: HistoryRows['rows'] = [];
      for (let r = wf.height - 1; r >= 0; r--) {
        const dbfs = wf.dbfs.subarray(r * wf.width, (r + 1) * wf.width);
        if (dbfs.every((v) => v !== v)) continue;
        rows.push({ timeMs: Math.round(wf.fromMs + r * dt), dbfs });
      }
      return { rows };
    },
  };
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
    const span = lineSpan(line.startHz, line.binHz, n);
    const bins = Math.min(n, this.maxBins);
    if (this.scratch.length < bins) this.scratch = new Float32Array(bins);
    const db = resampleWindow(
      line.psdDbfs,
      line.startHz,
      line.binHz,
      span.startHz,
      span.stopHz,
      'max',
      this.scratch.subarray(0, bins),
    );
    const u8 = quantiseU8(db, RING_LOW_DBFS, RING_HIGH_DBFS, new Uint8Array(bins));
    let ring = this.rings.get(line.sensorId);
    if (!ring) {
      ring = [];
      this.rings.set(line.sensorId, ring);
    }
    ring.push({ timeMs: line.timeMs, startHz: span.startHz, stopHz: span.stopHz, u8 });
    const cutoff = line.timeMs - this.retainMs;
    let drop = 0;
    while (drop < ring.length && (ring[drop] as RingRow).timeMs < cutoff) drop++;
    if (drop > 0) ring.splice(0, drop);
  }

  /**
   * Each of `rows` time buckets keeps the per-pixel maximum of its stored rows, so a short burst in a long
   * look-back stays visible.
   */
  async render(req: HistoryRequest): Promise<HistoryRows> {
    const ring = this.rings.get(req.sensorId) ?? [];
    const scale = (RING_HIGH_DBFS - RING_LOW_DBFS) / 255;
    const bucketMs = (req.toMs - req.fromMs) / req.rows;
    const acc: (Float32Array | null)[] = new Array(req.rows).fill(null);
    const tmp = new Float32Array(req.widthPx);
    let src = new Float32Array(0);
    for (const r of ring) {
      if (r.timeMs < req.fromMs || r.timeMs >= req.toMs) continue;
      if (src.length !== r.u8.length) src = new Float32Array(r.u8.length);
      for (let i = 0; i < src.length; i++) src[i] = r.u8[i] === 0 ? NaN : RING_LOW_DBFS + (r.u8[i] as number) * scale;
      const binHz = (r.stopHz - r.startHz) / src.length;
      resampleWindow(src, r.startHz + binHz / 2, binHz, req.startHz, req.stopHz, 'max', tmp);
      const b = Math.min(req.rows - 1, Math.floor((r.timeMs - req.fromMs) / bucketMs));
      let a = acc[b];
      if (!a) {
        a = new Float32Array(req.widthPx).fill(NaN);
        acc[b] = a;
      }
      for (let i = 0; i < req.widthPx; i++) {
        const v = tmp[i] as number;
        if (v === v && !((a[i] as number) >= v)) a[i] = v;
      }
    }
    const rows: HistoryRows['rows'] = [];
    for (let b = req.rows - 1; b >= 0; b--) {
      const a = acc[b];
      if (a) rows.push({ timeMs: Math.round(req.fromMs + b * bucketMs), dbfs: a });
    }
    return { rows };
  }
}
