/**
 * The calibration measurement over a stream of IqBlocks: averages a long spectrum (in thirds, for drift), finds
 * the reference carrier in its search window and turns the line's position into a frequency error and the `ppm`
 * value a sensor's config needs.
 *
 * Sign convention (librtlsdr `rtlsdr_set_freq_correction`, firmware-bridge `RtlSdr.setFrequencyCorrection`): the
 * driver assumes the crystal runs at nominal·(1 + ppm·1e−6) and programs the tuner PLL, the DDC's IF and the
 * sample clock from that. A dongle whose crystal really runs at nominal·(1 + e) therefore shows a carrier at true
 * frequency F at F' = F·(1 + p)/(1 + e) when correction p is applied (LO and sample clock share the crystal, so
 * the whole band scales). Hence e = (1 + p)·F/F' − 1: the value to configure. A line that appears BELOW the
 * reference (negative offset) means a crystal that runs fast and a POSITIVE ppm setting.
 */
import { bytesPerComplexSample, convertToComplex } from '../../dsp/convert.ts';
import { CarrierAverager, carrierFftSize, findCarrierLine, type CarrierLine } from '../../dsp/carrier-offset.ts';
import type { IqBlock } from '../types.ts';
import { CalibrationError } from './errors.ts';

/** Options of {@link CarrierMeter}. */
export interface CarrierMeterOptions {
  /** True frequency of the reference carrier, Hz. */
  referenceHz: number;
  /** Half-width of the search window around the reference, Hz. Default ±100 ppm of the reference (≥ 5 bins). */
  searchHz?: number;
  /** Tuned centre of the input, Hz (as the host believes it: nominal, uncorrected). */
  centerHz: number;
  sampleRateHz: number;
  /** Samples to measure (after `skipSamples`); the run is split in thirds over this count. */
  totalSamples: number;
  /** Samples to drop first (tuner PLL and AGC settling on a live source). Default 0. */
  skipSamples?: number;
  /** FFT size; default {@link carrierFftSize}(totalSamples). */
  fftSize?: number;
  /** Minimum line SNR over the local floor, dB. Default 10. */
  minSnrDb?: number;
  /** Correction already applied to the input (driver ppm, or the recording's `bandwatch:ppm`), ppm. Default 0. */
  appliedPpm?: number;
}

/** Offset of the line in one third of the run. */
export interface ThirdMeasurement {
  /** Line offset from the reference, Hz. */
  offsetHz: number;
  /** 1σ, Hz. */
  uncertaintyHz: number;
  snrDb: number;
}

/** Drift between the first and last third. */
export interface DriftMeasurement {
  first: ThirdMeasurement;
  middle: ThirdMeasurement | null;
  last: ThirdMeasurement;
  /** last − first, Hz and ppm of the reference; 1σ of the difference. */
  driftHz: number;
  driftPpm: number;
  uncertaintyHz: number;
  /** Time between the middles of the first and last third, s. */
  spanS: number;
}

/** What a calibration run measured. */
export interface CalibrationResult {
  referenceHz: number;
  /** Where the line is, Hz (host's frequency scale: nominal centre + bin offset). */
  measuredHz: number;
  /** measuredHz − referenceHz, Hz. */
  offsetHz: number;
  /** Apparent error, (measured − reference)/reference, ppm. */
  offsetPpm: number;
  /** Correction that was in effect on the input, ppm. */
  appliedPpm: number;
  /** What to change the correction by, ppm (ppm − appliedPpm). */
  residualPpm: number;
  /** The value for the sensor's `ppm` setting (librtlsdr convention; see module doc), ppm. */
  ppm: number;
  /** 1σ statistical uncertainty of measuredHz (and so of offsetHz), Hz, and of ppm. */
  uncertaintyHz: number;
  uncertaintyPpm: number;
  /** Line over the local floor, dB per bin. */
  snrDb: number;
  /** −3 dB width of the line, Hz. */
  lineWidthHz: number;
  /** 'cw' = a clean carrier; 'resolved' = wider than a carrier (modulated/drifting/pulsed: less accurate). */
  lineKind: 'cw' | 'resolved';
  /** Strongest other line in the window: offset from the reference, Hz, and SNR, dB. */
  secondLine?: { offsetHz: number; snrDb: number };
  /** Half-width of the window searched, Hz. */
  searchHz: number;
  centerHz: number;
  sampleRateHz: number;
  fftSize: number;
  binHz: number;
  frames: number;
  effectiveFrames: number;
  /** Samples averaged / sample rate, s. */
  durationS: number;
  /** Null when a third had no line or too few frames (see warnings). */
  drift: DriftMeasurement | null;
  warnings: string[];
}

/** Default search half-width: ±100 ppm of the reference. */
export const DEFAULT_SEARCH_PPM = 100;
/** The search window is never narrower than ± this many bins. */
export const MIN_SEARCH_BINS = 5;
const THIRDS = 3;

/** Consumes IqBlocks (any format) until `totalSamples` have been averaged, then reports. */
export class CarrierMeter {
  readonly averager: CarrierAverager;
  readonly searchHz: number;
  readonly binHz: number;
  private readonly o: CarrierMeterOptions;
  private readonly loBin: number;
  private readonly hiBin: number;
  private re = new Float32Array(0);
  private im = new Float32Array(0);
  private skipped = 0;
  private used = 0;
  private nextIndex: number | null = null;
  private lostSamples = 0;
  private foreignSamples = 0;
  private readonly notes: string[] = [];

  /** Throws CalibrationError (OUT_OF_BAND) if the reference is not inside the captured band. */
  constructor(o: CarrierMeterOptions) {
    this.o = o;
    const fs = o.sampleRateHz;
    const fftSize = o.fftSize ?? carrierFftSize(o.totalSamples);
    this.binHz = fs / fftSize;
    const lowHz = o.centerHz - fs / 2;
    const highHz = o.centerHz + fs / 2;
    if (!(o.referenceHz > lowHz && o.referenceHz < highHz)) {
      throw new CalibrationError(
        'BW_ERR_CALIBRATION_OUT_OF_BAND',
        `the reference ${mhz(o.referenceHz)} MHz is outside the captured band ${mhz(lowHz)}–${mhz(highHz)} MHz ` +
          `(centre ${mhz(o.centerHz)} MHz, ${fs / 1e6} MS/s)`,
        { field: '--reference-hz' },
      );
    }
    this.searchHz = Math.max(o.searchHz ?? (o.referenceHz * DEFAULT_SEARCH_PPM) / 1e6, MIN_SEARCH_BINS * this.binHz);
    const refBin = fftSize / 2 + (o.referenceHz - o.centerHz) / this.binHz;
    // keep 2 bins from the band edges: the interpolation needs both neighbours
    const lo = Math.max(2, Math.ceil(refBin - this.searchHz / this.binHz));
    const hi = Math.min(fftSize - 3, Math.floor(refBin + this.searchHz / this.binHz));
    if (lo > Math.ceil(refBin - this.searchHz / this.binHz) || hi < Math.floor(refBin + this.searchHz / this.binHz))
      this.notes.push(
        `the search window ±${fmtHz(this.searchHz)} Hz reaches past the captured band and was cut at its edge`,
      );
    this.loBin = lo;
    this.hiBin = hi;
    this.averager = new CarrierAverager({ fftSize, segments: THIRDS });
  }

  /** True once `totalSamples` have been averaged. */
  get done(): boolean {
    return this.used >= this.o.totalSamples;
  }

  /** Samples averaged so far. */
  get samplesUsed(): number {
    return this.used;
  }

  /** Adds a block; returns false when no more samples are wanted. */
  push(block: IqBlock): boolean {
    if (this.done) return false;
    if (block.centerHz !== this.o.centerHz || block.sampleRateHz !== this.o.sampleRateHz) {
      // a retune (or a recording's later capture) is another measurement: not mixed into this one
      this.foreignSamples += block.bytes.length / bytesPerComplexSample(block.format);
      this.nextIndex = null;
      this.averager.breakContinuity();
      return true;
    }
    const bps = bytesPerComplexSample(block.format);
    let count = block.bytes.length / bps;
    let start = 0;
    if (this.nextIndex !== null && block.sampleIndex !== this.nextIndex) {
      if (block.sampleIndex > this.nextIndex) this.lostSamples += block.sampleIndex - this.nextIndex;
      this.averager.breakContinuity();
    }
    this.nextIndex = block.sampleIndex + count;
    const skip = Math.min(count, (this.o.skipSamples ?? 0) - this.skipped);
    if (skip > 0) {
      this.skipped += skip;
      start += skip;
      count -= skip;
    }
    count = Math.min(count, this.o.totalSamples - this.used);
    if (count <= 0) return !this.done;
    if (this.re.length < count) {
      this.re = new Float32Array(count);
      this.im = new Float32Array(count);
    }
    convertToComplex(block.format, block.bytes, start * bps, this.re, this.im, count);
    // split at the thirds' boundaries so each frame lands in the third it completes in
    let i = 0;
    while (i < count) {
      const third = Math.min(THIRDS - 1, Math.floor((THIRDS * this.used) / this.o.totalSamples));
      const thirdEnd = Math.ceil(((third + 1) * this.o.totalSamples) / THIRDS);
      const n = Math.min(count - i, Math.max(1, thirdEnd - this.used));
      this.averager.pushComplex(this.re, this.im, i, n, third);
      i += n;
      this.used += n;
    }
    return !this.done;
  }

  /**
   * Locates the line and computes the result. Throws CalibrationError (NO_LINE) when nothing stands
   * `minSnrDb` over the floor in the search window, or when the input was too short for a single frame.
   */
  result(extraWarnings: string[] = []): CalibrationResult {
    const o = this.o;
    const av = this.averager;
    const frames = av.totalFrames;
    const fs = o.sampleRateHz;
    if (frames < 1) {
      throw new CalibrationError(
        'BW_ERR_CALIBRATION_NO_LINE',
        `too little input to measure: ${this.used} samples (${(this.used / fs).toFixed(3)} s), need at least ` +
          `${av.fftSize} for one ${av.fftSize}-point frame`,
        { field: '--duration' },
      );
    }
    const minSnrDb = o.minSnrDb ?? 10;
    const keff = av.effectiveFrames(frames);
    const search = findCarrierLine(av.spectrum(), {
      loBin: this.loBin,
      hiBin: this.hiBin,
      window: av.window,
      effectiveFrames: keff,
      minSnrDb,
    });
    if (!search.found) {
      throw new CalibrationError(
        'BW_ERR_CALIBRATION_NO_LINE',
        `no line stands ${minSnrDb} dB over the floor within ±${fmtHz(this.searchHz)} Hz of ${mhz(o.referenceHz)} MHz ` +
          `(strongest: ${search.bestSnrDb.toFixed(1)} dB at ${fmtHz(this.binToHz(search.bestBin) - o.referenceHz)} Hz ` +
          `from the reference, after ${(this.used / fs).toFixed(2)} s): is the reference on the air, and the gain right?`,
        { field: '--reference-hz' },
      );
    }
    const line = search.line;
    const applied = o.appliedPpm ?? 0;
    const measuredHz = this.binToHz(line.bin);
    const offsetHz = measuredHz - o.referenceHz;
    const ppm = ((1 + applied * 1e-6) * (o.referenceHz / measuredHz) - 1) * 1e6;
    const uncertaintyHz = line.sigmaBins * this.binHz;
    const warnings = [...this.notes, ...extraWarnings];
    if (Math.abs(line.bin - av.fftSize / 2) < 3)
      warnings.push(
        'the line sits on the tuned centre, where the dongle DC offset is: tune the dongle ' +
          '100–300 kHz away from the reference (--center-hz) and measure again',
      );
    if (line.kind === 'resolved')
      warnings.push(
        `the line is ${fmtHz(line.widthBins * this.binHz)} Hz wide, not a clean carrier (modulated, pulsed or ` +
          'drifting): its centre is a power centroid and only as good as the signal is symmetric',
      );
    if (line.pedestalDb !== undefined)
      warnings.push(
        `the carrier rides on modulation ${line.pedestalDb.toFixed(1)} dB over the noise: measure it in a pause of ` +
          'the modulation, or on an unmodulated reference, for full accuracy',
      );
    if (line.second && line.second.snrDb > line.snrDb - 6)
      warnings.push(
        `a second line ${fmtHz(this.binToHz(line.second.bin) - o.referenceHz)} Hz from the reference is only ` +
          `${(line.snrDb - line.second.snrDb).toFixed(1)} dB weaker: check which one is the reference (narrow --search-hz)`,
      );
    if (this.lostSamples > 0) warnings.push(`${this.lostSamples} samples were lost in the input (frames restarted)`);
    if (this.foreignSamples > 0)
      warnings.push(
        `${this.foreignSamples} samples at another centre frequency or rate were ignored (only the first tuning is measured)`,
      );
    if (this.used < o.totalSamples)
      warnings.push(
        `the input ended after ${(this.used / fs).toFixed(2)} s of the ${(o.totalSamples / fs).toFixed(2)} s asked for`,
      );
    if (Math.abs(ppm) > 200)
      warnings.push(`${ppm.toFixed(1)} ppm is outside the config's ±200 ppm range: is this the right reference?`);
    const result: CalibrationResult = {
      referenceHz: o.referenceHz,
      measuredHz,
      offsetHz,
      offsetPpm: (offsetHz / o.referenceHz) * 1e6,
      appliedPpm: applied,
      residualPpm: ppm - applied,
      ppm,
      uncertaintyHz,
      uncertaintyPpm: (uncertaintyHz / o.referenceHz) * 1e6,
      snrDb: line.snrDb,
      lineWidthHz: line.widthBins * this.binHz,
      lineKind: line.kind,
      searchHz: this.searchHz,
      centerHz: o.centerHz,
      sampleRateHz: fs,
      fftSize: av.fftSize,
      binHz: this.binHz,
      frames,
      effectiveFrames: keff,
      durationS: this.used / fs,
      drift: null,
      warnings,
    };
    if (line.second)
      result.secondLine = {
        offsetHz: this.binToHz(line.second.bin) - o.referenceHz,
        snrDb: line.second.snrDb,
      };
    const thirds = this.thirds(line);
    result.drift = driftOf(thirds, o.referenceHz, this.used / fs, warnings);
    const [t0, t1, t2] = thirds;
    if (t0 && t1 && t2) {
      // The noise formula knows nothing of a line that wanders: modulation under a carrier, the changing shape of a
      // wide line, a drift that is not steady. The thirds' departure from a straight line, e = t0 − 2·t1 + t2, has
      // variance 6σ² for independent thirds of spread σ (one degree of freedom, so it is a rough figure), and a
      // steady drift does not enter it. Neither figure may claim less than that.
      const e = t0.offsetHz - 2 * t1.offsetHz + t2.offsetHz;
      const perThird = Math.abs(e) / Math.sqrt(6);
      const ofMean = perThird / Math.sqrt(3);
      if (ofMean > result.uncertaintyHz) {
        result.uncertaintyHz = ofMean;
        result.uncertaintyPpm = (ofMean / o.referenceHz) * 1e6;
      }
      if (result.drift) result.drift.uncertaintyHz = Math.max(result.drift.uncertaintyHz, perThird * Math.SQRT2);
    }
    return result;
  }

  private binToHz(bin: number): number {
    return this.o.centerHz + (bin - this.averager.fftSize / 2) * this.binHz;
  }

  /** The line in each third (null: too few frames or no line), searched over the whole run's line ± margin. */
  private thirds(line: CarrierLine): (ThirdMeasurement | null)[] {
    const av = this.averager;
    const per: (ThirdMeasurement | null)[] = [];
    const margin = Math.max(5, 2 * line.widthBins);
    const spec = new Float64Array(av.fftSize);
    for (let t = 0; t < THIRDS; t++) {
      const frames = av.frames[t] as number;
      if (frames < 2) {
        per.push(null);
        continue;
      }
      const r = findCarrierLine(av.spectrum(t, spec), {
        loBin: Math.max(this.loBin, line.regionLo - margin),
        hiBin: Math.min(this.hiBin, line.regionHi + margin),
        window: av.window,
        effectiveFrames: av.effectiveFrames(frames),
        minSnrDb: this.o.minSnrDb ?? 10,
        // the floor from the whole window, not just the narrowed search
        floorSpanBins: this.hiBin - this.loBin + 1,
        // a wide line is followed over the region the whole run found, by the same centroid
        region:
          line.kind === 'resolved' ? { lo: line.regionLo, hi: line.regionHi, widthBins: line.widthBins } : undefined,
      });
      per.push(
        r.found
          ? {
              offsetHz: this.binToHz(r.line.bin) - this.o.referenceHz,
              uncertaintyHz: r.line.sigmaBins * this.binHz,
              snrDb: r.line.snrDb,
            }
          : null,
      );
    }
    return per;
  }
}

/** Drift between the first and last third, or null (with a warning) when either has no line. */
function driftOf(
  thirds: (ThirdMeasurement | null)[],
  referenceHz: number,
  usedS: number,
  warnings: string[],
): DriftMeasurement | null {
  const [first, middle, last] = thirds;
  if (!first || !last) {
    warnings.push('no drift figure: the first or last third is too short or has no line of its own');
    return null;
  }
  const driftHz = last.offsetHz - first.offsetHz;
  return {
    first,
    middle: middle ?? null,
    last,
    driftHz,
    driftPpm: (driftHz / referenceHz) * 1e6,
    uncertaintyHz: Math.hypot(first.uncertaintyHz, last.uncertaintyHz),
    spanS: (2 / THIRDS) * usedS,
  };
}

function mhz(hz: number): string {
  return String(Number((hz / 1e6).toFixed(6)));
}

function fmtHz(hz: number): string {
  return Math.abs(hz) >= 100 ? hz.toFixed(0) : hz.toFixed(1);
}
