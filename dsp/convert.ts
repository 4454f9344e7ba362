/**
 * Raw interleaved I/Q bytes (SigMF datatypes) → planar Float32 I/Q in full-scale units (|x| ≤ ~1).
 * Every converter reads bytes one at a time (or through a fixed scratch), so byte offsets need not be aligned to
 * 2 or 4 and nothing is allocated per call.
 */
import type { SampleFormat } from './types.ts';
import { CI8_LUT, CU8_LUT } from './db.ts';
import { DspParamError } from './spectrum-error.ts';

/** Bytes per complex sample (I and Q) for each format. */
export function bytesPerComplexSample(format: SampleFormat): number {
  switch (format) {
    case 'cu8':
    case 'ci8':
      return 2;
    case 'ci16_le':
      return 4;
    case 'cf32_le':
      return 8;
    default:
      throw new DspParamError('format', `unknown sample format '${String(format)}'`);
  }
}

// One 4-byte scratch for cf32: copying the bytes of a float here avoids a DataView over the caller's buffer
// (an allocation per call) and works at any byte offset.
const f32Scratch = new ArrayBuffer(4);
const f32ScratchU8 = new Uint8Array(f32Scratch);
const f32ScratchView = new DataView(f32Scratch);

/**
 * Converts `count` complex samples of `format` starting at `bytes[byteOffset]` into `re[outOffset..]` and
 * `im[outOffset..]`. Scaling: cu8 (v − 127.5)/127.5, ci8 v/128, ci16_le v/32768, cf32_le as is.
 * Throws {@link DspParamError} if the input or output is too short.
 */
export function convertToComplex(
  format: SampleFormat,
  bytes: Uint8Array,
  byteOffset: number,
  re: Float32Array,
  im: Float32Array,
  count: number,
  outOffset = 0,
): void {
  const bps = bytesPerComplexSample(format);
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset + count * bps > bytes.length) {
    throw new DspParamError(
      'byteOffset',
      `${count} ${format} samples at byte ${byteOffset} overrun ${bytes.length} bytes`,
    );
  }
  if (outOffset < 0 || outOffset + count > re.length || outOffset + count > im.length) {
    throw new DspParamError('count', `${count} samples at ${outOffset} overrun the output arrays`);
  }
  let b = byteOffset;
  switch (format) {
    case 'cu8':
    case 'ci8': {
      const lut = format === 'cu8' ? CU8_LUT : CI8_LUT;
      for (let i = outOffset, end = outOffset + count; i < end; i++, b += 2) {
        re[i] = lut[bytes[b] as number] as number;
        im[i] = lut[bytes[b + 1] as number] as number;
      }
      return;
    }
    case 'ci16_le': {
      const s = 1 / 32768;
      for (let i = outOffset, end = outOffset + count; i < end; i++, b += 4) {
        // (x << 16) >> 16 sign-extends the 16-bit little-endian value.
        re[i] = ((((bytes[b] as number) | ((bytes[b + 1] as number) << 8)) << 16) >> 16) * s;
        im[i] = ((((bytes[b + 2] as number) | ((bytes[b + 3] as number) << 8)) << 16) >> 16) * s;
      }
      return;
    }
    case 'cf32_le': {
      const u = f32ScratchU8;
      const v = f32ScratchView;
      for (let i = outOffset, end = outOffset + count; i < end; i++, b += 8) {
        u[0] = bytes[b] as number;
        u[1] = bytes[b + 1] as number;
        u[2] = bytes[b + 2] as number;
        u[3] = bytes[b + 3] as number;
        re[i] = v.getFloat32(0, true);
        u[0] = bytes[b + 4] as number;
        u[1] = bytes[b + 5] as number;
        u[2] = bytes[b + 6] as number;
        u[3] = bytes[b + 7] as number;
        im[i] = v.getFloat32(0, true);
      }
      return;
    }
  }
}
