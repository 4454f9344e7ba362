import { describe, expect, it } from 'vitest';
import { lineSpan, quantiseU8, resampleWindow } from '../../src/server/stream/resample.ts';

/** 100 bins of 1 kHz, bin k centred at 100 MHz + (k + ½) kHz, at −100 dBFS with a narrow carrier in bin 42. */
const FIRST = 100e6 + 500;
function line(): Float32Array {
  const psd = new Float32Array(100).fill(-100);
  psd[42] = -40;
  return psd;
}

describe('per-client resampling (over dsp/waterfall.ts)', () => {
  it('a line covers half a bin either side of its first and last bin centres', () => {
    expect(lineSpan(FIRST, 1e3, 100)).toEqual({ startHz: 100e6, stopHz: 100.1e6 });
  });

  it('max keeps a one-bin carrier visible when zoomed out (10 bins per pixel)', () => {
    const out = resampleWindow(line(), FIRST, 1e3, 100e6, 100.1e6, 'max', new Float32Array(10));
    expect(out[4]).toBe(-40);
    expect([...out].filter((v) => v === -40)).toHaveLength(1);
  });

  it('mean averages the bins in a pixel (dB mean: a visual floor)', () => {
    const out = resampleWindow(line(), FIRST, 1e3, 100e6, 100.1e6, 'mean', new Float32Array(10));
    expect(out[4]).toBeCloseTo(-94, 4);
    expect(out[0]).toBeCloseTo(-100, 5);
  });

  it('zoomed past the bin spacing, the carrier stays one bin wide (sharp), not a stretched coarse pixel', () => {
    // 4 kHz window (bins 40..43) over 16 px: 4 px per bin.
    const out = resampleWindow(line(), FIRST, 1e3, 100.04e6, 100.044e6, 'max', new Float32Array(16));
    const hot = [...out].map((v, i) => (v > -70 ? i : -1)).filter((i) => i >= 0);
    expect(hot).toEqual([8, 9, 10, 11]);
    expect(out[4]).toBe(-100);
    expect(out[14]).toBe(-100);
  });

  it('pixels outside the line span are NaN', () => {
    const out = resampleWindow(line(), FIRST, 1e3, 99.95e6, 100.05e6, 'max', new Float32Array(10));
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isNaN(out[4])).toBe(true);
    expect(out[6]).toBe(-100);
    expect(out[9]).toBe(-40);
  });

  it('two clients with different windows get different rows from the same line', () => {
    const a = resampleWindow(line(), FIRST, 1e3, 100e6, 100.1e6, 'max', new Float32Array(50));
    const b = resampleWindow(line(), FIRST, 1e3, 100.03e6, 100.05e6, 'max', new Float32Array(50));
    expect(a.indexOf(-40)).toBe(21);
    const argmax = (x: Float32Array) => x.indexOf(Math.max(...x));
    // 100,0425 MHz: pixel 31 of [100,03; 100,05) at 400 Hz per pixel.
    expect(argmax(b)).toBe(31);
  });

  it('quantises to uint8 over the dB range, clamping and mapping NaN to 0', () => {
    const q = quantiseU8(new Float32Array([-130, -120, -69.6, -20, 0, NaN]), -120, -20, new Uint8Array(6));
    expect([...q]).toEqual([0, 0, 129, 255, 255, 0]);
  });
});
