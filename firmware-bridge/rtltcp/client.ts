/**
 * rtl_tcp client: a remote dongle (osmocom rtl_tcp, or our RtlTcpServer) as a TunableIqDevice.
 *
 *   const c = await RtlTcpClient.connect({ host: '127.0.0.1', port: 1234 });
 *   await c.setSampleRate(2_048_000); await c.setCenterFrequency(433.92e6); await c.setGain(280);
 *   await c.startStream((chunk) => ..., (ev) => ...);
 *
 * IqChunks carry a continuous sample counter from startStream. When the connection drops the client emits
 * 'disconnected', reconnects with exponential backoff, re-sends every setting, emits 'reconnected' and a
 * 'samples-lost' estimate for the outage (the counter advances by it, so timestamps stay on the wall clock).
 * A server that stops sending for stallTimeoutMs gives one 'stalled' event per episode.
 *
 * rtl_tcp has no acknowledgements: a setter resolves when its 5 bytes are written to the socket (or, while
 * disconnected, once stored for the re-send on reconnect).
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import {
  R82XX_GAINS_TENTHS_DB,
  type DongleInfo,
  type IqChunk,
  type StreamEvent,
  type TunableIqDevice,
  type TunerType,
} from '../types.ts';
import { RtlTcpError, RtlTcpHeaderError } from './errors.ts';
import { encodeCommand, HeaderReader, parseHeader, RtlTcpCommand, type RtlTcpHeader } from './protocol.ts';

export interface RtlTcpClientOptions {
  host?: string;
  port?: number;
  /** Give up a connection attempt after this long, ms (default 3000). */
  connectTimeoutMs?: number;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean;
  /** First reconnect delay, ms (default 250); doubles up to backoffMaxMs (default 10000). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Report 'stalled' when no IQ arrived for this long while streaming, ms (default 2000). */
  stallTimeoutMs?: number;
  /** Rate and centre assumed until set (rtl_tcp's defaults: 2.048 MS/s, 100 MHz). */
  sampleRateHz?: number;
  centerHz?: number;
}

export interface RtlTcpClientEvents {
  /** Stream events: disconnected, reconnected, stalled, samples-lost. */
  event: [StreamEvent];
  /** A reconnect attempt failed (connection refused, malformed header...); retries continue. */
  'reconnect-failed': [Error, number];
}

interface Connection {
  socket: Socket;
  header: RtlTcpHeader;
  rest: Uint8Array;
}

export class RtlTcpClient extends EventEmitter<RtlTcpClientEvents> implements TunableIqDevice {
  readonly host: string;
  readonly port: number;
  header: RtlTcpHeader;
  readonly info: DongleInfo;
  private readonly opts: Required<Omit<RtlTcpClientOptions, 'host' | 'port'>>;
  private socket: Socket | undefined;
  private closed = false;
  private centerHz: number;
  private rateHz: number;
  /** Last value of each setting command, re-sent after a reconnect (insertion order = send order). */
  private readonly settings = new Map<number, number>();
  private onChunk: ((c: IqChunk) => void) | undefined;
  private onEvent: ((e: StreamEvent) => void) | undefined;
  private sampleCounter = 0;
  private streamStartMs = 0;
  /** Odd byte carried to keep I/Q pairs aligned across TCP segments. */
  private carry = -1;
  private lastDataMs = 0;
  private stallReported = false;
  private stallTimer: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectedAtMs = 0;
  /** Bytes of IQ received since connect (all connections). */
  bytesReceived = 0;

  private constructor(host: string, port: number, conn: Connection, opts: RtlTcpClientOptions) {
    super();
    this.host = host;
    this.port = port;
    this.header = conn.header;
    this.opts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 3000,
      reconnect: opts.reconnect ?? true,
      backoffInitialMs: opts.backoffInitialMs ?? 250,
      backoffMaxMs: opts.backoffMaxMs ?? 10_000,
      stallTimeoutMs: opts.stallTimeoutMs ?? 2000,
      sampleRateHz: opts.sampleRateHz ?? 2_048_000,
      centerHz: opts.centerHz ?? 100_000_000,
    };
    this.centerHz = this.opts.centerHz;
    this.rateHz = this.opts.sampleRateHz;
    this.info = {
      vendorId: 0,
      productId: 0,
      manufacturer: 'rtl_tcp',
      product: `rtl_tcp ${conn.header.tunerType}`,
      serial: `${host}:${port}`,
      path: `tcp://${host}:${port}`,
      name: `rtl_tcp server at ${host}:${port}`,
      tuner: conn.header.tunerType,
    };
    this.attach(conn);
  }

  /** Connects and reads the header. Rejects with RtlTcpHeaderError (bytes named) or RtlTcpError. */
  static async connect(opts: RtlTcpClientOptions = {}): Promise<RtlTcpClient> {
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? 1234;
    const conn = await openConnection(host, port, opts.connectTimeoutMs ?? 3000);
    return new RtlTcpClient(host, port, conn, opts);
  }

  get tunerType(): TunerType {
    return this.header.tunerType;
  }

  /** Gain table of the server's tuner (R82xx: librtlsdr's 29 steps); empty for tuners we have no table for. */
  get gainsTenthsDb(): readonly number[] {
    const t = this.header.tunerType;
    return (t === 'R820T' || t === 'R828D') && this.header.gainCount === R82XX_GAINS_TENTHS_DB.length
      ? R82XX_GAINS_TENTHS_DB
      : [];
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  getCenterFrequency(): number {
    return this.centerHz;
  }

  getSampleRate(): number {
    return this.rateHz;
  }

  async setCenterFrequency(hz: number): Promise<void> {
    await this.command(RtlTcpCommand.SET_FREQUENCY, Math.round(hz));
    this.centerHz = Math.round(hz);
  }

  async setSampleRate(hz: number): Promise<void> {
    await this.command(RtlTcpCommand.SET_SAMPLE_RATE, Math.round(hz));
    this.rateHz = Math.round(hz);
  }

  /** 'auto' = tuner AGC (mode 0); a number = manual mode then that gain, tenths of dB. */
  async setGain(gain: number | 'auto'): Promise<void> {
    if (gain === 'auto') {
      this.settings.delete(RtlTcpCommand.SET_GAIN);
      await this.command(RtlTcpCommand.SET_GAIN_MODE, 0);
      return;
    }
    await this.command(RtlTcpCommand.SET_GAIN_MODE, 1);
    await this.command(RtlTcpCommand.SET_GAIN, Math.round(gain));
  }

  /** Manual gain by index into the server's gain table. */
  async setGainByIndex(index: number): Promise<void> {
    await this.command(RtlTcpCommand.SET_GAIN_MODE, 1);
    await this.command(RtlTcpCommand.SET_GAIN_BY_INDEX, index);
  }

  /** ppm, signed (sent in two's complement). */
  setFrequencyCorrection(ppm: number): Promise<void> {
    return this.command(RtlTcpCommand.SET_FREQ_CORRECTION, Math.round(ppm));
  }

  setAgcMode(on: boolean): Promise<void> {
    return this.command(RtlTcpCommand.SET_AGC_MODE, on ? 1 : 0);
  }

  setTestMode(on: boolean): Promise<void> {
    return this.command(RtlTcpCommand.SET_TEST_MODE, on ? 1 : 0);
  }

  setDirectSampling(mode: 0 | 1 | 2): Promise<void> {
    return this.command(RtlTcpCommand.SET_DIRECT_SAMPLING, mode);
  }

  setBiasTee(on: boolean): Promise<void> {
    return this.command(RtlTcpCommand.SET_BIAS_TEE, on ? 1 : 0);
  }

  setOffsetTuning(on: boolean): Promise<void> {
    return this.command(RtlTcpCommand.SET_OFFSET_TUNING, on ? 1 : 0);
  }

  /** E4000 IF gain: stage and gain (tenths of dB, int16) packed as (stage << 16) | gain. */
  setIfGain(stage: number, gainTenthsDb: number): Promise<void> {
    return this.command(RtlTcpCommand.SET_IF_GAIN, ((stage & 0xffff) << 16) | (gainTenthsDb & 0xffff));
  }

  setRtlXtal(hz: number): Promise<void> {
    return this.command(RtlTcpCommand.SET_RTL_XTAL, Math.round(hz));
  }

  setTunerXtal(hz: number): Promise<void> {
    return this.command(RtlTcpCommand.SET_TUNER_XTAL, Math.round(hz));
  }

  /** Sends any command (codes outside 0x01–0x0e are ignored by standard servers). */
  async command(code: number, param: number): Promise<void> {
    if (this.closed) throw new RtlTcpError('BW_ERR_RTLTCP_CLOSED', 'rtl_tcp client is closed');
    const bytes = encodeCommand(code, param);
    this.settings.set(code, param);
    const s = this.socket;
    if (!s) return;
    await new Promise<void>((resolve) => s.write(bytes, () => resolve()));
  }

  async startStream(onChunk: (chunk: IqChunk) => void, onEvent?: (ev: StreamEvent) => void): Promise<void> {
    if (this.closed) throw new RtlTcpError('BW_ERR_RTLTCP_CLOSED', 'rtl_tcp client is closed');
    this.onChunk = onChunk;
    this.onEvent = onEvent;
    this.sampleCounter = 0;
    this.streamStartMs = Date.now();
    this.lastDataMs = Date.now();
    this.stallReported = false;
    this.stallTimer ??= setInterval(() => this.checkStall(), Math.max(20, this.opts.stallTimeoutMs / 4));
  }

  async stopStream(): Promise<void> {
    this.onChunk = undefined;
    this.onEvent = undefined;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopStream();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private emitEvent(ev: StreamEvent): void {
    this.emit('event', ev);
    this.onEvent?.(ev);
  }

  private attach(conn: Connection): void {
    this.socket = conn.socket;
    this.lastDataMs = Date.now();
    this.carry = -1;
    conn.socket.on('data', (d: Buffer) => this.onData(d));
    conn.socket.on('error', () => {
      /* 'close' follows and handles it */
    });
    conn.socket.on('close', () => {
      if (this.socket !== conn.socket) return;
      this.socket = undefined;
      if (this.closed) return;
      this.disconnectedAtMs = Date.now();
      this.emitEvent({ type: 'disconnected', reason: `connection to ${this.host}:${this.port} closed` });
      if (this.opts.reconnect) this.scheduleReconnect(0);
    });
    if (conn.rest.length) this.onData(conn.rest);
  }

  private scheduleReconnect(attempt: number): void {
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffInitialMs * 2 ** attempt);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      openConnection(this.host, this.port, this.opts.connectTimeoutMs).then(
        (conn) => {
          if (this.closed) {
            conn.socket.destroy();
            return;
          }
          this.header = conn.header;
          this.attach(conn);
          // re-apply every setting, in the order they were first made
          for (const [code, param] of this.settings) conn.socket.write(encodeCommand(code, param));
          this.emitEvent({ type: 'reconnected' });
          if (this.onChunk) {
            const lost = Math.round(((Date.now() - this.disconnectedAtMs) * this.rateHz) / 1000);
            if (lost > 0) {
              this.emitEvent({
                type: 'samples-lost',
                lostSamples: lost,
                atSampleIndex: this.sampleCounter,
                reason: 'gap',
              });
              this.sampleCounter += lost;
            }
          }
        },
        (e: unknown) => {
          this.emit('reconnect-failed', e as Error, attempt + 1);
          this.scheduleReconnect(attempt + 1);
        },
      );
    }, delay);
  }

  private onData(d: Uint8Array): void {
    if (d.length === 0) return;
    this.bytesReceived += d.length;
    this.lastDataMs = Date.now();
    this.stallReported = false;
    let data = d;
    if (this.carry >= 0) {
      const joined = new Uint8Array(d.length + 1);
      joined[0] = this.carry;
      joined.set(d, 1);
      data = joined;
      this.carry = -1;
    }
    if (data.length & 1) {
      this.carry = data[data.length - 1] as number;
      data = data.subarray(0, data.length - 1);
    }
    const cb = this.onChunk;
    if (!cb || data.length === 0) return;
    const n = data.length / 2;
    const chunk: IqChunk = {
      data,
      sampleIndex: this.sampleCounter,
      timeMs: this.streamStartMs + (this.sampleCounter * 1000) / this.rateHz,
      centerHz: this.centerHz,
      sampleRateHz: this.rateHz,
    };
    this.sampleCounter += n;
    cb(chunk);
  }

  private checkStall(): void {
    if (!this.onChunk || this.stallReported || !this.socket) return;
    if (Date.now() - this.lastDataMs >= this.opts.stallTimeoutMs) {
      this.stallReported = true;
      this.emitEvent({ type: 'stalled', sinceMs: this.lastDataMs });
    }
  }
}

/** Opens a TCP connection and reads the 12-byte header. */
function openConnection(host: string, port: number, timeoutMs: number): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setNoDelay(true);
    const reader = new HeaderReader();
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    const timer = setTimeout(() => {
      const got = reader.received();
      fail(
        got.length
          ? new RtlTcpHeaderError(
              got,
              `only ${got.length} of 12 header bytes within ${timeoutMs} ms`,
              `${host}:${port}`,
            )
          : new RtlTcpError('BW_ERR_RTLTCP_CONNECT', `no rtl_tcp header from ${host}:${port} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const onData = (d: Buffer) => {
      const r = reader.push(d);
      if (!r) return;
      socket.off('data', onData);
      try {
        const header = parseHeader(r.header, `rtl_tcp header from ${host}:${port}`);
        done = true;
        clearTimeout(timer);
        socket.off('close', onClose);
        socket.off('error', onError);
        resolve({ socket, header, rest: Uint8Array.from(r.rest) });
      } catch (e) {
        fail(e as Error);
      }
    };
    const onError = (e: Error) =>
      fail(
        new RtlTcpError('BW_ERR_RTLTCP_CONNECT', `cannot connect to ${host}:${port}: ${e.message}`, undefined, {
          cause: e,
        }),
      );
    const onClose = () => {
      const got = reader.received();
      fail(
        got.length
          ? new RtlTcpHeaderError(got, `connection closed after ${got.length} of 12 header bytes`, `${host}:${port}`)
          : new RtlTcpError('BW_ERR_RTLTCP_CONNECT', `${host}:${port} closed the connection before the header`),
      );
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}
