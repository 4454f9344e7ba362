/**
 * An rtl_tcp server sharing any TunableIqDevice with standard clients (SDR++, GQRX, SDR#, rtl_tcp clients).
 * On accept it sends the 12-byte header, then forwards the device's cu8 IQ; client commands are mapped to the
 * device in order. As the reference server does, unknown command codes are ignored (and counted here), and a
 * command the device rejects (bad rate, out-of-range frequency) is logged and does not end the session.
 *
 * Each client has a bounded queue: when a client reads slower than the device produces, the OLDEST buffers are
 * dropped (counted) so a slow client never holds memory or stalls the others. Listens on 127.0.0.1 by default.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { IqChunk, StreamEvent, TunableIqDevice } from '../types.ts';
import { CommandParser, commandName, encodeHeader, RtlTcpCommand, type DecodedCommand } from './protocol.ts';

export interface RtlTcpServerOptions {
  device: TunableIqDevice;
  /** Default 127.0.0.1: sharing a dongle beyond the host is an explicit choice. */
  host?: string;
  /** Default 1234; 0 = any free port. */
  port?: number;
  /** Buffers queued per client before the oldest is dropped (default 64 ≈ 4 s of 64 ms chunks). */
  maxQueuedBuffers?: number;
  /** Log sink (default: none). */
  log?: (level: 'info' | 'warn', message: string) => void;
  /**
   * Applied at start when the device has no rate / frequency yet, as rtl_tcp does (its defaults: 2.048 MS/s,
   * 100 MHz). Clients normally set their own right after connecting.
   */
  defaultSampleRateHz?: number;
  defaultCenterHz?: number;
}

export interface RtlTcpClientStats {
  id: number;
  remote: string;
  bytesSent: number;
  droppedBuffers: number;
  droppedBytes: number;
  queuedBuffers: number;
  commands: number;
}

export interface RtlTcpServerStats {
  clientsAccepted: number;
  commands: number;
  unknownCommands: number;
  /** Commands the device rejected or whose parameter was invalid. */
  commandErrors: number;
  /** Commands that exist in rtl_tcp but have no TunableIqDevice equivalent (IF gain, xtal, offset tuning). */
  unsupportedCommands: number;
  droppedBuffers: number;
}

interface ClientState {
  id: number;
  socket: Socket;
  parser: CommandParser;
  queue: Buffer[];
  stats: RtlTcpClientStats;
}

export class RtlTcpServer {
  readonly device: TunableIqDevice;
  readonly stats: RtlTcpServerStats = {
    clientsAccepted: 0,
    commands: 0,
    unknownCommands: 0,
    commandErrors: 0,
    unsupportedCommands: 0,
    droppedBuffers: 0,
  };
  private readonly server: Server;
  private readonly clients = new Set<ClientState>();
  private readonly maxQueued: number;
  private readonly log: (level: 'info' | 'warn', message: string) => void;
  private nextId = 1;
  private streaming = false;
  private commandChain: Promise<void> = Promise.resolve();
  private deviceChain: Promise<void> = Promise.resolve();
  private lastManualGain = 0;
  private closed = false;
  /** Last device event seen (for diagnostics). */
  lastDeviceEvent: StreamEvent | undefined;

  private constructor(opts: RtlTcpServerOptions, server: Server) {
    this.device = opts.device;
    this.server = server;
    this.maxQueued = Math.max(1, opts.maxQueuedBuffers ?? 64);
    this.log = opts.log ?? (() => {});
  }

  /** Starts listening; resolves once bound. */
  static async create(opts: RtlTcpServerOptions): Promise<RtlTcpServer> {
    const server = createServer();
    const self = new RtlTcpServer(opts, server);
    const d = opts.device;
    try {
      if (!(d.getSampleRate() > 0)) await d.setSampleRate(opts.defaultSampleRateHz ?? 2_048_000);
      if (!(d.getCenterFrequency() > 0)) await d.setCenterFrequency(opts.defaultCenterHz ?? 100_000_000);
    } catch (e) {
      self.log('warn', `rtl_tcp: could not apply the default rate/frequency: ${(e as Error).message}`);
    }
    server.on('connection', (s) => self.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 1234, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => self.log('warn', `rtl_tcp server error: ${e.message}`));
    return self;
  }

  /** Bound address (port is useful with port 0). */
  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  get port(): number {
    return this.address().port;
  }

  /** Per-client counters. */
  clientStats(): RtlTcpClientStats[] {
    return [...this.clients].map((c) => ({ ...c.stats, queuedBuffers: c.queue.length }));
  }

  /** Resolves when every command received so far has been applied to the device. */
  settled(): Promise<void> {
    return this.commandChain;
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const id = this.nextId++;
    const c: ClientState = {
      id,
      socket,
      parser: new CommandParser(),
      queue: [],
      stats: {
        id,
        remote: `${socket.remoteAddress}:${socket.remotePort}`,
        bytesSent: 0,
        droppedBuffers: 0,
        droppedBytes: 0,
        queuedBuffers: 0,
        commands: 0,
      },
    };
    this.clients.add(c);
    this.stats.clientsAccepted++;
    this.log('info', `rtl_tcp client ${id} connected from ${c.stats.remote}`);
    socket.write(Buffer.from(encodeHeader(this.device.tunerType, this.device.gainsTenthsDb.length)));
    socket.on('data', (d: Buffer) => {
      for (const cmd of c.parser.push(d)) {
        c.stats.commands++;
        this.enqueueCommand(cmd, id);
      }
    });
    socket.on('drain', () => this.flush(c));
    socket.on('error', (e) => this.log('warn', `rtl_tcp client ${id}: ${e.message}`));
    socket.on('close', () => {
      this.clients.delete(c);
      this.log('info', `rtl_tcp client ${id} disconnected`);
      this.syncDevice();
    });
    this.syncDevice();
  }

  /** Starts the device stream while clients are connected and stops it when none are, one step at a time. */
  private syncDevice(): void {
    this.deviceChain = this.deviceChain.then(async () => {
      const want = this.clients.size > 0 && !this.closed;
      if (want && !this.streaming) {
        try {
          await this.device.startStream(
            (chunk) => this.forward(chunk),
            (ev) => {
              this.lastDeviceEvent = ev;
              if (ev.type === 'disconnected') this.log('warn', `rtl_tcp device disconnected: ${ev.reason}`);
            },
          );
          this.streaming = true;
        } catch (e) {
          this.log('warn', `rtl_tcp: device stream failed to start: ${(e as Error).message}`);
        }
      } else if (!want && this.streaming) {
        this.streaming = false;
        try {
          await this.device.stopStream();
        } catch (e) {
          this.log('warn', `rtl_tcp: stopStream: ${(e as Error).message}`);
        }
      }
    });
  }

  /** Fans a device chunk out to every client (copied: chunk data is only valid during the callback). */
  private forward(chunk: IqChunk): void {
    if (this.clients.size === 0) return;
    const buf = Buffer.from(chunk.data);
    for (const c of this.clients) {
      if (c.queue.length === 0 && !c.socket.writableNeedDrain) {
        c.socket.write(buf);
        c.stats.bytesSent += buf.length;
        continue;
      }
      c.queue.push(buf);
      while (c.queue.length > this.maxQueued) {
        const old = c.queue.shift() as Buffer;
        c.stats.droppedBuffers++;
        c.stats.droppedBytes += old.length;
        this.stats.droppedBuffers++;
      }
    }
  }

  private flush(c: ClientState): void {
    while (c.queue.length > 0 && !c.socket.writableNeedDrain) {
      const b = c.queue.shift() as Buffer;
      c.socket.write(b);
      c.stats.bytesSent += b.length;
    }
  }

  private enqueueCommand(cmd: DecodedCommand, clientId: number): void {
    this.stats.commands++;
    this.commandChain = this.commandChain.then(async () => {
      try {
        await this.apply(cmd);
      } catch (e) {
        this.stats.commandErrors++;
        this.log(
          'warn',
          `rtl_tcp client ${clientId}: ${commandName(cmd.code)} ${cmd.signedParam}: ${(e as Error).message}`,
        );
      }
    });
  }

  /** Maps one command onto the device (the reference server's switch in rtl_tcp.c command_worker). */
  private async apply(cmd: DecodedCommand): Promise<void> {
    const d = this.device;
    const p = cmd.param;
    switch (cmd.code) {
      case RtlTcpCommand.SET_FREQUENCY:
        return d.setCenterFrequency(p);
      case RtlTcpCommand.SET_SAMPLE_RATE:
        return d.setSampleRate(p);
      case RtlTcpCommand.SET_GAIN_MODE:
        // librtlsdr's manual mode starts from the last manual gain (0 if none) until a gain command arrives
        return d.setGain(p === 0 ? 'auto' : this.lastManualGain);
      case RtlTcpCommand.SET_GAIN:
        this.lastManualGain = cmd.signedParam;
        return d.setGain(cmd.signedParam);
      case RtlTcpCommand.SET_FREQ_CORRECTION:
        return d.setFrequencyCorrection(cmd.signedParam);
      case RtlTcpCommand.SET_TEST_MODE:
        return d.setTestMode(p !== 0);
      case RtlTcpCommand.SET_AGC_MODE:
        return d.setAgcMode(p !== 0);
      case RtlTcpCommand.SET_DIRECT_SAMPLING:
        if (p > 2) throw new RangeError(`direct sampling mode ${p} is not 0, 1 or 2`);
        return d.setDirectSampling(p as 0 | 1 | 2);
      case RtlTcpCommand.SET_GAIN_BY_INDEX: {
        const g = d.gainsTenthsDb[p];
        if (g === undefined) throw new RangeError(`gain index ${p} outside 0..${d.gainsTenthsDb.length - 1}`);
        this.lastManualGain = g;
        return d.setGain(g);
      }
      case RtlTcpCommand.SET_BIAS_TEE:
        return d.setBiasTee(p !== 0);
      case RtlTcpCommand.SET_IF_GAIN:
      case RtlTcpCommand.SET_OFFSET_TUNING:
      case RtlTcpCommand.SET_RTL_XTAL:
      case RtlTcpCommand.SET_TUNER_XTAL:
        // E4000 IF gain, offset tuning (-2 on R82xx in librtlsdr) and xtal overrides have no device equivalent
        this.stats.unsupportedCommands++;
        this.log('info', `rtl_tcp: ${commandName(cmd.code)} ${p} ignored (not supported by this device)`);
        return;
      default:
        this.stats.unknownCommands++;
        return;
    }
  }

  /** Disconnects every client, stops forwarding and the device stream (the device stays open), unbinds. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients) c.socket.destroy();
    this.clients.clear();
    this.syncDevice();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.commandChain;
    await this.deviceChain;
  }
}
