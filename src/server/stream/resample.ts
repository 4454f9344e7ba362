/**
 * Per-client resampling of a spectrum line to a zoom window of W pixels, and uint8 quantisation.
 *
 * This is the console's private fallback for `dsp/waterfall.ts` (not in the tree when this was written): same
 * job, same semantics. Each pixel covers [startHz + i·w, startHz + (i+1)·w) with w = (stopHz − startHz)/W; it
 * takes the max (or the linear-power mean) of the bins whose centres fall inside, or — when zoomed in past the
 * bin spacing — the bin under the pixel centre, so zoom stays sharp instead of blurring a shared FFT.
 * Pixels outside the line's span are NaN. No allocation per call.
 */

export type ReduceMode = 'max' | 'mean';

/** Resample `psdDbfs` (bin k centred at lineStartHz + (k + 0.5)·binHz) into `out` (length = pixels). */
export function resampleWindow(
  psdDbfs: Float32Array,
  lineStartHz: number,
  binHz: number,
  startHz: number,
  stopHz: number,
  mode: ReduceMode,
  out: Float32Array,
): Float32Array {
  const width = out.length;
  const nBins = psdDbfs.length;
  const pxHz = (stopHz - startHz) / width;
  // Bin index (fractional) of a frequency: f → (f − lineStartHz)/binHz; bin k's centre sits at k + 0.5.
  const binsPerPx = pxHz / binHz;
  const b0 = (startHz - lineStartHz) / binHz;
  for (let i = 0; i < width; i++) {
    const lo = b0 + i * binsPerPx;
    const hi = lo + binsPerPx;
    // Bins whose centre k + 0.5 lies in [lo, hi): k from ceil(lo − 0.5) to ceil(hi − 0.5) − 1.
    let k0 = Math.ceil(lo - 0.5);
    let k1 = Math.ceil(hi - 0.5) - 1;
    if (k1 < k0) {
      // Narrower than a bin: the bin under the pixel centre.
      const k = Math.floor((lo + hi) / 2);
      out[i] = k >= 0 && k < nBins ? (psdDbfs[k] as number) : NaN;
      continue;
    }
    if (k0 < 0) k0 = 0;
    if (k1 >= nBins) k1 = nBins - 1;
    if (k1 < k0) {
      out[i] = NaN;
      continue;
    }
    if (mode === 'max') {
      let m = -Infinity;
      for (let k = k0; k <= k1; k++) {
        const v = psdDbfs[k] as number;
        if (v > m) m = v;
      }
      out[i] = m;
    } else {
      let s = 0;
      for (let k = k0; k <= k1; k++) s += Math.pow(10, (psdDbfs[k] as number) / 10);
      out[i] = 10 * Math.log10(s / (k1 - k0 + 1));
    }
  }
  return out;
}

/** Quantise dBFS to uint8 over [lowDbfs, highDbfs] (clamped; NaN → 0). */
export function quantiseU8(dbfs: Float32Array, lowDbfs: number, highDbfs: number, out: Uint8Array): Uint8Array {
  const scale = 255 / (highDbfs - lowDbfs);
  for (let i = 0; i < dbfs.length; i++) {
    const v = dbfs[i] as number;
    if (v !== v) {
      out[i] = 0;
      continue;
    }
    const q = Math.round((v - lowDbfs) * scale);
    out[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return out;
}
