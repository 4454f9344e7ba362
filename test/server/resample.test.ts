import { describe, expect, it } from 'vitest';
import { quantiseU8, resampleWindow } from '../../src/server/stream/resample.ts';

/** 100 bins of 1 kHz from 100 MHz at −100 dBFS with a narrow carrier in bin 42. */
function line(): Float32Array {
  const psd = new Float32Array(100).fill(-100);
  psd[42] = -40;
  return psd;
}

describe('per-client resampling', () => {
  it('max keeps a one-bin carrier visible when zoomed out (10 bins per pixel)', () => {
    const out = resampleWindow(line(), 100e6, 1e3, 100e6, 100.1e6, 'max', new Float32Array(10));
    expect(out[4]).toBe(-40);
    expect([...out].filter((v) => v === -40)).toHaveLength(1);
  });

  it('mean averages linear power (one bin at +60 dB in ten: +50 dB)', () => {
    const out = resampleWindow(line(), 100e6, 1e3, 100e6, 100.1e6, 'mean', new Float32Array(10));
    expect(out[4]).toBeCloseTo(-40 - 10, 1);
    expect(out[0]).toBeCloseTo(-100, 5);
  });

  it('zoomed past the bin spacing, each pixel shows the bin under its centre (sharp, not blurred)', () => {
    // 4 kHz window (bins 40..43) over 16 px: 4 px per bin.
    const out = resampleWindow(line(), 100e6, 1e3, 100.04e6, 100.044e6, 'max', new Float32Array(16));
    expect([...out.subarray(8, 12)]).toEqual([-40, -40, -40, -40]);
    expect(out[7]).toBe(-100);
    expect(out[12]).toBe(-100);
  });

  it('pixels outside the line span are NaN', () => {
    const out = resampleWindow(line(), 100e6, 1e3, 99.95e6, 100.05e6, 'max', new Float32Array(10));
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[6]).toBe(-100);
    expect(out[9]).toBe(-40);
  });

  it('two clients with different windows get different rows from the same line', () => {
    const a = resampleWindow(line(), 100e6, 1e3, 100e6, 100.1e6, 'max', new Float32Array(50));
    const b = resampleWindow(line(), 100e6, 1e3, 100.03e6, 100.05e6, 'max', new Float32Array(50));
    expect(a.indexOf(-40)).toBe(21);
    expect(b.indexOf(-40)).toBe(30);
  });

  it('quantises to uint8 over the dB range, clamping and mapping NaN to 0', () => {
    const q = quantiseU8(new Float32Array([-130, -120, -69.6, -20, 0, NaN]), -120, -20, new Uint8Array(6));
    expect([...q]).toEqual([0, 0, 129, 255, 255, 0]);
  });
});
