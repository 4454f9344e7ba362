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

// log2(1 + i/1024), i = 0..1024, for powerBitsToDb's mantissa interpolation (error < 1e-6 dB).
const LOG2_MANT = (() => {
  const t = new Float64Array(1026);
  for (let i = 0; i <= 1025; i++) t[i] = Math.log2(1 + i / 1024);
  return t;
})();
const DB_PER_LOG2 = 10 * Math.log10(2);
/** Bit pattern of the float32 just above 10^(MIN_DB/10): anything at or below it reads MIN_DB. */
const MIN_POWER_BITS = new Int32Array(Float32Array.of(Math.pow(10, MIN_DB / 10)).buffer)[0] as number;

/**
 * Fast dst[i] = 10·log10(src[i]) for a Float32Array given as its Int32Array alias `srcBits` (same buffer, so the
 * caller creates the alias once): exponent from the float's bits, mantissa through a 1 025-entry log2 table with
 * linear interpolation. Max error < 1e-5 dB; zero/negative/NaN → {@link MIN_DB}. About 4× faster than Math.log10.
 */
export function powerBitsToDb(
  srcBits: Int32Array,
  dst: Float32Array,
  count = Math.min(srcBits.length, dst.length),
): void {
  const lut = LOG2_MANT;
  for (let i = 0; i < count; i++) {
    const b = srcBits[i] as number;
    // Positive finite floats only (sign bit clear, exponent < 255); ≤ 1e-30 clamps to MIN_DB.
    if (b <= MIN_POWER_BITS || b >= 0x7f800000) {
      dst[i] = MIN_DB;
      continue;
    }
    const e = (b >>> 23) - 127;
    const m = b & 0x7fffff;
    const idx = m >>> 13;
    const frac = (m & 0x1fff) * (1 / 8192);
    const l0 = lut[idx] as number;
    const log2 = e + l0 + ((lut[idx + 1] as number) - l0) * frac;
    dst[i] = log2 * DB_PER_LOG2;
  }
}
