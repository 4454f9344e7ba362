/**
 * The DC skirt of zero-IF tuners (E4000, FC0012/13, FC2580): besides the DC spike, 1/f noise and the tuner's own
 * leakage raise a symmetric cusp about the centre, on real E4000 captures +24 dB at DC, +6.6 dB at ±40 kHz and still
 * +3.4 dB at ±100 kHz. A fixed ±3-bin guard leaves most of it to be reported as a 160 kHz emission at the tuned
 * frequency (with an alarm). Low-IF R820T/R828D dongles show no skirt, so the guard stays at its base width there.
 *
 * The skirt is told from an emission by its shape on a long average: both sides of DC over the floor, level with
 * each other, and never rising away from DC. An emission centred exactly on DC with such a shape (an AM carrier's
 * sidebands) would be taken for the skirt: the scheduler keeps DC off every assignment for that reason.
 */

/** Options of {@link DcSkirtGuard}. */
export interface DcSkirtOptions {
  fftSize: number;
  /** Bins either side of DC that are always excluded (the fixed DC guard). */
  baseHalfWidthBins: number;
  /** Never widen beyond this many bins either side. */
  maxHalfWidthBins: number;
  /** Both sides must stand at least this far over the floor, dB. Default 1. */
  minExcessDb?: number;
  /** ...and within this much of each other, dB. Default 3. */
  symmetryDb?: number;
  /** A side may rise away from DC by at most this much over the running minimum, dB (a cusp falls). Default 1.5. */
  riseDb?: number;
  /** The skirt's first octave must stand this much above its last, dB. Default 3. */
  peakDb?: number;
  /** ...and each octave (both sides averaged) below the previous one by at least this, dB. Default 1. */
  octaveDropDb?: number;
}

/** Measures how far the DC skirt reaches (bins either side of DC). Allocation-free. */
export class DcSkirtGuard {
  /** Half-width of the latest measurement, bins (≥ baseHalfWidthBins). */
  halfWidthBins: number;
  private readonly o: Required<DcSkirtOptions>;

  constructor(o: DcSkirtOptions) {
    if (!(o.maxHalfWidthBins >= o.baseHalfWidthBins && o.maxHalfWidthBins < o.fftSize / 2))
      throw new RangeError('DcSkirtGuard: need baseHalfWidthBins <= maxHalfWidthBins < fftSize/2');
    this.o = { minExcessDb: 1, symmetryDb: 3, riseDb: 1.5, peakDb: 3, octaveDropDb: 1, ...o };
    this.halfWidthBins = o.baseHalfWidthBins;
  }

  /**
   * Measure on a long-averaged linear PSD (FFT-shifted, DC at fftSize/2) and its floor estimate (same units).
   * Returns the half-width in bins, also kept in {@link halfWidthBins}.
   */
  measure(psdLin: Float32Array | Float64Array, floorLin: Float32Array | Float64Array): number {
    const { fftSize, baseHalfWidthBins: base, maxHalfWidthBins: max } = this.o;
    const c = fftSize >> 1;
    const minExcess = 10 ** (this.o.minExcessDb / 10);
    const sym = 10 ** (this.o.symmetryDb / 10);
    const rise = 10 ** (this.o.riseDb / 10);
    let minLo = Infinity;
    let minHi = Infinity;
    let k = base;
    while (k < max) {
      const j = k + 1;
      const lo = (psdLin[c - j] as number) / (floorLin[c - j] as number);
      const hi = (psdLin[c + j] as number) / (floorLin[c + j] as number);
      if (!(lo >= minExcess && hi >= minExcess)) break;
      if (lo > sym * hi || hi > sym * lo) break;
      if (lo > rise * minLo || hi > rise * minHi) break;
      minLo = Math.min(minLo, lo);
      minHi = Math.min(minHi, hi);
      k = j;
    }
    // A cusp, not a plateau: 1/f-like, the skirt falls in every octave away from DC, by at least `peakDb` from the
    // first octave to the last (an FM emission centred on DC is level across its band and is left alone).
    if (k > base && !this.fallsPerOctave(psdLin, floorLin, base + 1, k)) k = base;
    this.halfWidthBins = k;
    return k;
  }

  /** Whether the mean excess over the floor falls octave by octave from bin `from` to bin `to` (both sides of DC). */
  private fallsPerOctave(
    psdLin: Float32Array | Float64Array,
    floorLin: Float32Array | Float64Array,
    from: number,
    to: number,
  ): boolean {
    const c = this.o.fftSize >> 1;
    let prev = NaN;
    let first = NaN;
    let octaves = 0;
    for (let a = from; 2 * a - 1 <= to; a *= 2) {
      let sum = 0;
      for (let j = a; j < 2 * a; j++)
        sum +=
          (psdLin[c - j] as number) / (floorLin[c - j] as number) +
          (psdLin[c + j] as number) / (floorLin[c + j] as number);
      const db = 10 * Math.log10(sum / (2 * a));
      if (octaves > 0 && db > prev - this.o.octaveDropDb) return false;
      if (octaves === 0) first = db;
      prev = db;
      octaves++;
    }
    return octaves >= 2 && first - prev >= this.o.peakDb;
  }
}
