import { describe, expect, it } from 'vitest';
import { decodeFrame, FrameType } from '../../src/protocol/frames.ts';
import type { ServerMessage } from '../../src/protocol/messages.ts';
import { resolveSubscription, StreamClient, type StreamSocket } from '../../src/server/stream/client.ts';
import { StreamHub } from '../../src/server/stream/hub.ts';
import { FakeMonitor } from '../helpers/fake-monitor.ts';

/** A socket whose send buffer we control: `bufferedAmount` high = the peer stopped reading. */
class FakeSocket implements StreamSocket {
  bufferedAmount = 0;
  readyState = 1;
  binary: Uint8Array[] = [];
  text: ServerMessage[] = [];
  closed: { code?: number; reason?: string } | null = null;
  send(data: Uint8Array | string): void {
    if (typeof data === 'string') this.text.push(JSON.parse(data) as ServerMessage);
    else this.binary.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
}

function setup(opts: { now?: () => number } = {}) {
  let t = 1_000_000;
  const now = opts.now ?? (() => t);
  const monitor = new FakeMonitor({ bins: 1024, now });
  const hub = new StreamHub(monitor, { now });
  hub.start();
  const mk = (id: number, sub: Partial<Parameters<typeof resolveSubscription>[0]> = {}) => {
    const sock = new FakeSocket();
    const c = new StreamClient(id, sock, `u${id}`, 'viewer', { highWaterBytes: 64 * 1024, stallCloseMs: 30_000, now });
    c.subscribe(resolveSubscription({ type: 'subscribe', sensorId: 'venue-a', widthPx: 200, maxFps: 100, ...sub }));
    hub.add(c);
    return { sock, c };
  };
  const step = (ms: number) => {
    t += ms;
    monitor.emitLine('venue-a', t);
    hub.flush();
  };
  return { monitor, hub, mk, step, advance: (ms: number) => (t += ms), stop: () => hub.stop() };
}

describe('stream hub: per-client resampling', () => {
  it('each client gets its own window and width (sharp zoom on the server)', () => {
    const { mk, step, stop } = setup();
    const wide = mk(1);
    const zoom = mk(2, { startHz: 470.58e6, stopHz: 470.62e6, widthPx: 400 });
    step(100);
    const a = decodeFrame(wide.sock.binary[0]!);
    const b = decodeFrame(zoom.sock.binary[0]!);
    expect(a.type).toBe(FrameType.WaterfallU8);
    expect(a.bins).toBe(200);
    expect(a.startHz).toBeCloseTo(469.4e6, 0);
    expect(b.bins).toBe(400);
    expect([b.startHz, b.stopHz]).toEqual([470.58e6, 470.62e6]);
    // Inside the 180 kHz mic carrier at 470,6 MHz every zoomed pixel is hot.
    expect(Math.min(...(b.payload as Uint8Array))).toBeGreaterThan(100);
    // The trace follows each row.
    expect(decodeFrame(zoom.sock.binary[1]!).type).toBe(FrameType.SpectrumF32);
    stop();
  });

  it('honours each client’s rate (maxFps) independently', () => {
    const { mk, step, stop } = setup();
    const fast = mk(1, { maxFps: 20, trace: 'none' });
    const slow = mk(2, { maxFps: 2, trace: 'none' });
    for (let i = 0; i < 40; i++) step(50); // 2 s of lines at 20/s
    expect(fast.sock.binary.length).toBe(40);
    expect(slow.sock.binary.length).toBeGreaterThanOrEqual(4);
    expect(slow.sock.binary.length).toBeLessThanOrEqual(5);
    stop();
  });

  it('does no fan-out work inside the producer’s call (lines are copied and deferred)', () => {
    const { monitor, mk, stop } = setup();
    const c = mk(1);
    const line = monitor.emitLine('venue-a');
    expect(c.sock.binary).toHaveLength(0);
    line.psdDbfs.fill(0); // the producer reuses its buffer
    stop();
  });
});

describe('stream hub: backpressure', () => {
  it('drops and counts frames for a client that stopped reading, delivers alarms to it, and spares the others', () => {
    const { monitor, mk, step, stop } = setup();
    const good = mk(1, { trace: 'none' });
    const slow = mk(2, { trace: 'none' });
    step(100);
    slow.sock.bufferedAmount = 10 * 1024 * 1024;
    for (let i = 0; i < 20; i++) step(100);
    expect(good.c.framesSent).toBe(21);
    expect(slow.c.framesSent).toBe(1);
    expect(slow.c.framesDropped).toBe(20);
    const alarm = monitor.switchOnUnlicensed();
    const got = slow.sock.text.filter((m) => m.type === 'alarm');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'alarm', event: 'raised', alarm: { id: alarm.id } });
    // Drained: the next frame goes out and tells the client how many it missed.
    slow.sock.bufferedAmount = 0;
    step(100);
    const last = decodeFrame(slow.sock.binary.at(-1)!);
    expect(last.dropped).toBe(20);
    expect(slow.c.droppedSinceLast).toBe(0);
    stop();
  });

  it('closes a client only after a sustained stall (> stallCloseMs), not a short one', () => {
    const { mk, step, advance, hub, stop } = setup();
    const slow = mk(1);
    slow.sock.bufferedAmount = 10 * 1024 * 1024;
    for (let i = 0; i < 100; i++) step(250); // 25 s stalled
    expect(slow.sock.closed).toBeNull();
    slow.sock.bufferedAmount = 0;
    step(100); // recovers: stall timer resets
    slow.sock.bufferedAmount = 10 * 1024 * 1024;
    for (let i = 0; i < 100; i++) step(250);
    expect(slow.sock.closed).toBeNull();
    for (let i = 0; i < 30; i++) step(250); // now 32,5 s continuously
    expect(slow.sock.closed).toEqual({ code: 4008, reason: 'stalled: not reading' });
    // The timer path closes a stalled client even when no lines arrive.
    const idle = mk(2);
    idle.sock.bufferedAmount = 10 * 1024 * 1024;
    idle.c.checkStall(0);
    advance(31_000);
    for (const c of hub.clients) c.checkStall(31_000);
    expect(idle.sock.closed?.code).toBe(4008);
    stop();
  });

  it('sends alarm and sensor events to every client, emission updates only to subscribers of that sensor', () => {
    const { monitor, mk, stop } = setup();
    const a = mk(1);
    const b = mk(2, { sensorId: 'venue-b' });
    monitor.setSensorState('venue-b', { state: 'stalled' });
    monitor.switchOnUnlicensed('venue-a');
    for (const s of [a.sock, b.sock]) {
      expect(s.text.some((m) => m.type === 'sensor' && m.sensor.state === 'stalled')).toBe(true);
      expect(s.text.some((m) => m.type === 'alarm')).toBe(true);
    }
    expect(a.sock.text.some((m) => m.type === 'emission')).toBe(true);
    expect(b.sock.text.some((m) => m.type === 'emission')).toBe(false);
    stop();
  });

  it('coalesces lines for display when the fan-out falls behind, never blocking the producer', () => {
    const { monitor, hub, mk, stop } = setup();
    mk(1);
    for (let i = 0; i < 50; i++) monitor.emitLine('venue-a'); // no flush in between
    expect(hub.coalesced).toBe(42);
    hub.flush();
    stop();
  });
});
