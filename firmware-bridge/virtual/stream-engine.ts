/**
 * The virtual dongle's bulk-IN side: a sample clock at the programmed rate, a FIFO of limited size, and the queue
 * of pending bulk transfers. In paced mode a transfer resolves when its last sample "exists" on the clock; when
 * no transfer is pending the FIFO fills, and what does not fit is dropped (counted) as on real hardware. In fast
 * mode transfers resolve as soon as asked (no clock, no drops).
 *
 * Rendering: test mode gives the RTL2832U's 8-bit byte counter (it keeps counting over dropped samples, so loss
 * shows as a jump); otherwise the signal source is rendered at the derived centre, rate and gain. With
 * `loopCache`, a time-invariant stretch of the source (same `stateAt` key) is rendered once into a loop buffer and
 * copied out; the render is split exactly at the source's next state change, so schedules switch on time.
 */
import type { VirtualClock } from './clock.ts';
import type { VirtualRadioState } from './rtl2832u-model.ts';
import { ToneTestSource, type IqSignalSource } from './signal-source.ts';

export interface StreamEngineOptions {
  clock: VirtualClock;
  /** true = real-time pacing (default); false = as fast as the consumer reads. */
  paced: boolean;
  /** Device FIFO, bytes: how much accumulates while no transfer is pending before samples are dropped. */
  fifoBytes: number;
  /** Loop length for the render cache, complex samples (0 = no cache). */
  loopSamples: number;
}

export interface StreamStats {
  /** Complex samples delivered in completed transfers. */
  deliveredSamples: number;
  /** Complex samples dropped because the FIFO overflowed while no transfer was pending. */
  droppedSamples: number;
  /** Number of overflow episodes. */
  overflows: number;
  transfers: number;
  /** Loop-buffer renders (cache misses). */
  loopRenders: number;
}

interface Pending {
  samples: number;
  resolve: (data: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** Noise-only output while the PLL is unlocked (a real tuner gives junk there). */
const UNLOCKED_SOURCE = new ToneTestSource([], { noiseDbmPerHz: -150, seed: 7 });

export class StreamEngine {
  readonly stats: StreamStats = { deliveredSamples: 0, droppedSamples: 0, overflows: 0, transfers: 0, loopRenders: 0 };
  private readonly opts: StreamEngineOptions;
  private readonly getState: () => VirtualRadioState;
  source: IqSignalSource;
  private state: VirtualRadioState;
  private running = false;
  private rateHz = 0;
  /** Production line: samples produced = baseSamples + (now - baseMs) * rate. */
  private baseMs = 0;
  private baseSamples = 0;
  /** Stream position: samples delivered or dropped since power-on. */
  private position = 0;
  /** Source time (s) of stream position `baseSamples`. */
  private baseTimeS = 0;
  private readonly queue: Pending[] = [];
  private timer: unknown = undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private loop: LoopBuffer | undefined;

  constructor(getState: () => VirtualRadioState, source: IqSignalSource, opts: StreamEngineOptions) {
    this.getState = getState;
    this.source = source;
    this.opts = opts;
    this.state = getState();
  }

  /** Stream position (samples since power-on, drops included). */
  get positionSamples(): number {
    return this.position;
  }

  /** Transfers waiting for samples. */
  get pendingTransfers(): number {
    return this.queue.length;
  }

  /** Re-reads the register state; rebases the sample clock when the rate or the FIFO run state changes. */
  reconfigure(): void {
    const st = this.getState();
    this.state = st;
    const run = st.fifoRunning && st.demodPowered && st.sampleRateHz > 0;
    const now = this.opts.clock.now();
    if (run && (!this.running || st.sampleRateHz !== this.rateHz)) {
      if (this.running) {
        const produced = this.produced(now);
        this.baseTimeS = this.timeOf(produced);
        this.baseSamples = produced;
      } else {
        // FIFO released: it starts empty now
        this.baseTimeS = now / 1000;
        this.baseSamples = this.position;
      }
      this.baseMs = now;
      this.rateHz = st.sampleRateHz;
    } else if (!run && this.running) {
      // FIFO held in reset: its content is flushed (not a loss: the driver asked for it)
      this.position = Math.max(this.position, this.produced(now));
    }
    this.running = run;
    // a wake-up computed for the old rate or state may be far off: recompute it
    if (this.timer !== undefined) {
      this.opts.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.kick();
  }

  /** Queues a bulk IN transfer of `length` bytes (rounded down to whole IQ pairs). */
  transferIn(length: number): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const samples = Math.floor(length / 2);
      if (this.queue.length === 0 && this.opts.paced && this.running) this.checkOverflow();
      this.queue.push({ samples, resolve, reject });
      this.kick();
    });
  }

  /** Rejects every pending transfer (unplug, close) and stops the timers. */
  abortAll(makeError: () => Error): void {
    this.cancelTimers();
    const q = this.queue.splice(0);
    for (const p of q) p.reject(makeError());
  }

  /** Power-on: stream position and clock back to zero. */
  reset(): void {
    this.cancelTimers();
    this.running = false;
    this.rateHz = 0;
    this.position = 0;
    this.baseSamples = 0;
    this.loop = undefined;
  }

  private cancelTimers(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private produced(nowMs: number): number {
    if (!this.running) return this.position;
    return this.baseSamples + Math.floor(((nowMs - this.baseMs) * this.rateHz) / 1000);
  }

  /** Source time (s) of a stream position on the current production line. */
  private timeOf(position: number): number {
    return this.baseTimeS + (position - this.baseSamples) / (this.rateHz || 1);
  }

  private checkOverflow(): void {
    const avail = this.produced(this.opts.clock.now()) - this.position;
    const cap = Math.floor(this.opts.fifoBytes / 2);
    if (avail > cap) {
      const lost = avail - cap;
      this.position += lost;
      this.stats.droppedSamples += lost;
      this.stats.overflows++;
    }
  }

  private kick(): void {
    if (!this.running || this.queue.length === 0) return;
    if (!this.opts.paced) {
      if (this.immediate === undefined) {
        this.immediate = setImmediate(() => {
          this.immediate = undefined;
          const head = this.queue.shift();
          if (head) this.complete(head);
          this.kick();
        });
      }
      return;
    }
    if (this.timer !== undefined) return;
    const now = this.opts.clock.now();
    for (;;) {
      const head = this.queue[0];
      if (!head) return;
      const avail = this.produced(now) - this.position;
      if (avail < head.samples) {
        const waitMs = Math.ceil(((head.samples - avail) * 1000) / this.rateHz);
        this.timer = this.opts.clock.setTimer(() => {
          this.timer = undefined;
          this.kick();
        }, waitMs);
        return;
      }
      this.queue.shift();
      this.complete(head);
    }
  }

  private complete(p: Pending): void {
    const out = new Uint8Array(p.samples * 2);
    this.render(this.position, p.samples, out);
    this.position += p.samples;
    this.stats.deliveredSamples += p.samples;
    this.stats.transfers++;
    p.resolve(out);
  }

  /** Renders `count` samples at stream position `pos` into out. */
  private render(pos: number, count: number, out: Uint8Array): void {
    const st = this.state;
    if (st.testMode) {
      let b = (pos * 2) & 0xff;
      for (let i = 0; i < out.length; i++) {
        out[i] = b;
        b = (b + 1) & 0xff;
      }
      return;
    }
    const fs = st.sampleRateHz;
    const source = st.pllLocked || st.directSampling ? this.source : UNLOCKED_SOURCE;
    let firstSample = Math.max(0, Math.round(this.timeOf(pos) * fs));
    let done = 0;
    while (done < count) {
      const stAt = source.stateAt ? source.stateAt(firstSample, fs, st.centerHz) : undefined;
      let n = count - done;
      let untilChange = Infinity;
      if (stAt && stAt.nextChangeSample > firstSample) {
        untilChange = stAt.nextChangeSample - firstSample;
        n = Math.min(n, untilChange);
      }
      const view = out.subarray(2 * done, 2 * (done + n));
      if (stAt && this.opts.loopSamples > 0) this.renderLooped(source, stAt.key, firstSample, n, untilChange, view);
      else {
        source.renderCu8(this.request(firstSample, n), view);
        if (st.spectrumInverted) swapIq(view);
      }
      done += n;
      firstSample += n;
    }
  }

  private request(startSample: number, count: number) {
    const st = this.state;
    return { centerHz: st.centerHz, sampleRateHz: st.sampleRateHz, startSample, count, gainDb: st.totalGainDb };
  }

  /**
   * Copies from a loop rendered once per (tuning, gain, source state). The loop is at most `loopSamples` long and
   * never longer than the time to the source's next state change, so near a change it is rendered once and not
   * repeated; renders are split at the change, so emitters switch at the exact sample. The loop fills as the
   * stream first passes through it (each sample rendered once, no burst of rendering), then repeats.
   */
  private renderLooped(
    source: IqSignalSource,
    stateKey: string,
    start: number,
    n: number,
    untilChange: number,
    out: Uint8Array,
  ): void {
    const st = this.state;
    const key = `${source === UNLOCKED_SOURCE ? 'u' : 's'}|${st.centerHz}|${st.sampleRateHz}|${st.totalGainDb}|${st.spectrumInverted}|${stateKey}`;
    let loop = this.loop;
    // a loop serves only its own state window, and while filling only the sample right after what it holds
    const stale =
      !loop ||
      loop.key !== key ||
      start < loop.startSample ||
      start >= loop.windowEnd ||
      (loop.filled < loop.len && start - loop.startSample > loop.filled);
    if (stale) {
      const len = Math.min(this.opts.loopSamples, untilChange);
      const buf = loop && loop.buf.length >= 2 * len ? loop.buf : new Uint8Array(2 * this.opts.loopSamples);
      loop = { key, buf, startSample: start, len, filled: 0, windowEnd: start + untilChange };
      this.loop = loop;
      this.stats.loopRenders++;
    }
    const lp = loop as LoopBuffer;
    let written = 0;
    while (written < n) {
      const pos = start - lp.startSample + written;
      if (pos >= lp.filled && lp.filled < lp.len) {
        // first pass: render the next stretch into the loop (pos === filled here, see `stale`)
        const take = Math.min(n - written, lp.len - lp.filled);
        const dst = lp.buf.subarray(2 * lp.filled, 2 * (lp.filled + take));
        source.renderCu8(this.request(lp.startSample + lp.filled, take), dst);
        if (st.spectrumInverted) swapIq(dst);
        out.set(dst, 2 * written);
        lp.filled += take;
        written += take;
        continue;
      }
      const idx = pos % lp.len;
      const take = Math.min(n - written, lp.len - idx, lp.filled - idx);
      out.set(lp.buf.subarray(2 * idx, 2 * (idx + take)), 2 * written);
      written += take;
    }
  }
}

interface LoopBuffer {
  key: string;
  buf: Uint8Array;
  /** Stream sample (source grid) at loop offset 0. */
  startSample: number;
  /** Loop length, samples. */
  len: number;
  /** Samples rendered so far (the loop repeats once filled === len). */
  filled: number;
  /** First sample of the next source state: the loop must not be used from there on. */
  windowEnd: number;
}

/** Mirrors the spectrum (I and Q swapped), as an R82xx IF without the demod's re-inversion gives. */
function swapIq(b: Uint8Array): void {
  for (let i = 0; i + 1 < b.length; i += 2) {
    const t = b[i] as number;
    b[i] = b[i + 1] as number;
    b[i + 1] = t;
  }
}
