/**
 * Typed error for bad arguments to the spectrum DSP (sizes, formats, ranges). `dsp/` imports nothing from
 * `src/`, so this mirrors the app's BandwatchError shape (stable `code`, a `field` naming what was wrong) and the
 * app can wrap it.
 */
export class DspParamError extends RangeError {
  readonly code = 'BW_ERR_DSP_PARAM';
  /** Which parameter was wrong, e.g. `fftSize`, `overlap`, `byteOffset`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`dsp: ${field}: ${message}`);
    this.name = 'DspParamError';
    this.field = field;
  }
}

/** Throws unless `n` is a power of two within [min, max]. */
export function assertPow2(field: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max || (n & (n - 1)) !== 0) {
    throw new DspParamError(field, `must be a power of two in [${min}, ${max}], got ${n}`);
  }
}
