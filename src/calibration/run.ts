/**
 * Calibration runs over the inputs `bandwatch analyze` accepts: a SigMF recording (read as fast as possible, first
 * capture only, its `bandwatch:ppm` taken as the correction in effect) or a live source opened through
 * src/sources/open.ts (usb, rtltcp, virtual), measured for a fixed duration after the tuner settles.
 */
import { openRecording, SigmfPlayer } from '../recording/sigmfReader.ts';
import { isLiveInput, openLiveInput, parseInputSpec } from '../sources/open.ts';
import type { Source } from '../types.ts';
import { CarrierMeter, type CalibrationResult } from './meter.ts';
import { CalibrationError } from './errors.ts';

/** What to measure, shared by every input kind. */
export interface CalibrateOptions {
  /** True frequency of the reference carrier, Hz. */
  referenceHz: number;
  /** Search half-width, Hz (default ±100 ppm of the reference, ≥ 5 bins). */
  searchHz?: number;
  /** Seconds to average. Live default 10 s; recordings default to the whole first capture. */
  durationS?: number;
  /**
   * Correction in effect, ppm. Live: applied to the dongle and taken as in effect. Recording: overrides the
   * recording's `bandwatch:ppm` (for recordings made elsewhere, e.g. `rtl_sdr -p`).
   */
  ppm?: number;
  /** Minimum line SNR, dB (default 10). */
  minSnrDb?: number;
  /** FFT size override (power of two, 1024–65536). */
  fftSize?: number;
  signal?: AbortSignal;
}

/** Live-input options (as `bandwatch analyze`). */
export interface LiveCalibrateOptions extends CalibrateOptions {
  /** Tuned centre, Hz. Default: 200 kHz below the reference, off the dongle's DC spike. */
  centerHz?: number;
  sampleRateHz?: number;
  gain?: number | 'auto';
  /**
   * Seconds dropped after start. Besides PLL and gain settling, samples taken before the last tuning command (the
   * correction retunes) can still be in flight in the driver's transfers or an rtl_tcp server's queue: with no
   * settling, the virtual dongle over rtl_tcp showed the pre-correction tuning as a second line 18 dB over the
   * floor; 0.25 s cleared it on loopback. A real rtl_tcp server queues far more (up to 500 buffers), hence 1 s.
   * Default {@link DEFAULT_SETTLE_S}.
   */
  settleS?: number;
}

/** Default live measurement, s (rtl_test's PPM_DURATION is 10 s too). */
export const DEFAULT_LIVE_DURATION_S = 10;
/** Default settling time dropped at the start of a live run, s. */
export const DEFAULT_SETTLE_S = 1;
/** Default distance of the tuned centre below the reference for live inputs, Hz. */
export const DEFAULT_CENTER_OFFSET_HZ = 200_000;

/** Calibrates against `input` (recording path, `rtltcp://…`, `usb[:SERIAL]`, `virtual[:SCENE]`). */
export async function calibrateInput(input: string, o: LiveCalibrateOptions): Promise<CalibrationResult> {
  if (!isLiveInput(input)) {
    const r = await calibrateRecording(input, o);
    const ignored = (
      [
        ['--center-hz', o.centerHz],
        ['--sample-rate', o.sampleRateHz],
        ['--gain', o.gain],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (ignored.length)
      r.warnings.push(`${ignored.map(([f]) => f).join(', ')} ignored: a recording has its own tuning`);
    return r;
  }
  const source = await openLiveInput(input, {
    centerHz: o.centerHz ?? o.referenceHz - DEFAULT_CENTER_OFFSET_HZ,
    sampleRateHz: o.sampleRateHz,
    gain: o.gain,
    ppm: o.ppm,
  });
  // rtl_tcp carries the correction as a whole number of ppm (the client rounds it): that is what is in effect
  let applied = o.ppm ?? 0;
  const warnings: string[] = [];
  if (parseInputSpec(input).kind === 'rtltcp' && applied !== Math.round(applied)) {
    warnings.push(`rtl_tcp applies whole ppm only: --ppm ${applied} went out as ${Math.round(applied)}`);
    applied = Math.round(applied);
  }
  const r = await calibrateSource(source, { ...o, appliedPpm: applied });
  r.warnings.push(...warnings);
  return r;
}

/** Calibrates against the first capture of a SigMF recording. */
export async function calibrateRecording(path: string, o: CalibrateOptions): Promise<CalibrationResult> {
  const rec = await openRecording(path);
  const seg = rec.segments[0];
  const warnings: string[] = [];
  if (!seg || rec.totalSamples === 0)
    throw new CalibrationError('BW_ERR_CALIBRATION_NO_LINE', 'the recording holds no samples', { file: rec.dataPath });
  const recPpmRaw = rec.meta.global['bandwatch:ppm'];
  const recPpm = typeof recPpmRaw === 'number' && Number.isFinite(recPpmRaw) ? recPpmRaw : undefined;
  if (o.ppm !== undefined && recPpm !== undefined && o.ppm !== recPpm)
    warnings.push(`--ppm ${o.ppm} overrides the recording's bandwatch:ppm ${recPpm} as the correction in effect`);
  const available = seg.sampleEnd - seg.sampleStart;
  let total = available;
  if (o.durationS !== undefined) {
    total = Math.min(available, Math.round(o.durationS * rec.sampleRateHz));
    if (o.durationS * rec.sampleRateHz > available + 1)
      warnings.push(
        `--duration ${o.durationS} s is longer than the first capture (${(available / rec.sampleRateHz).toFixed(2)} s)`,
      );
  }
  const meter = new CarrierMeter({
    referenceHz: o.referenceHz,
    searchHz: o.searchHz,
    centerHz: seg.centerHz,
    sampleRateHz: rec.sampleRateHz,
    totalSamples: total,
    fftSize: o.fftSize,
    minSnrDb: o.minSnrDb,
    appliedPpm: o.ppm ?? recPpm ?? 0,
  });
  const player = new SigmfPlayer(rec, { speed: 'max', chunkSamples: 1 << 16 });
  await player.run((b) => {
    if (!meter.push(b)) player.stop();
  }, o.signal);
  return meter.result(warnings);
}

/**
 * Calibrates against a started-here live source for `durationS` (after `settleS`), then stops it. The source is
 * stopped whatever happens. A source that ends, disconnects or stalls early is measured on what it gave.
 */
export async function calibrateSource(
  source: Source,
  o: LiveCalibrateOptions & { appliedPpm?: number },
): Promise<CalibrationResult> {
  const warnings: string[] = [];
  try {
    const fs = source.getSampleRateHz();
    const durationS = o.durationS ?? DEFAULT_LIVE_DURATION_S;
    const settleS = o.settleS ?? DEFAULT_SETTLE_S;
    const meter = new CarrierMeter({
      referenceHz: o.referenceHz,
      searchHz: o.searchHz,
      centerHz: source.getCenterHz(),
      sampleRateHz: fs,
      totalSamples: Math.round(durationS * fs),
      skipSamples: Math.round(settleS * fs),
      fftSize: o.fftSize,
      minSnrDb: o.minSnrDb,
      appliedPpm: o.appliedPpm ?? 0,
    });
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        warnings.push('interrupted');
        finish();
      };
      // a source that stops delivering must not hang the command: give it the run time plus 10 s
      const timer = setTimeout(
        () => {
          warnings.push('the source stopped delivering samples');
          finish();
        },
        (durationS + settleS + 10) * 1000,
      );
      o.signal?.addEventListener('abort', onAbort);
      if (o.signal?.aborted) onAbort();
      source
        .start(
          (block) => {
            if (!finished && !meter.push(block)) finish();
          },
          (ev) => {
            if (ev.type === 'end') finish();
            else if (ev.type === 'disconnected') {
              warnings.push(`the source disconnected: ${ev.reason}`);
              finish();
            } else if (ev.type === 'samples-lost') warnings.push(`the source lost ${ev.lostSamples} samples`);
          },
        )
        .catch((e: unknown) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
    return meter.result(warnings);
  } finally {
    await source.stop();
  }
}
