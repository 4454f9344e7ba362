/**
 * RTL-SDR front-end impairments applied to a rendered block, and the 8-bit quantiser.
 * (ppm error and passband roll-off act per emitter, see emitters/base.ts.)
 */

/**
 * IQ imbalance of the analog mixer: I' = I, Q' = g·(Q·cos φ − I·sin φ), with g = 10^(gainDb/20). A tone at +f
 * then leaks an image at −f with image rejection |1 + g e^{−jφ}|² / |1 − g e^{jφ}|² (see {@link imageRejectionDb}).
 */
export function applyIqImbalance(
  re: Float32Array,
  im: Float32Array,
  n: number,
  gainDb: number,
  phaseDeg: number,
): void {
  const g = Math.pow(10, gainDb / 20);
  const phi = (phaseDeg * Math.PI) / 180;
  const a = g * Math.cos(phi);
  const b = -g * Math.sin(phi);
  for (let i = 0; i < n; i++) im[i] = a * (im[i] as number) + b * (re[i] as number);
}

/** Image rejection ratio of {@link applyIqImbalance}, dB (wanted over image). */
export function imageRejectionDb(gainDb: number, phaseDeg: number): number {
  const g = Math.pow(10, gainDb / 20);
  const phi = (phaseDeg * Math.PI) / 180;
  const num = 1 + 2 * g * Math.cos(phi) + g * g;
  const den = 1 - 2 * g * Math.cos(phi) + g * g;
  return 10 * Math.log10(num / den);
}

/**
 * Scales by `gain`, adds the DC offset and quantises to cu8: round(x·127.5 + 127.5) clamped to 0..255, I then Q.
 */
export function quantizeCu8(
  re: Float32Array,
  im: Float32Array,
  n: number,
  gain: number,
  dcI: number,
  dcQ: number,
  out: Uint8Array,
): void {
  const k = 127.5 * gain;
  // +0.5 folds the rounding into the truncation below (values are clamped non-negative first)
  const oi = 127.5 + 0.5 + 127.5 * dcI;
  const oq = 127.5 + 0.5 + 127.5 * dcQ;
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    let vi = (re[i] as number) * k + oi;
    let vq = (im[i] as number) * k + oq;
    vi = vi < 0 ? 0 : vi > 255 ? 255 : vi;
    vq = vq < 0 ? 0 : vq > 255 ? 255 : vq;
    out[j] = vi | 0;
    out[j + 1] = vq | 0;
  }
}

/** Inverse of the quantiser for tests and consumers: cu8 byte → full-scale float. */
export function cu8ToFloat(byte: number): number {
  return (byte - 127.5) / 127.5;
}
