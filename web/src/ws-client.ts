/**
 * Live stream client: one WebSocket to /api/stream, JSON control out, binary frames + JSON events in.
 * Reconnects with backoff (a wall screen survives server restarts and network blips) and re-sends the
 * current subscription after each reconnect.
 */
import { decodeFrame, FrameType, type DecodedFrame } from '../../src/protocol/frames.ts';
import type { ServerMessage, SubscribeMessage } from '../../src/protocol/messages.ts';

export interface StreamHandlers {
  onRow(frame: DecodedFrame & { type: FrameType.WaterfallU8 }): void;
  onTrace(sensorId: string, dbfs: Float32Array, startHz: number, stopHz: number): void;
  onMessage(msg: ServerMessage): void;
  onStatus(connected: boolean): void;
}

export class StreamConnection {
  private ws: WebSocket | null = null;
  private sub: SubscribeMessage | null = null;
  private retryMs = 500;
  private closed = false;
  /** Frames the server dropped for us (backpressure), as reported in frame headers. */
  droppedTotal = 0;
  rowsReceived = 0;

  /** `sessionAlive` is asked after an unexpected close: a session that ended (logged out, expired, account changed) goes back to login; a restart keeps sessions. */
  constructor(
    private readonly h: StreamHandlers,
    private readonly sessionAlive: () => Promise<boolean> = async () => true,
  ) {}

  connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/stream`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.h.onStatus(true);
      if (this.sub) ws.send(JSON.stringify(this.sub));
    };
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data === 'string') {
        this.h.onMessage(JSON.parse(ev.data) as ServerMessage);
        return;
      }
      const f = decodeFrame(ev.data);
      this.droppedTotal += f.dropped;
      if (f.type === FrameType.WaterfallU8) {
        this.rowsReceived++;
        this.h.onRow(f);
      } else {
        const db = f.type === FrameType.SpectrumI16 ? f.dbfs : f.payload;
        this.h.onTrace(f.sensorId, db, f.startHz, f.stopHz);
      }
    };
    ws.onclose = (ev) => {
      this.h.onStatus(false);
      this.ws = null;
      if (this.closed) return;
      // 4001 = session ended: go back to the login page instead of retrying forever.
      if (ev.code === 4001) {
        location.reload();
        return;
      }
      const wait = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
      setTimeout(() => {
        this.sessionAlive()
          .then((alive) => (alive ? this.connect() : location.reload()))
          // Server unreachable: keep trying (the wall screen comes back by itself).
          .catch(() => this.connect());
      }, wait);
    };
  }

  subscribe(sub: Omit<SubscribeMessage, 'type'>): void {
    this.sub = { type: 'subscribe', ...sub };
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(this.sub));
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
