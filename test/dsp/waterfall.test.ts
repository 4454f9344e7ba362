import { describe, expect, it } from 'vitest';
import { quantizeDb, resampleSpectrum } from '../../dsp/waterfall.ts';

const bins = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]); // bin k at k Hz

describe('resampleSpectrum', () => {
  it('max and mean over 2 bins per pixel (hand-computed)', () => {
    const out = new Float32Array(4);
    resampleSpectrum(bins, 0, 1, -0.5, 7.5, out, 'max');
    expect(Array.from(out)).toEqual([1, 3, 5, 7]);
    resampleSpectrum(bins, 0, 1, -0.5, 7.5, out, 'mean');
    expect(Array.from(out)).toEqual([0.5, 2.5, 4.5, 6.5]);
  });

  it('zoom window inside the spectrum with an offset start frequency', () => {
    const v = Float32Array.from([9, 1, 8, 2, 7, 3, 6, 4]);
    const out = new Float32Array(2);
    // bins at 100,110,…,170 Hz; view [115, 155) → pixels [115,135) bins 2,3 and [135,155) bins 4,5
    resampleSpectrum(v, 100, 10, 115, 155, out, 'max');
    expect(Array.from(out)).toEqual([8, 7]);
    resampleSpectrum(v, 100, 10, 115, 155, out, 'mean');
    expect(Array.from(out)).toEqual([5, 5]);
  });

  it('W > bins interpolates linearly at pixel centres and clamps outside the spectrum', () => {
    const out = new Float32Array(8);
    // 4 pixels per bin-spacing over [2, 4): centres at 2.125, 2.375, …
    resampleSpectrum(bins, 0, 1, 2, 4, out, 'max');
    expect(Array.from(out)).toEqual([2.125, 2.375, 2.625, 2.875, 3.125, 3.375, 3.625, 3.875]);
    const edge = new Float32Array(2);
    resampleSpectrum(bins, 0, 1, -10, -8, edge, 'mean');
    expect(Array.from(edge)).toEqual([0, 0]);
    resampleSpectrum(bins, 0, 1, 20, 30, edge, 'mean');
    expect(Array.from(edge)).toEqual([7, 7]);
  });

  it('rejects an empty view', () => {
    expect(() => resampleSpectrum(bins, 0, 1, 5, 5, new Float32Array(2))).toThrow(/empty/);
  });
});

describe('quantizeDb', () => {
  it('maps [minDb, maxDb] to 0..255 with rounding and clamping; NaN → 0', () => {
    const out = new Uint8Array(7);
    quantizeDb([-120, -100, -70, -60, -59.9, 0, NaN], -120, -60, out);
    // (v + 120)·255/60: 0, 85, 212.5→213, 255, 255.4→255 clamp, clamp
    expect(Array.from(out)).toEqual([0, 85, 213, 255, 255, 255, 0]);
    const low = new Uint8Array(1);
    quantizeDb([-200], -120, -60, low);
    expect(low[0]).toBe(0);
  });
});
