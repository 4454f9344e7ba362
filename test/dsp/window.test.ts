import { describe, expect, it } from 'vitest';
import {
  effectiveFrameCount,
  interpolatePeak,
  makeWindow,
  scallopLossDb,
  windowOverlapCorrelation,
  windowResponse,
} from '../../dsp/window.ts';

describe('makeWindow', () => {
  it('Hann: coherent gain 0.5, ENBW 1.5 bins, 50 % overlap correlation 1/6', () => {
    const w = makeWindow('hann', 1024);
    expect(w.coherentGain).toBeCloseTo(0.5, 6);
    expect(w.enbwBins).toBeCloseTo(1.5, 5);
    expect(windowOverlapCorrelation(w.coeffs, 512)).toBeCloseTo(1 / 6, 3);
    expect(w.coeffs[0]).toBe(0);
    expect(w.coeffs[512]).toBe(1);
  });

  it('Blackman-Harris 4-term: ENBW ≈ 2.00 bins, CG 0.35875', () => {
    const w = makeWindow('blackman-harris', 2048);
    expect(w.enbwBins).toBeCloseTo(2.0044, 3);
    expect(w.coherentGain).toBeCloseTo(0.35875, 5);
  });

  it('flat-top 5-term: ENBW ≈ 3.77 bins, scalloping < 0.02 dB', () => {
    const w = makeWindow('flat-top', 4096);
    expect(w.enbwBins).toBeCloseTo(3.77, 2);
    expect(w.coherentGain).toBeCloseTo(0.21557895, 5);
    expect(scallopLossDb(w)).toBeLessThan(0.02);
  });

  it('rectangular: CG 1, ENBW 1, no overlap correlation at 0 %, K effective frames', () => {
    const w = makeWindow('rectangular', 256);
    expect(w.coherentGain).toBe(1);
    expect(w.enbwBins).toBe(1);
    expect(effectiveFrameCount(w.coeffs, 256, 10)).toBe(10);
  });

  it('scalloping loss matches the textbook figures (Hann 1.42 dB, BH 0.83 dB, rect 3.92 dB)', () => {
    expect(scallopLossDb(makeWindow('hann', 1024))).toBeCloseTo(1.42, 2);
    expect(scallopLossDb(makeWindow('blackman-harris', 1024))).toBeCloseTo(0.83, 2);
    expect(scallopLossDb(makeWindow('rectangular', 1024))).toBeCloseTo(3.92, 2);
  });

  it('effective frames: Hann 50 % overlap loses a little to correlation, 75 % loses more', () => {
    const w = makeWindow('hann', 1024);
    const e50 = effectiveFrameCount(w.coeffs, 512, 16);
    // 16 / (1 + 2·(15/16)·(1/6)²) = 15.19
    expect(e50).toBeCloseTo(16 / (1 + 2 * (15 / 16) * (1 / 36)), 2);
    const e75 = effectiveFrameCount(w.coeffs, 256, 16);
    expect(e75).toBeLessThan(e50);
    expect(e75).toBeGreaterThan(8);
  });
});

describe('interpolatePeak', () => {
  // Exact bin powers of a unit tone at `pos` bins through each window: |W(k − pos)|²·CG² normalised.
  function tonePowers(kind: Parameters<typeof makeWindow>[0], pos: number): { p: number[]; k: number } {
    const w = makeWindow(kind, 256);
    const p: number[] = [];
    for (let k = 0; k < 64; k++) p.push(windowResponse(w.coeffs, k - pos) ** 2);
    return { p, k: Math.round(pos) };
  }

  it.each(['hann', 'blackman-harris', 'flat-top', 'rectangular'] as const)(
    '%s: window-aware estimate recovers frequency (< 0.01 bin) and level (< 0.05 dB) at any offset',
    (kind) => {
      const w = makeWindow(kind, 256);
      for (const pos of [20, 20.1, 20.25, 20.37, 20.5, 19.62, 31.9]) {
        const { p, k } = tonePowers(kind, pos);
        const r = interpolatePeak(p, k, w);
        expect(Math.abs(r.bin - pos)).toBeLessThan(0.01);
        expect(Math.abs(10 * Math.log10(r.power))).toBeLessThan(0.05);
      }
    },
  );

  it('quadratic fallback (no window) is within 0.1 bin on Hann', () => {
    for (const pos of [20, 20.2, 20.45, 19.7]) {
      const { p, k } = tonePowers('hann', pos);
      expect(Math.abs(interpolatePeak(p, k).bin - pos)).toBeLessThan(0.1);
    }
  });
});

describe('powerBitsToDb', () => {
  it('matches 10·log10 within 1e-5 dB over 600 dB of range and clamps non-positive values', async () => {
    const { powerBitsToDb, MIN_DB } = await import('../../dsp/db.ts');
    const src = new Float32Array(2000);
    for (let i = 0; i < src.length - 4; i++) src[i] = Math.pow(10, -29 + (i * 58) / src.length) * (1 + Math.sin(i));
    src.set([0, -1, NaN, 1e-35], src.length - 4);
    const dst = new Float32Array(src.length);
    powerBitsToDb(new Int32Array(src.buffer), dst);
    for (let i = 0; i < src.length - 4; i++) {
      const p = src[i] as number;
      if (p > 0) expect(Math.abs((dst[i] as number) - Math.max(MIN_DB, 10 * Math.log10(p)))).toBeLessThan(1e-4);
    }
    expect(Array.from(dst.subarray(src.length - 4))).toEqual([MIN_DB, MIN_DB, MIN_DB, MIN_DB]);
  });
});
