/**
 * Shared DSP contracts. `dsp/` is pure: typed arrays in, typed arrays out, no I/O, no imports from `src/` or
 * `firmware-bridge/`. Units are in the names (Hz, Dbfs, Db, Bins, Samples) or in the doc line.
 */

/** SigMF sample formats we read. cu8 is the RTL-SDR native format (offset binary, centre 127.5). */
export type SampleFormat = 'cu8' | 'ci8' | 'ci16_le' | 'cf32_le';

export type WindowKind = 'hann' | 'blackman-harris' | 'flat-top' | 'rectangular';

export interface WindowInfo {
  kind: WindowKind;
  coeffs: Float32Array;
  /** Coherent gain: mean of the coefficients (1 for rectangular). Amplitude of a bin-centred tone scales by it. */
  coherentGain: number;
  /** Equivalent noise bandwidth in bins (1.5 for Hann). */
  enbwBins: number;
}

/**
 * One averaged spectrum. `psdDbfs[k]` is the power in bin k, FFT-shifted (bin 0 = lowest frequency),
 * calibrated so that a full-scale complex tone (|x| = 1) centred on a bin reads 0 dBFS with any window.
 * Noise density in dBFS/Hz = psdDbfs - 10*log10(enbwBins * binHz).
 */
export interface Spectrum {
  centerHz: number;
  sampleRateHz: number;
  fftSize: number;
  /** Bin spacing, Hz = sampleRateHz / fftSize. */
  binHz: number;
  /** RF frequency of bin 0, Hz (centerHz - sampleRateHz/2). Bin k is at startHz + k*binHz. */
  startHz: number;
  /** Number of periodogram frames averaged into this spectrum (Welch segments, overlapping). */
  frames: number;
  /** Effective number of independent frames (overlap-corrected), for detection thresholds. */
  effectiveFrames: number;
  enbwBins: number;
  psdDbfs: Float32Array;
  /** Index of the first sample (since stream start) that went into this spectrum. */
  firstSample: number;
  /** Samples consumed to build it (hop * frames, roughly). */
  sampleCount: number;
  /**
   * Optional linear view of psdDbfs (same calibration: psdLin = 10^(psdDbfs/10), full-scale power per bin).
   * Detectors that work in linear power read this instead of converting back.
   */
  psdLin?: Float32Array;
  /**
   * Optional per-bin flags (FFT-shifted like psdDbfs): bit 0 (1) = DC-spike bin whose value was replaced by the
   * interpolated neighbourhood, bit 1 (2) = suspected IQ-imbalance image of a strong signal at the mirror bin.
   * Detectors should not report emissions made of flagged bins.
   */
  binFlags?: Uint8Array;
}

/** {@link Spectrum.binFlags} bit: DC-spike bin (value interpolated from the neighbours). */
export const BIN_FLAG_DC = 1;
/** {@link Spectrum.binFlags} bit: IQ-imbalance image of a much stronger signal at the mirror frequency. */
export const BIN_FLAG_IMAGE = 2;

/**
 * The frame kernel: raw samples → window → FFT → |X|² accumulated into a linear power accumulator
 * (natural FFT order, length fftSize). Implemented in JS over fft.js (reference) and in WASM SIMD.
 * Must not allocate per call.
 */
export interface FrameKernel {
  readonly backend: 'fftjs' | 'wasm-simd' | string;
  readonly fftSize: number;
  /** Accumulate one frame of `fftSize` cu8 complex samples (2*fftSize bytes) starting at byte `offset`. */
  accumulateCu8(input: Uint8Array, offset: number, accum: Float64Array): void;
  /** Same for planar float I/Q (already converted), `fftSize` samples starting at `offset`. */
  accumulateComplex(re: Float32Array, im: Float32Array, offset: number, accum: Float64Array): void;
  /**
   * Batch form of accumulateCu8: `frames` frames whose starts are `hopSamples` apart, the first at byte `offset`
   * (needs 2*((frames-1)*hopSamples + fftSize) bytes). Backends that keep state off the JS heap (WASM) copy the
   * input once and accumulate in their own memory for the whole batch. Optional; callers fall back to a loop.
   */
  accumulateCu8Frames?(
    input: Uint8Array,
    offset: number,
    frames: number,
    hopSamples: number,
    accum: Float64Array,
  ): void;
  /**
   * One cu8 frame's |X|² on its own, in natural FFT order, in a buffer owned by the kernel (valid until its next
   * call). For callers that need every frame's periodogram (Welch `onFrame`): no accumulator is loaded or stored.
   * Optional; callers fall back to accumulating into a zeroed array.
   */
  powerCu8?(input: Uint8Array, offset: number): Float64Array;
  dispose?(): void;
}

/** One detected emission in one spectrum, measured per ITU-R SM.443/SM.328. */
export interface Emission {
  /** Inclusive bin range in the (FFT-shifted) spectrum. */
  startBin: number;
  endBin: number;
  /** Power-weighted centre, Hz (absolute RF). */
  centerHz: number;
  /** 99 % power occupied bandwidth, Hz. */
  occupiedBandwidthHz: number;
  /**
   * Centre of the occupied bandwidth (midpoint of its 0.5 % / 99.5 % edges), Hz (absolute RF). Steadier than the
   * power-weighted centre on wide noise-like emissions, whose per-bin power fluctuates (±1/√M).
   */
  obwCenterHz?: number;
  /** x-dB bandwidth (x = 26 by default), Hz. */
  xDbBandwidthHz: number;
  peakDbfs: number;
  peakHz: number;
  /** Total power over the emission's bins, dBFS (noise-bandwidth corrected). */
  channelPowerDbfs: number;
  /** Noise floor under the emission, dBFS per bin. */
  floorDbfs: number;
  /** Peak over floor, dB. */
  snrDb: number;
}

/** Jamming indicators for one spectrum (and, for the multi-frame detectors, over recent spectra). */
export interface JammingFeatures {
  /** Rise of the noise floor over the learned baseline, dB. */
  floorRiseDb: number;
  /** Spectral flatness (geometric / arithmetic mean of linear PSD), 0..1. */
  flatness: number;
  /** Fraction of (usable) bins above the detection threshold, 0..1. */
  occupiedFraction: number;
}

export type JammerType = 'barrage' | 'cw' | 'sweep' | 'pulse';

export interface JammerDetection {
  type: JammerType;
  /** Frequency range affected, Hz (absolute RF). */
  startHz: number;
  stopHz: number;
  /** Confidence-like score 0..1, detector specific. */
  score: number;
  /** Detector-specific figures (sweep rate Hz/s, duty cycle, period s, rise dB, ...). */
  detail: Record<string, number>;
}
