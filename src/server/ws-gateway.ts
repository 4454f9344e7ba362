/**
 * The console's WebSocket endpoint `/api/stream` on the fastify HTTP server. The upgrade needs a live session
 * cookie (and a same-origin Origin header); then the client sends JSON control messages and receives binary
 * frames (src/protocol/frames.ts) plus JSON events (src/protocol/messages.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../protocol/frames.ts';
import { SUBSCRIBE_LIMITS, type ClientMessage, type SubscribeMessage } from '../protocol/messages.ts';
import { SESSION_COOKIE } from './auth/sessions.ts';
import type { ConsoleContext } from './context.ts';
import { StreamClient, resolveSubscription, type StreamClientOptions } from './stream/client.ts';

export const STREAM_PATH = '/api/stream';

export interface GatewayOptions {
  highWaterBytes: number;
  stallCloseMs: number;
  /** Ping period, ms; a peer that misses a pong for two periods is terminated. */
  pingMs: number;
}

/** Validate a subscribe message; returns a problem description or null. */
export function checkSubscribe(m: Partial<SubscribeMessage>): string | null {
  if (typeof m.sensorId !== 'string' || m.sensorId.length === 0 || m.sensorId.length > 128)
    return 'sensorId: required string';
  if (typeof m.widthPx !== 'number' || !Number.isInteger(m.widthPx)) return 'widthPx: required integer';
  if (m.widthPx < SUBSCRIBE_LIMITS.minWidthPx || m.widthPx > SUBSCRIBE_LIMITS.maxWidthPx) {
    return `widthPx: must be ${SUBSCRIBE_LIMITS.minWidthPx}…${SUBSCRIBE_LIMITS.maxWidthPx}`;
  }
  if (typeof m.maxFps !== 'number' || !(m.maxFps >= SUBSCRIBE_LIMITS.minFps && m.maxFps <= SUBSCRIBE_LIMITS.maxFps)) {
    return `maxFps: must be ${SUBSCRIBE_LIMITS.minFps}…${SUBSCRIBE_LIMITS.maxFps}`;
  }
  const fin = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  if (!fin(m.startHz) || !fin(m.stopHz) || !fin(m.lowDbfs) || !fin(m.highDbfs)) return 'numbers must be finite';
  if ((m.startHz === undefined) !== (m.stopHz === undefined)) return 'startHz and stopHz go together';
  if (m.startHz !== undefined && m.stopHz !== undefined && !(m.startHz < m.stopHz))
    return 'startHz: must be below stopHz';
  const low = m.lowDbfs ?? -130;
  const high = m.highDbfs ?? -10;
  if (!(low < high)) return 'lowDbfs: must be below highDbfs';
  if (m.trace !== undefined && !['f32', 'i16', 'none'].includes(m.trace)) return "trace: 'f32' | 'i16' | 'none'";
  if (m.reduce !== undefined && !['max', 'mean'].includes(m.reduce)) return "reduce: 'max' | 'mean'";
  return null;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export function attachStreamGateway(app: FastifyInstance, ctx: ConsoleContext, opts: GatewayOptions): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  const alive = new WeakMap<WebSocket, boolean>();
  let nextId = 1;
  const clientOpts: StreamClientOptions = {
    highWaterBytes: opts.highWaterBytes,
    stallCloseMs: opts.stallCloseMs,
    now: Date.now,
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const ip = req.socket.remoteAddress ?? '?';
    if (path !== STREAM_PATH) return refuse(socket, 404, 'Not Found');
    const cookies = app.parseCookie(req.headers.cookie ?? '');
    const session = ctx.sessions.get(cookies[SESSION_COOKIE]);
    if (!session) {
      ctx.audit.record({ user: null, role: null, ip, action: 'stream-connect', outcome: 'denied' });
      return refuse(socket, 401, 'Unauthorized');
    }
    const origin = req.headers.origin;
    if (origin) {
      let host = '';
      try {
        host = new URL(origin).host;
      } catch {
        host = '';
      }
      if (host !== req.headers.host) {
        ctx.audit.record({
          user: session.user,
          role: session.role,
          ip,
          action: 'stream-connect',
          outcome: 'denied',
          detail: { origin },
        });
        return refuse(socket, 403, 'Forbidden');
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new StreamClient(nextId++, ws, session.user, session.role, clientOpts);
      client.sessionId = session.id;
      ctx.hub.add(client);
      alive.set(ws, true);
      ctx.audit.record({ user: session.user, role: session.role, ip, action: 'stream-connect', outcome: 'ok' });
      client.sendEvent({
        type: 'hello',
        protocolVersion: PROTOCOL_VERSION,
        user: session.user,
        role: session.role,
        sensors: ctx.monitor.sensors(),
      });
      ws.on('pong', () => alive.set(ws, true));
      ws.on('message', (data, isBinary) => {
        // Each message proves the screen is in use; a logged-out session ends the stream.
        if (!ctx.sessions.get(session.id)) return ws.close(4001, 'session ended');
        if (isBinary)
          return client.sendEvent({ type: 'error', code: 'BW_ERR_VALIDATION', message: 'expected JSON text' });
        let msg: ClientMessage;
        try {
          msg = JSON.parse(String(data)) as ClientMessage;
        } catch {
          return client.sendEvent({ type: 'error', code: 'BW_ERR_VALIDATION', message: 'not valid JSON' });
        }
        if (msg?.type === 'ping') return client.sendEvent({ type: 'pong', t: Number(msg.t) || 0 });
        if (msg?.type === 'unsubscribe') {
          client.subscription = null;
          return;
        }
        if (msg?.type !== 'subscribe') {
          return client.sendEvent({ type: 'error', code: 'BW_ERR_VALIDATION', message: 'unknown message type' });
        }
        const problem = checkSubscribe(msg);
        if (problem) return client.sendEvent({ type: 'error', code: 'BW_ERR_VALIDATION', message: problem });
        if (!ctx.monitor.sensors().some((x) => x.id === msg.sensorId)) {
          return client.sendEvent({
            type: 'error',
            code: 'BW_ERR_SENSOR_NOT_FOUND',
            message: `no sensor '${msg.sensorId}'`,
          });
        }
        const sub = resolveSubscription(msg);
        client.subscribe(sub);
        const span = ctx.hub.spans.get(sub.sensorId);
        client.sendEvent({
          type: 'subscribed',
          sensorId: sub.sensorId,
          startHz: sub.startHz ?? span?.startHz ?? 0,
          stopHz: sub.stopHz ?? span?.stopHz ?? 0,
          widthPx: sub.widthPx,
          maxFps: sub.maxFps,
        });
      });
      ws.on('close', () => {
        ctx.hub.remove(client);
        const st = client.stats(Date.now());
        ctx.audit.record({
          user: session.user,
          role: session.role,
          ip,
          action: 'stream-disconnect',
          outcome: 'ok',
          detail: { framesSent: st.framesSent, framesDropped: st.framesDropped, closedForStall: st.closedForStall },
        });
      });
      ws.on('error', () => ws.terminate());
    });
  };
  app.server.on('upgrade', onUpgrade);

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
    // Sessions that ended (logout, expiry, password change) close their streams.
    for (const c of ctx.hub.clients) {
      // An open stream keeps its session alive (a wall screen stays logged in), within the absolute lifetime.
      if (c.sessionId && !ctx.sessions.get(c.sessionId)) c.socket.close(4001, 'session ended');
    }
  }, opts.pingMs);
  pinger.unref();

  return () => {
    clearInterval(pinger);
    app.server.off('upgrade', onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
