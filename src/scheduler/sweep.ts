/**
 * Sweeping: hop one dongle across ranges wider than a capture. Each hop keeps only the flat middle of its
 * capture; after a retune the pipeline discards samples until the tuner has settled; each hop dwells for a few
 * spectra; the hops' spectrum lines are stitched into one full-span line; revisit time per range is measured.
 */
import type { Source, SpectrumLine } from '../types.ts';

export interface Hop {
  centerHz: number;
  /** Usable part of the capture, Hz. */
  startHz: number;
  stopHz: number;
  /** Index of the range the hop belongs to. */
  range: number;
}

/** Hop centres so the usable middles tile every range. */
export function planHops(
  ranges: readonly { startHz: number; stopHz: number }[],
  sampleRateHz: number,
  usableFraction = 0.84,
): Hop[] {
  const step = sampleRateHz * usableFraction;
  const hops: Hop[] = [];
  ranges.forEach((r, i) => {
    const n = Math.max(1, Math.ceil((r.stopHz - r.startHz) / step));
    // Centre the tiling on the range so both ends get the same margin.
    const first = (r.startHz + r.stopHz) / 2 - ((n - 1) * step) / 2;
    for (let k = 0; k < n; k++) {
      const c = first + k * step;
      hops.push({ centerHz: Math.round(c), startHz: c - step / 2, stopHz: c + step / 2, range: i });
    }
  });
  return hops;
}

export interface SweepOptions {
  /** Time on each hop, ms (after settling). Default 250. */
  dwellMs?: number;
  /** Settling after a retune, ms: the pipeline drops these samples. Default 30. */
  settleMs?: number;
  usableFraction?: number;
}

/** Stitches hop lines into one line over all ranges (bins outside every hop stay at -Infinity... then NaN-free floor). */
export class Stitcher {
  readonly startHz: number;
  readonly stopHz: number;
  readonly binHz: number;
  readonly psd: Float32Array;
  constructor(hops: readonly Hop[], bins = 2048) {
    this.startHz = Math.min(...hops.map((h) => h.startHz));
    this.stopHz = Math.max(...hops.map((h) => h.stopHz));
    this.binHz = (this.stopHz - this.startHz) / bins;
    this.psd = new Float32Array(bins).fill(-150);
  }

  /** Copy the part of `line` inside [hop.startHz, hop.stopHz) into the stitched line (max-hold per output bin). */
  add(line: SpectrumLine, hop: Hop): void {
    const out = this.psd;
    const a = Math.max(0, Math.floor((hop.startHz - this.startHz) / this.binHz));
    const b = Math.min(out.length, Math.ceil((hop.stopHz - this.startHz) / this.binHz));
    for (let k = a; k < b; k++) {
      const f0 = this.startHz + k * this.binHz;
      const i0 = Math.max(0, Math.floor((f0 - line.startHz) / line.binHz));
      const i1 = Math.min(
        line.psdDbfs.length,
        Math.max(i0 + 1, Math.ceil((f0 + this.binHz - line.startHz) / line.binHz)),
      );
      let m = -Infinity;
      for (let i = i0; i < i1; i++) m = Math.max(m, line.psdDbfs[i]!);
      if (m > -Infinity) out[k] = m;
    }
  }

  line(sensorId: string, timeMs: number): SpectrumLine {
    return { sensorId, timeMs, startHz: this.startHz + this.binHz / 2, binHz: this.binHz, psdDbfs: this.psd.slice() };
  }
}

/**
 * Drives a source through the hops. `onHop` is told when a new hop starts (the engine forwards lines of the
 * current hop to the stitcher). Revisit time per range is the interval between successive visits of its first hop.
 */
export class SweepController {
  readonly hops: Hop[];
  private index = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private lastVisitMs = new Map<number, number>();
  /** Latest revisit time per range index, ms. */
  readonly revisitMs = new Map<number, number>();
  readonly stitcher: Stitcher;

  constructor(
    private readonly source: Source,
    ranges: readonly { startHz: number; stopHz: number }[],
    private readonly o: SweepOptions = {},
    private readonly onHop: (hop: Hop) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.hops = planHops(ranges, source.getSampleRateHz(), o.usableFraction);
    this.stitcher = new Stitcher(this.hops);
  }

  current(): Hop {
    return this.hops[this.index]!;
  }

  settleMs(): number {
    return this.o.settleMs ?? 30;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.visit();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async visit(): Promise<void> {
    if (!this.running) return;
    const hop = this.current();
    const t = this.now();
    const firstOfRange = this.hops.findIndex((h) => h.range === hop.range) === this.index;
    if (firstOfRange) {
      const prev = this.lastVisitMs.get(hop.range);
      if (prev !== undefined) this.revisitMs.set(hop.range, t - prev);
      this.lastVisitMs.set(hop.range, t);
    }
    if (this.hops.length > 1 || this.source.getCenterHz() !== hop.centerHz) await this.source.tune(hop.centerHz);
    this.onHop(hop);
    if (this.hops.length === 1) return;
    this.timer = setTimeout(
      () => {
        this.index = (this.index + 1) % this.hops.length;
        this.visit().catch(() => this.stop());
      },
      this.settleMs() + (this.o.dwellMs ?? 250),
    );
    this.timer.unref?.();
  }
}
