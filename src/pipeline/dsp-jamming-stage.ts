/**
 * Adapter from dsp/jamming's JammingDetector (barrage, sweep, pulse, CW) to the pipeline's JammingStage, tuned for
 * the alarm latency goal (< 1 s): barrage must persist 0.3 s, a CW line 0.45 s (a licensed user's bare carrier is
 * exempted by the detector from the plan's channels, passed on from the pipeline with per-frame band powers). Should the detector throw (it is
 * young code), the stage falls back to the built-in floor-rise barrage detector rather than stop the pipeline.
 */
import { JammingDetector, type JammingOptions } from '../../dsp/jamming.ts';
import type { JammerDetection } from '../../dsp/types.ts';
import { FloorRiseJammingStage, type JammingInput, type JammingStage } from './jamming-stage.ts';

export interface JammingStageOptions {
  /** Baseline learning time, s (default 10). */
  learnS?: number;
  detector?: Partial<Omit<JammingOptions, 'fftSize' | 'excludeMask'>>;
  /** Spectra of persistence before a jammer type is reported. Default 6 (≈ 0.16 s). */
  persistFrames?: number;
  /** A reported jammer stands this long after its last report, ms (range = union meanwhile). Default 1000. */
  hangMs?: number;
}

/** A latched CW line stands while its peak is within this many dB of the reported level. */
const LATCH_TOL_DB = 3;
/** ...and at least this far over the noise floor, dB. */
const LATCH_SNR_DB = 10;

class DspJammingStage implements JammingStage {
  private det: JammingDetector | null = null;
  private active = false;
  private readonly fallback = new FloorRiseJammingStage();
  private failed = false;
  private readonly history: Partial<Record<JammerDetection['type'], number[]>> = {};
  errors = 0;
  private licensed: { startHz: number; stopHz: number }[] = [];
  private readonly hung = new Map<JammerDetection['type'], { det: JammerDetection; lastMs: number }>();

  constructor(private readonly o: JammingStageOptions) {}

  process(i: JammingInput): JammerDetection[] {
    if (this.failed) return this.fallback.process(i);
    try {
      this.det ??= new JammingDetector({
        fftSize: i.spectrum.fftSize,
        excludeMask: i.exclude,
        edgeFraction: 0.08,
        tracker: { learnS: this.o.learnS ?? 10 },
        barrage: { persistS: 0.3 },
        cw: { minDurationS: 0.45, minFrames: 12 },
        ...(this.o.detector ?? {}),
      });
      if (i.licensed && !sameRanges(i.licensed, this.licensed)) {
        this.licensed = i.licensed.map((r) => ({ startHz: r.startHz, stopHz: r.stopHz }));
        this.det.setLicensedChannels(this.licensed);
      }
      const out = this.det.update({
        spectrum: i.spectrum as JammingInput['spectrum'] & { binFlags?: Uint8Array },
        timeS: i.timeMs / 1000,
        psdLin: i.psdLin,
        floor: i.floor,
        detMask: i.mask,
        emissions: i.emissions,
        emissionCount: i.emissions.length,
        ...(i.framePower ? { framePower: i.framePower } : {}),
      });
      this.active = out.length > 0;
      // Persistence per jammer type: reported only when present in ≥ 75 % of the last `persistFrames` spectra
      // (≈ 0.16 s), which removes single-spectrum flashes on licensed traffic at little latency cost.
      const n = this.o.persistFrames ?? 6;
      const reported: JammerDetection[] = [];
      for (const type of ['barrage', 'cw', 'sweep', 'pulse'] as const) {
        const hist = (this.history[type] ??= []);
        const present = out.some((d) => d.type === type);
        hist.push(present ? 1 : 0);
        if (hist.length > n) hist.shift();
        const count = hist.reduce((a, b) => a + b, 0);
        if (!present || hist.length < n || count < Math.ceil(0.75 * n)) continue;
        for (const d of out) {
          if (d.type === type)
            reported.push({
              type: d.type,
              startHz: d.startHz,
              stopHz: d.stopHz,
              score: d.score,
              detail: { ...d.detail },
            });
        }
      }
      this.latchCwLines(i);
      return this.hang(reported, i.timeMs);
    } catch {
      this.errors++;
      this.failed = true;
      return this.fallback.process(i);
    }
  }

  /**
   * A jammer's report flickers from spectrum to spectrum (a sweep's smear, a pulse train between analysis windows).
   * Each type's report stands for `hangMs` after it was last seen, with its range the union of what was reported
   * meanwhile, so the emission rules keep leaving the jammer's energy to the jamming alarm (a sweep crossing licensed
   * channels would otherwise raise unlicensed / out-of-mask between reports, a barrage's tail over-power).
   */
  private hang(reported: JammerDetection[], timeMs: number): JammerDetection[] {
    const hangMs = this.o.hangMs ?? 1000;
    for (const d of reported) {
      const h = this.hung.get(d.type);
      if (h && timeMs - h.lastMs <= hangMs) {
        h.det = { ...d, startHz: Math.min(d.startHz, h.det.startHz), stopHz: Math.max(d.stopHz, h.det.stopHz) };
        h.lastMs = timeMs;
        d.startHz = h.det.startHz;
        d.stopHz = h.det.stopHz;
      } else this.hung.set(d.type, { det: { ...d, detail: { ...d.detail } }, lastMs: timeMs });
    }
    const out = [...reported];
    for (const [type, h] of this.hung) {
      if (timeMs - h.lastMs > hangMs) {
        this.hung.delete(type);
        continue;
      }
      if (!reported.some((d) => d.type === type)) out.push({ ...h.det, detail: { ...h.det.detail } });
    }
    return out;
  }

  /**
   * A reported CW jammer stands while its line does. The detector lets go of a line once it shows modulation
   * sidebands, which is what happens when the channel's licensed user keys up underneath the jammer: the jammer is
   * still there, and without this its line would next be judged an over-power emission of the channel. The line
   * stands while the peak within ±1 bin of the reported frequency stays within `LATCH_TOL_DB` of the level the
   * detector measured and ≥ `LATCH_SNR_DB` over the floor; a user alone there reads far below a jammer that was
   * reported over it (a jammer as weak as the user is exempted by the detector in the first place).
   */
  private latchCwLines(i: JammingInput): void {
    const h = this.hung.get('cw');
    if (!h || h.lastMs >= i.timeMs) return;
    const sp = i.spectrum;
    const ref = h.det.detail['levelDbfs'];
    if (typeof ref !== 'number') return;
    const k = Math.round(((h.det.startHz + h.det.stopHz) / 2 - sp.startHz) / sp.binHz);
    if (k < 1 || k >= i.psdLin.length - 1) return;
    const peak = Math.max(i.psdLin[k - 1]!, i.psdLin[k]!, i.psdLin[k + 1]!);
    const levelDb = 10 * Math.log10(peak);
    const floorDb = 10 * Math.log10(i.floorLin[k]!);
    if (Math.abs(levelDb - ref) <= LATCH_TOL_DB && levelDb - floorDb >= LATCH_SNR_DB) h.lastMs = i.timeMs;
  }

  holdBaseline(): boolean {
    return this.failed ? this.fallback.holdBaseline() : this.active;
  }

  reset(): void {
    for (const k of Object.keys(this.history)) delete this.history[k as JammerDetection['type']];
    this.det?.reset();
    this.hung.clear();
    this.fallback.reset();
    this.active = false;
  }
}

function sameRanges(
  a: ReadonlyArray<{ startHz: number; stopHz: number }>,
  b: ReadonlyArray<{ startHz: number; stopHz: number }>,
): boolean {
  return a.length === b.length && a.every((r, k) => r.startHz === b[k]!.startHz && r.stopHz === b[k]!.stopHz);
}

export function createJammingStage(o: JammingStageOptions = {}): JammingStage {
  return new DspJammingStage(o);
}
