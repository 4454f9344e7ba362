/**
 * White Gaussian noise from the shared table. Samples are grouped in blocks of {@link NOISE_BLOCK} aligned to
 * absolute sample indices; each block reads the table with its own hashed offset and odd stride, so the value at
 * sample s depends only on (key, s).
 */
import { GAUSS_TABLE_MASK, gaussianTable, hash32, mix32 } from './prng.ts';

export const NOISE_BLOCK = 4096;
/** Offset between the I and the Q read positions: half the table, so I and Q never share a value in a block. */
const Q_OFFSET = 1 << 15;

/**
 * Adds complex white noise of total power `powerFs` (full-scale units², I and Q each powerFs/2) to
 * re/im[o .. o+n) for absolute samples s0 .. s0+n-1 (or writes it, with `overwrite`, saving a zero-fill pass).
 */
export function addWhiteNoise(
  key: number,
  powerFs: number,
  s0: number,
  n: number,
  re: Float32Array,
  im: Float32Array,
  o: number,
  overwrite = false,
): void {
  const table = gaussianTable();
  const sigma = Math.sqrt(powerFs / 2);
  const mask = GAUSS_TABLE_MASK;
  let s = s0;
  const end = s0 + n;
  let i = o;
  while (s < end) {
    const block = Math.floor(s / NOISE_BLOCK);
    const h = hash32(key, block);
    const stride = (mix32(h, 0x3c6ef372) | 1) & mask;
    const j0 = s - block * NOISE_BLOCK;
    const stop = Math.min(end, (block + 1) * NOISE_BLOCK);
    let idx = (h + Math.imul(j0, stride)) & mask;
    if (overwrite) {
      for (; s < stop; s++, i++) {
        re[i] = sigma * (table[idx] as number);
        im[i] = sigma * (table[(idx + Q_OFFSET) & mask] as number);
        idx = (idx + stride) & mask;
      }
    } else {
      for (; s < stop; s++, i++) {
        re[i] = (re[i] as number) + sigma * (table[idx] as number);
        im[i] = (im[i] as number) + sigma * (table[(idx + Q_OFFSET) & mask] as number);
        idx = (idx + stride) & mask;
      }
    }
  }
}

/** Converts a density in dBFS/Hz to the total complex power over `sampleRateHz`, full-scale units². */
export function noisePowerFs(densityDbfsPerHz: number, sampleRateHz: number): number {
  return Math.pow(10, densityDbfsPerHz / 10) * sampleRateHz;
}
