import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RtlTcpClient } from '../../firmware-bridge/rtltcp/client.ts';
import { RtlTcpServer } from '../../firmware-bridge/rtltcp/server.ts';
import { encodeCommand, encodeHeader, RtlTcpCommand } from '../../firmware-bridge/rtltcp/protocol.ts';
import { RtlTcpError, RtlTcpHeaderError } from '../../firmware-bridge/rtltcp/errors.ts';
import {
  R82XX_GAINS_TENTHS_DB,
  type DongleInfo,
  type IqChunk,
  type StreamEvent,
  type TunableIqDevice,
} from '../../firmware-bridge/types.ts';

/** A fake device that produces a known pseudo-random byte stream and records every call. */
class FakeDevice implements TunableIqDevice {
  readonly info: DongleInfo = {
    vendorId: 0x0bda,
    productId: 0x2838,
    manufacturer: 'fake',
    product: 'fake',
    serial: '1',
    path: '0-0',
    name: 'fake',
  };
  readonly tunerType = 'R820T' as const;
  readonly gainsTenthsDb = R82XX_GAINS_TENTHS_DB;
  calls: [string, unknown][] = [];
  produced: Buffer[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private state = 0x12345678;
  private sample = 0;
  rejectRatesAbove = 3_200_000;
  constructor(
    private readonly chunkBytes = 16384,
    private readonly periodMs = 5,
  ) {}
  private record(name: string, v: unknown) {
    this.calls.push([name, v]);
  }
  async setCenterFrequency(hz: number) {
    this.record('freq', hz);
  }
  getCenterFrequency() {
    return 100_000_000;
  }
  async setSampleRate(hz: number) {
    this.record('rate', hz);
    if (hz > this.rejectRatesAbove) throw new RangeError(`rate ${hz} out of range`);
  }
  getSampleRate() {
    return 2_048_000;
  }
  async setGain(g: number | 'auto') {
    this.record('gain', g);
  }
  async setFrequencyCorrection(ppm: number) {
    this.record('ppm', ppm);
  }
  async setAgcMode(on: boolean) {
    this.record('agc', on);
  }
  async setTestMode(on: boolean) {
    this.record('test', on);
  }
  async setDirectSampling(m: 0 | 1 | 2) {
    this.record('direct', m);
  }
  async setBiasTee(on: boolean) {
    this.record('bias', on);
  }
  async startStream(onChunk: (c: IqChunk) => void, _onEvent?: (e: StreamEvent) => void) {
    this.record('start', null);
    this.timer = setInterval(() => {
      const data = new Uint8Array(this.chunkBytes);
      for (let i = 0; i < data.length; i++) {
        let s = this.state;
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        this.state = s;
        data[i] = s & 0xff;
      }
      this.produced.push(Buffer.from(data));
      onChunk({ data, sampleIndex: this.sample, timeMs: Date.now(), centerHz: 0, sampleRateHz: 2_048_000 });
      data.fill(0); // chunk data is only valid during the callback: the server must have copied it
      this.sample += data.length / 2;
    }, this.periodMs);
  }
  async stopStream() {
    this.record('stop', null);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
  async close() {
    await this.stopStream();
  }
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(device: TunableIqDevice, port = 0, maxQueuedBuffers?: number) {
  const server = await RtlTcpServer.create({ device, port, maxQueuedBuffers });
  cleanups.push(() => server.close());
  return server;
}

function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() - t0 > timeoutMs) reject(new Error('timed out waiting'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

/** A raw TCP client that collects everything the server sends. */
function rawClient(port: number): Promise<{ socket: Socket; received: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () =>
      resolve({ socket, received: () => Buffer.concat(chunks) }),
    );
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    cleanups.push(() => void socket.destroy());
  });
}

describe('rtl_tcp server', () => {
  it('listens on 127.0.0.1 and sends the 12-byte header first', async () => {
    const server = await startServer(new FakeDevice());
    expect(server.address().address).toBe('127.0.0.1');
    const c = await rawClient(server.port);
    await until(() => c.received().length >= 12);
    expect(c.received().subarray(0, 12).toString('hex')).toBe(Buffer.from(encodeHeader('R820T', 29)).toString('hex'));
  });

  it('maps commands to the device with the right values, in order, even split across TCP segments', async () => {
    const dev = new FakeDevice();
    const server = await startServer(dev);
    const c = await rawClient(server.port);
    const cmds = Buffer.concat([
      encodeCommand(RtlTcpCommand.SET_SAMPLE_RATE, 2_400_000),
      encodeCommand(RtlTcpCommand.SET_FREQUENCY, 433_920_000),
      encodeCommand(RtlTcpCommand.SET_GAIN_MODE, 1),
      encodeCommand(RtlTcpCommand.SET_GAIN, 280),
      encodeCommand(RtlTcpCommand.SET_FREQ_CORRECTION, -10),
      encodeCommand(0x42, 1234), // unknown: ignored and counted
      encodeCommand(RtlTcpCommand.SET_AGC_MODE, 1),
      encodeCommand(RtlTcpCommand.SET_TEST_MODE, 1),
      encodeCommand(RtlTcpCommand.SET_DIRECT_SAMPLING, 2),
      encodeCommand(RtlTcpCommand.SET_GAIN_BY_INDEX, 28),
      encodeCommand(RtlTcpCommand.SET_BIAS_TEE, 1),
      encodeCommand(RtlTcpCommand.SET_GAIN_MODE, 0),
      encodeCommand(RtlTcpCommand.SET_OFFSET_TUNING, 1),
    ]);
    // 3-byte segments with pauses so the server really sees partial commands
    for (let i = 0; i < cmds.length; i += 3) {
      c.socket.write(cmds.subarray(i, i + 3));
      await new Promise((r) => setTimeout(r, 2));
    }
    await until(() => server.stats.commands === 13);
    await server.settled();
    expect(dev.calls.filter(([n]) => n !== 'start')).toEqual([
      ['rate', 2_400_000],
      ['freq', 433_920_000],
      ['gain', 0],
      ['gain', 280],
      ['ppm', -10],
      ['agc', true],
      ['test', true],
      ['direct', 2],
      ['gain', 496],
      ['bias', true],
      ['gain', 'auto'],
    ]);
    expect(server.stats.unknownCommands).toBe(1);
    expect(server.stats.unsupportedCommands).toBe(1);
  });

  it('a command the device rejects is logged, not fatal', async () => {
    const dev = new FakeDevice();
    const logs: string[] = [];
    const server = await RtlTcpServer.create({ device: dev, port: 0, log: (_l, m) => logs.push(m) });
    cleanups.push(() => server.close());
    const c = await rawClient(server.port);
    c.socket.write(encodeCommand(RtlTcpCommand.SET_SAMPLE_RATE, 5_000_000));
    c.socket.write(encodeCommand(RtlTcpCommand.SET_GAIN_BY_INDEX, 99));
    c.socket.write(encodeCommand(RtlTcpCommand.SET_FREQUENCY, 100_000_000));
    await until(() => server.stats.commands === 3);
    await server.settled();
    expect(server.stats.commandErrors).toBe(2);
    expect(logs.some((m) => /set_sample_rate 5000000: rate 5000000 out of range/.test(m))).toBe(true);
    expect(dev.calls).toContainEqual(['freq', 100_000_000]);
    await until(() => c.received().length > 12 + 16384); // still streaming
  });

  it('drops the oldest buffers for a client that does not read, and counts them', async () => {
    const dev = new FakeDevice(65536, 1);
    const server = await startServer(dev, 0, 8);
    const c = await rawClient(server.port);
    c.socket.pause();
    await until(() => server.stats.droppedBuffers > 20, 10_000);
    const st = server.clientStats()[0]!;
    expect(st.queuedBuffers).toBeLessThanOrEqual(8);
    expect(st.droppedBytes).toBe(st.droppedBuffers * 65536);
  });
});

describe('rtl_tcp client ⇄ server over loopback', () => {
  it('delivers the device bytes exactly, with a continuous sample counter', async () => {
    const dev = new FakeDevice(10001, 3); // odd chunk size: I/Q pairs straddle TCP segments
    const server = await startServer(dev);
    const client = await RtlTcpClient.connect({ port: server.port });
    cleanups.push(() => client.close());
    expect(client.tunerType).toBe('R820T');
    expect(client.gainsTenthsDb.length).toBe(29);
    const got: Buffer[] = [];
    let next = 0;
    let counterOk = true;
    await client.startStream((c) => {
      if (c.sampleIndex !== next) counterOk = false;
      next = c.sampleIndex + c.data.length / 2;
      got.push(Buffer.from(c.data));
    });
    await until(() => got.reduce((a, b) => a + b.length, 0) >= 300_000);
    const received = Buffer.concat(got);
    const sent = Buffer.concat(dev.produced);
    expect(received.length % 2).toBe(0);
    // IQ that arrived before startStream is not delivered: the stream is a contiguous, pair-aligned slice
    const at = sent.indexOf(received.subarray(0, 64));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at % 2).toBe(0);
    expect(received.equals(sent.subarray(at, at + received.length))).toBe(true);
    expect(counterOk).toBe(true);
  });

  it('client setters reach the device, negative ppm included', async () => {
    const dev = new FakeDevice();
    const server = await startServer(dev);
    const client = await RtlTcpClient.connect({ port: server.port });
    cleanups.push(() => client.close());
    await client.setSampleRate(1_024_000);
    await client.setCenterFrequency(1_090_000_000);
    await client.setGain(372);
    await client.setFrequencyCorrection(-37);
    await client.setGainByIndex(3);
    await client.setBiasTee(true);
    await until(() => server.stats.commands === 8);
    await server.settled();
    expect(dev.calls.filter(([n]) => n !== 'start')).toEqual([
      ['rate', 1_024_000],
      ['freq', 1_090_000_000],
      ['gain', 0],
      ['gain', 372],
      ['ppm', -37],
      ['gain', 372],
      ['gain', 27],
      ['bias', true],
    ]);
    expect(client.getCenterFrequency()).toBe(1_090_000_000);
    expect(client.getSampleRate()).toBe(1_024_000);
  });

  it('reconnects with backoff after the server restarts and re-sends its settings', async () => {
    const dev1 = new FakeDevice();
    const s1 = await RtlTcpServer.create({ device: dev1, port: 0 });
    const port = s1.port;
    const client = await RtlTcpClient.connect({ port, backoffInitialMs: 20, backoffMaxMs: 100 });
    cleanups.push(() => client.close());
    await client.setCenterFrequency(433_920_000);
    const events: StreamEvent[] = [];
    let failures = 0;
    client.on('reconnect-failed', () => failures++);
    await client.startStream(
      () => {},
      (e) => events.push(e),
    );
    await s1.close();
    await until(() => events.some((e) => e.type === 'disconnected'));
    await until(() => failures >= 2); // nothing listening: attempts fail and back off
    const dev2 = new FakeDevice();
    const s2 = await startServer(dev2, port);
    await until(() => events.some((e) => e.type === 'reconnected'), 5000);
    await until(() => dev2.calls.some(([n]) => n === 'freq'));
    expect(dev2.calls).toContainEqual(['freq', 433_920_000]);
    expect(s2.stats.clientsAccepted).toBe(1);
    const lost = events.find((e) => e.type === 'samples-lost');
    expect(lost && lost.type === 'samples-lost' && lost.lostSamples > 0).toBe(true);
  });

  it('a server that goes quiet gives one stalled event', async () => {
    const quiet: Server = createServer((s) => s.write(Buffer.from(encodeHeader('R820T', 29))));
    await new Promise<void>((r) => quiet.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => quiet.close(() => r())));
    const port = (quiet.address() as { port: number }).port;
    const client = await RtlTcpClient.connect({ port, stallTimeoutMs: 150, reconnect: false });
    cleanups.push(async () => {
      await client.close();
      quiet.unref();
    });
    const events: StreamEvent[] = [];
    await client.startStream(
      () => {},
      (e) => events.push(e),
    );
    await until(() => events.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => e.type === 'stalled').length).toBe(1);
  });

  it('garbage instead of a header: typed error naming the bytes, no crash', async () => {
    const garbage: Server = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => garbage.close(() => r())));
    const port = (garbage.address() as { port: number }).port;
    const err = await RtlTcpClient.connect({ port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtlTcpHeaderError);
    expect((err as Error).message).toMatch(/magic is not "RTL0"/);
    expect((err as Error).message).toContain('48 54 54 50');
    // a short header then close
    const short: Server = createServer((s) => s.end(Buffer.from('RTL0\0\0', 'latin1')));
    await new Promise<void>((r) => short.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => short.close(() => r())));
    const p2 = (short.address() as { port: number }).port;
    await expect(RtlTcpClient.connect({ port: p2 })).rejects.toThrow(/closed after 6 of 12 header bytes/);
    // nothing listening
    const refused = await RtlTcpClient.connect({ port: p2 + 1 > 65535 ? 1 : p2 + 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RtlTcpError);
  });
});
