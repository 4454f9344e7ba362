/**
 * Fans the monitor's spectrum lines and events out to console clients.
 *
 * The monitor calls `spectrum` listeners synchronously from the DSP path, so the listener only copies the line
 * into a pooled buffer (O(bins) memcpy) and schedules the fan-out with `setImmediate`: resampling, encoding and
 * socket writes never run inside the producer's call. If the fan-out falls behind, the oldest pending lines of a
 * sensor are discarded for display only (counted in `coalesced`), never blocking the producer.
 *
 * Clients with the same window, width, reduction and dB range share one resampling per line.
 */
import type { MonitorApi, SpectrumLine } from '../../types.ts';
import { encodeFrame, FrameType } from '../../protocol/frames.ts';
import type { ServerMessage } from '../../protocol/messages.ts';
import type { StreamClient, StreamClientStats } from './client.ts';
import { lineSpan, quantiseU8, resampleWindow } from './resample.ts';

export interface StreamHubOptions {
  /** Lines kept per sensor while the fan-out is pending. */
  maxPendingLines?: number;
  /** Period of the stall check, ms. */
  stallCheckMs?: number;
  /** Minimum interval between emission `update` events for one emission, ms. */
  emissionUpdateMs?: number;
  now?: () => number;
}

interface PendingLine {
  sensorId: string;
  timeMs: number;
  startHz: number;
  binHz: number;
  psd: Float32Array;
}

/** Last span seen per sensor, Hz: the default window of a subscription without one. */
export interface SensorSpan {
  startHz: number;
  stopHz: number;
}

export class StreamHub {
  readonly clients = new Set<StreamClient>();
  /** Final stats of the last clients that left. */
  readonly departed: StreamClientStats[] = [];
  /** Lines discarded because the fan-out fell behind (display only). */
  coalesced = 0;
  linesIn = 0;
  readonly spans = new Map<string, SensorSpan>();
  private pending: PendingLine[] = [];
  private pool = new Map<number, Float32Array[]>();
  private scheduled = false;
  private unsubs: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastEmissionUpdate = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly emissionUpdateMs: number;
  // Scratch buffers, grown on demand and reused (no allocation per line at steady state).
  private scratchF32 = new Float32Array(0);

  constructor(
    private readonly monitor: Pick<MonitorApi, 'on'>,
    private readonly opts: StreamHubOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.maxPending = opts.maxPendingLines ?? 8;
    this.emissionUpdateMs = opts.emissionUpdateMs ?? 1000;
  }

  start(): void {
    this.unsubs.push(
      this.monitor.on('spectrum', (line) => this.onSpectrum(line)),
      this.monitor.on('alarm', (ev) => this.broadcast({ type: 'alarm', event: ev.type, alarm: ev.alarm }, false)),
      this.monitor.on('sensor', (sensor) => this.broadcast({ type: 'sensor', sensor }, false)),
      this.monitor.on('emission', (ev) => this.onEmission(ev.phase, ev.emission)),
    );
    const period = this.opts.stallCheckMs ?? 1000;
    this.timer = setInterval(() => {
      const now = this.now();
      for (const c of this.clients) c.checkStall(now);
    }, period);
    this.timer.unref();
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  add(client: StreamClient): void {
    this.clients.add(client);
  }

  remove(client: StreamClient): void {
    if (this.clients.delete(client)) {
      // Kept (bounded) so health and the bench can still report a client closed for a stall.
      this.departed.push(client.stats(this.now()));
      if (this.departed.length > 100) this.departed.shift();
    }
  }

  /** Send to every client; `droppable` events are skipped for clients over the high-water mark. */
  broadcast(msg: ServerMessage, droppable: boolean): void {
    for (const c of this.clients) {
      if (droppable) c.sendDroppable(msg);
      else c.sendEvent(msg);
    }
  }

  stats(): StreamClientStats[] {
    const now = this.now();
    return [...this.clients].map((c) => c.stats(now));
  }

  /** Listener on the producer's path: copy and defer. */
  onSpectrum(line: SpectrumLine): void {
    this.linesIn++;
    const n = line.psdDbfs.length;
    this.spans.set(line.sensorId, lineSpan(line.startHz, line.binHz, n));
    if (this.clients.size === 0) return;
    let sameSensor = 0;
    for (const p of this.pending) if (p.sensorId === line.sensorId) sameSensor++;
    if (sameSensor >= this.maxPending) {
      const idx = this.pending.findIndex((p) => p.sensorId === line.sensorId);
      const [old] = this.pending.splice(idx, 1);
      if (old) this.release(old.psd);
      this.coalesced++;
    }
    const psd = this.acquire(n);
    psd.set(line.psdDbfs);
    this.pending.push({
      sensorId: line.sensorId,
      timeMs: line.timeMs,
      startHz: line.startHz,
      binHz: line.binHz,
      psd,
    });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Fan out the pending lines (also called directly by tests). */
  flush(): void {
    this.scheduled = false;
    const lines = this.pending;
    this.pending = [];
    for (const line of lines) {
      this.fanOut(line);
      this.release(line.psd);
    }
  }

  private fanOut(line: PendingLine): void {
    const now = this.now();
    const span = lineSpan(line.startHz, line.binHz, line.psd.length);
    // key → quantised row and trace for clients that share a window.
    const cache = new Map<string, { startHz: number; stopHz: number; row: Uint8Array; trace: Float32Array }>();
    for (const c of this.clients) {
      if (!c.wantsLine(line.sensorId, now)) continue;
      const s = c.subscription;
      if (!s) continue;
      const startHz = s.startHz ?? span.startHz;
      const stopHz = s.stopHz ?? span.stopHz;
      const key = `${startHz}|${stopHz}|${s.widthPx}|${s.reduce}|${s.lowDbfs}|${s.highDbfs}`;
      // Resampled lazily: a client that is dropping frames costs nothing.
      const getEntry = () => {
        let entry = cache.get(key);
        if (!entry) {
          if (this.scratchF32.length < s.widthPx) this.scratchF32 = new Float32Array(s.widthPx);
          const dbfs = resampleWindow(
            line.psd,
            line.startHz,
            line.binHz,
            startHz,
            stopHz,
            s.reduce,
            this.scratchF32.subarray(0, s.widthPx),
          );
          const row = quantiseU8(dbfs, s.lowDbfs, s.highDbfs, new Uint8Array(s.widthPx));
          entry = { startHz, stopHz, row, trace: Float32Array.from(dbfs) };
          cache.set(key, entry);
        }
        return entry;
      };
      c.offerFrames(now, (seq, dropped) => {
        const e = getEntry();
        const meta = {
          seq,
          sensorId: line.sensorId,
          timeMs: line.timeMs,
          startHz: e.startHz,
          stopHz: e.stopHz,
          lowDbfs: s.lowDbfs,
          highDbfs: s.highDbfs,
          dropped,
        };
        const frames = [encodeFrame(FrameType.WaterfallU8, meta, e.row)];
        if (s.trace !== 'none') {
          const type = s.trace === 'i16' ? FrameType.SpectrumI16 : FrameType.SpectrumF32;
          frames.push(encodeFrame(type, { ...meta, seq: seq + 1, dropped: 0 }, e.trace));
        }
        return frames;
      });
    }
  }

  private onEmission(phase: 'start' | 'update' | 'end', emission: import('../../types.ts').TrackedEmission): void {
    if (phase === 'update') {
      const now = this.now();
      const last = this.lastEmissionUpdate.get(emission.id) ?? -Infinity;
      if (now - last < this.emissionUpdateMs) return;
      this.lastEmissionUpdate.set(emission.id, now);
    } else if (phase === 'end') {
      this.lastEmissionUpdate.delete(emission.id);
    }
    const msg: ServerMessage = { type: 'emission', phase, emission };
    for (const c of this.clients) {
      if (c.subscription?.sensorId === emission.sensorId) c.sendDroppable(msg);
    }
  }

  private acquire(n: number): Float32Array {
    return this.pool.get(n)?.pop() ?? new Float32Array(n);
  }

  private release(buf: Float32Array): void {
    let list = this.pool.get(buf.length);
    if (!list) {
      list = [];
      this.pool.set(buf.length, list);
    }
    if (list.length < this.maxPending * 4) list.push(buf);
  }
}
