/**
 * The per-sensor spectral pipeline: IqBlock → (convert inside the frame kernel) → Welch PSD → DC handling →
 * noise floor → CFAR → emissions → jamming → tracker → per-assignment band measurements. It is pure computation
 * with no I/O and no clock of its own (time comes from the blocks), so it runs the same way inside a worker for
 * live sensors and in-process for `analyze`, and a replay gives the same result every time.
 *
 * Output per spectrum is a {@link PipelineFrame}; everything in it is a copy the caller may keep.
 */
import type { Emission, JammerDetection, Spectrum } from '../../dsp/types.ts';
import { WelchPsd } from '../../dsp/welch.ts';
import { FramePowerCollector } from '../../dsp/jamming.ts';
import { NoiseFloorEstimator, NoiseFloorTracker, quickselect } from '../../dsp/noise-floor.ts';
import { CfarDetector, type CfarMethod } from '../../dsp/cfar.ts';
import { DispersionEstimator } from '../../dsp/dispersion.ts';
import { DcSkirtGuard } from '../../dsp/dc-skirt.ts';
import {
  EmissionExtractor,
  dcExcludeMask,
  measureBand,
  newBandMeasurement,
  type BandMeasurement,
} from '../../dsp/emissions.ts';
import { resampleSpectrum } from '../../dsp/waterfall.ts';
import { makeWindow } from '../../dsp/window.ts';
import { WasmSimdKernel, wasmSimdSupported } from '../../dsp/wasm/kernel.ts';
import { FftJsKernel } from '../../dsp/fft-kernel.ts';
import type { FrequencyPlan, IqBlock, SpectrumLine } from '../types.ts';
import { EmissionTracker, type TrackEvent, type TrackerOptions } from '../tracking/tracker.ts';
import { matchAssignment } from '../plan/match.ts';
import { activeAssignments } from '../plan/windows.ts';
import type { JammingStage } from './jamming-stage.ts';
import {
  PersistentPieces,
  dropEdgeSkirts,
  dropSkirts,
  isWideChannel,
  measureRange,
  refineEmissions,
} from './refine.ts';

/**
 * The band counts as bursty when its spectra's bins scatter like fewer than this fraction of their frames (running
 * median): the venue's dense microphone band reads 0.44-1 per spectrum, real ADS-B 0.23-0.31, clipped synthetic
 * Mode S replies 0.2-0.45.
 */
const DISPERSED_FRACTION = 0.4;

/** Seconds of IQ per spectrum by default: 32 frames of 2048 at 2.4 MS/s. */
export const SPECTRUM_S = 65536 / 2.4e6;

/**
 * Frames per spectrum so that a spectrum spans ~27 ms at any sample rate (4-64 frames). A fixed 32 made a spectrum
 * 262 ms long at 250 kS/s (rtl_433 captures), and the tracker's 3 hits in 5 spectra then missed a lone 0.2 s packet.
 */
export function defaultAverages(sampleRateHz: number, fftSize = 2048): number {
  return Math.max(4, Math.min(64, Math.round((SPECTRUM_S * sampleRateHz) / fftSize)));
}

export interface SpectralOptions {
  sensorId: string;
  centerHz: number;
  sampleRateHz: number;
  /** FFT length, bins. Default 2048. */
  fftSize?: number;
  /** Frames averaged per spectrum (M). Default {@link defaultAverages}: 27.3 ms whatever the rate (32 at 2.4 MS/s). */
  averages?: number;
  /** Welch overlap 0..0.95. Default 0: at M = 32 the loss is small and it halves the FFT work. */
  overlap?: number;
  /** Per-bin false-alarm probability of the CFAR seed threshold. Default 1e-5 (see docs/engine.md budget). */
  pfa?: number;
  cfarMethod?: CfarMethod;
  /** Fraction of bins ignored at each band edge (RTL passband roll-off). Default 0.08. */
  edgeGuardFraction?: number;
  /** Bins either side of DC ignored (and interpolated). Default 3. */
  dcHalfWidthBins?: number;
  tracker?: Omit<TrackerOptions, 'sensorId'>;
  /** Spectrum lines for displays at most this often, ms. Default 100. 0 = every spectrum. */
  lineIntervalMs?: number;
  /** Bins of published spectrum lines (max-resampled). Default 1024. */
  lineBins?: number;
  /** Jamming detection stage (optional: dsp/jamming adapter). */
  jamming?: JammingStage;
  plan?: FrequencyPlan;
  /** Discard this many samples after a retune (tuner PLL settling and stale USB buffers). Default 0. */
  settleSamples?: number;
  /** Seconds of spectra the floor baseline learns from before a floor rise means anything. Default 10. */
  floorLearnS?: number;
  /** FFT backend: WASM SIMD when the runtime has it (default), or fft.js. */
  kernel?: 'auto' | 'fftjs' | 'wasm';
  /**
   * Slow path for weak persistent emitters: the PSD averaged over this many spectra (sliding) gets its own
   * CFAR at `slowPfa`. Default 16 (0.44 s at 2.4 MS/s); 0 disables.
   */
  slowSpectra?: number;
  /** Per-bin Pfa of the slow path; tiny because consecutive sliding averages are correlated. Default 1e-9. */
  slowPfa?: number;
  /** The slow path never thresholds closer than this to the floor, dB (floor-estimate error margin). Default 1. */
  slowMinThresholdDb?: number;
}

/** One assignment's band measurement in one spectrum. */
export interface BandReading {
  assignmentId: string;
  channelPowerDbfs: number;
  snrDb: number;
  occupied: boolean;
  occupiedFraction: number;
}

export interface PipelineFrame {
  sensorId: string;
  /** Time of the spectrum's first sample, ms. */
  timeMs: number;
  durationMs: number;
  /** First sample index of the spectrum in the source's numbering. */
  firstSample: number;
  centerHz: number;
  sampleRateHz: number;
  binHz: number;
  /** Usable span (edge guards removed), Hz. */
  usableStartHz: number;
  usableStopHz: number;
  /** Median noise floor per bin, dBFS. */
  floorDbfs: number;
  /** Floor rise over the learned baseline, dB (0 while learning). */
  floorRiseDb: number;
  emissions: Emission[];
  events: TrackEvent[];
  /** Active confirmed emissions after this spectrum. */
  active: import('../types.ts').TrackedEmission[];
  jamming: JammerDetection[];
  bands: BandReading[];
  /** Present at most every lineIntervalMs. */
  line?: SpectrumLine;
}

export class SpectralPipeline {
  readonly fftSize: number;
  private readonly o: SpectralOptions;
  private welch: WelchPsd;
  /**
   * Per-FFT-frame band powers of the spectrum being built (the Welch's onFrame periodograms, reduced to the noise
   * floor's segments) for the jamming detector's fast paths: pulses and sweeps faster than the 27 ms spectrum. Only
   * with a jamming stage.
   */
  private frameCollector: FramePowerCollector | null = null;
  private readonly floor: NoiseFloorEstimator;
  private readonly floorTracker: NoiseFloorTracker;
  private readonly cfar: CfarDetector;
  private readonly extractor: EmissionExtractor;
  readonly tracker: EmissionTracker;
  private readonly exclude: Uint8Array;
  private plan: FrequencyPlan;
  private centerHz: number;
  private sampleRateHz: number;
  /** Source sample index of sample 0's time reference. */
  private t0Ms = NaN;
  private t0Sample = 0;
  private lastLineMs = -Infinity;
  private readonly bandScratch: BandMeasurement = newBandMeasurement();
  private frames: PipelineFrame[] = [];
  private discardUntilSample = -1;
  private readonly dispersion: DispersionEstimator;
  /** The exclude mask as built (edges, fixed DC guard); the DC skirt guard widens `exclude` over it. */
  private readonly excludeBase: Uint8Array;
  private readonly dcSkirt: DcSkirtGuard;
  private readonly dcSkirtMaxBins: number;
  /** Current DC guard half-width, bins. */
  private dcGuardBins: number;
  /** Recent spectra's effective-frames fractions (ring), and a scratch copy for their median. */
  private readonly dispersedHist = new Float64Array(8);
  private readonly dispersedSorted = new Float64Array(8);
  private dispersedPos = 0;
  private dispersedFill = 0;
  private readonly slowN: number;
  private readonly slowHist: Float32Array[] = [];
  /** Frames each spectrum in the slow window was worth (after the dispersion check). */
  private readonly slowFrames: Float64Array;
  private readonly slowSum: Float64Array;
  private readonly slowPsd: Float32Array;
  private readonly slowFloorScaled: Float32Array;
  private slowPos = 0;
  private slowFill = 0;
  private readonly slowFloor: NoiseFloorEstimator;
  private readonly slowCfar: CfarDetector;
  private readonly slowExtractor: EmissionExtractor;
  private nextExpected = -1;
  /** Narrow bands that keep their place inside wide channels (interferers, not microphone fragments). */
  private readonly pieces: PersistentPieces;
  /** Samples the source lost (gaps in sampleIndex), total. */
  lostSamples = 0;
  spectra = 0;

  constructor(o: SpectralOptions) {
    this.o = o;
    this.fftSize = o.fftSize ?? 2048;
    this.centerHz = o.centerHz;
    this.sampleRateHz = o.sampleRateHz;
    this.plan = o.plan ?? { name: 'empty', assignments: [] };
    const n = this.fftSize;
    const edge = Math.round(n * (o.edgeGuardFraction ?? 0.08));
    this.exclude = dcExcludeMask(n, o.dcHalfWidthBins ?? 3);
    for (let i = 0; i < edge; i++) {
      this.exclude[i] = 1;
      this.exclude[n - 1 - i] = 1;
    }
    this.excludeBase = this.exclude.slice();
    // Up to ±250 kHz (real E4000 skirts reach ~±100 kHz at +3 dB), and never into the edge guard.
    this.dcSkirtMaxBins = Math.min(n / 2 - edge - 1, Math.ceil(250_000 / (o.sampleRateHz / n)));
    this.dcGuardBins = o.dcHalfWidthBins ?? 3;
    this.dcSkirt = new DcSkirtGuard({
      fftSize: n,
      baseHalfWidthBins: this.dcGuardBins,
      maxHalfWidthBins: Math.max(this.dcGuardBins, Math.floor((this.dcSkirtMaxBins - 2) / 1.25)),
    });
    this.floor = new NoiseFloorEstimator({ fftSize: n, excludeMask: this.exclude });
    // Fast pulses and sweeps need each FFT frame's band powers: the one Welch hands every frame's periodogram to
    // the collector on its way into the average.
    if (o.jamming) this.frameCollector = new FramePowerCollector(this.floor.segmentStart, 512);
    this.welch = this.makeWelch(
      this.frameCollector ? (lin, first) => this.frameCollector!.push(lin, this.timeOfSample(first) / 1000) : undefined,
    );
    this.floorTracker = new NoiseFloorTracker({ segments: this.floor.segments, learnS: o.floorLearnS ?? 10 });
    this.cfar = new CfarDetector({
      fftSize: n,
      pfa: o.pfa ?? 1e-5,
      method: o.cfarMethod ?? 'known',
      excludeMask: this.exclude,
    });
    // Bridge the fixed DC guard, not a widened one (the DC skirt guard below): what lies beyond a skirt is its tails.
    const bridge = 2 * (o.dcHalfWidthBins ?? 3) + 1;
    this.extractor = new EmissionExtractor({ fftSize: n, excludeMask: this.exclude, maxBridgeExcludedBins: bridge });
    this.dispersion = new DispersionEstimator({ fftSize: n, excludeMask: this.exclude });
    this.slowN = o.slowSpectra ?? 16;
    for (let i = 0; i < this.slowN; i++) this.slowHist.push(new Float32Array(n));
    this.slowSum = new Float64Array(n);
    this.slowFrames = new Float64Array(Math.max(1, this.slowN));
    this.slowPsd = new Float32Array(n);
    this.slowFloorScaled = new Float32Array(n);
    this.slowFloor = new NoiseFloorEstimator({ fftSize: n, excludeMask: this.exclude });
    this.slowCfar = new CfarDetector({
      fftSize: n,
      pfa: o.slowPfa ?? 1e-9,
      method: 'known',
      excludeMask: this.exclude,
    });
    this.slowExtractor = new EmissionExtractor({
      fftSize: n,
      excludeMask: this.exclude,
      maxBridgeExcludedBins: bridge,
    });
    this.pieces = new PersistentPieces({ binHz: this.sampleRateHz / n });
    this.tracker = new EmissionTracker({ sensorId: o.sensorId, ...(o.tracker ?? {}) }, (c, bw, t) =>
      this.resolveAssignment(c, bw, t),
    );
  }

  private makeWelch(onFrame?: (frameLin: Float32Array, firstSample: number) => void): WelchPsd {
    const window = makeWindow('hann', this.fftSize);
    const want = this.o.kernel ?? 'auto';
    const kernel =
      want !== 'fftjs' && wasmSimdSupported()
        ? WasmSimdKernel.createSync(this.fftSize, window)
        : new FftJsKernel(this.fftSize, window);
    return new WelchPsd({
      window,
      kernel,
      fftSize: this.fftSize,
      sampleRateHz: this.sampleRateHz,
      centerHz: this.centerHz,
      overlap: this.o.overlap ?? 0,
      averages: this.o.averages ?? defaultAverages(this.sampleRateHz, this.fftSize),
      dcWidthBins: 2 * (this.o.dcHalfWidthBins ?? 3) + 1,
      onSpectrum: (s) => this.onSpectrum(s as Spectrum & { psdLin: Float32Array }),
      ...(onFrame ? { onFrame } : {}),
    });
  }

  setPlan(plan: FrequencyPlan, timeMs: number): TrackEvent[] {
    this.plan = plan;
    return this.tracker.reassign(timeMs);
  }

  getPlan(): FrequencyPlan {
    return this.plan;
  }

  /** The source retuned at `atSampleIndex`: restart averaging, discard settling samples, forget the floor baseline. */
  retune(centerHz: number, atSampleIndex: number, sampleRateHz = this.sampleRateHz): TrackEvent[] {
    this.centerHz = centerHz;
    this.sampleRateHz = sampleRateHz;
    this.welch.retune(centerHz, sampleRateHz);
    this.frameCollector?.clear();
    this.discardUntilSample = atSampleIndex + (this.o.settleSamples ?? 0);
    this.floorTracker.reset();
    this.o.jamming?.reset();
    this.slowFill = 0;
    this.dispersedFill = 0;
    this.slowSum.fill(0);
    this.pieces.reset();
    // Emissions seen at the old frequency cannot be followed across a retune.
    return this.tracker.flush();
  }

  /** Process one block; returns the frames it completed (usually 0-2). */
  push(block: IqBlock): PipelineFrame[] {
    this.frames = [];
    if (Number.isNaN(this.t0Ms)) {
      this.t0Ms = block.timeMs;
      this.t0Sample = block.sampleIndex;
    }
    if (block.centerHz !== this.centerHz || block.sampleRateHz !== this.sampleRateHz) {
      const ended = this.retune(block.centerHz, block.sampleIndex, block.sampleRateHz);
      if (ended.length) this.frames.push(this.eventFrame(block.timeMs, ended));
    }
    if (this.nextExpected >= 0 && block.sampleIndex > this.nextExpected)
      this.lostSamples += block.sampleIndex - this.nextExpected;
    const bps = block.format === 'cu8' || block.format === 'ci8' ? 2 : block.format === 'ci16_le' ? 4 : 8;
    const count = Math.floor(block.bytes.length / bps);
    this.nextExpected = block.sampleIndex + count;
    let bytes = block.bytes;
    let index = block.sampleIndex;
    if (index < this.discardUntilSample) {
      const skip = Math.min(count, this.discardUntilSample - index);
      if (skip >= count) return this.frames;
      bytes = bytes.subarray(skip * bps);
      index += skip;
    }
    this.blockRef = block;
    // Each frame reaches the collector (onFrame) before the spectrum it completes is finished.
    this.welch.push(bytes, block.format, index);
    return this.frames;
  }

  /** End of stream: ends every tracked emission. */
  flush(timeMs: number): PipelineFrame[] {
    const ev = this.tracker.flush();
    return ev.length ? [this.eventFrame(timeMs, ev)] : [];
  }

  private blockRef: IqBlock | null = null;

  private timeOfSample(sample: number): number {
    const b = this.blockRef!;
    // Times from the block that carried the samples keep live wall-clock drift and replay capture times right.
    return b.timeMs + ((sample - b.sampleIndex) / this.sampleRateHz) * 1000;
  }

  private eventFrame(timeMs: number, events: TrackEvent[]): PipelineFrame {
    return {
      sensorId: this.o.sensorId,
      timeMs,
      durationMs: 0,
      firstSample: -1,
      centerHz: this.centerHz,
      sampleRateHz: this.sampleRateHz,
      binHz: this.sampleRateHz / this.fftSize,
      usableStartHz: NaN,
      usableStopHz: NaN,
      floorDbfs: NaN,
      floorRiseDb: 0,
      emissions: [],
      events,
      active: this.tracker.active().map((e) => ({ ...e })),
      jamming: [],
      bands: [],
    };
  }

  /**
   * Frames the spectrum is worth for the floor and the threshold: Welch's count, unless the bins scatter far more
   * than that many frames of stationary noise would (bursty wide emissions: see dsp/dispersion.ts).
   */
  private framesWorth(psdLin: Float32Array, frames: number): number {
    const m = this.dispersion.estimate(psdLin, frames);
    // One spectrum's figure scatters (the venue's microphone band reads 0.44-1 of its frames): judge the running
    // median of the last few, so that a bursty band is judged bursty throughout and a dense band never is.
    const h = this.dispersedHist;
    h[this.dispersedPos] = m === m ? m / frames : 1;
    this.dispersedPos = (this.dispersedPos + 1) % h.length;
    this.dispersedFill = Math.min(h.length, this.dispersedFill + 1);
    const sorted = this.dispersedSorted;
    for (let i = 0; i < this.dispersedFill; i++) sorted[i] = h[i]!;
    const fraction = quickselect(sorted, this.dispersedFill, this.dispersedFill >> 1);
    return fraction < DISPERSED_FRACTION ? fraction * frames : frames;
  }

  private resolveAssignment(centerHz: number, bandwidthHz: number, timeMs: number): string | null {
    const m = matchAssignment(centerHz, bandwidthHz, activeAssignments(this.plan, timeMs), {
      resolutionHz: this.sampleRateHz / this.fftSize,
    });
    return m.assignment?.id ?? null;
  }

  private onSpectrum(s: Spectrum & { psdLin?: Float32Array }): void {
    this.spectra++;
    const psdLin = s.psdLin!;
    const n = this.fftSize;
    const timeMs = this.timeOfSample(s.firstSample);
    const durationMs = (s.sampleCount / s.sampleRateHz) * 1000;
    const M = this.framesWorth(psdLin, s.effectiveFrames);
    this.floor.estimate(psdLin, M);
    const floorLin = this.floor.floorLin;
    this.floorTracker.update(
      this.floor.segmentFloorLin,
      this.floor.globalFloorLin,
      timeMs / 1000,
      this.o.jamming?.holdBaseline() ?? false,
    );
    const activeNow = activeAssignments(this.plan, timeMs);
    // Until the slow average has two spectra, the DC skirt is measured on this one (see guardDcSkirt).
    if (this.slowN > 0 && this.slowFill < 2) this.guardDcSkirt(psdLin, floorLin, activeNow);
    const mask = this.cfar.detect(psdLin, M, floorLin);
    const count = this.extractor.extract(s, psdLin, floorLin, mask);
    const raw: Emission[] = [];
    for (let i = 0; i < count; i++) raw.push({ ...this.extractor.emissions[i]! });
    const cut = this.splitBumps(raw, activeNow, s, psdLin, floorLin);
    this.pieces.observe(cut, s.binHz);
    const refined = refineEmissions(cut, activeNow, s, psdLin, floorLin, this.exclude, {
      distinct: (_a, e) => this.pieces.isDistinct(e, s.binHz),
    });
    // Weak detections hugging a strong emission are its skirts (FM broadcast, microphones), not emitters.
    const strong = refined.filter((e) => e.snrDb >= 8);
    const emissions =
      strong.length < refined.length
        ? [
            ...strong,
            ...dropSkirts(
              strong,
              refined.filter((e) => e.snrDb < 8),
            ),
          ]
        : refined;
    const weakFrom = emissions.length;
    const jamming =
      this.o.jamming?.process({
        spectrum: s,
        psdLin,
        floorLin,
        mask,
        exclude: this.exclude,
        floor: this.floor,
        floorTracker: this.floorTracker,
        timeMs,
        emissions,
        ...(this.frameCollector && this.frameCollector.count > 0 ? { framePower: this.frameCollector.input } : {}),
        // Only wide channels (microphones, wideband users): inside a 12.5 kHz PMR channel the detector's
        // "recently modulated user" exemption also swallowed a CW jammer parked on an active channel (the venue's
        // CW jammer on PMR-03 went undetected), while the exemption is needed for microphone speech pauses.
        licensed: this.licensedWide(activeNow, s.binHz),
      }) ?? [];
    // The collector held exactly this spectrum's frames; the next spectrum starts empty.
    this.frameCollector?.clear();
    if (this.slowN > 0) this.slowPath(s, psdLin, M, emissions, activeNow);
    const events = this.tracker.update({
      timeMs,
      durationMs,
      binHz: s.binHz,
      emissions,
      weakFrom,
      // While a jammer is reported its energy is all over the tracked emissions: their averaged spectra (and so
      // their occupied bandwidths) stay as they were before it, instead of taking the jammer's width for good.
      ...(jamming.length === 0
        ? { psdLin, floorLin: this.floor.floorLin, startHz: s.startHz, effectiveFrames: s.effectiveFrames }
        : {}),
    });
    const edge = Math.round(n * (this.o.edgeGuardFraction ?? 0.08));
    const usableStartHz = s.startHz + edge * s.binHz;
    const usableStopHz = s.startHz + (n - edge) * s.binHz;
    const bands: BandReading[] = [];
    for (const a of activeNow) {
      const lo = a.centerHz - a.bandwidthHz / 2;
      const hi = a.centerHz + a.bandwidthHz / 2;
      if (lo < usableStartHz || hi > usableStopHz) continue;
      const m = measureBand(s, psdLin, floorLin, mask, lo, hi, this.bandScratch, this.exclude);
      bands.push({
        assignmentId: a.id,
        channelPowerDbfs: m.channelPowerDbfs,
        snrDb: m.snrDb,
        occupied: m.occupied,
        occupiedFraction: m.occupiedFraction,
      });
    }
    const frame: PipelineFrame = {
      sensorId: this.o.sensorId,
      timeMs,
      durationMs,
      firstSample: s.firstSample,
      centerHz: s.centerHz,
      sampleRateHz: s.sampleRateHz,
      binHz: s.binHz,
      usableStartHz,
      usableStopHz,
      floorDbfs: 10 * Math.log10(this.floor.globalFloorLin),
      floorRiseDb: this.floorTracker.learned ? this.floorTracker.globalRiseDb : 0,
      emissions,
      events,
      active: this.tracker.active().map((e) => ({ ...e })),
      jamming,
      bands,
    };
    const interval = this.o.lineIntervalMs ?? 100;
    if (timeMs - this.lastLineMs >= interval) {
      this.lastLineMs = timeMs;
      frame.line = this.makeLine(s, floorLin, timeMs);
    }
    this.frames.push(frame);
  }

  /**
   * Sliding average of the last slowN spectra → floor → CFAR → emissions; those not overlapping a fast-path
   * emission join this spectrum's detections (weak but persistent emitters; the tracker does the rest).
   */
  private slowPath(
    s: Spectrum,
    psdLin: Float32Array,
    M: number,
    out: Emission[],
    active: ReturnType<typeof activeAssignments>,
  ): void {
    const n = this.fftSize;
    const slot = this.slowHist[this.slowPos]!;
    this.slowFrames[this.slowPos] = M;
    const sum = this.slowSum;
    const full = this.slowFill >= this.slowN;
    for (let i = 0; i < n; i++) {
      const v = psdLin[i]!;
      sum[i] = sum[i]! + v - (full ? slot[i]! : 0);
      slot[i] = v;
    }
    this.slowPos = (this.slowPos + 1) % this.slowN;
    if (!full) this.slowFill++;
    if (this.slowFill < this.slowN) {
      // A zero-IF tuner's DC skirt is there from the first spectrum: guard it on the partial average before the fast
      // path's pieces of it can be confirmed as an emission (3 spectra).
      if (this.slowFill >= 2) {
        const psd = this.slowPsd;
        const inv = 1 / this.slowFill;
        for (let i = 0; i < n; i++) psd[i] = sum[i]! * inv;
        let Mp = 0;
        for (let k = 0; k < this.slowFill; k++)
          Mp += this.slowFrames[(this.slowPos - 1 - k + this.slowN) % this.slowN]!;
        this.slowFloor.estimate(psd, Mp);
        this.guardDcSkirt(psd, this.slowFloor.floorLin, active);
      }
      return;
    }
    // Recompute the sum now and then: subtracting floats drifts.
    if (this.slowPos === 0) {
      sum.fill(0);
      for (const h of this.slowHist) for (let i = 0; i < n; i++) sum[i] = sum[i]! + h[i]!;
    }
    const psd = this.slowPsd;
    const inv = 1 / this.slowN;
    for (let i = 0; i < n; i++) psd[i] = sum[i]! * inv;
    // What the spectra in the window were worth (dispersion-checked on the fast path; bursts of different spectra are
    // independent, so those add). Not measured on the average itself: at ~500 frames the Gamma spread is a fraction
    // of a dB, smaller than the floor's own shape within a segment, and a dense microphone band would read as bursty.
    let Ms = 0;
    for (let k = 0; k < this.slowN; k++) Ms += this.slowFrames[k]!;
    this.slowFloor.estimate(psd, Ms);
    this.guardDcSkirt(psd, this.slowFloor.floorLin, active);
    const f = this.slowCfar.factor(Ms);
    const minF = 10 ** ((this.o.slowMinThresholdDb ?? 1) / 10);
    const scale = f < minF ? minF / f : 1;
    const fl = this.slowFloorScaled;
    for (let i = 0; i < n; i++) fl[i] = this.slowFloor.floorLin[i]! * scale;
    const mask = this.slowCfar.detect(psd, Ms, fl);
    const geom = { startHz: s.startHz, binHz: s.binHz, enbwBins: s.enbwBins, effectiveFrames: Ms };
    const count = this.slowExtractor.extract(geom, psd, this.slowFloor.floorLin, mask);
    const weak: Emission[] = [];
    for (let k = 0; k < count; k++) {
      const e = this.slowExtractor.emissions[k]!;
      if (out.some((x) => x.endBin >= e.startBin - 1 && x.startBin <= e.endBin + 1)) continue;
      weak.push({ ...e });
    }
    // Inside a wide channel (microphone) the long average shows the user's Bessel lines and, for ~0.4 s after a
    // PTT microphone keys off, its lingering comb: the fast path speaks for those channels. Not in a shared band
    // (SRD/ISM, PMR446 block): a weak persistent emitter there is exactly what the slow path is for.
    const wide = active.filter((a) => isWideChannel(a, s.binHz));
    const outsideWide = wide.length
      ? weak.filter((w) => !wide.some((a) => Math.abs(w.centerHz - a.centerHz) <= a.bandwidthHz / 2))
      : weak;
    out.push(...dropEdgeSkirts(out, dropSkirts(out, outsideWide), active));
  }

  /**
   * Widen the DC guard over a zero-IF tuner's skirt (dsp/dc-skirt.ts), with a quarter more for its tail under the
   * floor estimate, or narrow it back. The exclude mask is shared by the floor estimators, CFARs, extractors and the
   * jamming detector, so all of them follow.
   */
  private guardDcSkirt(psd: Float32Array, floorLin: Float32Array, active: ReturnType<typeof activeAssignments>): void {
    const base = this.o.dcHalfWidthBins ?? 3;
    // Where the plan has a user on the tuned frequency (an FM station watched at the centre of the capture), its
    // spectrum falls away from DC like a skirt: never guard it away.
    const licensedAtDc = active.some((a) => Math.abs(a.centerHz - this.centerHz) <= a.bandwidthHz / 2);
    const k = licensedAtDc ? base : this.dcSkirt.measure(psd, floorLin);
    const want = k > base ? Math.min(this.dcSkirtMaxBins, Math.ceil(k * 1.25) + 2) : base;
    if (want === this.dcGuardBins) return;
    const c = this.fftSize >> 1;
    const ex = this.exclude;
    const base0 = this.excludeBase;
    for (let j = base + 1; j <= this.dcSkirtMaxBins; j++) {
      const on = j <= want ? 1 : 0;
      ex[c - j] = on | base0[c - j]!;
      ex[c + j] = on | base0[c + j]!;
    }
    this.dcGuardBins = want;
  }

  /**
   * A narrow emitter sitting on a wide channel's user (an NFM interferer touching a microphone's spectrum) is not a
   * separate piece for the extractor. On the slow-path average (~0.44 s, where an FM microphone's moving spectrum is
   * smooth) look for a 5-25 kHz run at least `bumpDb` over the channel's median occupied level, away from the
   * assigned centre, and cut the fast-path emission there so the piece can prove its persistence (PersistentPieces).
   */
  private splitBumps(
    raw: Emission[],
    active: ReturnType<typeof activeAssignments>,
    s: Spectrum,
    psdLin: Float32Array,
    floorLin: Float32Array,
    bumpDb = 8,
    edgeDb = 3,
  ): Emission[] {
    if (this.slowN === 0 || this.slowFill < this.slowN || !raw.length) return raw;
    const n = this.fftSize;
    const avg = this.slowPsd;
    const fl = this.slowFloor.floorLin;
    const minBins = 5;
    const maxBins = Math.floor(25_000 / s.binHz);
    let out = raw;
    for (const a of active) {
      // A shared band has no user to cut an interferer out of: its emissions already stand on their own, and a
      // strong one's top would be cut from its skirts against a median of weaker emitters.
      if (!isWideChannel(a, s.binHz)) continue;
      const lo = Math.max(0, Math.ceil((a.centerHz - a.bandwidthHz / 2 - s.startHz) / s.binHz));
      const hi = Math.min(n - 1, Math.floor((a.centerHz + a.bandwidthHz / 2 - s.startHz) / s.binHz));
      if (hi - lo < 20) continue;
      const occ: number[] = [];
      for (let k = lo; k <= hi; k++) if (!this.exclude[k] && avg[k]! > 2 * fl[k]!) occ.push(avg[k]!);
      if (occ.length < 3 * minBins) continue;
      occ.sort((x, y) => x - y);
      const thr = occ[occ.length >> 1]! * 10 ** (bumpDb / 10);
      const edge = occ[occ.length >> 1]! * 10 ** (edgeDb / 10);
      const centreBin = (a.centerHz - s.startHz) / s.binHz;
      const guard = 15_000 / s.binHz;
      for (let k = lo; k <= hi; k++) {
        if (!(avg[k]! >= thr)) continue;
        let e = k;
        while (e + 1 <= hi && avg[e + 1]! >= thr) e++;
        const w = e - k + 1;
        const mid = (k + e) / 2;
        if (w >= minBins && w <= maxBins && Math.abs(mid - centreBin) > guard) {
          // The emitter's skirts reach below the bump threshold: widen the cut while the average stays clearly
          // (edgeDb) over the user's level, so the piece's OBW is its own, not just its top.
          let x = k;
          let y = e;
          while (x - 1 >= lo && avg[x - 1]! >= edge && y - (x - 1) + 1 <= maxBins) x--;
          while (y + 1 <= hi && avg[y + 1]! >= edge && y + 1 - x + 1 <= maxBins) y++;
          out = this.cutAt(out, x, y, s, psdLin, floorLin);
        }
        k = e;
      }
    }
    return out;
  }

  /** Cut every emission that spans bins [b0, b1] with room either side into before / [b0, b1] / after. */
  private cutAt(
    ems: Emission[],
    b0: number,
    b1: number,
    s: Spectrum,
    psdLin: Float32Array,
    floorLin: Float32Array,
  ): Emission[] {
    const out: Emission[] = [];
    for (const e of ems) {
      if (!(e.startBin <= b0 && e.endBin >= b1) || (e.startBin === b0 && e.endBin === b1)) {
        out.push(e);
        continue;
      }
      for (const [x, y] of [
        [e.startBin, b0 - 1],
        [b0, b1],
        [b1 + 1, e.endBin],
      ] as const) {
        if (y < x) continue;
        const part = measureRange(s, psdLin, floorLin, this.exclude, x, y);
        if (part) out.push(part);
      }
    }
    return out;
  }

  private licensedCache: { key: unknown; binHz: number; ranges: { startHz: number; stopHz: number }[] } | null = null;

  /**
   * Wide (≥ 20 bins) active channels as Hz ranges for the jamming detector; recomputed only when they change. Shared
   * bands are not among them: the detector excuses a barrage-like run inside a licensed channel as its wideband
   * user, any bare carrier anywhere in a channel with a recently modulated emission as that user's carrier, and a
   * sweep that stays in such a channel as the user's FM hump; in a band of many independent emitters each of those
   * would hide a jammer (a CW line parked in a PMR446 block while anyone talks).
   */
  private licensedWide(active: ReturnType<typeof activeAssignments>, binHz: number) {
    const c = this.licensedCache;
    if (c && c.binHz === binHz && c.key === active) return c.ranges;
    const ranges = active
      .filter((a) => isWideChannel(a, binHz))
      .map((a) => ({ startHz: a.centerHz - a.bandwidthHz / 2, stopHz: a.centerHz + a.bandwidthHz / 2 }));
    this.licensedCache = { key: active, binHz, ranges };
    return ranges;
  }

  private makeLine(s: Spectrum, floorLin: Float32Array, timeMs: number): SpectrumLine {
    const bins = Math.min(this.o.lineBins ?? 1024, s.fftSize);
    const psd = new Float32Array(bins);
    const fl = new Float32Array(bins);
    const floorDb = new Float32Array(s.fftSize);
    for (let i = 0; i < s.fftSize; i++) floorDb[i] = 10 * Math.log10(Math.max(floorLin[i]!, 1e-30));
    const viewStart = s.startHz - s.binHz / 2;
    const viewStop = viewStart + s.binHz * s.fftSize;
    resampleSpectrum(s.psdDbfs, s.startHz, s.binHz, viewStart, viewStop, psd, 'max');
    resampleSpectrum(floorDb, s.startHz, s.binHz, viewStart, viewStop, fl, 'mean');
    const pxHz = (viewStop - viewStart) / bins;
    return {
      sensorId: this.o.sensorId,
      timeMs,
      startHz: viewStart + pxHz / 2,
      binHz: pxHz,
      psdDbfs: psd,
      floorDbfs: fl,
    };
  }
}
