/**
 * Seam between the pipeline and jamming detection. The detector proper lives in dsp/jamming.ts; this stage
 * adapts it (see dsp-jamming-stage.ts). `FloorRiseJammingStage` is the minimal built-in detector used when no
 * other is configured: a barrage jammer raises the noise floor over the learned baseline (BeJamDetect: 3 dB =
 * medium) across most of the band, something CFAR alone cannot see because it adapts to it.
 */
import type { Emission, JammerDetection, Spectrum } from '../../dsp/types.ts';
import type { NoiseFloorEstimator, NoiseFloorTracker } from '../../dsp/noise-floor.ts';
import type { FramePowerInput } from '../../dsp/jamming.ts';

export interface JammingInput {
  spectrum: Spectrum;
  psdLin: Float32Array;
  floorLin: Float32Array;
  mask: Uint8Array;
  exclude: Uint8Array;
  floor: NoiseFloorEstimator;
  floorTracker: NoiseFloorTracker;
  /** Time of the spectrum, ms. */
  timeMs: number;
  /** This spectrum's emissions (fast path). */
  emissions: readonly Emission[];
  /** Per-FFT-frame band powers since the previous spectrum (fast pulses and sweeps), when the pipeline has them. */
  framePower?: FramePowerInput;
  /** Active licensed channels, Hz (a bare carrier of a recently modulated user there is not a CW jammer). */
  licensed?: ReadonlyArray<{ startHz: number; stopHz: number }>;
}

export interface JammingStage {
  process(input: JammingInput): JammerDetection[];
  /** True while jamming is detected: the floor baseline must not learn the jammer. */
  holdBaseline(): boolean;
  reset(): void;
}

export class FloorRiseJammingStage implements JammingStage {
  private active = false;
  private onCount = 0;
  private offCount = 0;

  constructor(
    private readonly riseDb = 3,
    /** Consecutive spectra to raise / to drop (hysteresis). */
    private readonly persist = 4,
  ) {}

  process(i: JammingInput): JammerDetection[] {
    const t = i.floorTracker;
    const rising = t.learned && t.globalRiseDb >= (this.active ? this.riseDb - 1 : this.riseDb);
    if (rising) {
      this.onCount++;
      this.offCount = 0;
    } else {
      this.offCount++;
      this.onCount = 0;
    }
    if (!this.active && this.onCount >= this.persist) this.active = true;
    if (this.active && this.offCount >= this.persist) this.active = false;
    if (!this.active) return [];
    const s = i.spectrum;
    return [
      {
        type: 'barrage',
        startHz: s.startHz,
        stopHz: s.startHz + s.binHz * s.fftSize,
        score: Math.min(1, t.globalRiseDb / 10),
        detail: { riseDb: t.globalRiseDb },
      },
    ];
  }

  holdBaseline(): boolean {
    return this.active;
  }

  reset(): void {
    this.active = false;
    this.onCount = 0;
    this.offCount = 0;
  }
}
