import { describe, expect, it } from 'vitest';
import {
  clippedFraction,
  countClippedSamples,
  DEFAULT_OVERLOAD_THRESHOLDS,
  OverloadDetector,
  type ClipWindow,
  type OverloadThresholds,
} from '../../dsp/clipping.ts';
import { DspParamError } from '../../dsp/spectrum-error.ts';
import type { SampleFormat } from '../../dsp/types.ts';
import { toCu8 } from '../../src/recording/toCu8.ts';

/** Little-endian bytes of float32 values. */
function f32Bytes(values: number[], offset = 0): Uint8Array {
  const out = new Uint8Array(offset + values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setFloat32(offset + 4 * i, v, true));
  return out;
}
function i16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setInt16(2 * i, v, true));
  return out;
}

/** Float32 just below / above x (x > 0). */
function f32Below(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] = u[0]! - 1;
  return f[0]!;
}

describe('countClippedSamples', () => {
  it('cu8: a sample counts once when I, Q or both sit at 0 or 255; 1 and 254 do not count', () => {
    // (I,Q): (0,128) (128,255) (0,255) (1,254) (127,128) (255,0) (254,1)
    const b = new Uint8Array([0, 128, 128, 255, 0, 255, 1, 254, 127, 128, 255, 0, 254, 1]);
    expect(countClippedSamples('cu8', b)).toBe(4);
    expect(countClippedSamples('cu8', b, 3, 2)).toBe(0);
    expect(countClippedSamples('cu8', b, 1, 2)).toBe(2);
    expect(countClippedSamples('cu8', b, 5)).toBe(1);
    expect(clippedFraction('cu8', b)).toBeCloseTo(4 / 7, 12);
  });

  it('cu8 at an odd byte offset of the underlying buffer (subarray view)', () => {
    const raw = new Uint8Array([9, 0, 200, 100, 100, 255, 255]);
    expect(countClippedSamples('cu8', raw.subarray(1))).toBe(2);
  });

  it('cu8 word-at-a-time path agrees with a byte-by-byte count at every alignment and range', () => {
    const raw = new Uint8Array(4099);
    let x = 12345;
    for (let i = 0; i < raw.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const r = x >>> 24;
      // Mostly mid-scale, with rails, near-rails (1, 254) and bytes whose neighbours borrow in the bit trick.
      raw[i] = r < 8 ? 0 : r < 16 ? 255 : r < 24 ? 1 : r < 32 ? 254 : r < 40 ? 128 : r;
    }
    const naive = (b: Uint8Array, from: number, n: number) => {
      let c = 0;
      for (let k = from; k < from + n; k++) {
        const i = b[2 * k]!;
        const q = b[2 * k + 1]!;
        if (i === 0 || i === 255 || q === 0 || q === 255) c++;
      }
      return c;
    };
    for (let off = 0; off < 4; off++) {
      const b = raw.subarray(off, off + 4094);
      const samples = b.length / 2;
      expect(countClippedSamples('cu8', b)).toBe(naive(b, 0, samples));
      for (const [from, n] of [
        [1, 5],
        [3, 1000],
        [0, 1],
        [2046, 1],
        [7, 2040],
      ] as const)
        expect(countClippedSamples('cu8', b, from, n)).toBe(naive(b, from, n));
    }
  });

  it('ci8: −128 (0x80) and +127 (0x7f) are the rails; 0x00 and 0xff (cu8 rails) are not', () => {
    const b = new Uint8Array([0x80, 0x00, 0x00, 0x7f, 0x81, 0x7e, 0x00, 0xff, 0x7f, 0x80]);
    expect(countClippedSamples('ci8', b)).toBe(3);
  });

  it('ci16_le: within one 8-bit step of ±full scale counts (−32768…−32513, 32512…32767)', () => {
    const b = i16Bytes([
      -32768, 0, /* clipped */ 0, 32767 /* clipped */, 32512, 1 /* clipped */, 32511, -32512 /* not */, -32513, 5,
      /* clipped */ 255, -256 /* not */,
    ]);
    expect(countClippedSamples('ci16_le', b)).toBe(4);
    expect(countClippedSamples('ci16_le', b, 3, 1)).toBe(0);
    expect(countClippedSamples('ci16_le', b.subarray(4), 0, 1)).toBe(1);
  });

  it.each([0, 1, 2, 3])('cf32_le at byte offset %i: |v| ≥ 127/127.5 (and ±∞) counts, NaN does not', (off) => {
    const rail = Math.fround(127 / 127.5);
    const values = [
      1,
      0, // clipped
      0.5,
      -1.5, // clipped
      rail,
      0, // clipped
      f32Below(rail),
      -f32Below(rail), // not
      Infinity,
      0, // clipped
      NaN,
      -NaN, // not
      0.25,
      -Infinity, // clipped
      -rail,
      0.1, // clipped
    ];
    const b = f32Bytes(values, off).subarray(off);
    expect(countClippedSamples('cf32_le', b)).toBe(6);
    expect(countClippedSamples('cf32_le', b, 3, 1)).toBe(0);
    expect(countClippedSamples('cf32_le', b, 4, 2)).toBe(1);
  });

  it.each(['cu8', 'ci8', 'ci16_le', 'cf32_le'] as SampleFormat[])(
    '%s agrees with toCu8: clipped iff the sample would be 0 or 255 as cu8',
    (format) => {
      let s = 12345;
      const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const n = 4000;
      const bps = format === 'cu8' || format === 'ci8' ? 2 : format === 'ci16_le' ? 4 : 8;
      let bytes: Uint8Array;
      if (format === 'cf32_le') {
        // Mostly inside, some beyond, some exactly on the rail boundary.
        bytes = f32Bytes(
          Array.from({ length: 2 * n }, (_, i) =>
            i % 97 === 0 ? Math.fround(127 / 127.5) * (rnd() < 0.5 ? -1 : 1) : (rnd() * 2 - 1) * 1.05,
          ),
        );
      } else {
        bytes = new Uint8Array(n * bps);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
      }
      const cu8 = new Uint8Array(2 * n);
      toCu8({ format, bytes, sampleIndex: 0, timeMs: 0, centerHz: 0, sampleRateHz: 1 }, 0, n, cu8, 0);
      let expected = 0;
      for (let i = 0; i < n; i++) {
        const a = cu8[2 * i]!;
        const q = cu8[2 * i + 1]!;
        if (a === 0 || a === 255 || q === 0 || q === 255) expected++;
      }
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(n);
      expect(countClippedSamples(format, bytes)).toBe(expected);
    },
  );

  it('refuses ranges that overrun the buffer or are not whole samples', () => {
    const b = new Uint8Array(10);
    expect(() => countClippedSamples('cu8', b, 4, 2)).toThrow(DspParamError);
    expect(() => countClippedSamples('cf32_le', b, 0, 2)).toThrow(/overrun/);
    expect(() => countClippedSamples('cu8', b, -1, 1)).toThrow(DspParamError);
    expect(() => countClippedSamples('cu8', b, 0.5, 1)).toThrow(DspParamError);
    expect(countClippedSamples('cu8', new Uint8Array(0))).toBe(0);
    expect(clippedFraction('cu8', new Uint8Array(0))).toBe(0);
  });
});

const FS = 1000; // 1 kS/s: a 1 s window is 1000 samples; times are exact.

/** cu8 bytes of n samples, the first `clipped` with I at 255, the rest at mid-scale. */
function block(n: number, clipped: number): Uint8Array {
  const b = new Uint8Array(2 * n).fill(128);
  for (let i = 0; i < clipped; i++) b[2 * i] = 255;
  return b;
}

/** Runs per-second clipped counts (of 1000 samples each) through a detector in blocks of `chunk` samples. */
function run(perSecond: number[], chunk = 250, t: Partial<OverloadThresholds> = {}, finish = false): ClipWindow[] {
  const out: ClipWindow[] = [];
  const det = new OverloadDetector((w) => out.push(w), t);
  const all = new Uint8Array(2 * FS * perSecond.length);
  perSecond.forEach((k, s) => all.set(block(FS, k), 2 * FS * s));
  for (let at = 0; at < perSecond.length * FS; at += chunk) {
    const n = Math.min(chunk, perSecond.length * FS - at);
    det.push('cu8', all.subarray(2 * at, 2 * (at + n)), 5000 + at, FS);
  }
  if (finish) det.finish();
  return out;
}

describe('OverloadDetector', () => {
  it('defaults: > 1 % for 2 s raises, < 0.1 % for 5 s clears', () => {
    expect(DEFAULT_OVERLOAD_THRESHOLDS).toMatchObject({
      windowS: 1,
      raiseFraction: 0.01,
      raiseAfterS: 2,
      clearFraction: 0.001,
      clearAfterS: 5,
    });
  });

  it('raises after two windows over 1 %, holds in the hysteresis band, clears after five under 0.1 %', () => {
    //          0   1   2    3   4  5  6  7  8  9  10 11  (s)
    const w = run([0, 50, 30, 5, 20, 0, 0, 0, 0, 0, 0, 0]);
    expect(w.map((x) => x.clipped)).toEqual([0, 50, 30, 5, 20, 0, 0, 0, 0, 0, 0, 0]);
    expect(w.map((x) => x.fraction)).toEqual([0, 0.05, 0.03, 0.005, 0.02, 0, 0, 0, 0, 0, 0, 0]);
    expect(w.map((x) => x.transition)).toEqual([
      null,
      null,
      'raise',
      null,
      null,
      null,
      null,
      null,
      null,
      'clear',
      null,
      null,
    ]);
    expect(w.map((x) => x.overloaded)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    const raise = w[2]!;
    expect(raise.endMs).toBe(5000 + 3000);
    expect(raise.sinceMs).toBe(5000 + 1000);
    expect(raise.peakFraction).toBe(0.05);
    expect(raise.wholeStream).toBe(false);
    const clear = w[9]!;
    // The clean run began at 5 s (window 5); five clean windows end at 10 s.
    expect(clear.endMs).toBe(5000 + 10_000);
    expect(clear.sinceMs).toBe(5000 + 5000);
    expect(clear.peakFraction).toBe(0.05);
    expect(w[10]!.peakFraction).toBe(0);
  });

  it('exactly 1 % does not count towards raising; a clean window restarts the count', () => {
    expect(run([10, 10, 10, 10]).some((x) => x.overloaded)).toBe(false);
    expect(run([11, 0, 11, 0, 11]).some((x) => x.overloaded)).toBe(false);
    expect(run([11, 11]).map((x) => x.transition)).toEqual([null, 'raise']);
  });

  it('a window in the band (0.1–1 %) during the clean run restarts the clear count', () => {
    const w = run([50, 50, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
    expect(w.findIndex((x) => x.transition === 'clear')).toBe(11);
    // Exactly 0.1 % is not "under 0.1 %".
    expect(run([50, 50, 1, 1, 1, 1, 1, 1]).some((x) => x.transition === 'clear')).toBe(false);
  });

  it('windows are cut at fixed sample counts: the same stream in any block size gives the same windows', () => {
    const counts = [0, 300, 7, 40, 0, 0, 0, 0, 0, 1];
    const ref = run(counts, 1000);
    for (const chunk of [1, 7, 333, 1000, 2600, 10_000]) expect(run(counts, chunk)).toEqual(ref);
  });

  it('custom thresholds: a 0.5 s window, raise after 0.5 s, clear after 1 s', () => {
    const w = run([100, 0, 0], 100, { windowS: 0.5, raiseAfterS: 0.5, clearAfterS: 1 });
    // Window 0 ([0, 0.5 s)) holds all 100 clipped samples of second 0 (they are at its start).
    expect(w.map((x) => [x.samples, x.clipped, x.transition])).toEqual([
      [500, 100, 'raise'],
      [500, 0, null],
      [500, 0, 'clear'],
      [500, 0, null],
      [500, 0, null],
      [500, 0, null],
    ]);
  });

  it('finish(): a stream shorter than raiseAfterS and clipped throughout raises (wholeStream); else not', () => {
    const short = run([40], 100, {}, true);
    // The 1 s window closed in push (not enough for 2 s); finish decides on it with a sample-less window.
    expect(short).toHaveLength(2);
    expect(short[0]).toMatchObject({ transition: null, samples: 1000, clipped: 40, overloaded: false });
    expect(short[1]).toMatchObject({
      transition: 'raise',
      wholeStream: true,
      samples: 0,
      fraction: 0.04,
      sinceMs: 5000,
      endMs: 6000,
      peakFraction: 0.04,
    });
    expect(run([40, 40, 20], 300, {}, true).filter((x) => x.transition === 'raise')).toHaveLength(1);
    const partial: ClipWindow[] = [];
    const det = new OverloadDetector((w) => partial.push(w));
    det.push('cu8', block(300, 30), 0, FS);
    expect(det.finish()).toMatchObject({ samples: 300, clipped: 30, transition: 'raise', wholeStream: true });
    expect(det.isOverloaded).toBe(true);
    // Clean first second: not clipped throughout, not raised.
    expect(run([0, 40], 100, {}, true).some((x) => x.overloaded)).toBe(false);
    // Nothing pending: finish is a no-op.
    expect(new OverloadDetector(() => undefined).finish()).toBeNull();
  });

  it('counts the other formats through the same windows', () => {
    const out: ClipWindow[] = [];
    const det = new OverloadDetector((w) => out.push(w), { windowS: 0.004 });
    det.push('cf32_le', f32Bytes([1, 0, 0, 0, 0, 0, 0, -1]), 0, FS);
    det.push('ci16_le', i16Bytes([-32768, 0, 0, 0, 0, 0, 0, 0]), 4, FS);
    expect(out.map((x) => [x.samples, x.clipped])).toEqual([
      [4, 2],
      [4, 1],
    ]);
  });

  it('refuses nonsensical thresholds', () => {
    expect(() => new OverloadDetector(() => undefined, { windowS: 0 })).toThrow(DspParamError);
    expect(() => new OverloadDetector(() => undefined, { clearFraction: 0.02, raiseFraction: 0.01 })).toThrow(
      /clearFraction/,
    );
    expect(() => new OverloadDetector(() => undefined, { raiseAfterS: Number.NaN })).toThrow(DspParamError);
  });
});
