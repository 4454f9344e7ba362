/**
 * Waterfall lines: resample a spectrum (any [startHz, stopHz) view inside it, for per-client zoom) to W pixels,
 * then quantise to bytes. Pure and allocation-free given the output buffers.
 */
import { DspParamError } from './spectrum-error.ts';

export type ResampleMode = 'max' | 'mean';

/**
 * Resamples `values` (bin k centred at `firstBinHz + k·binHz`) onto `out.length` pixels spanning
 * [viewStartHz, viewStopHz). Pixel p covers [viewStartHz + p·Δ, viewStartHz + (p+1)·Δ), Δ = span / W, and takes the
 * max or mean of the bins whose centres fall inside it. When pixels are narrower than bins (zoomed in past the FFT
 * resolution) every pixel gets the value linearly interpolated at its centre. Outside the spectrum the edge bin's value is used.
 * Values are averaged as given (pass linear power for a power-correct 'mean', dB for a visual one).
 */
export function resampleSpectrum(
  values: ArrayLike<number>,
  firstBinHz: number,
  binHz: number,
  viewStartHz: number,
  viewStopHz: number,
  out: Float32Array,
  mode: ResampleMode = 'max',
): void {
  const nb = values.length;
  const w = out.length;
  if (nb === 0 || w === 0) return;
  if (!(binHz > 0)) throw new DspParamError('binHz', `must be > 0, got ${binHz}`);
  if (!(viewStopHz > viewStartHz)) {
    throw new DspParamError('viewStopHz', `view [${viewStartHz}, ${viewStopHz}) Hz is empty`);
  }
  const pxHz = (viewStopHz - viewStartHz) / w;
  // Bin-index coordinate of the view start: bin k sits at x = k.
  const x0 = (viewStartHz - firstBinHz) / binHz;
  const dx = pxHz / binHz;
  for (let p = 0; p < w; p++) {
    const a = x0 + p * dx;
    const b = a + dx;
    // Bins with centre in [a, b).
    let k0 = Math.ceil(a);
    let k1 = Math.ceil(b) - 1;
    if (k0 < 0) k0 = 0;
    if (k1 > nb - 1) k1 = nb - 1;
    if (dx >= 1 && k1 >= k0) {
      if (mode === 'max') {
        let m = values[k0] as number;
        for (let k = k0 + 1; k <= k1; k++) if ((values[k] as number) > m) m = values[k] as number;
        out[p] = m;
      } else {
        let s = 0;
        for (let k = k0; k <= k1; k++) s += values[k] as number;
        out[p] = s / (k1 - k0 + 1);
      }
    } else {
      const x = a + 0.5 * dx;
      if (x <= 0) out[p] = values[0] as number;
      else if (x >= nb - 1) out[p] = values[nb - 1] as number;
      else {
        const i = Math.floor(x);
        const f = x - i;
        out[p] = (values[i] as number) * (1 - f) + (values[i + 1] as number) * f;
      }
    }
  }
}

/**
 * Quantises dB values to 0..255 over [minDb, maxDb]: round((v − minDb)/(maxDb − minDb)·255), clamped; NaN → 0.
 * `count` defaults to the shorter of the two arrays.
 */
export function quantizeDb(
  values: ArrayLike<number>,
  minDb: number,
  maxDb: number,
  out: Uint8Array,
  count = Math.min(values.length, out.length),
): void {
  if (!(maxDb > minDb)) throw new DspParamError('maxDb', `range [${minDb}, ${maxDb}] dB is empty`);
  const s = 255 / (maxDb - minDb);
  for (let i = 0; i < count; i++) {
    const q = Math.round(((values[i] as number) - minDb) * s);
    out[i] = q > 255 ? 255 : q > 0 ? q : 0;
  }
}
