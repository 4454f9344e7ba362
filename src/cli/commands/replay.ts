/**
 * `bandwatch replay REC.sigmf-meta [--speed 1|N|max] [--plan P]`: prints the recording's summary, then runs it
 * through the live pipeline (src/pipeline) at the chosen pace, printing detections and alarms as JSON lines.
 * `--info` prints only the summary.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../../errors.ts';
import { loadPlanFile } from '../../plan/index.ts';
import { Analyzer, type AnalyzeRecord } from '../../pipeline/analyze.ts';
import { openRecording, SigmfPlayer, type SigmfRecording } from '../../recording/sigmfReader.ts';
import type { CliIo } from '../io.ts';

const USAGE = 'usage: bandwatch replay REC.sigmf-meta [--speed 1|N|max] [--plan PLAN] [--info]';

export function recordingSummary(rec: SigmfRecording): string[] {
  const g = rec.meta.global;
  const lines = [
    `recording ${rec.metaPath}`,
    `  datatype ${rec.format}, ${(rec.sampleRateHz / 1e6).toFixed(6)} MS/s, ${rec.totalSamples} samples, ${rec.durationS.toFixed(3)} s`,
    `  start ${new Date(rec.startMs).toISOString()}${typeof g['core:hw'] === 'string' ? `, hw ${g['core:hw']}` : ''}`,
  ];
  for (const s of rec.segments) {
    lines.push(
      `  capture @${s.sampleStart}: ${(s.centerHz / 1e6).toFixed(6)} MHz, ${new Date(s.timeMs).toISOString()}, ${((s.sampleEnd - s.sampleStart) / rec.sampleRateHz).toFixed(3)} s`,
    );
  }
  for (const a of rec.meta.annotations) {
    lines.push(
      `  annotation @${a['core:sample_start']}+${a['core:sample_count'] ?? '…'}: ${a['core:label'] ?? ''}${a['core:comment'] ? ` — ${a['core:comment']}` : ''}`,
    );
  }
  for (const w of rec.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: 'max' },
      plan: { type: 'string', short: 'p' },
      info: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const path = positionals[0];
  if (!path) {
    io.err(USAGE);
    return 2;
  }
  let speed: number | 'max' = 'max';
  if (values.speed !== 'max') {
    speed = Number(String(values.speed).replace(/x$/i, ''));
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new ConfigError('BW_ERR_CLI_ARGS', `--speed must be 1, N or max, got '${values.speed}'`, {
        field: '--speed',
      });
    }
  }
  const rec = await openRecording(path);
  for (const l of recordingSummary(rec)) io.err(l);
  if (values.info) return 0;
  const plan = values.plan ? await loadPlanFile(values.plan) : undefined;
  const an = await Analyzer.create({ plan, signal: io.signal }, (r: AnalyzeRecord) => io.out(JSON.stringify(r)));
  const player = new SigmfPlayer(rec, { speed, chunkSamples: speed === 'max' ? 262144 : 65536 });
  const t = performance.now();
  const end = await player.run((b) => an.push(b), io.signal);
  const s = await an.finish();
  io.err(
    `replayed ${s.durationS.toFixed(2)} s in ${((performance.now() - t) / 1000).toFixed(2)} s (${end}): ` +
      `${s.spectra} spectra, ${s.detections} detection(s), ${s.alarms} alarm(s)`,
  );
  return 0;
}
