/**
 * Sine/cosine lookup tables indexed by the top bits of a 32-bit phase accumulator (phase in units of 2^-32 cycles).
 * 14 bits of phase: truncation spurs sit near -84 dBc, far below the 8-bit ADC's ~50 dB dynamic range.
 */

export const TRIG_BITS = 14;
export const TRIG_SIZE = 1 << TRIG_BITS;
/** Shift that turns a 32-bit phase into a table index. */
export const TRIG_SHIFT = 32 - TRIG_BITS;

/** cos(2π i / TRIG_SIZE). Length TRIG_SIZE + 1 so linear interpolation may read index i + 1. */
export const COS_TABLE = new Float32Array(TRIG_SIZE + 1);
/** sin(2π i / TRIG_SIZE). */
export const SIN_TABLE = new Float32Array(TRIG_SIZE + 1);
for (let i = 0; i <= TRIG_SIZE; i++) {
  COS_TABLE[i] = Math.cos((2 * Math.PI * i) / TRIG_SIZE);
  SIN_TABLE[i] = Math.sin((2 * Math.PI * i) / TRIG_SIZE);
}

/** 2^32, the number of phase units in one cycle. */
export const PHASE_ONE = 4294967296;

/** Phase increment (int32, wraps) per sample for a frequency `hz` at `sampleRateHz`. */
export function phaseIncrement(hz: number, sampleRateHz: number): number {
  const cyc = hz / sampleRateHz;
  return Math.round((cyc - Math.floor(cyc)) * PHASE_ONE) | 0;
}

/**
 * Phase (int32) of an accumulator that started at 0 at sample 0, at absolute sample `s`: exactly `s * inc mod 2^32`,
 * so a chunk starting anywhere continues bit-identically.
 */
export function phaseAt(s: number, inc: number): number {
  return Math.imul((s % PHASE_ONE) | 0, inc) | 0;
}
