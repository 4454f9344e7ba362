/**
 * One console WebSocket client: its subscription (sensor, zoom window, width, rate) and its backpressure state.
 *
 * Backpressure policy (why: a wall screen on a bad Wi-Fi link must never slow the DSP or the other screens):
 * - before each waterfall/trace frame, look at the socket's `bufferedAmount`; above the high-water mark the frame
 *   is dropped for this client only and counted;
 * - a client whose buffer stays above the mark for longer than `stallCloseMs` is closed (code 4008);
 * - alarm and sensor events are never dropped: they are always handed to the socket (which queues them).
 */
import type { ServerMessage, SubscribeMessage, TraceFormat } from '../../protocol/messages.ts';
import type { ReduceMode } from './resample.ts';

/** The part of a `ws` WebSocket the stream needs (a fake of it drives the unit tests). */
export interface StreamSocket {
  readonly bufferedAmount: number;
  /** 1 = OPEN, as in the WebSocket API. */
  readonly readyState: number;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
  /** Drop the connection at once (ws). A stalled peer would never read a close frame queued behind megabytes. */
  terminate?(): void;
}

export interface StreamClientOptions {
  /** Bytes queued on the socket above which waterfall frames are dropped. */
  highWaterBytes: number;
  /** A client stalled (above the mark) this long, ms, is closed. */
  stallCloseMs: number;
  now: () => number;
}

/** A subscription after defaults and limits were applied. */
export interface ResolvedSubscription {
  sensorId: string;
  /** Requested window, Hz; null = follow the sensor's full span. */
  startHz: number | null;
  stopHz: number | null;
  widthPx: number;
  maxFps: number;
  lowDbfs: number;
  highDbfs: number;
  trace: TraceFormat | 'none';
  reduce: ReduceMode;
}

export interface StreamClientStats {
  id: number;
  user: string;
  sensorId: string | null;
  framesSent: number;
  framesDropped: number;
  eventsSent: number;
  bytesSent: number;
  stalledForMs: number;
  closedForStall: boolean;
}

export const DEFAULT_LOW_DBFS = -130;
export const DEFAULT_HIGH_DBFS = -10;

export function resolveSubscription(msg: SubscribeMessage): ResolvedSubscription {
  return {
    sensorId: msg.sensorId,
    startHz: msg.startHz ?? null,
    stopHz: msg.stopHz ?? null,
    widthPx: Math.round(msg.widthPx),
    maxFps: msg.maxFps,
    lowDbfs: msg.lowDbfs ?? DEFAULT_LOW_DBFS,
    highDbfs: msg.highDbfs ?? DEFAULT_HIGH_DBFS,
    trace: msg.trace ?? 'f32',
    reduce: msg.reduce ?? 'max',
  };
}

export class StreamClient {
  subscription: ResolvedSubscription | null = null;
  /** Sequence number of the next binary frame. */
  seq = 0;
  /** Frames dropped since the last delivered one (goes into the next frame's header). */
  droppedSinceLast = 0;
  framesSent = 0;
  framesDropped = 0;
  eventsSent = 0;
  bytesSent = 0;
  closedForStall = false;
  /** Session that opened the stream (the gateway closes the stream when it ends). */
  sessionId: string | null = null;
  private nextDueMs = -Infinity;
  private stalledSinceMs: number | null = null;

  constructor(
    readonly id: number,
    readonly socket: StreamSocket,
    readonly user: string,
    readonly role: string,
    private readonly opts: StreamClientOptions,
  ) {}

  get open(): boolean {
    return this.socket.readyState === 1 && !this.closedForStall;
  }

  subscribe(sub: ResolvedSubscription): void {
    this.subscription = sub;
    // A new window must show at once, not after the rate interval.
    this.nextDueMs = -Infinity;
  }

  /**
   * True when this client wants a line of `sensorId` now (subscribed and its rate allows one). The rate is a
   * virtual schedule (GCRA): a line that comes a little early after a late one is still due, so timer jitter
   * does not cut a 25 lines/s source to 20/s for a client that asked for 25; bursts are capped at one line.
   */
  wantsLine(sensorId: string, nowMs: number): boolean {
    const s = this.subscription;
    if (!s || s.sensorId !== sensorId || !this.open) return false;
    return nowMs >= this.nextDueMs - 1;
  }

  private consumeSlot(nowMs: number): void {
    const interval = 1000 / (this.subscription?.maxFps ?? 1);
    this.nextDueMs = Math.max(this.nextDueMs, nowMs - interval) + interval;
  }

  /**
   * Offer the frames of one line (waterfall row, optional trace). Returns false when they were dropped for
   * backpressure. `encode` builds the bytes with this client's sequence number and drop count.
   */
  offerFrames(nowMs: number, encode: (seq: number, dropped: number) => Uint8Array[]): boolean {
    if (!this.open) return false;
    if (this.socket.bufferedAmount > this.opts.highWaterBytes) {
      this.framesDropped++;
      this.droppedSinceLast++;
      // The client stays rate-limited while dropped so that it does not get a burst once it drains.
      this.consumeSlot(nowMs);
      this.checkStall(nowMs, true);
      return false;
    }
    this.stalledSinceMs = null;
    for (const bytes of encode(this.seq, this.droppedSinceLast)) {
      this.socket.send(bytes);
      this.bytesSent += bytes.length;
      this.seq = (this.seq + 1) >>> 0;
    }
    this.framesSent++;
    this.droppedSinceLast = 0;
    this.consumeSlot(nowMs);
    return true;
  }

  /** Events (alarms, sensors, replies) are never dropped: the socket queues them even while stalled. */
  sendEvent(msg: ServerMessage): void {
    if (this.socket.readyState !== 1) return;
    const text = JSON.stringify(msg);
    this.socket.send(text);
    this.eventsSent++;
    this.bytesSent += text.length;
  }

  /** Best-effort events (emission updates): skipped while the client is above the high-water mark. */
  sendDroppable(msg: ServerMessage): boolean {
    if (!this.open || this.socket.bufferedAmount > this.opts.highWaterBytes) return false;
    this.sendEvent(msg);
    return true;
  }

  /** Called on each frame offer and by the hub's timer; closes a client stalled longer than allowed. */
  checkStall(nowMs: number, aboveMark = this.socket.bufferedAmount > this.opts.highWaterBytes): void {
    if (!aboveMark) {
      this.stalledSinceMs = null;
      return;
    }
    this.stalledSinceMs ??= nowMs;
    if (nowMs - this.stalledSinceMs > this.opts.stallCloseMs && !this.closedForStall) {
      this.closedForStall = true;
      if (this.socket.terminate) this.socket.terminate();
      else this.socket.close(4008, 'stalled: not reading');
    }
  }

  stats(nowMs: number): StreamClientStats {
    return {
      id: this.id,
      user: this.user,
      sensorId: this.subscription?.sensorId ?? null,
      framesSent: this.framesSent,
      framesDropped: this.framesDropped,
      eventsSent: this.eventsSent,
      bytesSent: this.bytesSent,
      stalledForMs: this.stalledSinceMs === null ? 0 : nowMs - this.stalledSinceMs,
      closedForStall: this.closedForStall,
    };
  }
}
