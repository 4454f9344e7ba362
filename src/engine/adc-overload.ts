/**
 * ADC overload → `sensor-fault` alarm: runs dsp/clipping's OverloadDetector over a sensor's blocks and turns its
 * windows into alarm conditions (key `fault:adc-overload`, `detail.fault: 'overload'`). Shared by the live sensor
 * node and `analyze`, so a replay raises the same alarm at the same sample time. Thresholds and advice:
 * docs/sensor-health.md.
 */
import {
  DEFAULT_OVERLOAD_THRESHOLDS,
  OverloadDetector,
  type ClipWindow,
  type OverloadThresholds,
} from '../../dsp/clipping.ts';
import type { AlarmCondition } from '../alarms/condition.ts';
import { fmtNum, T, type Lang } from '../reports/i18n.ts';
import type { AlarmKind, IqBlock } from '../types.ts';

/**
 * De-duplication key of the ADC-overload alarm. Not `fault:overload`: that key is the sensor node's "processing
 * overload: samples dropped" alarm (the pipeline falling behind), a different fault with a different remedy.
 */
export const ADC_OVERLOAD_KEY = 'fault:adc-overload';

/** What the watch needs of the AlarmManager (a fake in tests). */
export interface FaultAlarmSink {
  report(c: AlarmCondition): unknown;
  resolve(match: { sensorId: string; kind: AlarmKind; key?: string }, timeMs: number): void;
}

/** Per-sensor ADC-overload watch: blocks in, alarm conditions out. */
export class AdcOverloadWatch {
  private readonly detector: OverloadDetector;
  private totalSamples = 0;
  private totalClipped = 0;

  /**
   * @param onWindow called after each 1 s (windowS) window has been turned into alarm conditions (status updates).
   */
  constructor(
    private readonly sensorId: string,
    private readonly alarms: FaultAlarmSink,
    thresholds: Partial<OverloadThresholds> = {},
    private readonly onWindow?: (w: ClipWindow) => void,
  ) {
    this.detector = new OverloadDetector((w) => this.window(w), thresholds);
  }

  get thresholds(): Readonly<OverloadThresholds> {
    return this.detector.thresholds;
  }

  /** True while the overload condition holds (between raise and clear). */
  get overloaded(): boolean {
    return this.detector.isOverloaded;
  }

  /** Clipped fraction (0–1) of the latest complete window, null before the first. */
  get clippedFraction(): number | null {
    return this.detector.lastWindow?.fraction ?? null;
  }

  /** Clipped fraction (0–1) over everything counted so far (complete windows and, after finish, the last one). */
  get overallClippedFraction(): number {
    return this.totalSamples ? this.totalClipped / this.totalSamples : 0;
  }

  push(b: IqBlock): void {
    this.detector.push(b.format, b.bytes, b.timeMs, b.sampleRateHz);
  }

  /** End of stream (recording end): count the last partial window; a short, wholly clipped stream raises. */
  finish(): void {
    this.detector.finish();
  }

  private window(w: ClipWindow): void {
    this.totalSamples += w.samples;
    this.totalClipped += w.clipped;
    // Refreshed every window while overloaded, so the manager's own clear hysteresis never ends it early; the
    // detector's (under clearFraction for clearAfterS) decides when it is over.
    if (w.overloaded) this.alarms.report(adcOverloadCondition(this.sensorId, w, this.thresholds));
    if (w.transition === 'clear') {
      // The condition ended when the clean run began: the manager clears it once its hysteresis has passed since.
      this.alarms.resolve(
        { sensorId: this.sensorId, kind: 'sensor-fault', key: ADC_OVERLOAD_KEY },
        w.sinceMs ?? w.endMs,
      );
    }
    this.onWindow?.(w);
  }
}

/** The alarm condition of an overloaded window: fraction, peak, thresholds, and the advice in both languages. */
export function adcOverloadCondition(
  sensorId: string,
  w: ClipWindow,
  thresholds: Readonly<OverloadThresholds> = DEFAULT_OVERLOAD_THRESHOLDS,
): AlarmCondition {
  const detail: Record<string, unknown> = {
    fault: 'overload',
    clippedFraction: round4(w.fraction),
    peakClippedFraction: round4(w.peakFraction),
    windowS: thresholds.windowS,
    raiseFraction: thresholds.raiseFraction,
    reason: overloadReason(w.fraction, 'en'),
    advice: T.adcOverloadAdvice.en,
    reasonVi: overloadReason(w.fraction, 'vi'),
    adviceVi: T.adcOverloadAdvice.vi,
  };
  if (w.wholeStream) detail.wholeStream = true;
  return {
    sensorId,
    kind: 'sensor-fault',
    severity: 'major',
    timeMs: w.endMs,
    centerHz: null,
    bandwidthHz: null,
    levelDbfs: null,
    assignmentId: null,
    key: ADC_OVERLOAD_KEY,
    detail,
  };
}

/** "ADC overload: 3.2 % of samples at the ADC limits — sensor overloaded (...): its detections are unreliable". */
export function overloadReason(fraction: number, lang: Lang): string {
  return `${T.adcOverload[lang]}: ${fmtNum(fraction * 100, lang, 1)} % ${T.adcOverloadSamples[lang]} — ${T.adcOverloadReason[lang]}`;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
