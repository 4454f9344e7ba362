/**
 * `bandwatch calibrate --input SRC --reference-hz HZ`: measures a dongle's frequency error against a known carrier
 * and prints the `ppm` value for the sensor's config (see docs/calibration.md).
 */
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { calibrateInput } from '../../calibration/run.ts';
import { calibrationJson, calibrationText } from '../../calibration/format.ts';

export const USAGE = `usage: bandwatch calibrate --input REC.sigmf-meta|rtltcp://HOST:PORT|usb[:SERIAL]|virtual[:SCENE] --reference-hz HZ
         [--search-hz HZ] [--duration SECONDS] [--ppm PPM] [--format text|json] [--all]
         [--center-hz HZ] [--sample-rate HZ] [--gain DB|auto]
  Finds the strongest line within ±search-hz (default ±100 ppm) of the reference carrier and prints its offset
  and the value for the sensor's "ppm" setting. Frequencies take Hz or a k/M/G suffix (1090M, 446.00625MHz).
  --duration  seconds to average (live default 10; recordings: the whole first capture)
  --ppm       correction in effect: applied to a live dongle; for a recording it overrides bandwatch:ppm
  --center-hz live tuning (default: 200 kHz below the reference, away from the DC spike)
  --all       also report drift (offset in the first and last third of the run)`;

/** A bad flag value: reported on one line with exit code 2, like parseArgs' own errors. */
class FlagError extends Error {
  readonly code = 'BW_ERR_CLI_ARGS';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `--ppm -12` is the normal case (slow crystals are as common as fast ones), but parseArgs would take `-12` for a
 * flag and demand `--ppm=-12`: join a negative number to the flag before parsing.
 */
function joinNegativePpm(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    if (a === '--ppm' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`--ppm=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: joinNegativePpm(args),
    options: {
      input: { type: 'string', short: 'i' },
      'reference-hz': { type: 'string' },
      'search-hz': { type: 'string' },
      duration: { type: 'string' },
      ppm: { type: 'string' },
      format: { type: 'string', default: 'text' },
      all: { type: 'boolean', default: false },
      'center-hz': { type: 'string' },
      'sample-rate': { type: 'string' },
      gain: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  let opts;
  try {
    if (!values.input) throw new FlagError('--input', 'is required');
    if (values['reference-hz'] === undefined) throw new FlagError('--reference-hz', 'is required');
    if (values.format !== 'text' && values.format !== 'json')
      throw new FlagError('--format', `must be text or json, got '${values.format}'`);
    opts = {
      referenceHz: positiveHz(values['reference-hz'], '--reference-hz'),
      searchHz: values['search-hz'] !== undefined ? positiveHz(values['search-hz'], '--search-hz') : undefined,
      durationS: values.duration !== undefined ? positive(values.duration, '--duration') : undefined,
      ppm: values.ppm !== undefined ? ppmValue(values.ppm) : undefined,
      centerHz: values['center-hz'] !== undefined ? positiveHz(values['center-hz'], '--center-hz') : undefined,
      sampleRateHz:
        values['sample-rate'] !== undefined ? positiveHz(values['sample-rate'], '--sample-rate') : undefined,
      gain: values.gain === undefined ? undefined : values.gain === 'auto' ? ('auto' as const) : gainDb(values.gain),
      signal: io.signal,
    };
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.err(`bandwatch calibrate: ${e.flag} ${e.message} [${e.code}] (see \`bandwatch calibrate --help\`)`);
    return 2;
  }
  const result = await calibrateInput(values.input, opts);
  if (values.format === 'json') io.out(calibrationJson(result, values.all));
  else for (const line of calibrationText(result, values.all)) io.out(line);
  return 0;
}

const UNITS: Record<string, number> = { '': 1, hz: 1, k: 1e3, khz: 1e3, m: 1e6, mhz: 1e6, g: 1e9, ghz: 1e9 };

/** "1090000000", "1.09e9", "1090M", "446.00625 MHz" → Hz. */
function positiveHz(v: string, flag: string): number {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const x = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!(Number.isFinite(x) && x > 0)) throw new FlagError(flag, `must be a positive frequency in Hz, got '${v}'`);
  return x;
}

function positive(v: string, flag: string): number {
  const x = Number(v);
  if (!(v.trim() !== '' && Number.isFinite(x) && x > 0))
    throw new FlagError(flag, `must be a positive number, got '${v}'`);
  return x;
}

function ppmValue(v: string): number {
  const x = Number(v);
  // the driver accepts ±1000 ppm (firmware-bridge RtlSdr.setFrequencyCorrection)
  if (!(v.trim() !== '' && Number.isFinite(x) && Math.abs(x) <= 1000))
    throw new FlagError('--ppm', `must be a number within ±1000, got '${v}'`);
  return x;
}

function gainDb(v: string): number {
  const x = Number(v);
  if (!(v.trim() !== '' && Number.isFinite(x) && x >= 0 && x <= 60))
    throw new FlagError('--gain', `must be 'auto' or dB within 0–60, got '${v}'`);
  return x;
}
