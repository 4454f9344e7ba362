import { describe, expect, it } from 'vitest';
import { NoiseFloorEstimator, NoiseFloorTracker, psdDbToLinear, quickselect } from '../../dsp/noise-floor.ts';
import { Rng, addRect, dbToLin, linToDbT, sampleSpectrum } from './detect-fixtures.ts';

/** A gently curved floor with RTL-SDR-like roll-off at the band edges (true mean noise per bin, linear). */
function trueFloor(n: number): Float64Array {
  const f = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = (k - n / 2) / (n / 2); // -1..1
    const ripple = 0.8 * Math.cos(3 * Math.PI * x); // dB
    const rolloff = Math.abs(x) > 0.85 ? -25 * (Math.abs(x) - 0.85) : 0; // dB
    f[k] = dbToLin(-60 + ripple + rolloff);
  }
  return f;
}

/** Place strong emitters (10..40 dB over floor, 4..60 bins wide) until `fraction` of the bins are covered. */
function occupy(rng: Rng, mean: Float64Array, floor: Float64Array, fraction: number): number {
  const n = mean.length;
  const used = new Uint8Array(n);
  let covered = 0;
  while (covered < fraction * n) {
    const w = 4 + Math.floor(rng.uniform() * 56);
    const c = Math.floor(rng.uniform() * (n - w));
    let free = true;
    for (let k = c - 2; k < c + w + 2; k++) if (used[k]) free = false;
    if (!free) continue;
    const level = dbToLin(10 + 30 * rng.uniform()) * (floor[c + (w >> 1)] as number);
    addRect(mean, c + w / 2 - 0.5, w, level);
    for (let k = c; k < c + w; k++) used[k] = 1;
    covered += w;
  }
  return covered / n;
}

describe('NoiseFloorEstimator', () => {
  it('percentile bias correction comes from Gamma(M, 1/M): unbiased on pure noise for M = 1, 4, 16, 64', () => {
    const n = 4096;
    const rng = new Rng(7);
    const mean = new Float64Array(n).fill(1);
    const psd = new Float32Array(n);
    for (const m of [1, 4, 16, 64]) {
      const est = new NoiseFloorEstimator({ fftSize: n, segments: 32, percentile: 0.2, excision: false });
      let acc = 0;
      const trials = 20;
      for (let t = 0; t < trials; t++) {
        est.estimate(sampleSpectrum(rng, mean, m, psd), m);
        acc += linToDbT(est.globalFloorLin);
      }
      // Without the correction the 20th percentile would read −6.5 / −2.2 / −1.05 / −0.49 dB.
      expect(Math.abs(acc / trials)).toBeLessThan(0.12);
    }
  });

  it('stays within 0.5 dB of the true (curved) floor with 30 % of the bins occupied by strong emitters', () => {
    const n = 2048;
    const m = 16;
    const rng = new Rng(42);
    const floor = trueFloor(n);
    const est = new NoiseFloorEstimator({ fftSize: n, segments: 32 });
    const psd = new Float32Array(n);
    const errs: number[] = [];
    for (let trial = 0; trial < 10; trial++) {
      const mean = Float64Array.from(floor);
      const frac = occupy(rng, mean, floor, 0.3);
      expect(frac).toBeGreaterThanOrEqual(0.3);
      est.estimate(sampleSpectrum(rng, mean, m, psd), m);
      for (let k = 0; k < n; k++) errs.push(Math.abs(linToDbT((est.floorLin[k] as number) / (floor[k] as number))));
    }
    errs.sort((a, b) => a - b);
    const median = errs[Math.floor(errs.length / 2)] as number;
    const p95 = errs[Math.floor(errs.length * 0.95)] as number;
    if (process.env.BW_DEBUG) console.log({ median, p95, max: errs[errs.length - 1] });
    expect(median).toBeLessThan(0.2);
    expect(p95).toBeLessThan(0.5);
  });

  it('segments fully covered by a wideband emitter fall back to their neighbours', () => {
    const n = 2048;
    const m = 16;
    const rng = new Rng(3);
    const mean = new Float64Array(n).fill(1e-6);
    // 20 dB flat-topped emitter over 400 bins (> 6 segments of 64 bins).
    addRect(mean, 1000, 400, 1e-4);
    const est = new NoiseFloorEstimator({ fftSize: n, segments: 32 });
    est.estimate(sampleSpectrum(rng, mean, m, new Float32Array(n)), m);
    let rejected = 0;
    for (let s = 0; s < est.segments; s++) if (!est.segmentAccepted[s]) rejected++;
    expect(rejected).toBeGreaterThanOrEqual(5);
    for (let k = 800; k <= 1200; k++) {
      expect(Math.abs(linToDbT((est.floorLin[k] as number) / 1e-6))).toBeLessThan(0.5);
    }
    // The raw per-segment estimate still shows the emitter (the jamming detector needs it).
    expect(linToDbT((est.segmentFloorLin[16] as number) / 1e-6)).toBeGreaterThan(15);
  });

  it('ignores excluded bins (a DC spike) and converts dBFS to linear', () => {
    const n = 256;
    const db = new Float32Array(n).fill(-50);
    const lin = new Float32Array(n);
    psdDbToLinear(db, lin);
    expect(lin[10]).toBeCloseTo(1e-5, 10);
    const exclude = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      if (k % 4 === 0) {
        lin[k] = 1; // huge values on a quarter of the bins, all excluded
        exclude[k] = 1;
      }
    }
    const est = new NoiseFloorEstimator({ fftSize: n, segments: 4, excludeMask: exclude, excision: false });
    est.estimate(lin, 1e6); // effectively noiseless bins: no order-statistic bias
    expect(Math.abs(linToDbT(est.globalFloorLin) + 50)).toBeLessThan(0.01);
    // Bins flagged per spectrum (Spectrum.binFlags) instead of a static mask: here 9 of 10 bins, which would
    // otherwise swamp any percentile.
    const flags = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      if (k % 10 !== 0) {
        lin[k] = 1;
        flags[k] = 1;
      } else lin[k] = 1e-5;
    }
    const perSpectrum = new NoiseFloorEstimator({ fftSize: n, segments: 2, excision: false });
    perSpectrum.estimate(lin, 1e6, flags);
    expect(Math.abs(linToDbT(perSpectrum.globalFloorLin) + 50)).toBeLessThan(0.01);
    perSpectrum.estimate(lin, 1e6);
    expect(linToDbT(perSpectrum.globalFloorLin)).toBeGreaterThan(-10);
  });

  it('quickselect returns the k-th smallest', () => {
    const rng = new Rng(1);
    const a = Float64Array.from({ length: 101 }, () => rng.uniform());
    const sorted = Array.from(a).sort((x, y) => x - y);
    for (const k of [0, 17, 50, 100]) expect(quickselect(Float64Array.from(a), a.length, k)).toBe(sorted[k]);
  });
  it('quickselect partitions around k: a second quantile can be selected within one side', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 100;
    for (const n of [1, 2, 9, 586, 1001]) {
      const a = Float64Array.from({ length: n }, () => Math.round(rnd())); // with ties
      const sorted = Array.from(a).sort((x, y) => x - y);
      const k10 = Math.floor(0.1 * (n - 1));
      const k50 = Math.floor(0.5 * (n - 1));
      const k90 = Math.floor(0.9 * (n - 1));
      expect(quickselect(a, n, k50)).toBe(sorted[k50]);
      if (k10 < k50) expect(quickselect(a, k50, k10)).toBe(sorted[k10]);
      if (k90 > k50) expect(quickselect(a, n, k90, k50 + 1)).toBe(sorted[k90]);
    }
  });
});

describe('NoiseFloorTracker', () => {
  it('learns a baseline, does not follow a jammer up quickly, and follows a falling floor', () => {
    const segs = 8;
    const tr = new NoiseFloorTracker({ segments: segs, learnS: 5, riseTauS: 600, fallTauS: 10 });
    const rng = new Rng(9);
    const seg = new Float64Array(segs);
    const feed = (t: number, levelDb: number) => {
      for (let s = 0; s < segs; s++) seg[s] = dbToLin(levelDb + 0.1 * rng.normal());
      tr.update(seg, dbToLin(levelDb), t);
    };
    let t = 0;
    for (; t < 10; t += 0.1) feed(t, -60);
    expect(tr.learned).toBe(true);
    expect(linToDbT(tr.baselineGlobalLin)).toBeCloseTo(-60, 1);
    // 60 s of a +6 dB barrage: the rise must still read about 6 dB at the end.
    for (; t < 70; t += 0.1) feed(t, -54);
    // dB-domain smoothing: 6·exp(−60/600) = 5.43 dB left after a minute.
    expect(tr.globalRiseDb).toBeGreaterThan(5.3);
    expect(tr.globalRiseDb).toBeLessThan(5.6);
    for (let s = 0; s < segs; s++) expect(tr.riseDb[s]).toBeGreaterThan(5.1);
    // Holding freezes the baseline entirely.
    const held = tr.baselineGlobalLin;
    for (let i = 0; i < 100; i++, t += 0.1) tr.update(seg.fill(dbToLin(-54)), dbToLin(-54), t, true);
    expect(tr.baselineGlobalLin).toBe(held);
    // A quieter band is adopted within a few fall time constants.
    for (const end = t + 40; t < end; t += 0.1) feed(t, -63);
    expect(Math.abs(tr.globalRiseDb)).toBeLessThan(0.5);
    tr.reset();
    expect(tr.learned).toBe(false);
  });
});
