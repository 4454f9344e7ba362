import { describe, expect, it } from 'vitest';
import { bytesPerComplexSample, convertToComplex } from '../../dsp/convert.ts';
import { DspParamError } from '../../dsp/spectrum-error.ts';

function at(offset: number, payload: number[], total = offset + payload.length + 3): Uint8Array {
  const b = new Uint8Array(total).fill(0xee);
  b.set(payload, offset);
  return b;
}

describe('convertToComplex', () => {
  it('cu8 maps 0/127/128/255 to (v − 127.5)/127.5 at an odd byte offset', () => {
    const bytes = at(3, [0, 255, 127, 128]);
    const re = new Float32Array(2);
    const im = new Float32Array(2);
    convertToComplex('cu8', bytes, 3, re, im, 2);
    expect(Array.from(re)).toEqual([-1, Math.fround(-0.5 / 127.5)]);
    expect(Array.from(im)).toEqual([1, Math.fround(0.5 / 127.5)]);
  });

  it('ci8 divides two’s-complement bytes by 128', () => {
    const bytes = at(1, [0x80, 0x7f, 0xff, 0x01]);
    const re = new Float32Array(2);
    const im = new Float32Array(2);
    convertToComplex('ci8', bytes, 1, re, im, 2);
    expect(Array.from(re)).toEqual([-1, -1 / 128]);
    expect(Array.from(im)).toEqual([127 / 128, 1 / 128]);
  });

  it.each([0, 1, 2, 3])('ci16_le at byte offset %i (unaligned allowed) divides by 32768', (off) => {
    // -32768, 32767, -1, 256 little-endian
    const bytes = at(off, [0x00, 0x80, 0xff, 0x7f, 0xff, 0xff, 0x00, 0x01]);
    const re = new Float32Array(2);
    const im = new Float32Array(2);
    convertToComplex('ci16_le', bytes, off, re, im, 2);
    expect(Array.from(re)).toEqual([-1, -1 / 32768]);
    expect(Array.from(im)).toEqual([Math.fround(32767 / 32768), 256 / 32768]);
  });

  it.each([0, 1, 2, 3, 5])('cf32_le at byte offset %i reads little-endian floats exactly', (off) => {
    const vals = [0.25, -1.5, 3.0e-7, -123.456];
    const dv = new DataView(new ArrayBuffer(16));
    vals.forEach((v, i) => dv.setFloat32(4 * i, v, true));
    const bytes = at(off, Array.from(new Uint8Array(dv.buffer)));
    const re = new Float32Array(3);
    const im = new Float32Array(3);
    convertToComplex('cf32_le', bytes, off, re, im, 2, 1);
    expect(Array.from(re)).toEqual([0, Math.fround(0.25), Math.fround(3.0e-7)]);
    expect(Array.from(im)).toEqual([0, Math.fround(-1.5), Math.fround(-123.456)]);
  });

  it('reports bytes per sample and rejects overruns with a typed error', () => {
    expect(['cu8', 'ci8', 'ci16_le', 'cf32_le'].map((f) => bytesPerComplexSample(f as 'cu8'))).toEqual([2, 2, 4, 8]);
    const re = new Float32Array(4);
    const im = new Float32Array(4);
    expect(() => convertToComplex('ci16_le', new Uint8Array(9), 2, re, im, 2)).toThrow(DspParamError);
    expect(() => convertToComplex('cu8', new Uint8Array(100), 0, re, im, 5)).toThrow(/overrun/);
    try {
      convertToComplex('cu8', new Uint8Array(2), 1, re, im, 1);
    } catch (e) {
      expect((e as DspParamError).code).toBe('BW_ERR_DSP_PARAM');
      expect((e as DspParamError).field).toBe('byteOffset');
    }
  });
});
