import { describe, expect, it } from 'vitest';
import { DcBlocker, dcBinRange, flagIqImages, suppressDcBins } from '../../dsp/dc.ts';
import { BIN_FLAG_DC, BIN_FLAG_IMAGE } from '../../dsp/types.ts';
import { gauss, prng } from './spectrum-helpers.ts';

describe('dcBinRange', () => {
  it('centres the range on bin N/2 of the shifted spectrum', () => {
    expect(dcBinRange(1024, 3)).toEqual({ start: 511, end: 513 });
    expect(dcBinRange(1024, 1)).toEqual({ start: 512, end: 512 });
    expect(dcBinRange(16, 4)).toEqual({ start: 6, end: 9 });
    const empty = dcBinRange(16, 0);
    expect(empty.end).toBeLessThan(empty.start);
    expect(() => dcBinRange(16, 9)).toThrow(/dcWidthBins/);
  });
});

describe('suppressDcBins', () => {
  it('replaces the range by a line between the neighbour means and flags it (hand-computed)', () => {
    // bins:       0  1  2  3    4    5    6  7  8  9
    const p = Float32Array.from([1, 1, 2, 4, 1000, 900, 800, 6, 8, 1]);
    const flags = new Uint8Array(10);
    suppressDcBins(p, { start: 4, end: 6 }, 2, flags);
    // left mean (bins 2,3) = 3, right mean (bins 7,8) = 7, span 4 → 4, 5, 6
    expect(Array.from(p)).toEqual([1, 1, 2, 4, 4, 5, 6, 6, 8, 1]);
    expect(Array.from(flags)).toEqual([0, 0, 0, 0, BIN_FLAG_DC, BIN_FLAG_DC, BIN_FLAG_DC, 0, 0, 0]);
  });
});

describe('DcBlocker', () => {
  it('removes a DC offset from I/Q regardless of chunking', () => {
    const n = 200_000;
    const g = gauss(prng(3));
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = 0.1 * g() + 0.07;
      im[i] = 0.1 * g() - 0.03;
    }
    const a = new DcBlocker(4096);
    const re2 = re.slice();
    const im2 = im.slice();
    a.process(re, im);
    const b = new DcBlocker(4096);
    for (let off = 0; off < n; off += 777) b.process(re2, im2, off, Math.min(777, n - off));
    expect(Array.from(re2.subarray(n - 10))).toEqual(Array.from(re.subarray(n - 10)));
    let mi = 0;
    let mq = 0;
    for (let i = n / 2; i < n; i++) {
      mi += re[i] as number;
      mq += im[i] as number;
    }
    expect(Math.abs(mi / (n / 2))).toBeLessThan(0.003);
    expect(Math.abs(mq / (n / 2))).toBeLessThan(0.003);
    expect(a.meanI).toBeCloseTo(0.07, 2);
    expect(a.meanQ).toBeCloseTo(-0.03, 2);
  });
});

describe('flagIqImages', () => {
  it('flags a weak replica 30 dB under a strong signal at the mirror bin, not independent signals', () => {
    const n = 64;
    const p = new Float32Array(n).fill(1e-6); // floor
    p[32 + 10] = 1; // strong at +10 bins
    p[32 - 10] = 1e-3; // its image at −10 bins, 30 dB down
    p[32 + 20] = 1e-2; // a real signal at +20 …
    p[32 - 20] = 1e-2; // … and another at −20, equally strong: no image
    const flags = new Uint8Array(n);
    expect(flagIqImages(p, 1e-6, flags)).toBe(1);
    expect(flags[32 - 10]).toBe(BIN_FLAG_IMAGE);
    expect(flags[32 + 10]).toBe(0);
    expect(flags[32 - 20]).toBe(0);
    expect(flags[32 + 20]).toBe(0);
  });
});
