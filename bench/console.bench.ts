/**
 * Console fan-out under load: 20 WebSocket clients on one sensor over loopback, one of which stops reading.
 * Reports frames delivered and dropped per client, whether the stalled client was closed, and that the producer
 * (the DSP's side of the seam) never waited: its schedule slip and the time spent inside its emit call, against
 * a baseline with no clients. Sample loss is what the slip would cost a dongle whose USB buffers hold
 * `USB_BUFFER_MS` of samples (librtlsdr: 15 × 256 KiB ≈ 0,8 s at 2,4 MS/s; we assume 0,5 s to be safe).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServer } from '../src/server/server.ts';
import { FakeMonitor } from '../test/helpers/fake-monitor.ts';

export const name = 'console';

const CLIENTS = 20;
const LINE_RATE_HZ = 25;
const BINS = 8192;
const WIDTH_PX = 4096;
const BASELINE_S = 4;
const LOADED_S = 20;
/** Shorter than the server default (30 s) so the bench shows the close within its run. */
const STALL_CLOSE_MS = 5_000;
const USB_BUFFER_MS = 500;
const SAMPLE_RATE_HZ = 2.4e6;

interface Phase {
  lines: number;
  slipMsMax: number;
  slipMsP99: number;
  emitMsMean: number;
  emitMsMax: number;
}

/** Emit lines on a fixed schedule for `seconds`; measure how late each tick ran and how long emit took. */
async function produce(monitor: FakeMonitor, seconds: number): Promise<Phase> {
  const periodMs = 1000 / LINE_RATE_HZ;
  const t0 = performance.now();
  const slips: number[] = [];
  const emits: number[] = [];
  for (let i = 0; i < seconds * LINE_RATE_HZ; i++) {
    const due = t0 + i * periodMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    slips.push(Math.max(0, start - due));
    monitor.emitLine('venue-a');
    emits.push(performance.now() - start);
  }
  const sorted = [...slips].sort((a, b) => a - b);
  return {
    lines: slips.length,
    slipMsMax: round(Math.max(...slips)),
    slipMsP99: round(sorted[Math.floor(sorted.length * 0.99)] ?? 0),
    emitMsMean: round(emits.reduce((a, b) => a + b, 0) / emits.length, 3),
    emitMsMax: round(Math.max(...emits), 3),
  };
}

function round(v: number, d = 1): number {
  return Math.round(v * 10 ** d) / 10 ** d;
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bw-bench-console-'));
  const monitor = new FakeMonitor({ bins: BINS, lineRateHz: LINE_RATE_HZ });
  const server = await createServer(monitor, {
    dataDir,
    port: 0,
    adminPassword: 'bench-admin-pw',
    scryptCost: { N: 1024, r: 8, p: 1 },
    print: () => {},
    stream: { stallCloseMs: STALL_CLOSE_MS },
  });
  await server.listen();
  try {
    const baseline = await produce(monitor, BASELINE_S);

    const login = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'bench-admin-pw' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const received = new Array<number>(CLIENTS).fill(0);
    const sockets: WebSocket[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const ws = new WebSocket(server.url.replace('http', 'ws') + '/api/stream', { headers: { cookie } });
      // Count waterfall rows (frame type 1), not traces.
      ws.on('message', (d, isBinary) => {
        if (isBinary && (d as Buffer)[3] === 1) received[i]!++;
      });
      ws.on('error', () => undefined);
      await new Promise((r) => ws.once('open', r));
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          sensorId: 'venue-a',
          widthPx: WIDTH_PX,
          maxFps: LINE_RATE_HZ,
          trace: 'f32',
        }),
      );
      sockets.push(ws);
    }
    // Client 0 stops reading: its TCP window fills, then the server's buffer for it grows.
    const slow = sockets[0] as WebSocket & { _socket: { pause(): void } };
    setTimeout(() => slow._socket.pause(), 1000);
    await new Promise((r) => setTimeout(r, 200));

    const loaded = await produce(monitor, LOADED_S);
    await new Promise((r) => setTimeout(r, 300));
    const stats = server.ctx.hub.stats();
    const byId = new Map([...server.ctx.hub.departed, ...stats].map((s) => [s.id, s]));
    // The slow one is id 1 (ids count from 1 in connection order); closed clients are in `departed`.
    const clients = sockets.map((ws, i) => {
      const s = byId.get(i + 1);
      return {
        client: i,
        slow: i === 0,
        rowsReceived: received[i] ?? 0,
        framesSent: s?.framesSent ?? null,
        framesDropped: s?.framesDropped ?? null,
        // Server side: a terminated client leaves the hub.
        closed: s ? s.closedForStall : ws.readyState !== WebSocket.OPEN,
      };
    });
    const slowClosed = clients[0]!.closed;
    const lossSamples = Math.max(0, loaded.slipMsMax - USB_BUFFER_MS) * (SAMPLE_RATE_HZ / 1000);
    for (const ws of sockets) ws.terminate();
    const results = {
      config: {
        clients: CLIENTS,
        lineRateHz: LINE_RATE_HZ,
        bins: BINS,
        widthPx: WIDTH_PX,
        traceFormat: 'f32',
        loadedSeconds: LOADED_S,
        stallCloseMs: STALL_CLOSE_MS,
        usbBufferMs: USB_BUFFER_MS,
      },
      producer: { baseline, loaded },
      sampleLoss: lossSamples,
      slowClientClosedForStall: slowClosed,
      linesCoalesced: server.ctx.hub.coalesced,
      clients,
      fastClients: {
        minReceived: Math.min(...clients.slice(1).map((c) => c.rowsReceived)),
        maxReceived: Math.max(...clients.slice(1).map((c) => c.rowsReceived)),
        droppedTotal: clients.slice(1).reduce((n, c) => n + (c.framesDropped ?? 0), 0),
      },
    };

    const table = [
      `producer: ${loaded.lines} lines at ${LINE_RATE_HZ}/s × ${BINS} bins; ${CLIENTS} clients × ${WIDTH_PX} px (+ f32 trace)`,
      `  schedule slip, ms: baseline max ${baseline.slipMsMax} / p99 ${baseline.slipMsP99}; loaded max ${loaded.slipMsMax} / p99 ${loaded.slipMsP99}`,
      `  time inside emit, ms: baseline mean ${baseline.emitMsMean} max ${baseline.emitMsMax}; loaded mean ${loaded.emitMsMean} max ${loaded.emitMsMax}`,
      `  sample loss (USB buffer ${USB_BUFFER_MS} ms): ${lossSamples} samples; lines coalesced for display: ${results.linesCoalesced}`,
      `client  slow  rows recv  rows sent(srv)  dropped(srv)  closed   (${loaded.lines} lines offered per client)`,
      ...clients.map(
        (c) =>
          `${String(c.client).padStart(6)}  ${c.slow ? 'yes ' : 'no  '}  ${String(c.rowsReceived).padStart(9)}  ${String(c.framesSent ?? '-').padStart(14)}  ${String(c.framesDropped ?? '-').padStart(12)}  ${c.closed}`,
      ),
    ].join('\n');
    return { table, results };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
