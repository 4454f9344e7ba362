/**
 * Bulk IQ streaming from endpoint 0x81 with many transfers in flight (librtlsdr keeps 15 × 256 KiB queued;
 * WebUSB needs the same or the dongle's small FIFO overflows between transfers). Delivers chunks in
 * submission order with a continuous sample counter and wall-clock timestamps, and reports loss as
 * StreamEvents: short or failed transfers (gap), no data for too long (stalled, then the stall's span as
 * lost samples), a vanished device (disconnected). No transfer promise is ever left unobserved.
 */
import type { IqChunk, StreamEvent } from './types.ts';
import { DriverError, isDeviceGoneError } from './errors.ts';
import type { UsbTransport } from './usb/transport.ts';

/** Bulk endpoint number of the IQ stream (0x81). */
export const IQ_ENDPOINT = 1;
/** librtlsdr's defaults: 15 buffers of 16·32·512 bytes. */
export const DEFAULT_TRANSFERS = 15;
export const DEFAULT_TRANSFER_BYTES = 16 * 32 * 512;
/** Fewer than this many queued transfers loses samples on busy hosts. */
export const MIN_TRANSFERS = 8;
/** Transfer sizes are multiples of this (librtlsdr requires multiples of 512; 16 KiB keeps them even). */
const TRANSFER_GRANULE = 16384;

/**
 * Transfer size (bytes) holding about `targetMs` of samples at a rate: 256 KiB at 2.048 MS/s, 32 KiB at
 * 250 kS/s, 400 KiB at 3.2 MS/s.
 */
export function transferBytesFor(sampleRateHz: number, targetMs = 64): number {
  const bytes = (sampleRateHz * 2 * targetMs) / 1000;
  const granules = Math.max(1, Math.round(bytes / TRANSFER_GRANULE));
  return Math.min(granules * TRANSFER_GRANULE, 64 * TRANSFER_GRANULE);
}

export interface StreamOptions {
  /** Transfers kept in flight (≥ 8; default 15). */
  transfers?: number;
  /** Bytes per transfer (multiple of 512); default sized to ~64 ms of samples. */
  transferBytes?: number;
  /** Report `stalled` after this long without data, ms (default 1000). */
  stallTimeoutMs?: number;
  /** Give up waiting for in-flight transfers on stop after this long, ms (default 3000); close() aborts them. */
  stopTimeoutMs?: number;
  /**
   * Timeout per bulk transfer, ms, for transports that take one (node-usb defaults to 1000 ms, less than a
   * queued transfer waits at low rates). Default: 4 × the time to fill all queued transfers, at least 5 s.
   */
  bulkTimeoutMs?: number;
  /** Consecutive failed transfers that end the stream as lost (default: the number of transfers, as librtlsdr). */
  maxConsecutiveErrors?: number;
  /** Wall clock, ms since epoch (injectable for tests). */
  now?: () => number;
}

export interface StreamCounters {
  /** Completed transfers with data. */
  transfers: number;
  bytes: number;
  /** Complex samples delivered. */
  samplesDelivered: number;
  shortTransfers: number;
  failedTransfers: number;
  /** Complex samples counted as lost (gaps and stalls). */
  lostSamples: number;
  stalls: number;
  /** Next sample index (delivered + lost). */
  sampleIndex: number;
  /** Most transfers that were in flight at once. */
  maxInFlight: number;
  /** Times the onChunk callback threw (the stream carries on). */
  consumerErrors: number;
}

export type StreamState = 'idle' | 'running' | 'stopping' | 'stopped' | 'failed';

type Outcome = { ok: true; data: Uint8Array; requested: number } | { ok: false; error: unknown; requested: number };

/** Where the stream reads its current tuning (the device may retune or change rate while streaming). */
export interface StreamTuning {
  centerHz(): number;
  sampleRateHz(): number;
}

export class IqStream {
  private stateValue: StreamState = 'idle';
  private readonly inflight: Promise<Outcome>[] = [];
  private readonly counters: StreamCounters = {
    transfers: 0,
    bytes: 0,
    samplesDelivered: 0,
    shortTransfers: 0,
    failedTransfers: 0,
    lostSamples: 0,
    stalls: 0,
    sampleIndex: 0,
    maxInFlight: 0,
    consumerErrors: 0,
  };
  private readonly transfers: number;
  private readonly transferBytes: number;
  private readonly stallTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly maxErrors: number;
  private readonly bulkTimeoutMs: number;
  private readonly now: () => number;
  private onChunk: (c: IqChunk) => void = () => undefined;
  private onEvent: (e: StreamEvent) => void = () => undefined;
  private pump: Promise<void> = Promise.resolve();
  private stallTimer: ReturnType<typeof setInterval> | undefined;
  private lastDataMs = 0;
  private stalled = false;
  private consecutiveErrors = 0;
  /** Transfers submitted and not yet settled. */
  private outstanding = 0;
  private deliver = true;
  // Timestamp base: sample `baseIndex` was taken at `baseTimeMs` at rate `baseRateHz`.
  private baseIndex = 0;
  private baseTimeMs = Number.NaN;
  private baseRateHz = 0;

  constructor(
    private readonly transport: UsbTransport,
    private readonly tuning: StreamTuning,
    opts: StreamOptions = {},
  ) {
    this.transfers = opts.transfers ?? DEFAULT_TRANSFERS;
    if (!Number.isInteger(this.transfers) || this.transfers < MIN_TRANSFERS) {
      throw new DriverError(
        'BW_ERR_INVALID_ARGUMENT',
        `stream needs at least ${MIN_TRANSFERS} transfers in flight, got ${this.transfers}`,
      );
    }
    this.transferBytes = opts.transferBytes ?? transferBytesFor(tuning.sampleRateHz() || 2_048_000);
    if (!Number.isInteger(this.transferBytes) || this.transferBytes <= 0 || this.transferBytes % 512 !== 0) {
      throw new DriverError(
        'BW_ERR_INVALID_ARGUMENT',
        `transfer size ${this.transferBytes} B is not a positive multiple of 512`,
      );
    }
    this.stallTimeoutMs = opts.stallTimeoutMs ?? 1000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 3000;
    this.maxErrors = opts.maxConsecutiveErrors ?? this.transfers;
    const rate = tuning.sampleRateHz() || 225_001;
    const queueMs = ((this.transfers * this.transferBytes) / 2 / rate) * 1000;
    this.bulkTimeoutMs = opts.bulkTimeoutMs ?? Math.max(5000, Math.ceil(4 * queueMs));
    this.now = opts.now ?? Date.now;
  }

  get state(): StreamState {
    return this.stateValue;
  }

  /** Bytes per transfer in use. */
  get bytesPerTransfer(): number {
    return this.transferBytes;
  }

  /** A snapshot of the counters. */
  getCounters(): StreamCounters {
    return { ...this.counters };
  }

  /** Index of the next sample (for events raised by the device, e.g. retuned). */
  get sampleIndex(): number {
    return this.counters.sampleIndex;
  }

  /** Queue the transfers and start delivering. */
  start(onChunk: (chunk: IqChunk) => void, onEvent?: (ev: StreamEvent) => void): void {
    if (this.stateValue !== 'idle')
      throw new DriverError('BW_ERR_STREAM_STATE', `stream cannot start from state '${this.stateValue}'`);
    this.onChunk = onChunk;
    this.onEvent = onEvent ?? (() => undefined);
    this.stateValue = 'running';
    this.lastDataMs = this.now();
    for (let i = 0; i < this.transfers; i++) this.submit();
    this.pump = this.run().catch((e: unknown) => this.fail(`stream loop failed: ${String(e)}`));
    const tick = Math.max(5, Math.floor(this.stallTimeoutMs / 4));
    this.stallTimer = setInterval(() => this.checkStall(), tick);
  }

  /** Forward an event raised outside the stream (retuned, reconnected) to the listener. */
  notify(ev: StreamEvent): void {
    if (this.deliver) this.emit(ev);
  }

  /**
   * Stop: queue no more transfers and wait for those in flight (their data is still delivered). If the
   * device never completes them, give up after `stopTimeoutMs`; closing the device aborts them.
   */
  async stop(): Promise<void> {
    if (this.stateValue === 'running') this.stateValue = 'stopping';
    this.clearTimer();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((res) => {
      timer = setTimeout(res, this.stopTimeoutMs);
    });
    await Promise.race([this.pump, timeout]);
    if (timer) clearTimeout(timer);
    this.deliver = false;
    if (this.stateValue === 'stopping') this.stateValue = 'stopped';
  }

  /** In-flight transfers right now. */
  get inFlight(): number {
    return this.outstanding;
  }

  private submit(): void {
    const requested = this.transferBytes;
    // Settle every transfer into an Outcome at once, so no rejection can go unhandled.
    this.outstanding++;
    const p = this.transport.bulkIn(IQ_ENDPOINT, requested, this.bulkTimeoutMs).then(
      (data): Outcome => {
        this.outstanding--;
        return { ok: true, data, requested };
      },
      (error: unknown): Outcome => {
        this.outstanding--;
        return { ok: false, error, requested };
      },
    );
    this.inflight.push(p);
    if (this.outstanding > this.counters.maxInFlight) this.counters.maxInFlight = this.outstanding;
  }

  private async run(): Promise<void> {
    while (this.inflight.length > 0) {
      const next = this.inflight.shift() as Promise<Outcome>;
      const outcome = await next;
      if (!this.deliver) continue;
      this.handle(outcome);
      if (this.stateValue === 'running') this.submit();
    }
    this.clearTimer();
  }

  private handle(o: Outcome): void {
    if (o.ok) {
      if (o.data.length === 0) return; // nothing arrived (zero-length packet); the stall watchdog covers it
      this.consecutiveErrors = 0;
      this.gotData(o.data);
      if (o.data.length < o.requested) {
        this.counters.shortTransfers++;
        this.lose(Math.floor((o.requested - o.data.length) / 2), 'gap');
      }
      return;
    }
    if (isDeviceGoneError(o.error)) {
      this.fail(`device gone: ${errorText(o.error)}`);
      return;
    }
    if (isTimeout(o.error)) return; // a bulk timeout means no data yet, not lost data
    this.counters.failedTransfers++;
    this.consecutiveErrors++;
    this.lose(Math.floor(o.requested / 2), 'gap');
    if (this.consecutiveErrors >= this.maxErrors) {
      this.fail(`${this.consecutiveErrors} consecutive transfer errors, last: ${errorText(o.error)}`);
    }
  }

  private gotData(data: Uint8Array): void {
    const now = this.now();
    const rate = this.tuning.sampleRateHz();
    const samples = data.length >> 1;
    if (this.stalled) {
      // The stall's span, less what this transfer carries, is lost from the timeline.
      this.stalled = false;
      const spanSamples = Math.round(((now - this.lastDataMs) * rate) / 1000) - samples;
      if (spanSamples > 0) this.lose(spanSamples, 'stall');
    }
    this.lastDataMs = now;
    if (Number.isNaN(this.baseTimeMs)) {
      this.baseIndex = this.counters.sampleIndex;
      this.baseTimeMs = now - (samples * 1000) / rate;
      this.baseRateHz = rate;
    } else if (rate !== this.baseRateHz) {
      this.baseTimeMs = this.timeOf(this.counters.sampleIndex);
      this.baseIndex = this.counters.sampleIndex;
      this.baseRateHz = rate;
    }
    const chunk: IqChunk = {
      data,
      sampleIndex: this.counters.sampleIndex,
      timeMs: this.timeOf(this.counters.sampleIndex),
      centerHz: this.tuning.centerHz(),
      sampleRateHz: rate,
    };
    this.counters.transfers++;
    this.counters.bytes += data.length;
    this.counters.samplesDelivered += samples;
    this.counters.sampleIndex += samples;
    try {
      this.onChunk(chunk);
    } catch {
      // A consumer bug must not kill the USB loop: count it and keep the samples flowing.
      this.counters.consumerErrors++;
    }
  }

  private timeOf(index: number): number {
    return this.baseTimeMs + ((index - this.baseIndex) * 1000) / this.baseRateHz;
  }

  private lose(samples: number, reason: 'gap' | 'stall'): void {
    if (samples <= 0) return;
    const at = this.counters.sampleIndex;
    this.counters.lostSamples += samples;
    this.counters.sampleIndex += samples;
    this.emit({ type: 'samples-lost', lostSamples: samples, atSampleIndex: at, reason });
  }

  private checkStall(): void {
    if (this.stateValue !== 'running' || this.stalled) return;
    if (this.now() - this.lastDataMs > this.stallTimeoutMs) {
      this.stalled = true;
      this.counters.stalls++;
      this.emit({ type: 'stalled', sinceMs: this.lastDataMs });
    }
  }

  private fail(reason: string): void {
    if (this.stateValue === 'failed') return;
    const wasActive = this.stateValue === 'running' || this.stateValue === 'stopping';
    this.stateValue = 'failed';
    this.clearTimer();
    if (wasActive) this.emit({ type: 'disconnected', reason });
  }

  private emit(ev: StreamEvent): void {
    try {
      this.onEvent(ev);
    } catch {
      // Listener errors are the listener's problem; the stream keeps its own state consistent.
    }
  }

  private clearTimer(): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = undefined;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isTimeout(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /LIBUSB_ERROR_TIMEOUT|timed? ?out/i.test(msg);
}
