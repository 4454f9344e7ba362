/**
 * Trace statistics per pixel: exponential average (in dB, time constant in traces), max-hold and min-hold.
 * Reset when the window or width changes (a hold across two zoom windows would mix frequencies).
 */
export class TraceHolds {
  avg = new Float32Array(0);
  max = new Float32Array(0);
  min = new Float32Array(0);
  last = new Float32Array(0);
  count = 0;
  private key = '';

  constructor(
    /** Averaging weight of the newest trace (0 < alpha ≤ 1). */
    public alpha = 0.2,
  ) {}

  update(trace: Float32Array, startHz: number, stopHz: number): void {
    const key = `${startHz}|${stopHz}|${trace.length}`;
    if (key !== this.key) {
      this.key = key;
      this.reset(trace.length);
    }
    const a = this.alpha;
    for (let i = 0; i < trace.length; i++) {
      const v = trace[i] as number;
      this.last[i] = v;
      if (v !== v) continue;
      const av = this.avg[i] as number;
      this.avg[i] = av !== av ? v : av + a * (v - av);
      if (!((this.max[i] as number) >= v)) this.max[i] = v;
      if (!((this.min[i] as number) <= v)) this.min[i] = v;
    }
    this.count++;
  }

  reset(n = this.last.length): void {
    this.avg = new Float32Array(n).fill(NaN);
    this.max = new Float32Array(n).fill(NaN);
    this.min = new Float32Array(n).fill(NaN);
    this.last = new Float32Array(n).fill(NaN);
    this.count = 0;
  }
}

/**
 * Auto-levels from a trace: low a little under the noise floor (10th percentile), high a little over the
 * strongest signal, at least 45 dB apart (so the noise stays dark and a new, stronger emitter still fits). dBFS.
 */
export function autoLevels(trace: Float32Array): { lowDbfs: number; highDbfs: number } | null {
  const v = [...trace].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length < 8) return null;
  const floor = v[Math.floor(v.length * 0.1)] as number;
  const top = v[v.length - 1] as number;
  const lowDbfs = Math.floor(floor - 5);
  const highDbfs = Math.max(lowDbfs + 45, Math.ceil(top + 5));
  return { lowDbfs, highDbfs };
}
