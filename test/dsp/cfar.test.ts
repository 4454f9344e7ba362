import { describe, expect, it } from 'vitest';
import { CfarDetector, thresholdFactor, thresholdFactorDb } from '../../dsp/cfar.ts';
import { requiredSnrDb } from '../../dsp/stats.ts';
import { Rng, addTone, dbToLin, sampleSpectrum } from './detect-fixtures.ts';

describe('threshold factors', () => {
  it('match the anchors table at M = 16, Pfa = 1e-6', () => {
    expect(thresholdFactorDb(16, 1e-6, 'known')).toBeCloseTo(4.25, 1.7);
    expect(thresholdFactorDb(16, 1e-6, 'ca', 32)).toBeCloseTo(4.37, 1.7);
    expect(thresholdFactorDb(16, 1e-6, 'os', 32, 24)).toBeCloseTo(3.86, 1.7);
    expect(thresholdFactorDb(8, 1e-6, 'ca', 8)).toBeCloseTo(6.37, 1.7);
    // The ITU "noise + 3 dB" rule corresponds to Pfa ≈ 1e-3 at M = 16 (2.9 dB).
    expect(thresholdFactorDb(16, 1e-3, 'known')).toBeCloseTo(2.9, 1);
  });

  it('are monotone: a lower Pfa and fewer frames need a higher threshold', () => {
    expect(thresholdFactor(16, 1e-6, 'known')).toBeGreaterThan(thresholdFactor(16, 1e-3, 'known'));
    expect(thresholdFactor(8, 1e-6, 'known')).toBeGreaterThan(thresholdFactor(16, 1e-6, 'known'));
    expect(thresholdFactor(16, 1e-6, 'ca', 16)).toBeGreaterThan(thresholdFactor(16, 1e-6, 'ca', 64));
  });
});

describe('measured false-alarm rate on noise spectra (Pfa = 1e-3, M = 16)', () => {
  const n = 4096;
  const m = 16;
  const spectra = 60;
  for (const method of ['known', 'ca', 'os'] as const) {
    it(`${method}: within 25 % of the design Pfa`, () => {
      const rng = new Rng(method === 'known' ? 11 : method === 'ca' ? 12 : 13);
      const mean = new Float64Array(n).fill(2.5e-7);
      const floor = new Float32Array(n).fill(2.5e-7);
      const psd = new Float32Array(n);
      const det = new CfarDetector({ fftSize: n, pfa: 1e-3, method, refCells: 32, guardCells: 2 });
      let hits = 0;
      for (let s = 0; s < spectra; s++) {
        det.detect(sampleSpectrum(rng, mean, m, psd), m, floor);
        hits += det.detections;
      }
      const pfa = hits / (n * spectra);
      expect(pfa).toBeGreaterThan(0.75e-3);
      expect(pfa).toBeLessThan(1.25e-3);
    });
  }
});

/** Fraction of `trials` M-frame bins exceeding the test, signal per-frame SNR `snr` (linear). */
function measuredPd(
  seed: number,
  snr: number,
  model: 'cw' | 'gaussian',
  m: number,
  alpha: number,
  trials: number,
  refCells = 0,
): number {
  const rng = new Rng(seed);
  const amp = Math.sqrt(snr);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let x = 0;
    if (model === 'cw') {
      // |s + n|², s constant over the M frames, n ~ CN(0, 1).
      const phase = 2 * Math.PI * rng.uniform();
      const sr = amp * Math.cos(phase);
      const si = amp * Math.sin(phase);
      for (let f = 0; f < m; f++) {
        const re = sr + rng.normal() * Math.SQRT1_2;
        const im = si + rng.normal() * Math.SQRT1_2;
        x += re * re + im * im;
      }
    } else {
      // Gaussian signal: each frame exponential with mean 1 + γ.
      for (let f = 0; f < m; f++) x += (1 + snr) * rng.exp();
    }
    x /= m;
    // Known noise: reference = 1. CA: mean of N reference bins, each M-averaged = Gamma(NM)/(NM).
    const ref = refCells > 0 ? rng.gamma(refCells * m) / (refCells * m) : 1;
    if (x > alpha * ref) hits++;
  }
  return hits / trials;
}

/** SNR (dB) where the measured Pd crosses `pd`, by bisection with common random numbers (same seed). */
function measuredCrossingDb(pd: number, model: 'cw' | 'gaussian', m: number, alpha: number, refCells = 0): number {
  let lo = -5;
  let hi = 15;
  for (let i = 0; i < 11; i++) {
    const mid = 0.5 * (lo + hi);
    if (measuredPd(1234, 10 ** (mid / 10), model, m, alpha, 3000, refCells) < pd) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

describe('measured Pd agrees with energy-detection theory (M = 16, Pd = 0.9)', () => {
  const m = 16;
  it('Pfa 1e-3: CW ≈ 2.0 dB, noise-like ≈ 2.6 dB', () => {
    const a = thresholdFactor(m, 1e-3, 'known');
    for (const [model, table] of [
      ['cw', 2.0],
      ['gaussian', 2.57],
    ] as const) {
      const theory = requiredSnrDb(0.9, model, { frames: m, pfa: 1e-3, noise: 'known' });
      expect(Math.abs(theory - table)).toBeLessThan(0.05);
      const measured = measuredCrossingDb(0.9, model, m, a);
      expect(Math.abs(measured - theory)).toBeLessThan(1);
    }
  });

  it('Pfa 1e-6: CW needs 3.8 dB, noise-like 4.5 dB; CA-CFAR N = 32 costs ≈ 0.2 dB more', () => {
    const known = thresholdFactor(m, 1e-6, 'known');
    const cwTheory = requiredSnrDb(0.9, 'cw', { frames: m, pfa: 1e-6, noise: 'known' });
    const gTheory = requiredSnrDb(0.9, 'gaussian', { frames: m, pfa: 1e-6, noise: 'known' });
    const cwMeasured = measuredCrossingDb(0.9, 'cw', m, known);
    const gMeasured = measuredCrossingDb(0.9, 'gaussian', m, known);
    expect(Math.abs(cwMeasured - cwTheory)).toBeLessThan(1);
    expect(Math.abs(cwMeasured - 3.83)).toBeLessThan(1);
    expect(Math.abs(gMeasured - gTheory)).toBeLessThan(1);
    expect(Math.abs(gMeasured - 4.51)).toBeLessThan(1);
    const ca = thresholdFactor(m, 1e-6, 'ca', 32);
    const caTheory = requiredSnrDb(0.9, 'cw', { frames: m, pfa: 1e-6, noise: 'ca', refCells: 32 });
    const caMeasured = measuredCrossingDb(0.9, 'cw', m, ca, 32);
    expect(Math.abs(caMeasured - caTheory)).toBeLessThan(1);
    const loss = caMeasured - cwMeasured;
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(0.6);
  });
});

describe('CFAR on spectra', () => {
  it('OS-CFAR finds a weak tone next to a strong one that masks it for CA-CFAR', () => {
    const n = 1024;
    const m = 16;
    const rng = new Rng(5);
    const mean = new Float64Array(n).fill(1);
    addTone(mean, 500, dbToLin(45));
    addTone(mean, 512, dbToLin(10));
    const psd = sampleSpectrum(rng, mean, m, new Float32Array(n));
    const ca = new CfarDetector({ fftSize: n, pfa: 1e-6, method: 'ca', refCells: 32, guardCells: 3 });
    const os = new CfarDetector({ fftSize: n, pfa: 1e-6, method: 'os', refCells: 32, guardCells: 3 });
    expect(ca.detect(psd, m)[512]).toBe(0);
    expect(os.detect(psd, m)[512]).toBe(1);
    expect(os.mask[500]).toBe(1);
  });

  it('OS-CFAR counting decision equals comparing with the k-th ordered reference cell', () => {
    const n = 2048;
    const m = 8;
    const mean = new Float64Array(n).fill(1);
    for (let c = 50; c < n; c += 173) addTone(mean, c + 0.3, dbToLin(5 + (c % 20)));
    const psd = sampleSpectrum(new Rng(77), mean, m, new Float32Array(n));
    const fast = new CfarDetector({ fftSize: n, pfa: 1e-3, method: 'os', refCells: 16, guardCells: 1 });
    const slow = new CfarDetector({
      fftSize: n,
      pfa: 1e-3,
      method: 'os',
      refCells: 16,
      guardCells: 1,
      osThresholds: true,
    });
    const a = fast.detect(psd, m);
    const b = slow.detect(psd, m);
    let hits = 0;
    for (let k = 0; k < n; k++) {
      expect(a[k]).toBe(b[k]);
      expect(b[k]).toBe((psd[k] as number) > (slow.thresholdLin[k] as number) ? 1 : 0);
      hits += a[k] as number;
    }
    expect(hits).toBeGreaterThan(20);
    expect(Number.isNaN(fast.thresholdLin[0])).toBe(true);
  });

  it('edge cells keep N reference cells (threshold defined everywhere) and excluded bins never detect', () => {
    const n = 256;
    const exclude = new Uint8Array(n);
    exclude[128] = 1;
    const psd = new Float32Array(n).fill(1);
    psd[0] = 100;
    psd[n - 1] = 100;
    psd[128] = 100;
    const det = new CfarDetector({ fftSize: n, pfa: 1e-6, method: 'ca', excludeMask: exclude });
    det.detect(psd, 16);
    expect(det.mask[0]).toBe(1);
    expect(det.mask[n - 1]).toBe(1);
    expect(det.mask[128]).toBe(0);
    for (let k = 0; k < n; k++) expect(Number.isFinite(det.thresholdLin[k])).toBe(true);
  });

  it("rejects 'known' without a floor and PSDs of the wrong length", () => {
    const det = new CfarDetector({ fftSize: 64, refCells: 8 });
    expect(() => det.detect(new Float32Array(64), 16)).toThrow(/floor/);
    expect(() => det.detect(new Float32Array(32), 16, new Float32Array(32))).toThrow(/length/);
  });
});
