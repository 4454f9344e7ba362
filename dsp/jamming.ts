/**
 * Jamming indicators per spectrum and jammer detectors across spectra.
 *
 * Per spectrum ({@link JammingFeatures}): rise of the noise floor over the learned baseline (a
 * {@link NoiseFloorTracker} fed the estimator's raw segment floors), spectral flatness of the usable bins, and the
 * fraction of usable bins the CFAR marked.
 *
 * Across spectra ({@link JammingDetector}, fed in time order with the spectrum's time in seconds):
 * - barrage: a contiguous run of segments whose floor rose ≥ `riseDb` over the baseline, ≥ `minWidthHz` wide (or
 *   ≥ `minFraction` of the usable segments), as flat as noise, steady (per frame when the per-frame input is given,
 *   else from spectrum to spectrum: a fast sweep's smear or a fast pulse train wobbles), not mostly inside one
 *   licensed channel, for ≥ `persistS`; edges refined per bin. While it looks active the baseline is held.
 * - sweep: narrow lines that moved since the previous tracker step (≥ 50 ms apart), followed by a small multi-target
 *   tracker; a track whose frequency moves at a consistent, non-zero rate (median step rate, most steps within
 *   ±tolerance of it, small residual of a linear fit over the unwrapped positions, a minimum span; saw-tooth wraps
 *   back to the start of the span are allowed); a track that never leaves a licensed channel whose user was seen
 *   modulated is that user. From the per-frame band powers (the band holding the frame's excess power): band by band
 *   at a steady rate (≈ 0.5–100 MHz/s, rate from the band-edge crossing times), frame to frame at a consistent rate
 *   (faster), or — when one frame spans half the sweep — a run of hard-switching bands whose total stays put.
 * - pulse: per segment two on/off units (segment floor: wideband; strongest bin: narrowband) against the baseline;
 *   rising edges at a stable, phase-locked period (every interval and on-time within ±5 % + one spectrum interval)
 *   over ≥ `minCycles` cycles and ≥ `minRunS`, with two clear, steady levels measured over those cycles only; duty
 *   cycle from the on-times. Periods
 *   of licensed TDMA frames (DMR 60 ms, TETRA 56.67 ms), or their aliases at the spectrum rate, are ignored; so is
 *   periodic energy explained by a recent sweep. Firing segments with the same period merge. The "off" level must
 *   sit near the noise floor and the whole emission must switch (an FM signal moving power between segments does
 *   not). Pulses faster than the spectrum rate come from the per-frame band powers (on/off keying per band).
 * - cw: a line ≤ `maxWidthBins` wide at −10 dB, `minSnrDb` over the floor, steady in frequency (±0.5 bin) and level
 *   (±1.5 dB each frame, std ≤ 1 dB) for ≥ `minDurationS`, without symmetric modulation sidebands (a wireless mic's
 *   pilot tone, an FM carrier's Bessel lines); optionally only inside given channels; not at the frequency and
 *   power of an emission that was modulated within the last `carrierMemoryS` (a licensed user's speech pause).
 *
 * Licensed traffic stays quiet by construction: PTT bursts are irregular (no stable period, no steady streak),
 * 4FSK/NFM/mic FM are wider than a CW line and stationary (rate ≈ 0), OFDM is wide but covers less than
 * `minFraction` of the band and is not a narrow line.
 *
 * Allocation: everything is preallocated in the constructor; `update` reuses the detection objects.
 */
import type { Emission, JammerDetection, JammingFeatures, Spectrum } from './types.ts';
import {
  NoiseFloorTracker,
  type NoiseFloorEstimator,
  type NoiseFloorTrackerOptions,
  quickselect,
} from './noise-floor.ts';
import { gammaQInv, noiseFlatness } from './stats.ts';

/** One spectrum's worth of inputs, after floor estimation, CFAR and emission extraction. */
export interface JammingFrame {
  spectrum: Pick<Spectrum, 'startHz' | 'binHz' | 'fftSize' | 'effectiveFrames'> & { binFlags?: Uint8Array };
  /** Time of the spectrum, seconds (monotonic). */
  timeS: number;
  psdLin: Float32Array | Float64Array;
  /** The estimator, after `estimate()` on this spectrum. */
  floor: NoiseFloorEstimator;
  /** CFAR mask of this spectrum. */
  detMask: Uint8Array;
  emissions: readonly Emission[];
  emissionCount: number;
  /**
   * Optional per-FFT-frame band powers of the frames that went into this spectrum (or any frames since the previous
   * call, in time order). Enables the fast detectors: pulses faster than the spectrum rate, fast sweeps that smear
   * within one spectrum, and the per-frame checks that tell a barrage from both. Without it those detectors stay off
   * and the detector behaves as before (plus the spectrum-level checks).
   */
  framePower?: FramePowerInput;
}

/**
 * Per-frame band powers: frame f, band b at `powerLin[f * bands + b]`. Units: the sum over the band's bins of a
 * single-frame PSD with the {@link Spectrum} calibration (a {@link WelchPsd} with `averages: 1` and the same
 * window, fftSize and overlap as the main one — see {@link FramePowerCollector}). The detector compares them with
 * Σ floorLin over the same bins, so the calibration must match.
 */
export interface FramePowerInput {
  /** Start time of each frame, s (same clock as {@link JammingFrame.timeS}), increasing. */
  timeS: ArrayLike<number>;
  powerLin: Float32Array | Float64Array;
  /** Frames in this input. */
  count: number;
  /** Bands per frame. */
  bands: number;
  /** Band edges in bins (bands + 1 entries, FFT-shifted, increasing). Default: the estimator's segmentStart. */
  bandStartBin?: ArrayLike<number>;
}

/**
 * Collects per-frame band powers from single-frame spectra (a second `WelchPsd` with `averages: 1`, fed the same
 * bytes as the main one) for {@link JammingFrame.framePower}. Preallocated; `push` allocates nothing. Call
 * {@link clear} after passing {@link input} to `update`.
 */
export class FramePowerCollector {
  readonly bands: number;
  readonly bandStartBin: Int32Array;
  readonly timeS: Float64Array;
  readonly powerLin: Float32Array;
  private readonly cap: number;
  private n = 0;
  private readonly view: FramePowerInput;

  /**
   * @param bandStartBin band edges in bins (bands + 1 entries), normally `NoiseFloorEstimator.segmentStart`.
   * @param capacity frames kept between two `clear()` calls (default 256 ≈ 0.2 s at 2.4 MS/s, N = 2048); the
   *   oldest are dropped beyond it.
   */
  constructor(bandStartBin: ArrayLike<number>, capacity = 256) {
    this.bands = bandStartBin.length - 1;
    if (this.bands < 1) throw new RangeError('FramePowerCollector: need at least one band');
    this.bandStartBin = Int32Array.from(bandStartBin);
    this.cap = capacity;
    this.timeS = new Float64Array(capacity);
    this.powerLin = new Float32Array(capacity * this.bands);
    this.view = {
      timeS: this.timeS,
      powerLin: this.powerLin,
      count: 0,
      bands: this.bands,
      bandStartBin: this.bandStartBin,
    };
  }

  /** Add one single-frame spectrum (psdLin with the Spectrum calibration) starting at `timeS` seconds. */
  push(psdLin: Float32Array | Float64Array, timeS: number): void {
    if (this.n === this.cap) {
      // Full: drop the oldest (shift by one frame; rare, only when clear() is not called).
      this.timeS.copyWithin(0, 1);
      this.powerLin.copyWithin(0, this.bands);
      this.n--;
    }
    const f = this.n++;
    this.timeS[f] = timeS;
    const e = this.bandStartBin;
    for (let b = 0; b < this.bands; b++) {
      let sum = 0;
      for (let k = e[b] as number; k < (e[b + 1] as number); k++) sum += psdLin[k] as number;
      this.powerLin[f * this.bands + b] = sum;
    }
  }

  /** The frames collected since the last clear (a reused view object). */
  get input(): FramePowerInput {
    this.view.count = this.n;
    return this.view;
  }

  get count(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }
}

export interface BarrageOptions {
  /** Floor rise counting a segment as jammed, dB (default 3: BeJamDetect "medium"). */
  riseDb?: number;
  /** Fraction of usable segments that must be jammed (default 0.5). */
  minFraction?: number;
  /** Flatness of the jammed bins relative to that of pure noise, 0..1 (default 0.75). */
  minRelFlatness?: number;
  /** Seconds the condition must hold (default 2). */
  persistS?: number;
  /**
   * A contiguous run of risen segments at least this wide, Hz, is a barrage candidate whatever fraction of the band
   * it covers (default 300 kHz). A licensed wideband carrier (OFDM) of that width looks the same: list its channel
   * in {@link JammingOptions.licensedChannels}.
   */
  minWidthHz?: number;
  /**
   * Without per-frame input: RMS change of the run's segment levels from one spectrum to the next, dB, at most
   * (default 0.5). A barrage is stationary noise; a fast sweep's smear or a fast pulse train averaged over a
   * spectrum wobbles by ±1–2 dB as the crossings/pulses per spectrum change.
   */
  maxStepDb?: number;
  /** With per-frame input: the run's per-frame power spread (90th / 10th percentile) at most, dB (default 3). */
  maxFrameSpreadDb?: number;
}

export interface SweepOptions {
  /** Candidate line: peak SNR over the floor, dB (default 10). */
  minSnrDb?: number;
  /** Candidate line: at most this many bins wide (default 16: a line smeared by the sweep during one spectrum). */
  maxLineWidthBins?: number;
  /** Points kept per track (default 24). */
  historyPoints?: number;
  /** Points needed to decide (default 8). */
  minPoints?: number;
  /**
   * Minimum |rate|, bins per tracker step (default 2; steps are ≥ minIntervalS apart). Slower lines look
   * stationary from one step to the next and are left to the CW / emission tracker.
   */
  minBinsPerFrame?: number;
  /** A step agrees with the rate within rateTolerance·|rate·dt| + 1.5 bins (default 0.15). */
  rateTolerance?: number;
  /** Fraction of steps that must be consistent (default 0.7). */
  minConsistent?: number;
  /** Minimum span between the extreme positions of a track, bins (default 12). */
  minSpanBins?: number;
  /**
   * The tracker steps at most every minIntervalS seconds (default 0.05): at high spectrum rates a sweep moves too
   * little between consecutive spectra to be told from a stationary line.
   */
  minIntervalS?: number;
  /** Fast sweeps (per-frame input): analysis window, s (default 0.25). */
  fastWindowS?: number;
  /** Fast sweeps: frames whose excess power is concentrated in one band (± 1) needed in the window (default 24). */
  fastMinFrames?: number;
  /** Fast sweeps: median movement of the per-frame peak, bands per frame, at least (default 0.2). */
  fastMinStepBands?: number;
  /** Fast sweeps: span of the per-frame peak, bands, at least (default 4). */
  fastMinSpanBands?: number;
  /**
   * Band-stepping sweeps (per-frame input; < ~1 band per frame, ≈ 0.5–60 MHz/s at 75 kHz bands and 0.85 ms frames):
   * analysis window, s (default 0.5).
   */
  stepWindowS?: number;
  /** Band-stepping sweeps: qualifying frames needed in the window (default 48 ≈ 41 ms of frames). */
  stepMinFrames?: number;
  /**
   * Band-stepping sweeps: net monotonic travel of the per-frame peak over the window, bands, at least (default 6:
   * 450 kHz, more than a licensed wideband user's ~3 bands).
   */
  stepMinTravelBands?: number;
}

export interface PulseOptions {
  /** A segment is "on" when its mean power is this far over its baseline, dB (default 6)... */
  onMeanDb?: number;
  /** ...or its strongest bin is this far over the baseline, dB (default 15). */
  onPeakDb?: number;
  /** Cycles (rising-edge intervals) needed (default 4)... */
  minCycles?: number;
  /** ...and at least this long a run of them, seconds (default 3; at most 15 cycles are kept). */
  minRunS?: number;
  /**
   * Interval tolerance around the period, relative (default 0.05) plus one spectrum interval; the on-times must
   * agree within the same tolerance (a jammer's clock is steady, PTT is not).
   */
  periodTolerance?: number;
  /**
   * Periods to ignore (licensed TDMA frames), seconds; ±5 %, and their aliases at the spectrum rate (default
   * [0.06, 0.05667]: DMR, TETRA).
   */
  licensedPeriodsS?: number[];
  /**
   * The "off" level must sit this close to the noise floor, dB (default 3): a pulsed jammer switches off, an FM
   * carrier moving power between segments does not.
   */
  maxOffDb?: number;
  /** On/off contrast in the band where the pulse is claimed, dB, at least (default 10). */
  minContrastDb?: number;
  /**
   * The summed power of the claimed band plus its occupied neighbours (the whole emission) must switch by this much,
   * dB (default 6; smoothed level while the segment is on minus while off): a constant-envelope FM signal moves
   * power between segments but its total stays put.
   */
  minGroupContrastDb?: number;
  /**
   * The same for the per-frame path, dB (default 3): the mean of the per-frame sum over the group and the emissions
   * overlapping it while the group's first band is keyed on, over the mean while it is off.
   */
  frameGroupContrastDb?: number;
  /** Fast pulses (per-frame input): analysis window, s (default 0.5). */
  frameWindowS?: number;
  /** Fast pulses: rising-edge intervals needed in the window (default 8). */
  frameMinCycles?: number;
  /** Fast pulses: longest period handled by the per-frame path, s (default 0.12; longer ones by the spectra). */
  frameMaxPeriodS?: number;
}

export interface CwOptions {
  /** Peak SNR over the floor, dB (default 15). */
  minSnrDb?: number;
  /** Width at −10 dB from the peak, bins (default 3). */
  maxWidthBins?: number;
  /** Duration the line must be steady, seconds (default 5). */
  minDurationS?: number;
  /** Frames the line must be steady, at least (default 10). */
  minFrames?: number;
  /** Std of the peak level over the streak, dB (default 1). */
  maxLevelStdDb?: number;
  /** Search for symmetric sidebands up to this offset, Hz (default 100 kHz). */
  sidebandSearchHz?: number;
  /**
   * Sideband lines count when this far over the floor, dB (default 6), and at least at the Pfa 1e-4 level of an
   * M-frame noise bin (so a raw periodogram does not find sidebands in noise).
   */
  sidebandSnrDb?: number;
  /** Only report lines inside these ranges, Hz (absolute RF). Default: anywhere. */
  channels?: ReadonlyArray<{ startHz: number; stopHz: number }>;
  /**
   * A line at the frequency of an emission that was modulated (≥ `modulatedMinBins` wide) within the last
   * `carrierMemoryS` seconds, at about that emission's power (`carrierLevelTolDb`), is that user's bare carrier (a
   * speech pause), not a CW jammer. Default 10 s; 0 turns the rule off.
   */
  carrierMemoryS?: number;
  /** 99 % occupied bandwidth of an emission that counts as modulated, bins (default 5). */
  modulatedMinBins?: number;
  /**
   * Level match between the bare carrier's peak and the modulated emission's channel power, dB (default 5): the
   * line may not be stronger than that by more than this, nor weaker by more than this + 10 dB.
   */
  carrierLevelTolDb?: number;
}

/** A frequency range, Hz (absolute RF). */
export interface HzRange {
  startHz: number;
  stopHz: number;
}

/** Options of {@link JammingDetector}. */
export interface JammingOptions {
  fftSize: number;
  /** Bins excluded from all jamming figures (DC, known spurs). */
  excludeMask?: Uint8Array;
  /** Fraction of the band at each edge left out (filter roll-off), default 0.05. */
  edgeFraction?: number;
  tracker?: Omit<NoiseFloorTrackerOptions, 'segments'>;
  barrage?: BarrageOptions;
  sweep?: SweepOptions;
  pulse?: PulseOptions;
  cw?: CwOptions;
  /**
   * Licensed channels (the frequency plan's active assignments), Hz. A barrage-like run inside one channel is its
   * licensed wideband user; a bare carrier inside a channel whose user was modulated recently is that user's.
   * Default none; change with {@link JammingDetector.setLicensedChannels}.
   */
  licensedChannels?: ReadonlyArray<HzRange>;
}

const MAX_SWEEP_TRACKS = 8;
const MAX_CANDIDATES = 16;
const MAX_CW_LINES = 16;
const PULSE_EDGES = 16;
const MAX_REPORTS = 4;
const MAX_MODULATED = 64;
/** Frames kept for the per-frame detectors (≈ 1.7 s at 2.4 MS/s, N = 2048). */
const FRAME_RING = 2048;
/** Per-frame results stand this long after the latest frame, s. */
const FRAME_STALE_S = 0.25;
/** Seconds a sweep is remembered to explain periodic energy in the segments it crosses. */
const SWEEP_MEMORY_S = 5;

function newDetection(type: JammerDetection['type'], keys: string[]): JammerDetection {
  const detail: Record<string, number> = {};
  for (const k of keys) detail[k] = 0;
  return { type, startHz: 0, stopHz: 0, score: 0, detail };
}

/** Multi-frame jammer detector. Construct once per stream (fftSize fixed); call {@link reset} after a retune. */
export class JammingDetector {
  readonly fftSize: number;
  /** Features of the latest spectrum (reused object). */
  readonly features: JammingFeatures = { floorRiseDb: 0, flatness: 0, occupiedFraction: 0 };
  /** Detections of the latest spectrum (reused array and objects). */
  readonly detections: JammerDetection[] = [];

  private readonly usable: Uint8Array;
  /** Bins inside this spectrum's emissions (left out of the barrage flatness). */
  private readonly inEmission: Uint8Array;
  private readonly edgeFraction: number;
  private readonly excludeMask: Uint8Array | undefined;
  private segments = 0;
  private segUsable = new Uint8Array(0);
  private segStart: Int32Array = new Int32Array(0);
  private readonly b: Required<BarrageOptions>;
  private readonly sw: Required<SweepOptions>;
  private readonly pu: Required<PulseOptions>;
  private readonly cw: Required<Omit<CwOptions, 'channels'>> & Pick<CwOptions, 'channels'>;
  private readonly trackerOpts: Omit<NoiseFloorTrackerOptions, 'segments'> | undefined;
  private licensed: ReadonlyArray<HzRange>;
  /** Segment of each bin. */
  private binSeg = new Int32Array(0);
  /** Noise reference per segment this spectrum, per bin (min of the estimator's floor and the learned baseline). */
  private segNoise = new Float64Array(0);
  private segScratch = new Float64Array(0);
  /** Mean power per bin of each segment this spectrum and the previous one (barrage steadiness). */
  private segMean = new Float64Array(0);
  private segMeanPrev = new Float64Array(0);
  private segMeanPrevOk = false;
  private segFloorPrev = new Float64Array(0);
  /** Long-term (≈ 2 s) mean of each segment's power over its noise (occupancy for the group-contrast test). */
  private segOcc = new Float64Array(0);
  /** Summed power over each segment's occupied neighbourhood this spectrum, over its noise, dB. */
  private segGroupDb = new Float64Array(0);

  // Per-frame band powers (ring) and their analysis.
  private fBands = 0;
  private fEdges = new Int32Array(0);
  private fCap = 0;
  private fT = new Float64Array(0);
  private fP = new Float32Array(0);
  private fHead = 0;
  private fCount = 0;
  /** Frames appended by the latest update (0 = no per-frame input this spectrum). */
  private fNew = 0;
  private framesFresh = false;
  private fNoise = new Float64Array(0);
  /** 1 / fNoise per band (the per-frame loops multiply instead of dividing). */
  private fNoiseInv = new Float64Array(0);
  /** fP offsets of the current window's frames (analyzeFrames scratch). */
  private fRows = new Int32Array(0);
  private fP10 = new Float64Array(0);
  private fP50 = new Float64Array(0);
  private fP90 = new Float64Array(0);
  private fMean = new Float64Array(0);
  private fScratch = new Float64Array(0);
  private fSum = new Float64Array(0);
  /** On/off state per band per window frame of the latest fast-pulse analysis. */
  private fState = new Uint8Array(0);
  private fPulsePeriod = new Float64Array(0);
  private fPulseDuty = new Float64Array(0);
  private fPulseCycles = new Int32Array(0);
  private readonly framePulseDets = Array.from({ length: MAX_REPORTS }, () =>
    newDetection('pulse', ['periodS', 'dutyCycle', 'cycles', 'segments', 'contrastDb']),
  );
  private framePulseReports = 0;
  private readonly fastSweepDet = newDetection('sweep', ['rateHzPerS', 'spanHz', 'periodS', 'points']);
  private fastSweepActive = false;
  private fastSweepSinceS = NaN;

  // Recently modulated emissions (their bare carrier in a speech pause is not a CW jammer).
  private readonly modHz = new Float64Array(MAX_MODULATED);
  private readonly modWidthHz = new Float64Array(MAX_MODULATED);
  private readonly modLevelDb = new Float64Array(MAX_MODULATED);
  private readonly modSeenS = new Float64Array(MAX_MODULATED).fill(-Infinity);

  // Barrage state.
  private barrageSinceS = NaN;
  private barrageActive = false;
  private readonly barrageDet = newDetection('barrage', [
    'riseDb',
    'fraction',
    'flatness',
    'durationS',
    'widthHz',
    'stepDb',
    'frameSpreadDb',
  ]);

  // Sweep tracker state: MAX_SWEEP_TRACKS tracks × historyPoints points.
  private readonly candHz = new Float64Array(MAX_CANDIDATES);
  private readonly candUsed = new Uint8Array(MAX_CANDIDATES);
  private candCount = 0;
  private readonly prevCandHz = new Float64Array(MAX_CANDIDATES);
  private prevCandCount = 0;
  private readonly trT: Float64Array;
  private readonly trF: Float64Array;
  private readonly trWrap: Uint8Array;
  private readonly trCount = new Int32Array(MAX_SWEEP_TRACKS);
  private readonly trHead = new Int32Array(MAX_SWEEP_TRACKS);
  private readonly trMiss = new Int32Array(MAX_SWEEP_TRACKS);
  private readonly trRate = new Float64Array(MAX_SWEEP_TRACKS);
  private readonly trAssigned = new Uint8Array(MAX_SWEEP_TRACKS);
  private readonly stepScratch: Float64Array;
  private readonly sweepDets = Array.from({ length: MAX_REPORTS }, () =>
    newDetection('sweep', ['rateHzPerS', 'spanHz', 'periodS', 'points']),
  );
  private frameDtS = NaN;
  private lastTimeS = NaN;
  private sweepSeenS = NaN;
  private sweepStepS = -Infinity;
  private sweepDtS = NaN;
  private sweepReports = 0;
  private spanLo = 0;
  private spanHi = 0;
  private sweepPeriodS = 0;
  private sweepLoHz = 0;
  private sweepHiHz = 0;

  // Pulse state per segment.
  private segOn = new Uint8Array(0);
  private segRiseT = new Float64Array(0);
  private segOnDur = new Float64Array(0);
  private segEdgeCount = new Int32Array(0);
  private segLastRise = new Float64Array(0);
  private segPeriod = new Float64Array(0);
  private segDuty = new Float64Array(0);
  private segFiring = new Uint8Array(0);
  /** Smoothed on-level over the noise, dB, per unit (reference of the deviation below). */
  private segOnLevel = new Float64Array(0);
  /** Smoothed absolute deviation of the on-level, dB: a jammer's on-level is steady, a wobbling hump is not. */
  private segOnDev = new Float64Array(0);
  /**
   * Per-unit sums over the current phase (level dB, group dB, spectra), moved into the cycle ring at each edge:
   * index 3u + 0 level, + 1 group, + 2 count; `segAccOff` for the off phase, `segAccOn` for the on phase.
   */
  private segAccOff = new Float64Array(0);
  private segAccOn = new Float64Array(0);
  /**
   * Per rising edge (ring like segRiseT, 3 values each as above): sums over the off phase that ended at this edge
   * and over the on phase that began with it (count 0 while it lasts). The on/off tests use only the cycles of the
   * periodic run, so what a unit does after its pattern ended (a licensed user releasing PTT) cannot complete it.
   */
  private segCycOff = new Float64Array(0);
  private segCycOn = new Float64Array(0);
  private readonly intervalScratch = new Float64Array(PULSE_EDGES);
  private readonly pulseDets = Array.from({ length: MAX_REPORTS }, () =>
    newDetection('pulse', ['periodS', 'dutyCycle', 'cycles', 'segments']),
  );

  // CW line table.
  private readonly cwBin = new Float64Array(MAX_CW_LINES);
  private readonly cwActive = new Uint8Array(MAX_CW_LINES);
  private readonly cwSeen = new Uint8Array(MAX_CW_LINES);
  private readonly cwStartS = new Float64Array(MAX_CW_LINES);
  private readonly cwFrames = new Int32Array(MAX_CW_LINES);
  private readonly cwLevelMean = new Float64Array(MAX_CW_LINES);
  private readonly cwLevelM2 = new Float64Array(MAX_CW_LINES);
  private readonly cwMiss = new Int32Array(MAX_CW_LINES);
  private sidebandFactor = 4;
  private sidebandFrames = NaN;
  private readonly cwDets = Array.from({ length: MAX_CW_LINES }, () =>
    newDetection('cw', ['levelDbfs', 'snrDb', 'durationS', 'levelStdDb', 'widthBins']),
  );

  constructor(opts: JammingOptions) {
    this.fftSize = opts.fftSize;
    this.edgeFraction = opts.edgeFraction ?? 0.05;
    if (opts.excludeMask && opts.excludeMask.length !== opts.fftSize) throw new RangeError('excludeMask length');
    this.excludeMask = opts.excludeMask;
    this.usable = new Uint8Array(opts.fftSize);
    this.inEmission = new Uint8Array(opts.fftSize);
    // The tracker is sized when the first spectrum tells us the estimator's segment count.
    this.trackerOpts = opts.tracker;
    this.b = {
      riseDb: 3,
      minFraction: 0.5,
      minRelFlatness: 0.75,
      persistS: 2,
      minWidthHz: 300e3,
      maxStepDb: 0.5,
      maxFrameSpreadDb: 3,
      ...opts.barrage,
    };
    this.licensed = opts.licensedChannels ?? [];
    this.sw = {
      minSnrDb: 10,
      maxLineWidthBins: 16,
      historyPoints: 24,
      minPoints: 8,
      minBinsPerFrame: 2,
      rateTolerance: 0.15,
      minConsistent: 0.7,
      minSpanBins: 12,
      minIntervalS: 0.05,
      fastWindowS: 0.25,
      fastMinFrames: 24,
      fastMinStepBands: 0.2,
      fastMinSpanBands: 4,
      stepWindowS: 0.5,
      stepMinFrames: 48,
      stepMinTravelBands: 6,
      ...opts.sweep,
    };
    this.pu = {
      onMeanDb: 6,
      onPeakDb: 15,
      minCycles: 4,
      minRunS: 3,
      periodTolerance: 0.05,
      licensedPeriodsS: [0.06, 0.05667],
      maxOffDb: 3,
      minContrastDb: 10,
      minGroupContrastDb: 6,
      frameGroupContrastDb: 3,
      frameWindowS: 0.5,
      frameMinCycles: 8,
      frameMaxPeriodS: 0.12,
      ...opts.pulse,
    };
    this.cw = {
      minSnrDb: 15,
      maxWidthBins: 3,
      minDurationS: 5,
      minFrames: 10,
      maxLevelStdDb: 1,
      sidebandSearchHz: 100e3,
      sidebandSnrDb: 6,
      carrierMemoryS: 10,
      modulatedMinBins: 5,
      carrierLevelTolDb: 5,
      ...opts.cw,
    };
    const hp = this.sw.historyPoints;
    this.trT = new Float64Array(MAX_SWEEP_TRACKS * hp);
    this.trF = new Float64Array(MAX_SWEEP_TRACKS * hp);
    this.trWrap = new Uint8Array(MAX_SWEEP_TRACKS * hp);
    this.stepScratch = new Float64Array(hp);
  }

  private trackerRef: NoiseFloorTracker | undefined;

  private ensureSegments(est: NoiseFloorEstimator): void {
    if (this.segments === est.segments && this.trackerRef) return;
    const s = est.segments;
    this.segments = s;
    this.segStart = est.segmentStart;
    this.segUsable = new Uint8Array(s);
    // Pulse units: two per segment, 2s = wideband (segment floor rise), 2s+1 = narrowband (strongest bin).
    this.segOn = new Uint8Array(2 * s);
    this.segRiseT = new Float64Array(2 * s * PULSE_EDGES);
    this.segOnDur = new Float64Array(2 * s * PULSE_EDGES);
    this.segEdgeCount = new Int32Array(2 * s);
    this.segLastRise = new Float64Array(2 * s).fill(NaN);
    this.segPeriod = new Float64Array(2 * s);
    this.segDuty = new Float64Array(2 * s);
    this.segFiring = new Uint8Array(2 * s);
    this.segOnLevel = new Float64Array(2 * s);
    this.segOnDev = new Float64Array(2 * s);
    this.segAccOff = new Float64Array(2 * s * 3);
    this.segAccOn = new Float64Array(2 * s * 3);
    this.segCycOff = new Float64Array(2 * s * PULSE_EDGES * 3);
    this.segCycOn = new Float64Array(2 * s * PULSE_EDGES * 3);
    this.binSeg = new Int32Array(this.fftSize);
    for (let q = 0; q < s; q++) this.binSeg.fill(q, est.segmentStart[q] as number, est.segmentStart[q + 1] as number);
    this.segNoise = new Float64Array(s);
    this.segScratch = new Float64Array(s);
    this.segMean = new Float64Array(s);
    this.segMeanPrev = new Float64Array(s);
    this.segFloorPrev = new Float64Array(s);
    this.segMeanPrevOk = false;
    this.segOcc = new Float64Array(s);
    this.segGroupDb = new Float64Array(s);
    this.trackerRef = new NoiseFloorTracker({ segments: s, ...this.trackerOpts });
  }

  /** The learned floor baseline (created with the first spectrum, sized to the estimator's segments). */
  get tracker(): NoiseFloorTracker | undefined {
    return this.trackerRef;
  }

  /** Replace the licensed channel list (the plan changed). */
  setLicensedChannels(channels: ReadonlyArray<HzRange>): void {
    this.licensed = channels;
  }

  /** Forget everything learned (after a retune or gain change). */
  reset(): void {
    this.fCount = 0;
    this.fHead = 0;
    this.fNew = 0;
    this.fastSweepActive = false;
    this.fastSweepSinceS = NaN;
    this.framePulseReports = 0;
    this.modSeenS.fill(-Infinity);
    this.segMeanPrevOk = false;
    this.segOcc.fill(0);
    this.trackerRef?.reset();
    this.barrageSinceS = NaN;
    this.barrageActive = false;
    this.trCount.fill(0);
    this.trMiss.fill(0);
    this.candCount = 0;
    this.segOn.fill(0);
    this.segEdgeCount.fill(0);
    this.segLastRise.fill(NaN);
    this.segOnLevel.fill(0);
    this.segOnDev.fill(0);
    this.segAccOff.fill(0);
    this.segAccOn.fill(0);
    this.segCycOff.fill(0);
    this.segCycOn.fill(0);
    this.cwActive.fill(0);
    this.lastTimeS = NaN;
    this.frameDtS = NaN;
    this.sweepSeenS = NaN;
    this.sweepPeriodS = 0;
    this.sweepStepS = -Infinity;
    this.sweepDtS = NaN;
    this.sweepReports = 0;
    this.prevCandCount = 0;
    this.detections.length = 0;
  }

  /** Process one spectrum; returns the detections active now (reused array). */
  update(fr: JammingFrame): readonly JammerDetection[] {
    const n = this.fftSize;
    if (fr.psdLin.length !== n) throw new RangeError(`JammingDetector: PSD length ${fr.psdLin.length} != ${n}`);
    this.ensureSegments(fr.floor);
    const tracker = this.trackerRef as NoiseFloorTracker;
    const dt = this.lastTimeS === this.lastTimeS ? fr.timeS - this.lastTimeS : NaN;
    if (dt > 0) this.frameDtS = this.frameDtS === this.frameDtS ? 0.9 * this.frameDtS + 0.1 * dt : dt;
    this.lastTimeS = fr.timeS;
    this.buildUsable(fr.spectrum.binFlags);

    // Per-spectrum features.
    const psd = fr.psdLin;
    let usableCount = 0;
    let hits = 0;
    let sumLin = 0;
    let sumLn = 0;
    // Σ ln x as ln of products of 8 clamped values: one log per 8 bins (8 × 1e±30 stays inside a double).
    let prod = 1;
    let inProd = 0;
    for (let i = 0; i < n; i++) {
      if (!this.usable[i]) continue;
      const v = psd[i] as number;
      usableCount++;
      hits += fr.detMask[i] as number;
      sumLin += v;
      prod *= v > 1e-30 ? (v < 1e30 ? v : 1e30) : 1e-30;
      if (++inProd === 8) {
        sumLn += Math.log(prod);
        prod = 1;
        inProd = 0;
      }
    }
    sumLn += Math.log(prod);
    const flat = usableCount > 0 && sumLin > 0 ? Math.exp(sumLn / usableCount) / (sumLin / usableCount) : 0;
    this.features.flatness = flat;
    this.features.occupiedFraction = usableCount > 0 ? hits / usableCount : 0;

    // Barrage candidate before the tracker update, so the baseline can be held while it looks like one.
    const est = fr.floor;
    this.segmentLevels(fr, dt);
    let jammed = 0;
    let segsUsable = 0;
    const riseThr = 10 ** (this.b.riseDb / 10);
    for (let s = 0; s < this.segments; s++) {
      const base = tracker.baselineLin[s] as number;
      const v = est.segmentFloorLin[s] as number;
      if (!this.segUsable[s] || !(v > 0)) continue;
      segsUsable++;
      if (base > 0 && v >= base * riseThr) jammed++;
    }
    const fraction = segsUsable > 0 ? jammed / segsUsable : 0;
    const runFound = tracker.learned && this.findRun(fr, fraction);
    const looksJammed = tracker.learned && (fraction >= this.b.minFraction || runFound);
    tracker.update(
      est.segmentFloorLin,
      est.globalFloorLin,
      fr.timeS,
      looksJammed || this.barrageActive || this.fastSweepActive || this.framePulseReports > 0,
    );
    this.features.floorRiseDb = tracker.learned ? tracker.globalRiseDb : 0;

    this.detections.length = 0;
    this.appendFrames(fr);
    // Frames may arrive in batches that do not line up with the spectra (a chunk's frames all before the first of
    // two spectra): between batches the latest per-frame results stand while the frames are recent.
    this.framesFresh = this.fCount > 0 && (this.fT[this.fSlot(1, 0)] as number) >= fr.timeS - FRAME_STALE_S;
    if (tracker.learned && this.fNew > 0) this.analyzeFrames(fr);
    else if (!tracker.learned || !this.framesFresh) {
      this.framePulseReports = 0;
      this.fastSweepActive = false;
    }
    this.detectBarrage(fr, fraction, runFound);
    this.detectSweep(fr);
    if (this.fastSweepActive) {
      // Remembered like a tracked sweep: periodic energy it leaves in the segments it crosses is not a pulse.
      this.sweepSeenS = fr.timeS;
      this.sweepLoHz = this.fastSweepDet.startHz;
      this.sweepHiHz = this.fastSweepDet.stopHz;
      this.sweepPeriodS = this.fastSweepDet.detail.periodS as number;
      if (!this.sweepCovers(this.fastSweepDet)) this.detections.push(this.fastSweepDet);
    }
    if (tracker.learned) this.detectPulse(fr);
    this.noteModulated(fr);
    this.detectCw(fr);
    this.segMeanPrev.set(this.segMean);
    this.segFloorPrev.set(fr.floor.segmentFloorLin);
    this.segMeanPrevOk = true;
    return this.detections;
  }

  /** True when a sweep already reported this spectrum overlaps d (the slow tracker and the fast path agree). */
  private sweepCovers(d: JammerDetection): boolean {
    for (const x of this.detections)
      if (x !== d && x.type === 'sweep' && x.startHz <= d.stopHz && x.stopHz >= d.startHz) return true;
    return false;
  }

  /**
   * Per-segment noise reference (min of the estimator's floor and the learned baseline, per bin: a wide jammer
   * covering half the band lifts the estimate, the baseline is held), mean power, and the occupancy average.
   */
  private segmentLevels(fr: JammingFrame, dt: number): void {
    const tracker = this.trackerRef as NoiseFloorTracker;
    const floor = fr.floor.floorLin;
    const psd = fr.psdLin;
    const a = dt > 0 ? 1 - Math.exp(-dt / 2) : 1;
    for (let s = 0; s < this.segments; s++) {
      const k0 = this.segStart[s] as number;
      const k1 = this.segStart[s + 1] as number;
      let fs = 0;
      let ps = 0;
      let c = 0;
      for (let k = k0; k < k1; k++) {
        if (!this.usable[k]) continue;
        fs += floor[k] as number;
        ps += psd[k] as number;
        c++;
      }
      if (c === 0) {
        for (let k = k0; k < k1; k++) {
          fs += floor[k] as number;
          ps += psd[k] as number;
        }
        c = k1 - k0;
      }
      const base = tracker.baselineLin[s] as number;
      const fm = fs / c;
      // The learned global floor (median of the segment floors) too: a segment whose baseline holds a licensed user
      // while a wide jammer lifts the estimate has no other noise reference.
      const g = tracker.baselineGlobalLin;
      let nz = tracker.learned && base > 0 ? Math.min(fm, base) : fm;
      if (tracker.learned && g > 0 && g < nz) nz = g;
      this.segNoise[s] = nz;
      this.segMean[s] = ps / c;
      const occ = nz > 0 ? ps / c / nz : 1;
      this.segOcc[s] = this.segMeanPrevOk ? (this.segOcc[s] as number) + a * (occ - (this.segOcc[s] as number)) : occ;
    }
    // Summed power over each segment's occupied neighbourhood (≤ 4 segments each side), over its noise, dB.
    for (let s = 0; s < this.segments; s++) {
      let lo = s;
      while (lo > 0 && s - lo < 4 && (this.segOcc[lo - 1] as number) >= 2) lo--;
      let hi = s;
      while (hi < this.segments - 1 && hi - s < 4 && (this.segOcc[hi + 1] as number) >= 2) hi++;
      let p = 0;
      let nz = 0;
      for (let q = lo; q <= hi; q++) {
        p += this.segMean[q] as number;
        nz += this.segNoise[q] as number;
      }
      this.segGroupDb[s] = nz > 0 && p > 0 ? 10 * Math.log10(p / nz) : 0;
    }
  }

  // Barrage run found by findRun (segment indices, inclusive).
  private runFirst = -1;
  private runLast = -1;
  private runStepEma = 0;

  /**
   * The widest contiguous run of segments risen ≥ riseDb over the baseline (gaps of ≤ 2 segments bridged when they
   * are as high as the run: a licensed user learned into the baseline there), if it is ≥ minWidthHz wide or covers
   * minFraction of the usable segments; or, with ≥ minFraction risen anywhere, their whole extent.
   */
  private findRun(fr: JammingFrame, fraction: number): boolean {
    const tracker = this.trackerRef as NoiseFloorTracker;
    const riseThr = 10 ** (this.b.riseDb / 10);
    const est = fr.floor;
    const risen = (s: number): boolean => {
      const base = tracker.baselineLin[s] as number;
      const v = est.segmentFloorLin[s] as number;
      return !!this.segUsable[s] && base > 0 && v >= base * riseThr;
    };
    let bestA = -1;
    let bestB = -1;
    let bestW = 0;
    let usableSegs = 0;
    for (let s = 0; s < this.segments; s++) usableSegs += this.segUsable[s] as number;
    let s = 0;
    while (s < this.segments) {
      if (!risen(s)) {
        s++;
        continue;
      }
      const a = s;
      let b = s;
      let q = s + 1;
      while (q < this.segments) {
        if (risen(q)) {
          b = q;
          q++;
          continue;
        }
        // Bridge ≤ 2 gap segments whose floor is at least half the run's.
        let next = -1;
        for (let g = q + 1; g <= q + 2 && g < this.segments; g++) {
          if (risen(g)) {
            next = g;
            break;
          }
        }
        if (next < 0) break;
        const ref = 0.5 * Math.min(est.segmentFloorLin[b] as number, est.segmentFloorLin[next] as number);
        let ok = true;
        for (let g = q; g < next; g++) if (!((est.segmentFloorLin[g] as number) >= ref)) ok = false;
        if (!ok) break;
        b = next;
        q = next + 1;
      }
      const w = (this.segStart[b + 1] as number) - (this.segStart[a] as number);
      if (w > bestW) {
        bestW = w;
        bestA = a;
        bestB = b;
      }
      s = b + 1;
    }
    const binHz = fr.spectrum.binHz;
    let ok =
      bestA >= 0 &&
      (bestW * binHz >= this.b.minWidthHz || (bestB - bestA + 1) / Math.max(1, usableSegs) >= this.b.minFraction);
    if (!ok && fraction >= this.b.minFraction) {
      // Risen over most of the band but broken up: the old whole-extent rule.
      bestA = -1;
      for (let q = 0; q < this.segments; q++) {
        if (!risen(q)) continue;
        if (bestA < 0) bestA = q;
        bestB = q;
      }
      ok = bestA >= 0;
    }
    if (ok) {
      const lo = fr.spectrum.startHz + (this.segStart[bestA] as number) * binHz;
      const hi = fr.spectrum.startHz + (this.segStart[bestB + 1] as number) * binHz;
      // A run mostly (≥ 70 %) inside one licensed channel is that channel's wideband user (licensed traffic next to
      // it may extend the run a little); a barrage over several channels is not.
      for (const ch of this.licensed) {
        const ov = Math.min(hi, ch.stopHz) - Math.max(lo, ch.startHz);
        if (ov >= 0.7 * (hi - lo)) ok = false;
      }
    }
    if (!ok) {
      this.runFirst = -1;
      this.runLast = -1;
      this.runStepEma = 0;
      return false;
    }
    // Steadiness from one spectrum to the next: median |Δ| of the run's segment floors (robust to licensed
    // carriers riding on top), smoothed.
    if (this.segMeanPrevOk && this.runFirst >= 0) {
      let c = 0;
      for (let q = bestA; q <= bestB; q++) {
        const x = est.segmentFloorLin[q] as number;
        const y = this.segFloorPrev[q] as number;
        if (!(x > 0 && y > 0)) continue;
        this.segScratch[c++] = Math.abs(10 * Math.log10(x / y));
      }
      if (c > 0) this.runStepEma += 0.3 * (quickselect(this.segScratch, c, c >> 1) - this.runStepEma);
    }
    this.runFirst = bestA;
    this.runLast = bestB;
    return true;
  }

  private buildUsable(flags: Uint8Array | undefined): void {
    const n = this.fftSize;
    const edge = Math.floor(this.edgeFraction * n);
    const ex = this.excludeMask;
    for (let i = 0; i < n; i++) {
      this.usable[i] = i >= edge && i < n - edge && !(ex && ex[i]) && !(flags && flags[i]) ? 1 : 0;
    }
    for (let s = 0; s < this.segments; s++) {
      const a = this.segStart[s] as number;
      const b = this.segStart[s + 1] as number;
      let u = 0;
      for (let i = a; i < b; i++) u += this.usable[i] as number;
      this.segUsable[s] = u >= 0.5 * (b - a) ? 1 : 0;
    }
  }

  // ---------------------------------------------------------------- barrage
  private detectBarrage(fr: JammingFrame, fraction: number, runFound: boolean): void {
    const tracker = this.trackerRef as NoiseFloorTracker;
    const sp = fr.spectrum;
    let ok = runFound;
    let rise = 0;
    let relFlat = 0;
    let lo = 0;
    let hi = 0;
    let spreadDb = 0;
    if (ok) {
      const a = this.runFirst;
      const b = this.runLast;
      // Level of the run: median of its segment floors (per bin). Bins far above it are licensed carriers riding
      // on the barrage and are left out of the flatness.
      let m = 0;
      let riseSum = 0;
      let riseN = 0;
      for (let q = a; q <= b; q++) {
        const v = fr.floor.segmentFloorLin[q] as number;
        this.segScratch[m++] = v;
        const base = tracker.baselineLin[q] as number;
        if (base > 0 && v > 0 && this.segUsable[q]) {
          riseSum += 10 * Math.log10(v / base);
          riseN++;
        }
      }
      const level = quickselect(this.segScratch, m, m >> 1);
      rise = riseN > 0 ? riseSum / riseN : 0;
      const cap = 4 * level;
      let sumLin = 0;
      let sumLn = 0;
      let prod = 1;
      let cnt = 0;
      for (let i = this.segStart[a] as number; i < (this.segStart[b + 1] as number); i++) {
        if (!this.usable[i]) continue;
        const x = fr.psdLin[i] as number;
        if (x > cap) continue;
        sumLin += x;
        prod *= x > 1e-30 ? x : 1e-30;
        if ((++cnt & 7) === 0) {
          sumLn += Math.log(prod);
          prod = 1;
        }
      }
      sumLn += Math.log(prod);
      const flat = cnt > 0 && sumLin > 0 ? Math.exp(sumLn / cnt) / (sumLin / cnt) : 0;
      relFlat = flat / noiseFlatness(Math.max(sp.effectiveFrames, 0.5));
      ok = relFlat >= this.b.minRelFlatness;
      lo = this.refineEdge(fr, a, -1, level);
      hi = this.refineEdge(fr, b, +1, level);
      if (ok && this.framesFresh) {
        // Per frame: a barrage is on all the time (a pulse train is not) and nothing inside it is a fast sweep.
        spreadDb = this.frameSpreadDb(fr, lo, hi);
        if (spreadDb > this.b.maxFrameSpreadDb) ok = false;
        if (this.fastSweepActive && this.fastSweepDet.startHz < hi && this.fastSweepDet.stopHz > lo) ok = false;
        for (let r = 0; r < this.framePulseReports; r++) {
          const d = this.framePulseDets[r] as JammerDetection;
          if (d.startHz < hi && d.stopHz > lo) ok = false;
        }
      } else if (ok && this.runStepEma > this.b.maxStepDb) ok = false;
    }
    if (!ok) {
      this.barrageSinceS = NaN;
      this.barrageActive = false;
      return;
    }
    if (this.barrageSinceS !== this.barrageSinceS) this.barrageSinceS = fr.timeS;
    const dur = fr.timeS - this.barrageSinceS;
    if (dur < this.b.persistS) return;
    this.barrageActive = true;
    const d = this.barrageDet;
    d.startHz = lo;
    d.stopHz = hi;
    d.score = Math.min(1, (rise / 10) * 0.5 + Math.max(fraction, (hi - lo) / (sp.binHz * this.fftSize)) * 0.5);
    d.detail.riseDb = rise;
    d.detail.fraction = fraction;
    d.detail.flatness = relFlat;
    d.detail.durationS = dur;
    d.detail.widthHz = hi - lo;
    d.detail.stepDb = this.runStepEma;
    d.detail.frameSpreadDb = spreadDb;
    this.detections.push(d);
  }

  /**
   * Edge of a barrage run, Hz: from the middle of the end segment outwards, the first bin where an 8-bin mean
   * falls below the geometric midpoint of the run level and the noise floor there.
   */
  private refineEdge(fr: JammingFrame, seg: number, dir: 1 | -1, level: number): number {
    const sp = fr.spectrum;
    const psd = fr.psdLin;
    const floor = fr.floor.floorLin;
    const n = this.fftSize;
    const segLen = (this.segStart[seg + 1] as number) - (this.segStart[seg] as number);
    let k = ((this.segStart[seg] as number) + (this.segStart[seg + 1] as number)) >> 1;
    const limit = dir > 0 ? Math.min(n - 4, k + 2 * segLen) : Math.max(4, k - 2 * segLen);
    while (k !== limit) {
      let m = 0;
      for (let j = -3; j <= 4; j++) m += psd[k + dir * j] as number;
      m /= 8;
      const nz = Math.min(floor[k] as number, this.segNoise[this.binSeg[k] as number] as number);
      if (m < Math.sqrt(level * nz)) break;
      k += dir;
    }
    // k is the first bin outside; the edge lies half a bin back towards the run.
    return sp.startHz + (k - 0.5 * dir) * sp.binHz;
  }

  /** Spread (90th / 10th percentile) of the per-frame power summed over [loHz, hiHz], dB, over the latest frames. */
  private frameSpreadDb(fr: JammingFrame, loHz: number, hiHz: number): number {
    const sp = fr.spectrum;
    const nb = this.fBands;
    let b0 = -1;
    let b1 = -1;
    for (let b = 0; b < nb; b++) {
      const f0 = sp.startHz + (this.fEdges[b] as number) * sp.binHz;
      const f1 = sp.startHz + (this.fEdges[b + 1] as number) * sp.binHz;
      // Bands fully inside the range.
      if (f0 >= loHz && f1 <= hiHz) {
        if (b0 < 0) b0 = b;
        b1 = b;
      }
    }
    if (b0 < 0) return 0;
    const w = Math.min(this.fCount, Math.max(this.fNew, 64));
    for (let j = 0; j < w; j++) {
      const slot = (this.fHead - w + j + this.fCap) % this.fCap;
      let sum = 0;
      for (let b = b0; b <= b1; b++) sum += this.fP[slot * nb + b] as number;
      this.fSum[j] = sum;
    }
    const p90 = quickselect(this.fSum, w, Math.floor(0.9 * (w - 1)));
    const p10 = quickselect(this.fSum, w, Math.floor(0.1 * (w - 1)));
    return p10 > 0 ? 10 * Math.log10(p90 / p10) : Infinity;
  }

  // ---------------------------------------------------------------- per-frame input
  private appendFrames(fr: JammingFrame): void {
    const fp = fr.framePower;
    this.fNew = 0;
    if (!fp || fp.count <= 0) return;
    const nb = fp.bands;
    const edges = fp.bandStartBin ?? fr.floor.segmentStart;
    if (edges.length !== nb + 1) throw new RangeError(`framePower: ${edges.length} band edges for ${nb} bands`);
    if (fp.powerLin.length < fp.count * nb) throw new RangeError('framePower: powerLin shorter than count × bands');
    let same = nb === this.fBands;
    for (let b = 0; same && b <= nb; b++) if (this.fEdges[b] !== edges[b]) same = false;
    if (!same) {
      this.fBands = nb;
      this.fEdges = Int32Array.from(edges);
      this.fCap = FRAME_RING;
      this.fT = new Float64Array(FRAME_RING);
      this.fP = new Float32Array(FRAME_RING * nb);
      this.fHead = 0;
      this.fCount = 0;
      this.fNoise = new Float64Array(nb);
      this.fNoiseInv = new Float64Array(nb);
      this.fP10 = new Float64Array(nb);
      this.fP50 = new Float64Array(nb);
      this.fP90 = new Float64Array(nb);
      this.fMean = new Float64Array(nb);
      this.fScratch = new Float64Array(FRAME_RING);
      this.fRows = new Int32Array(FRAME_RING);
      this.fSum = new Float64Array(FRAME_RING);
      this.fState = new Uint8Array(FRAME_RING * nb);
      this.fPulsePeriod = new Float64Array(nb);
      this.fPulseDuty = new Float64Array(nb);
      this.fPulseCycles = new Int32Array(nb);
    }
    for (let f = 0; f < fp.count; f++) {
      const slot = this.fHead;
      this.fT[slot] = fp.timeS[f] as number;
      for (let b = 0; b < nb; b++) this.fP[slot * nb + b] = fp.powerLin[f * nb + b] as number;
      this.fHead = (slot + 1) % this.fCap;
      if (this.fCount < this.fCap) this.fCount++;
    }
    this.fNew = Math.min(fp.count, this.fCap);
  }

  /** Ring slot of the j-th of the latest w frames (0 = oldest). */
  private fSlot(w: number, j: number): number {
    return (this.fHead - w + j + 2 * this.fCap) % this.fCap;
  }

  /** Frames in the latest `windowS` seconds. */
  private fWindow(windowS: number): number {
    const tEnd = this.fT[this.fSlot(1, 0)] as number;
    let w = 0;
    while (w < this.fCount && tEnd - (this.fT[this.fSlot(w + 1, 0)] as number) <= windowS) w++;
    return w;
  }

  private analyzeFrames(fr: JammingFrame): void {
    const nb = this.fBands;
    const floor = fr.floor.floorLin;
    const n = this.fftSize;
    for (let b = 0; b < nb; b++) {
      let nz = 0;
      for (let k = Math.max(0, this.fEdges[b] as number); k < Math.min(n, this.fEdges[b + 1] as number); k++) {
        const seg = this.segNoise[this.binSeg[k] as number] as number;
        const f = floor[k] as number;
        nz += seg > 0 && seg < f ? seg : f;
      }
      this.fNoise[b] = nz;
      this.fNoiseInv[b] = 1 / nz;
    }
    const w = this.fWindow(this.pu.frameWindowS);
    // Offsets of the window's frames in fP, once (not per band: the ring index costs a modulo).
    const rows = this.fRows;
    for (let j = 0; j < w; j++) rows[j] = this.fSlot(w, j) * nb;
    // Per-band statistics over the window, in units of the band's noise.
    for (let b = 0; b < nb; b++) {
      const inv = this.fNoiseInv[b] as number;
      let sum = 0;
      for (let j = 0; j < w; j++) {
        const r = (this.fP[(rows[j] as number) + b] as number) * inv;
        this.fScratch[j] = r;
        sum += r;
      }
      this.fMean[b] = sum / Math.max(1, w);
      // The median partitions the window: p10 is then selected among the lower part, p90 among the upper (the
      // same values as three full selections, for about half the work: this runs per band per spectrum).
      const k10 = Math.floor(0.1 * (w - 1));
      const k50 = Math.floor(0.5 * (w - 1));
      const k90 = Math.floor(0.9 * (w - 1));
      const p50 = quickselect(this.fScratch, w, k50);
      this.fP50[b] = p50;
      this.fP10[b] = k10 < k50 ? quickselect(this.fScratch, k50, k10) : p50;
      this.fP90[b] = k90 > k50 ? quickselect(this.fScratch, w, k90, k50 + 1) : p50;
    }
    this.framePulses(fr, w);
    this.fastSweep(fr);
  }

  private bandUsable(b: number): boolean {
    const k = ((this.fEdges[b] as number) + (this.fEdges[b + 1] as number)) >> 1;
    return k >= 0 && k < this.fftSize && !!this.usable[k];
  }

  /** Fast pulse trains from the per-frame band powers: per band on/off keying, then bands grouped. */
  private framePulses(fr: JammingFrame, w: number): void {
    const pu = this.pu;
    const nb = this.fBands;
    const offMax = 10 ** (pu.maxOffDb / 10);
    const contrast = 10 ** (pu.minContrastDb / 10);
    const frameDt =
      w > 1 ? ((this.fT[this.fSlot(w, w - 1)] as number) - (this.fT[this.fSlot(w, 0)] as number)) / (w - 1) : 0;
    for (let b = 0; b < nb; b++) {
      this.fPulsePeriod[b] = 0;
      if (!this.bandUsable(b) || w < 16) continue;
      const off = this.fP10[b] as number;
      const on = this.fP90[b] as number;
      if (!(off <= offMax) || !(on >= contrast * off)) continue;
      const mid = Math.sqrt(on * off) * (this.fNoise[b] as number);
      const hiT = mid * 1.41;
      const loT = mid / 1.41;
      let state = (this.fP[this.fSlot(w, 0) * nb + b] as number) >= mid ? 1 : 0;
      const st = b * FRAME_RING;
      this.fState[st] = state;
      let edges = 0;
      let firstT = NaN;
      let lastT = NaN;
      let k = 0;
      for (let j = 1; j < w; j++) {
        const slot = this.fSlot(w, j);
        const x = this.fP[slot * nb + b] as number;
        if (state === 0 && x >= hiT) {
          state = 1;
          const t = this.fT[slot] as number;
          if (edges > 0 && k < this.fSum.length) this.fSum[k++] = t - lastT;
          if (edges === 0) firstT = t;
          lastT = t;
          edges++;
        } else if (state === 1 && x <= loT) state = 0;
        this.fState[st + j] = state;
      }
      if (k < pu.frameMinCycles) continue;
      const period = (lastT - firstT) / k;
      if (!(period <= pu.frameMaxPeriodS) || period < 2 * frameDt) continue;
      // The keying fills the window (a signal switching on mid-window with a flickering edge is not a clock).
      const t0 = this.fT[this.fSlot(w, 0)] as number;
      const t1 = this.fT[this.fSlot(w, w - 1)] as number;
      if (firstT - t0 > 2 * period + frameDt || t1 - lastT > 2 * period + frameDt) continue;
      // Every interval within tolerance of the mean (a clock); a tenth may be off by a frame more (edge frames).
      let bad = 0;
      for (let j = 0; j < k; j++) {
        if (Math.abs((this.fSum[j] as number) - period) > pu.periodTolerance * period + 1.01 * frameDt) bad++;
      }
      if (bad > 0.1 * k) continue;
      if (isLicensedPeriod(period, 0, pu.licensedPeriodsS)) continue;
      const duty = ((this.fMean[b] as number) - off) / (on - off);
      if (!(duty > 0.02 && duty < 0.95)) continue;
      this.fPulsePeriod[b] = period;
      this.fPulseDuty[b] = duty;
      this.fPulseCycles[b] = k;
    }
    // Group bands with the same period (gaps ≤ 4 bands: bands holding licensed users cannot show the keying), then
    // the group's whole-emission contrast test.
    let reports = 0;
    const sp = fr.spectrum;
    let b = 0;
    while (b < nb && reports < MAX_REPORTS) {
      const p = this.fPulsePeriod[b] as number;
      if (!(p > 0)) {
        b++;
        continue;
      }
      let e = b;
      let dutySum = this.fPulseDuty[b] as number;
      let cycles = this.fPulseCycles[b] as number;
      let cnt = 1;
      for (let q = b + 1; q < nb && q - e <= 5; q++) {
        const pq = this.fPulsePeriod[q] as number;
        if (pq > 0 && Math.abs(pq - p) <= 0.1 * p) {
          e = q;
          dutySum += this.fPulseDuty[q] as number;
          cycles = Math.min(cycles, this.fPulseCycles[q] as number);
          cnt++;
        }
      }
      const b0 = b;
      b = e + 1;
      // Extend over the emissions (of the averaged spectrum) that overlap the group, ≤ 4 bands each side: the
      // whole signal whose share the group might only be. A separate emitter next to it is not included.
      let lo = b0;
      let hi = e;
      {
        const k0 = this.fEdges[b0] as number;
        const k1 = (this.fEdges[e + 1] as number) - 1;
        let e0 = k0;
        let e1 = k1;
        for (let x = 0; x < fr.emissionCount; x++) {
          const em = fr.emissions[x] as Emission;
          if (em.endBin < k0 || em.startBin > k1) continue;
          if (em.startBin < e0) e0 = em.startBin;
          if (em.endBin > e1) e1 = em.endBin;
        }
        while (lo > 0 && b0 - lo < 4 && (this.fEdges[lo] as number) > e0) lo--;
        while (hi < nb - 1 && hi - e < 4 && (this.fEdges[hi + 1] as number) <= e1) hi++;
      }
      // Mean of that sum while the group's first band is on vs while it is off: a jammer's keying shows in the
      // whole emission; an FM signal's edge band flickering with the audio leaves the sum unchanged.
      let onSum = 0;
      let onN = 0;
      let offSum = 0;
      let offN = 0;
      const st = b0 * FRAME_RING;
      for (let j = 0; j < w; j++) {
        const slot = this.fSlot(w, j);
        let sum = 0;
        for (let q = lo; q <= hi; q++) sum += this.fP[slot * nb + q] as number;
        if (this.fState[st + j]) {
          onSum += sum;
          onN++;
        } else {
          offSum += sum;
          offN++;
        }
      }
      const gDb = onN > 0 && offN > 0 && offSum > 0 ? 10 * Math.log10(onSum / onN / (offSum / offN)) : 0;
      if (gDb < pu.frameGroupContrastDb) continue;
      const d = this.framePulseDets[reports++] as JammerDetection;
      d.startHz = sp.startHz + (this.fEdges[b0] as number) * sp.binHz;
      d.stopHz = sp.startHz + ((this.fEdges[e + 1] as number) - 1) * sp.binHz;
      d.detail.periodS = p;
      d.detail.dutyCycle = dutySum / cnt;
      d.detail.cycles = cycles;
      d.detail.segments = cnt;
      d.detail.contrastDb = gDb;
      d.score = Math.min(1, 0.5 + 0.02 * cycles);
    }
    this.framePulseReports = reports;
  }

  /**
   * Sweeps from the per-frame band powers. Per frame, the band whose power rose most over its median (≥ 10 dB over
   * the noise and ≥ 3 dB over its median), holding most of the frame's excess (± one band), gives a position; then
   * - fast (≥ ~1 band per frame, crossing a band several times per spectrum): the frame-to-frame steps of that
   *   position have a consistent, non-zero median rate;
   * - band-stepping (slower, see {@link sweepBySteps}): the position climbs (or falls) band by band at a steady
   *   rate, with saw-tooth wraps.
   */
  private fastSweep(fr: JammingFrame): void {
    const sw = this.sw;
    const nb = this.fBands;
    const sp = fr.spectrum;
    this.fastSweepActive = false;
    const wAll = this.fWindow(Math.max(sw.fastWindowS, sw.stepWindowS));
    if (wAll < sw.fastMinFrames) return;
    const w = Math.min(wAll, this.fWindow(sw.fastWindowS));
    const j0 = wAll - w;
    const bandHz = (((this.fEdges[nb] as number) - (this.fEdges[0] as number)) / nb) * sp.binHz;
    // fScratch: positions (Hz, NaN when the frame does not qualify); fSum: times; over the longer window.
    let qual = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < wAll; j++) {
      const slot = this.fSlot(wAll, j);
      let best = -1;
      let bestX = 0;
      let total = 0;
      for (let b = 0; b < nb; b++) {
        if (!this.bandUsable(b)) continue;
        const x = (this.fP[slot * nb + b] as number) * (this.fNoiseInv[b] as number) - (this.fP50[b] as number);
        if (x <= 0) continue;
        total += x;
        if (x > bestX && x >= 10 && x >= (this.fP50[b] as number)) {
          bestX = x;
          best = b;
        }
      }
      this.fSum[j] = this.fT[slot] as number;
      this.fScratch[j] = NaN;
      if (best < 0) continue;
      let num = 0;
      let den = 0;
      for (let b = Math.max(0, best - 1); b <= Math.min(nb - 1, best + 1); b++) {
        if (!this.bandUsable(b)) continue;
        const x = (this.fP[slot * nb + b] as number) * (this.fNoiseInv[b] as number) - (this.fP50[b] as number);
        if (x <= 0) continue;
        const c = sp.startHz + 0.5 * ((this.fEdges[b] as number) + (this.fEdges[b + 1] as number)) * sp.binHz;
        num += x * c;
        den += x;
      }
      if (den < 0.6 * total) continue;
      const pos = num / den;
      this.fScratch[j] = pos;
      if (j < j0) continue;
      qual++;
      if (pos < lo) lo = pos;
      if (pos > hi) hi = pos;
    }
    // The band-stepping path first: where both apply (≈ 30–60 MHz/s) its edge-crossing rate is the exact one.
    if (this.sweepBySteps(fr, wAll, bandHz)) return;
    if (w >= sw.fastMinFrames && this.sweepByRate(fr, j0, wAll, qual, lo, hi, bandHz)) return;
    if (w >= sw.fastMinFrames) this.sweepBySmear(fr, w, bandHz);
  }

  /** Fast path over frames j0..w-1 of the position arrays (qual, lo, hi of those frames). */
  private sweepByRate(
    fr: JammingFrame,
    j0: number,
    w: number,
    qual: number,
    lo: number,
    hi: number,
    bandHz: number,
  ): boolean {
    const sw = this.sw;
    if (qual < sw.fastMinFrames || hi - lo < sw.fastMinSpanBands * bandHz) return false;
    // Steps between consecutive qualifying frames: rates, Hz/s.
    let m = 0;
    const rates = this.fRates(w);
    for (let j = j0 + 1; j < w; j++) {
      const a = this.fScratch[j - 1] as number;
      const c = this.fScratch[j] as number;
      const dt = (this.fSum[j] as number) - (this.fSum[j - 1] as number);
      if (a !== a || c !== c || !(dt > 0)) continue;
      rates[m++] = (c - a) / dt;
    }
    if (m < sw.fastMinFrames) return false;
    const steps = m;
    const copyMed = quickselect(rates, m, m >> 1);
    const frameDt = ((this.fSum[w - 1] as number) - (this.fSum[j0] as number)) / Math.max(1, w - 1 - j0);
    if (Math.abs(copyMed) * frameDt < sw.fastMinStepBands * bandHz) return false;
    let consistent = 0;
    let wraps = 0;
    for (let j = 0; j < steps; j++) {
      const r = rates[j] as number;
      if (Math.abs(r - copyMed) <= 0.6 * Math.abs(copyMed) + (0.75 * bandHz) / frameDt) consistent++;
      else if (Math.sign(r) !== Math.sign(copyMed) && Math.abs(r) * frameDt > 0.5 * (hi - lo)) wraps++;
    }
    if (consistent < 0.6 * (steps - wraps) || wraps > 0.25 * steps) return false;
    this.reportFastSweep(fr, lo, hi, bandHz, copyMed, (hi - lo + bandHz) / Math.abs(copyMed), qual);
    this.fastSweepDet.score = Math.min(1, consistent / Math.max(1, steps - wraps));
    return true;
  }

  /**
   * Band-stepping sweeps: slower than ~1 band per frame (10 MHz/s moves one 75 kHz band every 7.5 ms ≈ 9 frames)
   * the per-frame peak sits in one band for several frames and then steps to the next, so frame-to-frame steps are
   * mostly 0 and their median says nothing; the smear over a 27 ms spectrum (≥ 270 kHz at 10 MHz/s) is too wide for
   * the line tracker. What marks a sweep here is the staircase itself:
   * - continuity: qualifying positions ≤ 3 frames apart differ by at most about one band per frame elapsed (a
   *   sweep crosses every band in between; the strongest band of licensed traffic jumps between users);
   * - monotony: the continuous steps of the position (committed with ±0.75 band hysteresis: the centroid flickers
   *   while the carrier straddles a band edge) add up to a net travel ≥ `stepMinTravelBands` and ≥ 80 % of their
   *   absolute sum (a wobbling FM signal steps up and down alike);
   * - saw-tooth wraps: every large step goes against the travel, spans at least half the range and lands at its
   *   start; a step across a gap (out of the usable band, under a stronger emitter) agrees with the rate; anything
   *   else is a bad step (≤ 15 %), and wraps are ≤ 25 % of the steps;
   * - steady rate: the times at which the position first enters each next band (crossing a band edge, whose
   *   frequency is exact) fit one slope, with an intercept per stretch between wraps/gaps, within 0.5 band RMS.
   *   The slope of edge crossings is unbiased; a line through the staircase itself is not (a sweep whose ends fall
   *   inside bands shows one band fewer per period than it covers: −10 % at 0.5 MHz);
   * - present: qualifying frames fill ≥ 30 % of the time they span, the latest within 0.1 s of the window end.
   * Rate = that slope; range = the extreme positions ± half a band; period = the mean time between wraps.
   */
  private sweepBySteps(fr: JammingFrame, w: number, bandHz: number): boolean {
    const sw = this.sw;
    const pos = this.fScratch;
    const tim = this.fSum;
    let q = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let jFirst = -1;
    let jLast = -1;
    for (let j = 0; j < w; j++) {
      const p = pos[j] as number;
      if (p !== p) continue;
      q++;
      if (jFirst < 0) jFirst = j;
      jLast = j;
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    if (q < sw.stepMinFrames || hi - lo < sw.fastMinSpanBands * bandHz) return false;
    if (q < 0.3 * (jLast - jFirst + 1)) return false;
    if ((tim[w - 1] as number) - (tim[jLast] as number) > 0.1) return false;
    // Net and absolute travel (bands) of the committed position over continuous steps; their raw sum and time
    // (a rough rate for the gap test).
    let travel = 0;
    let absTravel = 0;
    let contSum = 0;
    let contDt = 0;
    let steps = 0;
    let prev = jFirst;
    let committed = (pos[jFirst] as number) / bandHz;
    for (let j = jFirst + 1; j <= jLast; j++) {
      const p = pos[j] as number;
      if (p !== p) continue;
      const pb = p / bandHz;
      const d = pb - (pos[prev] as number) / bandHz;
      steps++;
      if (j - prev <= 3 && Math.abs(d) <= 1.2 * (j - prev) + 0.6) {
        contSum += d;
        contDt += (tim[j] as number) - (tim[prev] as number);
        if (Math.abs(pb - committed) >= 0.75) {
          travel += pb - committed;
          absTravel += Math.abs(pb - committed);
          committed = pb;
        }
      } else committed = pb;
      prev = j;
    }
    if (Math.abs(travel) < sw.stepMinTravelBands || Math.abs(travel) < 0.8 * absTravel || !(contDt > 0)) return false;
    const dir = travel > 0 ? 1 : -1;
    const rate0 = contSum / contDt;
    const range = (hi - lo) / bandHz;
    // Classify the other steps; edge crossings into per-stretch regression sums (t relative to the window start).
    const t0 = tim[jFirst] as number;
    let wraps = 0;
    let bad = 0;
    let firstWrapT = NaN;
    let lastWrapT = NaN;
    let reach = Math.round(((pos[jFirst] as number) - lo) / bandHz);
    let n = 0;
    let sT = 0;
    let sF = 0;
    let sTT = 0;
    let sTF = 0;
    let sFF = 0;
    let pts = 0;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    prev = jFirst;
    for (let j = jFirst + 1; j <= jLast + 1; j++) {
      const p = j <= jLast ? (pos[j] as number) : NaN;
      if (j <= jLast && p !== p) continue;
      let cont = false;
      if (j <= jLast) {
        const d = (p - (pos[prev] as number)) / bandHz;
        const dt = (tim[j] as number) - (tim[prev] as number);
        cont = j - prev <= 3 && Math.abs(d) <= 1.2 * (j - prev) + 0.6;
        if (!cont) {
          const landsAtStart = dir > 0 ? p - lo <= 1.5 * bandHz : hi - p <= 1.5 * bandHz;
          if (Math.sign(d) === -dir && Math.abs(d) >= 0.5 * range && landsAtStart) {
            wraps++;
            if (firstWrapT !== firstWrapT) firstWrapT = tim[j] as number;
            lastWrapT = tim[j] as number;
          } else if (Math.abs(d - rate0 * dt) > 1.5 + 0.3 * Math.abs(rate0 * dt)) bad++;
        }
      }
      if (cont) {
        const k = Math.round((p - lo) / bandHz);
        if (dir * (k - reach) >= 1) {
          // Entered a band beyond the furthest reached in this stretch: a crossing of the edge before it.
          const tj = (tim[j] as number) - t0;
          const f = k - 0.5 * dir;
          n++;
          sT += tj;
          sF += f;
          sTT += tj * tj;
          sTF += tj * f;
          sFF += f * f;
          reach = k;
        }
      } else {
        // The stretch ends: its centred sums join the pooled ones (one intercept per stretch).
        if (n >= 2) {
          sxx += sTT - (sT * sT) / n;
          sxy += sTF - (sT * sF) / n;
          syy += sFF - (sF * sF) / n;
          pts += n;
        }
        n = 0;
        sT = sF = sTT = sTF = sFF = 0;
        if (j <= jLast) reach = Math.round((p - lo) / bandHz);
      }
      prev = j;
    }
    if (bad > 0.15 * steps || wraps > 0.25 * steps) return false;
    if (pts < 4 || !(sxx > 0)) return false;
    const slope = sxy / sxx;
    if (slope * dir <= 0) return false;
    if (Math.sqrt(Math.max(0, syy - slope * sxy) / pts) > 0.5) return false;
    const rateHz = slope * bandHz;
    const periodS = wraps >= 2 ? (lastWrapT - firstWrapT) / (wraps - 1) : (hi - lo + bandHz) / Math.abs(rateHz);
    this.reportFastSweep(fr, lo, hi, bandHz, rateHz, periodS, q);
    this.fastSweepDet.score = Math.min(1, 1 - (bad + 0.5 * wraps) / Math.max(1, steps));
    return true;
  }

  /**
   * Sweeps so fast that one frame holds a good part of the span (≳ 200 MHz/s over 0.5 MHz: 0.85 ms × 300 MHz/s =
   * 256 kHz of a 500 kHz span), so the per-frame peak jumps by about half the span each frame and its direction is
   * aliased away. What remains is the signature of one carrier moving fast: over a contiguous run of
   * ≥ `stepMinTravelBands` bands every band switches hard and often (90th / 10th percentile ≥ 10 dB, lit ≥ 10 dB
   * over the noise, ≥ 16 rising edges in 0.25 s) while the run's total power per frame stays put (spread ≤ `maxFrameSpreadDb`), and the bands share the
   * time evenly (their means within 6 dB). A barrage does not switch; a pulse train switches its total; a licensed FM
   * user moves its power the same way but over ≤ 3 bands (and is inside its channel).
   * |rate| from the frame's effective width (Σ excess / peak band excess, see {@link smearBandsToSweepBands}). The
   * direction is the sign of the
   * steps resolved modulo the span (ambiguous when a frame covers half the span; then positive).
   */
  private sweepBySmear(fr: JammingFrame, w: number, bandHz: number): boolean {
    const sw = this.sw;
    const nb = this.fBands;
    const sp = fr.spectrum;
    // Widest run of switching, lit bands.
    let bestA = -1;
    let bestB = -1;
    let a = -1;
    for (let b = 0; b <= nb; b++) {
      const ok =
        b < nb &&
        this.bandUsable(b) &&
        (this.fP90[b] as number) >= 10 &&
        (this.fP90[b] as number) >= 10 * Math.max(1, this.fP10[b] as number);
      if (ok && a < 0) a = b;
      if (!ok && a >= 0) {
        if (b - 1 - a > bestB - bestA) {
          bestA = a;
          bestB = b - 1;
        }
        a = -1;
      }
    }
    if (bestA < 0) return false;
    // The bands share the time evenly: trim edge bands the sweep only grazes, then every mean within 6 dB.
    let mMax = 0;
    for (let b = bestA; b <= bestB; b++) mMax = Math.max(mMax, this.fMean[b] as number);
    while (bestA < bestB && (this.fMean[bestA] as number) < 0.25 * mMax) bestA++;
    while (bestB > bestA && (this.fMean[bestB] as number) < 0.25 * mMax) bestB--;
    if (bestB - bestA + 1 < sw.stepMinTravelBands) return false;
    for (let b = bestA; b <= bestB; b++) if ((this.fMean[b] as number) < 0.25 * mMax) return false;
    // Switching means many times (≥ 16 rising edges in the last fastWindowS, about the geometric midpoint of the
    // band's p10/p90 with ±1.5 dB hysteresis): a barrage switching on once inside the 0.5 s statistics window has
    // the same p90/p10, a sweep at ≥ 200 MHz/s over ≤ 2 MHz hits every band every ≤ 10 ms.
    for (let b = bestA; b <= bestB; b++) {
      const mid = Math.sqrt((this.fP10[b] as number) * (this.fP90[b] as number)) * (this.fNoise[b] as number);
      let on = (this.fP[this.fSlot(w, 0) * nb + b] as number) >= mid;
      let rises = 0;
      for (let j = 1; j < w; j++) {
        const x = this.fP[this.fSlot(w, j) * nb + b] as number;
        if (!on && x >= 1.41 * mid) {
          on = true;
          rises++;
        } else if (on && x <= mid / 1.41) on = false;
      }
      if (rises < 16) return false;
    }
    const loHz = sp.startHz + (this.fEdges[bestA] as number) * sp.binHz;
    const hiHz = sp.startHz + (this.fEdges[bestB + 1] as number) * sp.binHz;
    for (const ch of this.licensed) {
      if (Math.min(hiHz, ch.stopHz) - Math.max(loHz, ch.startHz) >= 0.7 * (hiHz - loHz)) return false;
    }
    // Per frame: the run's total (steady) and effective width (fScratch / fSum are free after the other paths).
    const tot = this.fScratch;
    const width = this.fSum;
    for (let j = 0; j < w; j++) {
      const slot = this.fSlot(w, j);
      let sum = 0;
      let peak = 0;
      for (let b = bestA; b <= bestB; b++) {
        const x = (this.fP[slot * nb + b] as number) / (this.fNoise[b] as number) - 1;
        if (x <= 0) continue;
        sum += x;
        if (x > peak) peak = x;
      }
      tot[j] = sum;
      width[j] = peak > 0 ? sum / peak : 0;
    }
    const p90 = quickselect(tot, w, Math.floor(0.9 * (w - 1)));
    const p10 = quickselect(tot, w, Math.floor(0.1 * (w - 1)));
    if (!(p10 > 0) || 10 * Math.log10(p90 / p10) > this.b.maxFrameSpreadDb) return false;
    const wEff = quickselect(width, w, w >> 1);
    const frameS = (this.fT[this.fSlot(1, 0)] as number) - (this.fT[this.fSlot(2, 0)] as number);
    if (!(frameS > 0)) return false;
    const runBands = bestB - bestA + 1;
    const rateHz = (smearBandsToSweepBands(wEff) * bandHz) / frameS;
    // Direction: per-frame excess centroids (circular over the run), steps resolved modulo the run to the
    // candidate nearest the width's estimate.
    let up = 0;
    let down = 0;
    let prevC = NaN;
    const stepBands = (rateHz * frameS) / bandHz;
    for (let j = 0; j < w; j++) {
      const slot = this.fSlot(w, j);
      let cs = 0;
      let sn = 0;
      for (let b = bestA; b <= bestB; b++) {
        const x = (this.fP[slot * nb + b] as number) / (this.fNoise[b] as number) - 1;
        if (x <= 0) continue;
        const ph = (2 * Math.PI * (b - bestA)) / runBands;
        cs += x * Math.cos(ph);
        sn += x * Math.sin(ph);
      }
      const c = ((Math.atan2(sn, cs) / (2 * Math.PI)) * runBands + runBands) % runBands;
      if (prevC === prevC) {
        const d = (((c - prevC) % runBands) + runBands) % runBands; // 0..runBands: upward step
        if (Math.abs(d - stepBands) < Math.abs(runBands - d - stepBands) - 0.5) up++;
        else if (Math.abs(runBands - d - stepBands) < Math.abs(d - stepBands) - 0.5) down++;
      }
      prevC = c;
    }
    const sign = down > 1.5 * up ? -1 : 1;
    this.reportFastSweep(fr, loHz + bandHz / 2, hiHz - bandHz / 2, bandHz, sign * rateHz, (hiHz - loHz) / rateHz, w);
    this.fastSweepDet.score = 0.5;
    return true;
  }

  private reportFastSweep(
    fr: JammingFrame,
    lo: number,
    hi: number,
    bandHz: number,
    rateHz: number,
    periodS: number,
    points: number,
  ): void {
    if (this.fastSweepSinceS !== this.fastSweepSinceS) this.fastSweepSinceS = fr.timeS;
    const d = this.fastSweepDet;
    d.startHz = lo - bandHz / 2;
    d.stopHz = hi + bandHz / 2;
    // A sweep that reaches the last usable band runs on into the filter roll-off, where the emission tracker still
    // sees it: claim the next (unusable) band too, so its energy there is left to this report.
    const sp = fr.spectrum;
    const nb = this.fBands;
    const bHi = this.bandOf(hi, sp);
    if (bHi + 1 < nb && !this.bandUsable(bHi + 1)) d.stopHz = sp.startHz + (this.fEdges[bHi + 2] as number) * sp.binHz;
    const bLo = this.bandOf(lo, sp);
    if (bLo > 0 && !this.bandUsable(bLo - 1)) d.startHz = sp.startHz + (this.fEdges[bLo - 1] as number) * sp.binHz;
    d.detail.rateHzPerS = rateHz;
    d.detail.spanHz = hi - lo + bandHz;
    d.detail.periodS = periodS;
    d.detail.points = points;
    this.fastSweepActive = true;
  }

  /** Per-frame band holding frequency hz. */
  private bandOf(hz: number, sp: JammingFrame['spectrum']): number {
    const k = (hz - sp.startHz) / sp.binHz;
    let b = 0;
    while (b < this.fBands - 1 && (this.fEdges[b + 1] as number) <= k) b++;
    return b;
  }

  private fRateBuf = new Float64Array(0);
  private fRates(w: number): Float64Array {
    if (this.fRateBuf.length < w) this.fRateBuf = new Float64Array(FRAME_RING);
    return this.fRateBuf;
  }

  // ---------------------------------------------------------------- sweep
  private collectLineCandidates(fr: JammingFrame, minSnrDb: number, maxWidthBins: number): void {
    // Strongest narrow lines of this spectrum (by peak SNR), at most MAX_CANDIDATES.
    this.candCount = 0;
    const list = fr.emissions;
    for (let e = 0; e < fr.emissionCount; e++) {
      const em = list[e] as Emission;
      if (em.snrDb < minSnrDb || em.endBin - em.startBin + 1 > maxWidthBins) continue;
      if (this.candCount < MAX_CANDIDATES) this.candHz[this.candCount++] = em.peakHz;
    }
  }

  private detectSweep(fr: JammingFrame): void {
    const sw = this.sw;
    const binHz = fr.spectrum.binHz;
    const t = fr.timeS;
    const hp = sw.historyPoints;
    if (t - this.sweepStepS < 0.999 * sw.minIntervalS) {
      // Between tracker steps: report the tracks that fired at the last step.
      for (let r = 0; r < this.sweepReports; r++) this.detections.push(this.sweepDets[r] as JammerDetection);
      return;
    }
    const stepDt = t - this.sweepStepS;
    if (stepDt > 0 && Number.isFinite(stepDt))
      this.sweepDtS = this.sweepDtS > 0 ? 0.9 * this.sweepDtS + 0.1 * stepDt : stepDt;
    this.sweepStepS = t;
    this.collectLineCandidates(fr, sw.minSnrDb, sw.maxLineWidthBins);
    this.candUsed.fill(0);
    // Only lines that moved since the previous spectrum can belong to a sweep: a candidate with a line within
    // 1.5 bins of it in the previous spectrum is stationary (licensed carriers, hums, 4FSK) and is left out.
    for (let c = 0; c < this.candCount; c++) {
      const f = this.candHz[c] as number;
      for (let p = 0; p < this.prevCandCount; p++) {
        if (Math.abs((this.prevCandHz[p] as number) - f) <= 1.5 * binHz) {
          this.candUsed[c] = 1;
          break;
        }
      }
    }
    for (let c = 0; c < this.candCount; c++) this.prevCandHz[c] = this.candHz[c] as number;
    this.prevCandCount = this.candCount;
    this.trAssigned.fill(0);
    const maxStepHz = (this.fftSize / 8) * binHz;
    // 1) Tracks with a rate first (nearest candidate to the prediction), then their saw-tooth wraps back to the
    //    start of the span, then one-point tracks (nearest within maxStepHz): established tracks win contested
    //    candidates.
    for (let pass = 0; pass < 3; pass++) {
      for (let k = 0; k < MAX_SWEEP_TRACKS; k++) {
        const cnt = this.trCount[k] as number;
        if (cnt === 0 || this.trAssigned[k]) continue;
        if (pass < 2 !== cnt >= 2) continue;
        const lastIdx = k * hp + (((this.trHead[k] as number) - 1 + hp) % hp);
        const lt = this.trT[lastIdx] as number;
        const lf = this.trF[lastIdx] as number;
        const rate = cnt >= 2 ? (this.trRate[k] as number) : 0;
        let target: number;
        let gate: number;
        if (pass === 0) {
          target = lf + rate * (t - lt);
          gate = Math.max(3 * binHz, 0.5 * Math.abs(rate * (t - lt)));
        } else if (pass === 1) {
          if (cnt < 4 || rate === 0) continue;
          this.trackSpan(k);
          const lo = this.spanLo;
          const hi = this.spanHi;
          target = rate > 0 ? lo : hi;
          gate = Math.max(4 * binHz, 0.15 * (hi - lo));
        } else {
          target = lf;
          gate = maxStepHz;
        }
        let best = -1;
        let bestD = gate;
        for (let c = 0; c < this.candCount; c++) {
          if (this.candUsed[c]) continue;
          const d = Math.abs((this.candHz[c] as number) - target);
          if (d <= bestD) {
            bestD = d;
            best = c;
          }
        }
        if (best >= 0) {
          this.candUsed[best] = 1;
          this.trAssigned[k] = 1;
          this.pushPoint(k, t, this.candHz[best] as number, pass === 1 ? 1 : 0);
        }
      }
    }
    // 2) Unassigned tracks age; 3) unassigned candidates start tracks (reusing the stalest slot).
    for (let k = 0; k < MAX_SWEEP_TRACKS; k++) {
      if (this.trCount[k] === 0 || this.trAssigned[k]) continue;
      this.trMiss[k] = (this.trMiss[k] as number) + 1;
      if ((this.trMiss[k] as number) > 3) this.trCount[k] = 0;
    }
    for (let c = 0; c < this.candCount; c++) {
      if (this.candUsed[c]) continue;
      let slot = -1;
      let worst = -1;
      for (let k = 0; k < MAX_SWEEP_TRACKS; k++) {
        if (this.trCount[k] === 0) {
          slot = k;
          break;
        }
        const score = (this.trMiss[k] as number) * 1000 - (this.trCount[k] as number);
        if (!this.trAssigned[k] && score > worst) {
          worst = score;
          slot = k;
        }
      }
      if (slot < 0) break;
      this.trCount[slot] = 0;
      this.trHead[slot] = 0;
      this.trRate[slot] = 0;
      this.trAssigned[slot] = 1;
      this.pushPoint(slot, t, this.candHz[c] as number, 0);
    }
    // Evaluate tracks.
    let reports = 0;
    for (let k = 0; k < MAX_SWEEP_TRACKS && reports < MAX_REPORTS; k++) {
      if ((this.trCount[k] as number) < sw.minPoints || (this.trMiss[k] as number) > 1) continue;
      const d = this.sweepDets[reports] as JammerDetection;
      if (this.evaluateSweep(k, binHz, fr.spectrum.startHz, d) && !this.insideBusyChannel(d.startHz, d.stopHz, t)) {
        this.detections.push(d);
        reports++;
        if (this.sweepSeenS !== t) {
          this.sweepLoHz = d.startHz;
          this.sweepHiHz = d.stopHz;
        } else {
          this.sweepLoHz = Math.min(this.sweepLoHz, d.startHz);
          this.sweepHiHz = Math.max(this.sweepHiHz, d.stopHz);
        }
        this.sweepSeenS = t;
        if ((d.detail.periodS as number) > 0) this.sweepPeriodS = d.detail.periodS as number;
      }
    }
    this.sweepReports = reports;
  }

  private pushPoint(k: number, t: number, f: number, wrap: number): void {
    const hp = this.sw.historyPoints;
    const h = this.trHead[k] as number;
    this.trT[k * hp + h] = t;
    this.trF[k * hp + h] = f;
    this.trWrap[k * hp + h] = wrap;
    this.trHead[k] = (h + 1) % hp;
    this.trCount[k] = Math.min(hp, (this.trCount[k] as number) + 1);
    this.trMiss[k] = 0;
    // Median step rate over the points (wrap steps excluded).
    const cnt = this.trCount[k] as number;
    let m = 0;
    for (let j = 1; j < cnt; j++) {
      const i1 = k * hp + ((h - cnt + 1 + j + hp * 2) % hp);
      const i0 = k * hp + ((h - cnt + j + hp * 2) % hp);
      const dt = (this.trT[i1] as number) - (this.trT[i0] as number);
      if (this.trWrap[i1] || !(dt > 0)) continue;
      this.stepScratch[m++] = ((this.trF[i1] as number) - (this.trF[i0] as number)) / dt;
    }
    this.trRate[k] = m > 0 ? quickselect(this.stepScratch, m, m >> 1) : 0;
  }

  /** Extreme positions of track k into spanLo / spanHi (fields: no tuple allocation per frame). */
  private trackSpan(k: number): void {
    const hp = this.sw.historyPoints;
    const cnt = this.trCount[k] as number;
    const h = this.trHead[k] as number;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < cnt; j++) {
      const f = this.trF[k * hp + ((h - 1 - j + hp * 2) % hp)] as number;
      if (f < lo) lo = f;
      if (f > hi) hi = f;
    }
    this.spanLo = lo;
    this.spanHi = hi;
  }

  private evaluateSweep(k: number, binHz: number, _startHz: number, out: JammerDetection): boolean {
    const sw = this.sw;
    const hp = sw.historyPoints;
    const cnt = this.trCount[k] as number;
    const h = this.trHead[k] as number;
    const rate = this.trRate[k] as number;
    const dtFrame = this.sweepDtS > 0 ? this.sweepDtS : 1;
    if (Math.abs(rate) * dtFrame < sw.minBinsPerFrame * binHz) return false;
    let steps = 0;
    let consistent = 0;
    let wraps = 0;
    let firstWrapT = NaN;
    let lastWrapT = NaN;
    // Least squares over unwrapped positions: a wrap step is replaced by rate·dt.
    let sT = 0;
    let sF = 0;
    let sTT = 0;
    let sTF = 0;
    let uf = 0;
    let t0 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < cnt; j++) {
      const idx = k * hp + ((h - cnt + j + hp * 2) % hp);
      const t = this.trT[idx] as number;
      const f = this.trF[idx] as number;
      if (f < lo) lo = f;
      if (f > hi) hi = f;
      if (j === 0) {
        t0 = t;
        uf = f;
      } else {
        const pidx = k * hp + ((h - cnt + j - 1 + hp * 2) % hp);
        const dt = t - (this.trT[pidx] as number);
        const df = f - (this.trF[pidx] as number);
        steps++;
        if (this.trWrap[idx]) {
          wraps++;
          if (firstWrapT !== firstWrapT) firstWrapT = t;
          lastWrapT = t;
          uf += rate * dt;
        } else {
          uf += df;
          if (Math.abs(df - rate * dt) <= sw.rateTolerance * Math.abs(rate * dt) + 1.5 * binHz) consistent++;
        }
      }
      const x = t - t0;
      sT += x;
      sF += uf;
      sTT += x * x;
      sTF += x * uf;
    }
    if (steps === 0 || wraps > 0.25 * steps) return false;
    if (consistent < sw.minConsistent * (steps - wraps)) return false;
    const den = cnt * sTT - sT * sT;
    if (!(den > 0)) return false;
    const slope = (cnt * sTF - sT * sF) / den;
    const icpt = (sF - slope * sT) / cnt;
    let res = 0;
    uf = 0;
    for (let j = 0; j < cnt; j++) {
      const idx = k * hp + ((h - cnt + j + hp * 2) % hp);
      const t = this.trT[idx] as number;
      if (j === 0) uf = this.trF[idx] as number;
      else {
        const pidx = k * hp + ((h - cnt + j - 1 + hp * 2) % hp);
        uf += this.trWrap[idx]
          ? rate * (t - (this.trT[pidx] as number))
          : (this.trF[idx] as number) - (this.trF[pidx] as number);
      }
      const e = uf - (icpt + slope * (t - t0));
      res += e * e;
    }
    // A sweep covers ground: at least minSpanBins between the extreme positions (a wobbling FM hump does not).
    if (hi - lo < sw.minSpanBins * binHz) return false;
    const rms = Math.sqrt(res / cnt);
    if (rms > 2 * binHz + 0.1 * Math.abs(rate) * dtFrame) return false;
    out.startHz = lo - binHz;
    out.stopHz = hi + binHz;
    out.score = Math.min(1, consistent / Math.max(1, steps - wraps));
    out.detail.rateHzPerS = slope;
    out.detail.spanHz = hi - lo;
    out.detail.periodS = wraps >= 2 ? (lastWrapT - firstWrapT) / (wraps - 1) : 0;
    out.detail.points = cnt;
    return true;
  }

  // ---------------------------------------------------------------- pulse
  private detectPulse(fr: JammingFrame): void {
    const tracker = this.trackerRef as NoiseFloorTracker;
    const pu = this.pu;
    const t = fr.timeS;
    const dtFrame = this.frameDtS > 0 ? this.frameDtS : 0;
    const psd = fr.psdLin;
    for (let s = 0; s < this.segments; s++) {
      this.segFiring[2 * s] = 0;
      this.segFiring[2 * s + 1] = 0;
      // Levels over the noise floor (not over the learned baseline, which holds any licensed user learned there).
      const base = this.segNoise[s] as number;
      if (!this.segUsable[s] || !(base > 0) || !((tracker.baselineLin[s] as number) > 0)) continue;
      let peak = 0;
      for (let i = this.segStart[s] as number; i < (this.segStart[s + 1] as number); i++) {
        if (!this.usable[i]) continue;
        const v = psd[i] as number;
        if (v > peak) peak = v;
      }
      // Wideband: the segment's own floor rises (narrow licensed carriers are excised from it).
      const segFloor = fr.floor.segmentFloorLin[s] as number;
      const g = this.segGroupDb[s] as number;
      this.stepUnit(2 * s, segFloor > 0 ? 10 * Math.log10(segFloor / base) : 0, pu.onMeanDb, t, dtFrame, g);
      // Narrowband: the strongest bin over the noise.
      this.stepUnit(2 * s + 1, peak > 0 ? 10 * Math.log10(peak / base) : 0, pu.onPeakDb, t, dtFrame, g);
    }
    // Merge firing segments with the same period (gaps of up to 15 segments bridged: segments holding licensed
    // users cannot show the pattern, their "off" is not at the noise floor). Narrowband reports inside a wideband one are dropped.
    let reports = 0;
    for (let ch = 0; ch < 2; ch++) {
      let s = 0;
      while (s < this.segments && reports < MAX_REPORTS) {
        const u0 = 2 * s + ch;
        if (!this.segFiring[u0]) {
          s++;
          continue;
        }
        const p = this.segPeriod[u0] as number;
        let e = s;
        let dutySum = this.segDuty[u0] as number;
        let n = 1;
        for (let q = s + 1; q < this.segments && q - e <= 16; q++) {
          const u = 2 * q + ch;
          if (this.segFiring[u] && Math.abs((this.segPeriod[u] as number) - p) <= 0.1 * p) {
            e = q;
            dutySum += this.segDuty[u] as number;
            n++;
          }
        }
        const sp = fr.spectrum;
        const lo = sp.startHz + (this.segStart[s] as number) * sp.binHz;
        const hi = sp.startHz + ((this.segStart[e + 1] as number) - 1) * sp.binHz;
        s = e + 1;
        // A sweep crossing a segment periodically is reported as the sweep, not as pulses.
        if (this.explainedBySweep(lo, hi, p)) continue;
        if (ch === 1 && this.coveredByPulse(lo, hi, p, reports)) continue;
        if (this.coveredByFramePulse(lo, hi)) continue;
        // "Wideband" means more than one segment; a lone segment's floor flickering with a wobbling FM hump is not
        // a pulse (a narrow pulse shows in the narrowband unit instead).
        if (ch === 0 && n < 2) continue;
        const d = this.pulseDets[reports++] as JammerDetection;
        d.startHz = lo;
        d.stopHz = hi;
        d.detail.periodS = p;
        d.detail.dutyCycle = dutySum / n;
        d.detail.cycles = Math.min(PULSE_EDGES, this.segEdgeCount[u0] as number) - 1;
        d.detail.segments = n;
        d.score = Math.min(1, 0.5 + 0.05 * (d.detail.cycles as number));
        this.detections.push(d);
      }
    }
    for (let r = 0; r < this.framePulseReports; r++) {
      const d = this.framePulseDets[r] as JammerDetection;
      if (this.fastSweepActive && d.startHz <= this.fastSweepDet.stopHz && d.stopHz >= this.fastSweepDet.startHz)
        continue;
      this.detections.push(d);
    }
  }

  /**
   * Advance one pulse unit's on/off state machine (on at ≥ onDb over the baseline, off below onDb − 3 dB) and
   * evaluate its period.
   */
  private stepUnit(u: number, levelDb: number, onDb: number, t: number, dtFrame: number, groupDb: number): void {
    const was = this.segOn[u] as number;
    const on = was ? (levelDb >= onDb - 3 ? 1 : 0) : levelDb >= onDb ? 1 : 0;
    this.segOn[u] = on;
    const ec = this.segEdgeCount[u] as number;
    const ring = u * PULSE_EDGES;
    const acc = 3 * u;
    if (on && !was) {
      // Rising edge: the off phase just ended belongs to this edge's cycle; a new on phase starts.
      const slot = ec % PULSE_EDGES;
      this.segRiseT[ring + slot] = t;
      this.segOnDur[ring + slot] = NaN;
      this.segEdgeCount[u] = ec + 1;
      this.segLastRise[u] = t;
      const c = 3 * (ring + slot);
      for (let i = 0; i < 3; i++) {
        this.segCycOff[c + i] = this.segAccOff[acc + i] as number;
        this.segAccOff[acc + i] = 0;
        this.segCycOn[c + i] = 0;
        this.segAccOn[acc + i] = 0;
      }
    } else if (!on && was && ec > 0) {
      const slot = (ec - 1) % PULSE_EDGES;
      this.segOnDur[ring + slot] = t - (this.segRiseT[ring + slot] as number);
      const c = 3 * (ring + slot);
      for (let i = 0; i < 3; i++) {
        this.segCycOn[c + i] = this.segAccOn[acc + i] as number;
        this.segAccOn[acc + i] = 0;
      }
      this.segAccOff.fill(0, acc, acc + 3);
    }
    if (on) {
      const dev = Math.abs(levelDb - (this.segOnLevel[u] as number));
      this.segOnDev[u] = 0.8 * (this.segOnDev[u] as number) + 0.2 * dev;
      this.segOnLevel[u] = 0.8 * (this.segOnLevel[u] as number) + 0.2 * levelDb;
      this.segAccOn[acc] = (this.segAccOn[acc] as number) + levelDb;
      this.segAccOn[acc + 1] = (this.segAccOn[acc + 1] as number) + groupDb;
      this.segAccOn[acc + 2] = (this.segAccOn[acc + 2] as number) + 1;
    } else {
      this.segAccOff[acc] = (this.segAccOff[acc] as number) + levelDb;
      this.segAccOff[acc + 1] = (this.segAccOff[acc + 1] as number) + groupDb;
      this.segAccOff[acc + 2] = (this.segAccOff[acc + 2] as number) + 1;
    }
    this.evaluatePulse(u, t, dtFrame, onDb);
  }

  private coveredByFramePulse(lo: number, hi: number): boolean {
    for (let r = 0; r < this.framePulseReports; r++) {
      const d = this.framePulseDets[r] as JammerDetection;
      if (lo <= d.stopHz && hi >= d.startHz) return true;
    }
    return false;
  }

  private coveredByPulse(lo: number, hi: number, periodS: number, reports: number): boolean {
    for (let r = 0; r < reports; r++) {
      const d = this.pulseDets[r] as JammerDetection;
      const p = d.detail.periodS as number;
      if (lo <= d.stopHz && hi >= d.startHz && Math.abs(p - periodS) <= 0.1 * p) return true;
    }
    return false;
  }

  private explainedBySweep(lo: number, hi: number, periodS: number): boolean {
    // The latest sweep stays in memory for a while: its track drops out briefly when it crosses a carrier.
    if (!(this.lastTimeS - this.sweepSeenS <= SWEEP_MEMORY_S)) return false;
    const sp = this.sweepPeriodS;
    if (sp > 0 && Math.abs(sp - periodS) <= 0.1 * sp) return true;
    const w = hi - lo;
    return lo >= this.sweepLoHz - w && hi <= this.sweepHiHz + w;
  }

  private evaluatePulse(s: number, t: number, dtFrame: number, onDb: number): void {
    const pu = this.pu;
    if ((this.segOnDev[s] as number) > 3) return;
    const ec = this.segEdgeCount[s] as number;
    const have = Math.min(ec, PULSE_EDGES);
    if (have < pu.minCycles + 1) return;
    const ring = s * PULSE_EDGES;
    // Intervals between consecutive rising edges, oldest first.
    let m = 0;
    for (let j = ec - have + 1; j < ec; j++) {
      const a = this.segRiseT[ring + ((j - 1) % PULSE_EDGES)] as number;
      const b = this.segRiseT[ring + (j % PULSE_EDGES)] as number;
      this.intervalScratch[m++] = b - a;
    }
    // Use only the latest minCycles..(have-1) intervals that are consistent: walk back from the newest.
    const copy = this.intervalScratch;
    const newest = copy[m - 1] as number;
    let k = 0;
    let sumP = 0;
    for (let j = m - 1; j >= 0; j--) {
      const iv = copy[j] as number;
      if (Math.abs(iv - newest) > pu.periodTolerance * newest + 1.01 * dtFrame) break;
      sumP += iv;
      k++;
    }
    if (k < pu.minCycles) return;
    const period = sumP / k;
    // Short periods need more cycles: the pattern must hold for minRunS (one-frame jitter makes a few short
    // intervals easy to match by chance).
    if (k < Math.min(PULSE_EDGES - 1, Math.ceil(pu.minRunS / period))) return;
    // Every interval of the run within tolerance of the mean period (a stable clock, not PTT).
    for (let j = m - k; j < m; j++) {
      if (Math.abs((copy[j] as number) - period) > pu.periodTolerance * period + 1.01 * dtFrame) return;
    }
    // Phase-locked: rising edges sit on t0 + i·P within a frame (alternating 4- and 5-frame intervals of a random
    // flicker drift away like a random walk; a clocked pulse train does not).
    {
      const first = ec - k - 1;
      let si = 0;
      let st = 0;
      let sii = 0;
      let sit = 0;
      for (let i = 0; i <= k; i++) {
        const te = this.segRiseT[ring + ((first + i) % PULSE_EDGES)] as number;
        si += i;
        st += te;
        sii += i * i;
        sit += i * te;
      }
      const cnt = k + 1;
      const slope = (cnt * sit - si * st) / (cnt * sii - si * si);
      const icpt = (st - slope * si) / cnt;
      for (let i = 0; i <= k; i++) {
        const te = this.segRiseT[ring + ((first + i) % PULSE_EDGES)] as number;
        if (Math.abs(te - (icpt + slope * i)) > 0.75 * dtFrame + 0.03 * period) return;
      }
    }
    // Period must be resolvable (≥ 4 spectra) and the pattern current.
    if (dtFrame > 0 && period < 4 * dtFrame) return;
    if (t - (this.segLastRise[s] as number) > 2 * period) return;
    // Two clear levels *within the periodic run*: off near the noise floor (a jammer switches off; an FM carrier
    // moving power between segments does not), on well above it; and the whole emission (the segment with its
    // occupied neighbours) switching too, not only this segment's share of a constant-envelope signal. Pooled over
    // the run's cycles only: the off phases that ended at its rising edges (2nd..newest) and the completed on phases
    // that began at them. Smoothing across the run's end would let the unit's next state stand in for its cycles:
    // a wireless mic's syllable rhythm (off = a brief collapse of the deviation, 6–8 dB over the floor, the whole
    // channel's power unchanged) followed by a PTT release read as "off at the floor, whole emission switching" for
    // the ~0.2 s the smoothed levels took to decay, while the 15 remembered syllable edges still looked current.
    // Why this and not another rule: "off at the floor, whole emission switching" is what physically separates a
    // keyed jammer from a constant-envelope user, and it held for every cycle of the mic's rhythm; only its
    // measurement strayed outside the run. A period range (voice 0.15–0.5 s vs jammers' ms) would drop the slow
    // pulsed jammers this path exists for (0.7–1.3 s in the tests) and the synth's syllables are as regular as a
    // clock; exempting licensed channels would hide a jammer keyed inside one; a duty cap would not survive speech
    // with longer pauses.
    {
      const first = ec - k - 1;
      let offL = 0;
      let offG = 0;
      let offN = 0;
      let onL = 0;
      let onG = 0;
      let onN = 0;
      for (let i = 0; i <= k; i++) {
        const c = 3 * (ring + ((first + i) % PULSE_EDGES));
        if (i > 0) {
          offL += this.segCycOff[c] as number;
          offG += this.segCycOff[c + 1] as number;
          offN += this.segCycOff[c + 2] as number;
        }
        onL += this.segCycOn[c] as number;
        onG += this.segCycOn[c + 1] as number;
        onN += this.segCycOn[c + 2] as number;
      }
      if (!(offN > 0 && onN > 0)) return;
      const offDb = offL / offN;
      if (offDb > pu.maxOffDb || onL / onN - offDb < Math.max(onDb, pu.minContrastDb)) return;
      if (onG / onN - offG / offN < pu.minGroupContrastDb) return;
    }
    if (isLicensedPeriod(period, dtFrame, pu.licensedPeriodsS)) return;
    let dutySum = 0;
    let dutyN = 0;
    for (let j = ec - k; j < ec; j++) {
      const dur = this.segOnDur[ring + (j % PULSE_EDGES)] as number;
      if (dur === dur) {
        dutySum += dur / period;
        dutyN++;
      }
    }
    if (dutyN === 0) return;
    const duty = dutySum / dutyN;
    // On-times as steady as the period.
    for (let j = ec - k; j < ec; j++) {
      const dur = this.segOnDur[ring + (j % PULSE_EDGES)] as number;
      if (dur === dur && Math.abs(dur - duty * period) > pu.periodTolerance * period + 1.01 * dtFrame) return;
    }
    if (duty >= 0.95) return;
    this.segFiring[s] = 1;
    this.segPeriod[s] = period;
    this.segDuty[s] = duty;
  }

  // ---------------------------------------------------------------- cw
  private detectCw(fr: JammingFrame): void {
    const c = this.cw;
    const sp = fr.spectrum;
    const binHz = sp.binHz;
    const psd = fr.psdLin;
    const floor = fr.floor.floorLin;
    this.cwSeen.fill(0);
    const mFrames = Math.max(0.5, sp.effectiveFrames);
    if (mFrames !== this.sidebandFrames) {
      this.sidebandFrames = mFrames;
      this.sidebandFactor = Math.max(10 ** (c.sidebandSnrDb / 10), gammaQInv(mFrames, 1e-4) / mFrames);
    }
    for (let e = 0; e < fr.emissionCount; e++) {
      const em = fr.emissions[e] as Emission;
      if (em.snrDb < c.minSnrDb) continue;
      const kp = Math.round((em.peakHz - sp.startHz) / binHz);
      if (kp < 1 || kp >= this.fftSize - 1 || !this.usable[kp]) continue;
      if (c.channels && !inChannels(em.peakHz, c.channels)) continue;
      const width = widthAt(psd, kp, 10 ** (-10 / 10));
      const narrow = width <= c.maxWidthBins && !this.hasSidebands(psd, floor, kp, binHz);
      const levelDb = 10 * Math.log10(psd[kp] as number);
      const pos = (em.peakHz - sp.startHz) / binHz;
      // Find its line.
      let line = -1;
      for (let l = 0; l < MAX_CW_LINES; l++) {
        if (this.cwActive[l] && Math.abs((this.cwBin[l] as number) - pos) <= 1) {
          line = l;
          break;
        }
      }
      if (!narrow) {
        if (line >= 0) this.cwActive[line] = 0;
        continue;
      }
      if (line < 0) {
        for (let l = 0; l < MAX_CW_LINES; l++) {
          if (!this.cwActive[l]) {
            line = l;
            break;
          }
        }
        if (line < 0) continue;
        this.startLine(line, pos, levelDb, fr.timeS);
        continue;
      }
      // Steady? (frequency within half a bin of the line, level within 1.5 dB of its mean)
      const mean = this.cwLevelMean[line] as number;
      if (Math.abs(pos - (this.cwBin[line] as number)) > 0.5 || Math.abs(levelDb - mean) > 1.5) {
        this.startLine(line, pos, levelDb, fr.timeS);
        continue;
      }
      const n = (this.cwFrames[line] as number) + 1;
      this.cwFrames[line] = n;
      const d = levelDb - mean;
      const newMean = mean + d / n;
      this.cwLevelMean[line] = newMean;
      this.cwLevelM2[line] = (this.cwLevelM2[line] as number) + d * (levelDb - newMean);
      this.cwBin[line] = (this.cwBin[line] as number) + (pos - (this.cwBin[line] as number)) / n;
      this.cwSeen[line] = 1;
      this.cwMiss[line] = 0;
    }
    let reports = 0;
    for (let l = 0; l < MAX_CW_LINES; l++) {
      if (!this.cwActive[l]) continue;
      if (!this.cwSeen[l]) {
        this.cwMiss[l] = (this.cwMiss[l] as number) + 1;
        if ((this.cwMiss[l] as number) > 1) this.cwActive[l] = 0;
        continue;
      }
      const n = this.cwFrames[l] as number;
      const dur = fr.timeS - (this.cwStartS[l] as number);
      if (
        this.isUsersCarrier(
          sp.startHz + (this.cwBin[l] as number) * binHz,
          this.cwLevelMean[l] as number,
          fr.timeS,
          binHz,
        )
      )
        continue;
      const std = n > 1 ? Math.sqrt((this.cwLevelM2[l] as number) / (n - 1)) : Infinity;
      if (n < c.minFrames || dur < c.minDurationS || std > c.maxLevelStdDb) continue;
      const kp = Math.round(this.cwBin[l] as number);
      const d = this.cwDets[reports++] as JammerDetection;
      const f = sp.startHz + (this.cwBin[l] as number) * binHz;
      d.startHz = f - binHz;
      d.stopHz = f + binHz;
      d.score = Math.min(1, 0.5 + dur / (4 * c.minDurationS));
      d.detail.levelDbfs = this.cwLevelMean[l] as number;
      d.detail.snrDb = (this.cwLevelMean[l] as number) - 10 * Math.log10(floor[kp] as number);
      d.detail.durationS = dur;
      d.detail.levelStdDb = std;
      d.detail.widthBins = widthAt(psd, kp, 0.1);
      this.detections.push(d);
    }
  }

  /**
   * Remember emissions that are modulated now (≥ modulatedMinBins wide): centre, width, channel power, time. The
   * bare carrier a licensed NFM/mic user leaves in a speech pause sits on the same frequency at that power.
   */
  private noteModulated(fr: JammingFrame): void {
    const c = this.cw;
    if (!(c.carrierMemoryS > 0)) return;
    const binHz = fr.spectrum.binHz;
    for (let e = 0; e < fr.emissionCount; e++) {
      const em = fr.emissions[e] as Emission;
      // The 99 % bandwidth, not the extent: a strong bare tone's window sidelobes make a wide extent.
      const wHz = em.occupiedBandwidthHz;
      if (wHz < c.modulatedMinBins * binHz || em.snrDb < 6) continue;
      // Wider than a licensed channel's user would be (a barrage, a sweep's smear) is not a user.
      if (wHz > 400e3) continue;
      let slot = -1;
      let oldest = 0;
      for (let m = 0; m < MAX_MODULATED; m++) {
        const tol = Math.max(2 * binHz, 0.15 * Math.max(wHz, this.modWidthHz[m] as number));
        if ((this.modSeenS[m] as number) > -Infinity && Math.abs((this.modHz[m] as number) - em.centerHz) <= tol) {
          slot = m;
          break;
        }
        if (slot < 0 && (oldest < 0 || (this.modSeenS[m] as number) < (this.modSeenS[oldest] as number))) oldest = m;
      }
      if (slot < 0) {
        slot = oldest;
        this.modHz[slot] = em.centerHz;
        this.modLevelDb[slot] = em.channelPowerDbfs;
        this.modWidthHz[slot] = wHz;
      } else {
        this.modHz[slot] = 0.8 * (this.modHz[slot] as number) + 0.2 * em.centerHz;
        // FM is constant-envelope: the user's power is the highest reading (a spectrum cut into pieces at interior
        // dips reads lower); let it sag slowly so a user who turned down is followed.
        this.modLevelDb[slot] = Math.max(em.channelPowerDbfs, (this.modLevelDb[slot] as number) - 0.05);
        this.modWidthHz[slot] = Math.max(0.9 * (this.modWidthHz[slot] as number), wHz);
      }
      this.modSeenS[slot] = fr.timeS;
    }
  }

  /**
   * A line at `hz` with peak level `levelDbfs` is a licensed user's bare carrier: an emission modulated within the
   * last carrierMemoryS was centred there (within 2 bins or 15 % of its width; anywhere in the same licensed
   * channel) with the same power (FM is constant-envelope: the bare carrier carries the whole channel power).
   */
  private isUsersCarrier(hz: number, levelDbfs: number, t: number, binHz: number): boolean {
    const c = this.cw;
    if (!(c.carrierMemoryS > 0)) return false;
    let chLo = NaN;
    let chHi = NaN;
    for (const ch of this.licensed) {
      if (hz >= ch.startHz && hz <= ch.stopHz) {
        chLo = ch.startHz;
        chHi = ch.stopHz;
        break;
      }
    }
    for (let m = 0; m < MAX_MODULATED; m++) {
      if (!(t - (this.modSeenS[m] as number) <= c.carrierMemoryS)) continue;
      const f = this.modHz[m] as number;
      const near =
        Math.abs(f - hz) <= Math.max(2 * binHz, 0.15 * (this.modWidthHz[m] as number)) || (f >= chLo && f <= chHi);
      // Not stronger than the modulated emission (a jammer parked on a user's carrier is); weaker by up to 10 dB
      // more than the tolerance, since adjacent users merged into one emission read as their sum.
      const dl = levelDbfs - (this.modLevelDb[m] as number);
      if (near && dl <= c.carrierLevelTolDb && dl >= -c.carrierLevelTolDb - 10) return true;
    }
    return false;
  }

  /**
   * True when [loHz, hiHz] lies inside one licensed channel whose user was seen modulated within carrierMemoryS: a
   * slow-tracked "sweep" that never leaves such a channel is the user's FM hump wandering with the audio (seen on
   * the venue's microphones: −0.3 MHz/s over 80 kHz for 0.3 s); a real sweep is reported once it leaves.
   */
  private insideBusyChannel(loHz: number, hiHz: number, t: number): boolean {
    const mem = this.cw.carrierMemoryS;
    if (!(mem > 0)) return false;
    for (const ch of this.licensed) {
      if (loHz < ch.startHz || hiHz > ch.stopHz) continue;
      for (let m = 0; m < MAX_MODULATED; m++) {
        const f = this.modHz[m] as number;
        if (t - (this.modSeenS[m] as number) <= mem && f >= ch.startHz && f <= ch.stopHz) return true;
      }
    }
    return false;
  }

  private startLine(l: number, pos: number, levelDb: number, t: number): void {
    this.cwActive[l] = 1;
    this.cwSeen[l] = 1;
    this.cwBin[l] = pos;
    this.cwStartS[l] = t;
    this.cwFrames[l] = 1;
    this.cwLevelMean[l] = levelDb;
    this.cwLevelM2[l] = 0;
    this.cwMiss[l] = 0;
  }

  /** Symmetric lines around bin kp (within sidebandSearchHz), both ≥ sidebandSnrDb over the floor: modulation. */
  private hasSidebands(psd: Float32Array | Float64Array, floor: Float32Array, kp: number, binHz: number): boolean {
    const c = this.cw;
    const maxOff = Math.min(Math.floor(c.sidebandSearchHz / binHz), kp - 1, this.fftSize - 2 - kp);
    const thr = this.sidebandFactor;
    for (let d = 3; d <= maxOff; d++) {
      const lo = kp - d;
      const hi = kp + d;
      const vl = psd[lo] as number;
      const vh = psd[hi] as number;
      if (vl < thr * (floor[lo] as number) || vh < thr * (floor[hi] as number)) continue;
      // Both must be local maxima (lines, not the skirt of something wide).
      if (
        vl >= (psd[lo - 1] as number) &&
        vl >= (psd[lo + 1] as number) &&
        vh >= (psd[hi - 1] as number) &&
        vh >= (psd[hi + 1] as number)
      ) {
        return true;
      }
    }
    return false;
  }
}

/**
 * True when an apparent on/off period matches a licensed TDMA frame, directly (±5 %) or as its alias when the
 * spectra sample the band every `dtS` seconds: a 60 ms DMR frame seen every 50 ms shows as |1/0.06 − 1/0.05| =
 * 3.33 Hz, i.e. a 0.3 s "pulse".
 */
export function isLicensedPeriod(periodS: number, dtS: number, licensedPeriodsS: readonly number[]): boolean {
  const f = 1 / periodS;
  for (const lp of licensedPeriodsS) {
    if (Math.abs(periodS - lp) <= 0.05 * lp) return true;
    if (!(dtS > 0)) continue;
    const fl = 1 / lp;
    const fs = 1 / dtS;
    // Every alias |fl − m·fs| that falls below the Nyquist rate of the spectrum sequence.
    for (let m = Math.max(0, Math.floor(fl / fs) - 1); m <= Math.ceil(fl / fs) + 1; m++) {
      const fa = Math.abs(fl - m * fs);
      if (fa <= fs / 2 && Math.abs(f - fa) <= 0.1 * f) return true;
    }
  }
  return false;
}

/** ∫ cos⁴(πt) dt from 0 to t (t in frames; the Hann window squared, centred on the frame). */
function hann2Integral(t: number): number {
  return (3 * t) / 8 + Math.sin(2 * Math.PI * t) / (4 * Math.PI) + Math.sin(4 * Math.PI * t) / (32 * Math.PI);
}

/**
 * Effective width, bands (Σ band energy / the strongest band's), of a chirp crossing x bands during one
 * Hann-windowed frame: the frame's energy is ∫w² = 3/8 (frame units); the strongest band holds the chirp for 1/x of
 * the frame around the centre (averaged over where the band edges fall), i.e. ∫w² over that dwell.
 */
export function sweepSmearBands(x: number): number {
  const h = 0.5 / x;
  let e = 0;
  const k = 8;
  for (let i = 0; i < k; i++) {
    const u = ((i + 0.5) / k - 0.5) * h;
    const a = Math.max(-0.5, u - h);
    const b = Math.min(0.5, u + h);
    e += hann2Integral(b) - hann2Integral(a);
  }
  return 3 / 8 / (e / k);
}

/** Inverse of {@link sweepSmearBands}: bands crossed per frame from a measured effective width (bisection). */
export function smearBandsToSweepBands(w: number): number {
  let lo = 0.05;
  let hi = 64;
  if (!(w > sweepSmearBands(lo))) return lo;
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(lo * hi);
    if (sweepSmearBands(mid) < w) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

/** Width in bins (interpolated) of the region around peak bin kp above `rel` × peak. */
function widthAt(psd: Float32Array | Float64Array, kp: number, rel: number): number {
  const peak = psd[kp] as number;
  const level = peak * rel;
  const n = psd.length;
  let left = kp;
  while (left > 0 && (psd[left - 1] as number) >= level) left--;
  let right = kp;
  while (right < n - 1 && (psd[right + 1] as number) >= level) right++;
  const lf = left > 0 ? crossing(psd[left] as number, psd[left - 1] as number, level) : 0.5;
  const rf = right < n - 1 ? crossing(psd[right] as number, psd[right + 1] as number, level) : 0.5;
  return right - left + lf + rf;
}

/** Fraction of a bin from the inside bin towards the outside bin where `level` is crossed (in dB). */
function crossing(inside: number, outside: number, level: number): number {
  const a = Math.log(inside);
  const b = Math.log(outside > 0 ? outside : 1e-30);
  const l = Math.log(level);
  return a > b ? (a - l) / (a - b) : 0.5;
}

function inChannels(hz: number, channels: ReadonlyArray<{ startHz: number; stopHz: number }>): boolean {
  for (const ch of channels) if (hz >= ch.startHz && hz <= ch.stopHz) return true;
  return false;
}
