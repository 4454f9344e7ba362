/**
 * `bandwatch analyze --input REC.sigmf-meta --plan PLAN [--format jsonl]`: a recording (or a live source with
 * `--input rtltcp://HOST:PORT | usb[:SERIAL] | virtual[:SCENE]`) through the live pipeline, printing one JSON
 * object per detection (when the emission ends) and per alarm (when raised).
 */
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { ConfigError } from '../../errors.ts';
import { loadPlanFile } from '../../plan/index.ts';
import { analyzeRecording, analyzeSource, type AnalyzeRecord } from '../../pipeline/analyze.ts';
import { isLiveInput, openLiveInput } from '../../sources/open.ts';

const USAGE = `usage: bandwatch analyze --input REC.sigmf-meta|rtltcp://HOST:PORT|usb[:SERIAL]|virtual[:SCENE] [--plan PLAN]
         [--format jsonl] [--center-hz HZ] [--sample-rate HZ] [--gain DB|auto] [--duration SECONDS]`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string', short: 'i' },
      plan: { type: 'string', short: 'p' },
      format: { type: 'string', default: 'jsonl' },
      'center-hz': { type: 'string' },
      'sample-rate': { type: 'string' },
      gain: { type: 'string' },
      duration: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.input) {
    io.err(USAGE);
    return 2;
  }
  if (values.format !== 'jsonl')
    throw new ConfigError('BW_ERR_CLI_ARGS', `unsupported --format '${values.format}' (only jsonl)`, {
      field: '--format',
    });
  const plan = values.plan ? await loadPlanFile(values.plan) : undefined;
  const emit = (r: AnalyzeRecord) => io.out(JSON.stringify(r));
  const durationS = values.duration !== undefined ? num(values.duration, '--duration') : undefined;
  let summary;
  if (isLiveInput(values.input)) {
    const source = await openLiveInput(values.input, {
      centerHz: values['center-hz'] !== undefined ? num(values['center-hz'], '--center-hz') : undefined,
      sampleRateHz: values['sample-rate'] !== undefined ? num(values['sample-rate'], '--sample-rate') : undefined,
      gain: values.gain === undefined ? undefined : values.gain === 'auto' ? 'auto' : num(values.gain, '--gain'),
    });
    summary = await analyzeSource(source, { plan, signal: io.signal, durationS }, emit);
  } else {
    summary = await analyzeRecording(values.input, { plan, signal: io.signal }, emit);
  }
  io.err(
    `analyzed ${summary.durationS.toFixed(2)} s (${summary.spectra} spectra): ${summary.detections} detection(s), ${summary.alarms} alarm(s)`,
  );
  return 0;
}

function num(v: string, flag: string): number {
  const x = Number(v);
  if (!Number.isFinite(x))
    throw new ConfigError('BW_ERR_CLI_ARGS', `${flag} must be a number, got '${v}'`, { field: flag });
  return x;
}
