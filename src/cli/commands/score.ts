/**
 * `bandwatch score --input REC.sigmf-meta --plan PLAN`: runs an annotated recording through the analyze pipeline
 * and scores its alarms and detections against the recording's ground-truth annotations (`bandwatch:truth`), with
 * the venue evaluation's matching rules. The scores are information: exit 0 whenever the scoring ran.
 */
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { ConfigError } from '../../errors.ts';
import { loadPlanFile } from '../../plan/index.ts';
import { f2, formatKindTable, formatScoreDetails, mhz } from '../../quality/format.ts';
import { DEFAULT_WARMUP_S, scoreRecording, type RecordingScore } from '../../quality/recording.ts';
import { DEFAULT_LATE_S, DEFAULT_TOLERANCE_HZ } from '../../quality/score.ts';

const USAGE = `usage: bandwatch score --input REC.sigmf-meta --plan PLAN [--format table|json] [--late S]
                       [--tolerance-hz HZ] [--warmup S]

Runs the recording through the analyze pipeline and scores the alarms against the recording's ground-truth
annotations: every annotation carrying a "bandwatch:truth" object, e.g.
  {"core:sample_start": 9000000, "core:sample_count": 18000000, "core:freq_lower_edge": 446175750,
   "core:freq_upper_edge": 446186750, "core:label": "unlicensed PMR",
   "bandwatch:truth": {"kind": "unlicensed-emitter"}}
kind: unlicensed-emitter | interference | jamming | over-power | out-of-mask; optional "jammerType"
(cw | barrage | sweep | pulse, for jamming) and "assignment" (plan id, for interference / over-power /
out-of-mask). See docs/recording.md and docs/quality.md.

An alarm is a true positive for an event when it has the event's kind (and jammer type, and assignment),
is raised in [start, end + late] and its centre lies within the event band ± tolerance. Each event takes one
alarm; every other alarm is a false positive. Events starting in the warm-up are not scored.

  --input, -i      the recording (.sigmf-meta, .sigmf-data or the base name)
  --plan, -p       the frequency plan the recording was made under (JSON, YAML or CSV)
  --format         table (default) or json
  --late           seconds an alarm may come after the event's end (default ${DEFAULT_LATE_S})
  --tolerance-hz   Hz beyond the event's band edges (default ${DEFAULT_TOLERANCE_HZ})
  --warmup         events starting before this many seconds are not scored (default ${DEFAULT_WARMUP_S}:
                   the pipeline learns the noise floor first)
Exit code 0 when the scoring ran (whatever the scores), 1 on bad input, 2 on bad usage.`;

const OPTIONS = {
  input: { type: 'string', short: 'i' },
  plan: { type: 'string', short: 'p' },
  format: { type: 'string', default: 'table' },
  late: { type: 'string' },
  'tolerance-hz': { type: 'string' },
  warmup: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: OPTIONS }));
  } catch (e) {
    // node:util's own message (unknown option, missing value) is the clear one; the usage follows it
    io.err(`bandwatch score: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.input || !values.plan) {
    io.err(`bandwatch score: ${values.input ? '--plan' : '--input'} is required\n\n${USAGE}`);
    return 2;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new ConfigError('BW_ERR_CLI_ARGS', `--format must be table or json, got '${format}'`, { field: '--format' });
  const lateS = nonNegative(values.late, '--late');
  const toleranceHz = nonNegative(values['tolerance-hz'], '--tolerance-hz');
  const warmupS = nonNegative(values.warmup, '--warmup');
  const plan = await loadPlanFile(values.plan);
  const r = await scoreRecording(values.input, {
    plan,
    lateS,
    toleranceHz,
    warmupS,
    analyze: { signal: io.signal, log: (l) => io.err(l) },
  });
  if (format === 'json') io.out(JSON.stringify(r, null, 2));
  else io.out(formatRecordingScore(r));
  return 0;
}

function nonNegative(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0)
    throw new ConfigError('BW_ERR_CLI_ARGS', `${flag} must be a non-negative number, got '${v}'`, { field: flag });
  return x;
}

/** The table `bandwatch score` prints. */
export function formatRecordingScore(r: RecordingScore): string {
  const c = r.config;
  const s = r.score;
  const L = [
    `score: ${r.input.metaPath} (${f2(r.input.durationS)} s at ${r.input.sampleRateHz / 1e6} MS/s, plan ${c.plan ?? 'none'}), ` +
      `${r.input.truthAnnotations} truth annotation(s), warm-up ${c.warmupS} s, ` +
      `match = kind (+ jammer type, assignment) & raised in [start, end+${c.lateS} s] & centre within band ± ${c.toleranceHz / 1000} kHz`,
    '',
    ...formatKindTable(r.perKind, r.overall, r.latencyS),
    '',
    `-- ${s.events.length} events, ${s.matched.length} TP, ${s.misses.length} missed, ${s.falsePositives.length} FP, ` +
      `${r.analyzed.detections} detections, ${r.analyzed.alarms} alarms (${r.analyzed.spectra} spectra in ${f2(r.wallS)} s wall)`,
  ];
  for (const m of s.matched)
    L.push(
      `   TP ${m.kind} ${m.emitterId} at ${f2(m.startS)} s: alarm after ${f2(m.latencyS)} s at ${mhz(m.alarmCenterHz)} MHz`,
    );
  L.push(...formatScoreDetails(s));
  if (r.warmupEvents.length)
    L.push(
      `   not scored (start in the warm-up): ${r.warmupEvents.map((e) => `${e.kind} ${e.emitterId} at ${f2(e.startS)} s`).join('; ')}`,
    );
  return L.join('\n');
}
