/**
 * dB ↔ linear helpers and the sample lookup tables shared by the converters and the frame kernels.
 * Power quantities are linear "full-scale power" units: a complex sample with |x| = 1 has power 1 (0 dBFS).
 */

/** Level reported for zero or negative power, dB. Keeps -Infinity out of typed arrays and JSON. */
export const MIN_DB = -300;

/** 10·log10(p) for a power ratio, clamped at {@link MIN_DB}. */
export function powerToDb(power: number): number {
  return power > 0 ? Math.max(MIN_DB, 10 * Math.log10(power)) : MIN_DB;
}

/** Inverse of {@link powerToDb}: 10^(db/10). */
export function dbToPower(db: number): number {
  return Math.pow(10, db / 10);
}

/** 20·log10(a) for an amplitude ratio, clamped at {@link MIN_DB}. */
export function amplitudeToDb(amplitude: number): number {
  return amplitude > 0 ? Math.max(MIN_DB, 20 * Math.log10(amplitude)) : MIN_DB;
}

/**
 * dst[i] = 10·log10(src[i]·scale) for i in [0, count), clamped at {@link MIN_DB}. Allocation-free.
 * `scale` is a linear power factor (e.g. the calibration 1/(M·(N·CG)²)).
 */
export function powerArrayToDb(
  src: ArrayLike<number>,
  dst: Float32Array,
  scale = 1,
  count = Math.min(src.length, dst.length),
): void {
  for (let i = 0; i < count; i++) {
    const p = (src[i] as number) * scale;
    dst[i] = p > 0 ? Math.max(MIN_DB, 10 * Math.log10(p)) : MIN_DB;
  }
}

/** dst[i] = 10^(src[i]/10). Allocation-free. */
export function dbArrayToPower(
  src: ArrayLike<number>,
  dst: Float32Array,
  count = Math.min(src.length, dst.length),
): void {
  for (let i = 0; i < count; i++) dst[i] = Math.pow(10, (src[i] as number) / 10);
}

/** RTL-SDR cu8 sample value → float: (v − 127.5)/127.5, so 0 → −1 and 255 → +1 (symmetric about 127.5). */
export const CU8_LUT: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = (v - 127.5) / 127.5;
  return t;
})();

/** ci8 (two's complement byte) → float: v/128, indexed by the raw unsigned byte. */
export const CI8_LUT: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = (b < 128 ? b : b - 256) / 128;
  return t;
})();
