/**
 * Voice-like modulating signal with a closed-form integral, so FM phase is a pure function of the sample index.
 *
 * Time is cut into syllable segments of `segmentS`. In segment k (local time τ, length T) the audio is
 *   m(τ) ≈ w(τ) Σ a_i cos(2π f_i τ + θ_i)
 * with w a Tukey window (sin² ramps over the first and last 20 % of the segment, flat in between), seeded tone
 * frequencies (log-uniform in [loHz, hiHz]), amplitudes (Σ a_i = loudness ≤ 1, some segments silent) and phases.
 * The FM phase is defined as the antiderivative-like form
 *   Φ(τ) = w(τ) Σ a_i sin(2π f_i τ + θ_i) / (2π f_i)
 * whose derivative is m(τ) plus a small w'(τ) term; Φ is zero at both segment ends, so the phase is continuous and
 * needs no history. The syllabic envelope gives voice its on/off texture. Tones are evaluated from 32-bit phase
 * accumulators (exactly `j·inc mod 2^32`) into the linearly interpolated sine table.
 */
import { hashUnit, mix32 } from './prng.ts';
import { COS_TABLE, PHASE_ONE, SIN_TABLE, TRIG_SHIFT, phaseIncrement } from './tables.ts';

export interface VoiceAudioOptions {
  loHz: number;
  hiHz: number;
  /** Tones per segment. Default 3. */
  tones?: number;
  /** Segment (syllable) duration, s. Default 0.25. */
  segmentS?: number;
  /** Probability that a segment is a pause. Default 0.1. */
  pause?: number;
  /** Amplitude tilt: a_i ∝ (f_i / hiHz)^tilt; 1 ≈ FM pre-emphasis. Default 0. */
  tilt?: number;
  /** Loudness range of non-silent segments (Σ a_i). Default [0.8, 1]. */
  loudness?: [number, number];
}

const SHIFT = 18;
const SIN = SIN_TABLE;
const COS = COS_TABLE;
const FRAC_MASK = (1 << SHIFT) - 1;
const FRAC_SCALE = 1 / (1 << SHIFT);
if (SHIFT !== TRIG_SHIFT) throw new Error('audio.ts: SHIFT must equal TRIG_SHIFT');
const RAMP = 0.2;

export class VoiceAudio {
  private readonly k: number;
  private readonly freqs: Float64Array;
  private readonly amps: Float64Array;
  /** amps / (2π f): the integral's coefficients, s. */
  private readonly iamps: Float64Array;
  private readonly incs: Int32Array;
  private readonly phases: Int32Array;
  private readonly opts: Required<VoiceAudioOptions>;
  private segLen = 1;
  private rampLen = 1;
  private fs = 0;
  private cachedSeg = -1;

  constructor(
    private readonly key: number,
    opts: VoiceAudioOptions,
  ) {
    this.opts = { tones: 3, segmentS: 0.25, pause: 0.1, tilt: 0, loudness: [0.8, 1], ...opts };
    this.k = this.opts.tones;
    this.freqs = new Float64Array(this.k);
    this.amps = new Float64Array(this.k);
    this.iamps = new Float64Array(this.k);
    this.incs = new Int32Array(this.k);
    this.phases = new Int32Array(this.k);
  }

  setRate(sampleRateHz: number): void {
    if (sampleRateHz === this.fs) return;
    this.fs = sampleRateHz;
    this.segLen = Math.max(2, Math.round(this.opts.segmentS * sampleRateHz));
    this.rampLen = Math.max(1, Math.round(RAMP * this.segLen));
    this.cachedSeg = -1;
  }

  private load(seg: number): void {
    if (seg === this.cachedSeg) return;
    this.cachedSeg = seg;
    const key = mix32(this.key, 0x1234567);
    const { loHz, hiHz, pause, tilt, loudness } = this.opts;
    const silent = hashUnit(key, seg, 0) < pause;
    const loud = loudness[0] + (loudness[1] - loudness[0]) * hashUnit(key, seg, 1);
    let sum = 0;
    const lr = Math.log(hiHz / loHz);
    for (let i = 0; i < this.k; i++) {
      const f = loHz * Math.exp(lr * hashUnit(key, seg, 2 + 3 * i));
      this.freqs[i] = f;
      this.incs[i] = phaseIncrement(f, this.fs);
      const a = (0.2 + hashUnit(key, seg, 3 + 3 * i)) * Math.pow(f / hiHz, tilt);
      this.amps[i] = a;
      sum += a;
      this.phases[i] = Math.floor(hashUnit(key, seg, 4 + 3 * i) * PHASE_ONE) | 0;
    }
    const scale = silent || sum === 0 ? 0 : loud / sum;
    for (let i = 0; i < this.k; i++) {
      const a = (this.amps[i] as number) * scale;
      this.amps[i] = a;
      this.iamps[i] = a / (2 * Math.PI * (this.freqs[i] as number));
    }
  }

  /** Window w at offset j within the segment; writes dw/dj (per sample) to `this.dw`. */
  private window(j: number): number {
    const L = this.segLen;
    const R = this.rampLen;
    if (j >= R && j <= L - R) {
      this.dw = 0;
      return 1;
    }
    const rising = j < R;
    const th = (0.5 * Math.PI * (rising ? j : L - j)) / R;
    const sn = Math.sin(th);
    const d = Math.sin(2 * th) * ((0.5 * Math.PI) / R);
    this.dw = rising ? d : -d;
    return sn * sn;
  }

  private dw = 0;
  private sumB = 0;

  /** Σ c_i·sin(phase_i(j)) returned, Σ d_i·cos(phase_i(j)) into `this.sumB`; interpolated tables. */
  private sums(j: number, c: Float64Array, d: Float64Array): number {
    const sinT = SIN;
    const cosT = COS;
    let acc = 0;
    let accB = 0;
    for (let i = 0; i < this.k; i++) {
      const ph = ((this.phases[i] as number) + Math.imul(j, this.incs[i] as number)) | 0;
      const u = ph >>> SHIFT;
      const f = (ph & FRAC_MASK) * FRAC_SCALE;
      const s0 = sinT[u] as number;
      const c0 = cosT[u] as number;
      acc += (c[i] as number) * (s0 + ((sinT[u + 1] as number) - s0) * f);
      accB += (d[i] as number) * (c0 + ((cosT[u + 1] as number) - c0) * f);
    }
    this.sumB = accB;
    return acc;
  }

  /**
   * Φ at absolute sample s, in seconds (× a deviation in Hz = cycles), and its time derivative
   * (dimensionless, × deviation = instantaneous frequency offset in Hz) into out[o] and out[o + 1].
   */
  integral(s: number, out: Float64Array, o: number): void {
    const seg = Math.floor(s / this.segLen);
    this.load(seg);
    const j = s - seg * this.segLen;
    const w = this.window(j);
    const phi = this.sums(j, this.iamps, this.amps);
    out[o] = w * phi;
    out[o + 1] = w * this.sumB + this.dw * this.fs * phi;
  }

  /** m at absolute sample s, |m| ≤ 1 (for AM). */
  value(s: number): number {
    const seg = Math.floor(s / this.segLen);
    this.load(seg);
    const j = s - seg * this.segLen;
    const w = this.window(j);
    this.sums(j, this.iamps, this.amps);
    return w * this.sumB;
  }

  /** Mean square of m over many segments (for AM power normalisation), estimated from the option ranges. */
  meanSquareEstimate(): number {
    const [l0, l1] = this.opts.loudness;
    const meanLoud2 = (l0 * l0 + l0 * l1 + l1 * l1) / 3;
    // E[w²] of the Tukey window: 1 - 2·RAMP + 2·RAMP·3/8
    const w2 = 1 - 2 * RAMP + 2 * RAMP * (3 / 8);
    // tones with random phases: E[(Σ a_i cos)^2] = Σ a_i²/2; amplitudes uniform in [0.2, 1.2): Σa² ≈ 1.16·loud²/k
    return (1 - this.opts.pause) * w2 * meanLoud2 * (1.16 / (2 * this.k));
  }
}
