/**
 * Conversion of any IqBlock format to cu8 (offset binary, 127.5 = zero), for cu8 recordings and the evidence
 * ring. Writes into a caller-provided buffer: no allocation per block.
 */
import type { IqBlock } from '../types.ts';
import { BYTES_PER_SAMPLE } from './sigmfMeta.ts';

/** Complex samples in a block. */
export function samplesIn(block: IqBlock): number {
  return Math.floor(block.bytes.length / BYTES_PER_SAMPLE[block.format]);
}

/**
 * Converts `count` samples starting at sample `from` of `block` into `out` (2 bytes per sample) at byte `outOffset`.
 * cu8 is copied; ci8 is shifted by 128; ci16_le keeps its top byte; cf32_le (full scale ±1) is scaled and clamped.
 */
export function toCu8(block: IqBlock, from: number, count: number, out: Uint8Array, outOffset: number): void {
  const src = block.bytes;
  const n2 = count * 2;
  switch (block.format) {
    case 'cu8':
      if (from === 0 && n2 === src.length)
        out.set(src, outOffset); // whole block: no view object
      else out.set(src.subarray(from * 2, from * 2 + n2), outOffset);
      return;
    case 'ci8':
      for (let i = 0; i < n2; i++) out[outOffset + i] = (src[from * 2 + i]! + 128) & 0xff;
      return;
    case 'ci16_le': {
      // The high byte of a little-endian int16 is at odd offsets; flipping its sign bit gives offset binary.
      const base = from * 4 + 1;
      for (let i = 0; i < n2; i++) out[outOffset + i] = src[base + 2 * i]! ^ 0x80;
      return;
    }
    case 'cf32_le': {
      const byteOff = src.byteOffset + from * 8;
      if (byteOff % 4 === 0) {
        const f = new Float32Array(src.buffer, byteOff, n2);
        for (let i = 0; i < n2; i++) {
          const v = Math.round(f[i]! * 127.5 + 127.5);
          out[outOffset + i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      } else {
        // Unaligned view (e.g. a pooled Buffer): read through a DataView.
        const dv = new DataView(src.buffer, byteOff, n2 * 4);
        for (let i = 0; i < n2; i++) {
          const v = Math.round(dv.getFloat32(i * 4, true) * 127.5 + 127.5);
          out[outOffset + i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
      return;
    }
  }
}
