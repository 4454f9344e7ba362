/**
 * Per-client resampling of a spectrum line to a zoom window of W pixels, and uint8 quantisation: the console's
 * adapter over `dsp/waterfall.ts` (resampleSpectrum / quantizeDb).
 *
 * Convention (as the pipeline emits lines): bin k is centred at `firstBinHz + k·binHz`, so a line covers
 * [firstBinHz − binHz/2, firstBinHz + (n − ½)·binHz). Pixels take the max (or the dB mean) of the bins whose
 * centres fall inside; zoomed in past the bin spacing they interpolate at the pixel centre, so a per-client
 * zoom stays sharp instead of stretching a shared coarse row. Unlike the dsp helper (which repeats the edge bin),
 * pixels outside the line's span are NaN, so the console shows "no data" there. No allocation per call.
 */
import { quantizeDb, resampleSpectrum } from '../../../dsp/waterfall.ts';

export type ReduceMode = 'max' | 'mean';

/** Frequency span covered by a line of `bins` bins, Hz. */
export function lineSpan(firstBinHz: number, binHz: number, bins: number): { startHz: number; stopHz: number } {
  return { startHz: firstBinHz - binHz / 2, stopHz: firstBinHz + (bins - 0.5) * binHz };
}

/** Resample `psdDbfs` over [startHz, stopHz) into `out` (length = pixels). */
export function resampleWindow(
  psdDbfs: Float32Array,
  firstBinHz: number,
  binHz: number,
  startHz: number,
  stopHz: number,
  mode: ReduceMode,
  out: Float32Array,
): Float32Array {
  resampleSpectrum(psdDbfs, firstBinHz, binHz, startHz, stopHz, out, mode);
  const span = lineSpan(firstBinHz, binHz, psdDbfs.length);
  const pxHz = (stopHz - startHz) / out.length;
  if (startHz + pxHz / 2 < span.startHz || stopHz - pxHz / 2 >= span.stopHz) {
    for (let p = 0; p < out.length; p++) {
      const c = startHz + (p + 0.5) * pxHz;
      if (c < span.startHz || c >= span.stopHz) out[p] = NaN;
    }
  }
  return out;
}

/** Quantise dBFS to uint8 over [lowDbfs, highDbfs] (clamped; NaN → 0). */
export function quantiseU8(dbfs: Float32Array, lowDbfs: number, highDbfs: number, out: Uint8Array): Uint8Array {
  quantizeDb(dbfs, lowDbfs, highDbfs, out);
  return out;
}
