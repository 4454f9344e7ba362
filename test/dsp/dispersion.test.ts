import { describe, expect, it } from 'vitest';
import { DispersionEstimator } from '../../dsp/dispersion.ts';
import { Rng, addRect, dbToLin, sampleSpectrum } from './detect-fixtures.ts';

const N = 2048;

/** Floor with ripple and edge roll-off (linear), like an R820T's IF filter. */
function floorShape(): Float64Array {
  const f = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const x = (k - N / 2) / (N / 2);
    f[k] = dbToLin(-60 + 0.8 * Math.cos(3 * Math.PI * x) + (Math.abs(x) > 0.85 ? -25 * (Math.abs(x) - 0.85) : 0));
  }
  return f;
}

function edgeAndDc(): Uint8Array {
  const ex = new Uint8Array(N);
  const edge = Math.round(N * 0.08);
  for (let i = 0; i < edge; i++) ex[i] = ex[N - 1 - i] = 1;
  for (let i = -3; i <= 3; i++) ex[N / 2 + i] = 1;
  return ex;
}

describe('DispersionEstimator', () => {
  it('reads stationary noise as worth every averaged frame', () => {
    const rng = new Rng(11);
    const est = new DispersionEstimator({ fftSize: N, excludeMask: edgeAndDc() });
    const psd = new Float32Array(N);
    for (const M of [8, 32, 64]) {
      for (let trial = 0; trial < 20; trial++) {
        sampleSpectrum(rng, floorShape(), M, psd);
        // A smaller spread than theory is estimation noise: never more than claimed, and close to it.
        const m = est.estimate(psd, M);
        expect(m).toBeLessThanOrEqual(M);
        expect(m).toBeGreaterThan(0.6 * M);
      }
    }
  });

  it('is not fooled by strong emitters covering part of the band', () => {
    const rng = new Rng(12);
    const est = new DispersionEstimator({ fftSize: N, excludeMask: edgeAndDc() });
    const psd = new Float32Array(N);
    const M = 32;
    for (let trial = 0; trial < 10; trial++) {
      const mean = floorShape();
      // Wide FM microphones and narrow users over ~40 % of the band.
      for (let c = 200; c < N - 200; c += 260)
        addRect(mean, c + rng.uniform() * 40, 60 + rng.uniform() * 100, dbToLin(-45));
      sampleSpectrum(rng, mean, M, psd);
      // The pipeline takes a spectrum for bursty only below 0.33·M.
      expect(est.estimate(psd, M)).toBeGreaterThan(0.38 * M);
    }
  });

  it('finds the few frames a bursty background is really worth', () => {
    const rng = new Rng(13);
    const est = new DispersionEstimator({ fftSize: N, excludeMask: edgeAndDc() });
    const psd = new Float32Array(N);
    // Welch counted 32 frames, but the bins scatter like 8 (a few bursts carry the energy).
    for (let trial = 0; trial < 20; trial++) {
      sampleSpectrum(rng, floorShape(), 8, psd);
      const m = est.estimate(psd, 32);
      expect(m).toBeGreaterThanOrEqual(5);
      expect(m).toBeLessThanOrEqual(12);
    }
  });

  it('gives NaN when too few bins are usable, and checks its options', () => {
    const all = new Uint8Array(N).fill(1);
    const est = new DispersionEstimator({ fftSize: N, excludeMask: all });
    expect(est.estimate(new Float32Array(N).fill(1), 32)).toBeNaN();
    expect(() => new DispersionEstimator({ fftSize: N, lowQuantile: 0.4, highQuantile: 0.3 })).toThrow(RangeError);
    expect(() => new DispersionEstimator({ fftSize: N, excludeMask: new Uint8Array(5) })).toThrow(RangeError);
  });
});
