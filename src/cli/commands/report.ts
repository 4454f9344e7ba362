/**
 * `bandwatch report incident|periodic ...`: reports from the stored measurements (embedded store under
 * --data, or InfluxDB with --influx/--db), the alarm history (the `alarm` measurement, or --alarms FILE.json),
 * the spectrum history and the evidence recordings under the data directory.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../errors.ts';
import { SpectrumHistory } from '../../history/history.ts';
import { RecordingCatalog } from '../../recording/catalog.ts';
import { incidentReportHtml } from '../../reports/incident.ts';
import {
  computePeriodicFigures,
  periodicReportCsv,
  periodicReportHtml,
  resolvePeriod,
  type PeriodSpec,
} from '../../reports/periodic.ts';
import { DEFAULT_TIME_ZONE, type Lang } from '../../reports/i18n.ts';
import { dataLayout, openStore } from '../../storage/openStore.ts';
import { alarmsFromPoints } from '../../storage/schema.ts';
import { loadPlanFile } from '../../plan/index.ts';
import type { Alarm, MeasurementStore } from '../../types.ts';
import type { CliIo } from '../io.ts';

const USAGE = `usage:
  bandwatch report incident --alarm ID --out FILE [--lang vi|en] [--format html]
  bandwatch report periodic (--day YYYY-MM-DD | --phase before|during|after --plan PLAN | --from ISO --to ISO)
                   --out FILE [--sensor ID]... [--lang vi|en] [--format html|csv]
common: [--data DIR (default ./data)] [--influx URL --db NAME] [--alarms ALARMS.json] [--tz Asia/Ho_Chi_Minh]`;

const fail = (msg: string, field: string): never => {
  throw new ConfigError('BW_ERR_CLI_ARGS', msg, { field });
};

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      alarm: { type: 'string' },
      out: { type: 'string', short: 'o' },
      lang: { type: 'string', default: 'vi' },
      format: { type: 'string', default: 'html' },
      day: { type: 'string' },
      phase: { type: 'string' },
      plan: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      sensor: { type: 'string', multiple: true },
      data: { type: 'string', default: './data' },
      influx: { type: 'string' },
      db: { type: 'string', default: 'bandwatch' },
      alarms: { type: 'string' },
      tz: { type: 'string', default: DEFAULT_TIME_ZONE },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const sub = positionals[0];
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if ((sub !== 'incident' && sub !== 'periodic') || !values.out) {
    io.err(USAGE);
    return 2;
  }
  const lang = values.lang as Lang;
  if (lang !== 'vi' && lang !== 'en') fail(`--lang must be vi or en, got '${values.lang}'`, '--lang');
  const format = values.format;
  if (format !== 'html' && format !== 'csv') fail(`--format must be html or csv, got '${format}'`, '--format');
  if (sub === 'incident' && format !== 'html') fail('incident reports are HTML only', '--format');
  try {
    new Intl.DateTimeFormat('en', { timeZone: values.tz });
  } catch {
    fail(`unknown time zone '${values.tz}'`, '--tz');
  }
  const layout = dataLayout(values.data);
  const store = await openStore({
    dataDir: values.data,
    influx: values.influx ? { url: values.influx, database: values.db } : undefined,
  });
  try {
    const alarms = await loadAlarms(store, values.alarms);
    let text: string;
    if (sub === 'incident') {
      if (!values.alarm) return fail('--alarm ID is required', '--alarm');
      const alarm = alarms.find((a) => a.id === values.alarm);
      if (!alarm) return fail(`alarm '${values.alarm}' not found (${alarms.length} alarm(s) known)`, '--alarm');
      const catalog = new RecordingCatalog([layout.evidence, layout.recordings]);
      const recs = await catalog.list();
      const evidence =
        recs.find((r) => (alarm.evidenceId && r.id === alarm.evidenceId) || r.alarmId === alarm.id) ?? null;
      const history = new SpectrumHistory({ dir: layout.history });
      text = await incidentReportHtml({ alarm, lang, timeZone: values.tz, history, evidence });
    } else {
      let spec: PeriodSpec;
      if (values.day) spec = { kind: 'daily', date: values.day };
      else if (values.phase) {
        if (!values.plan) return fail('--phase needs --plan PLAN (with phases)', '--plan');
        const plan = await loadPlanFile(values.plan);
        spec = { kind: 'phase', plan, phase: values.phase as 'before' };
      } else if (values.from && values.to) {
        const fromMs = Date.parse(values.from);
        const toMs = Date.parse(values.to);
        if (!Number.isFinite(fromMs)) fail(`--from is not a date: '${values.from}'`, '--from');
        if (!Number.isFinite(toMs) || toMs <= fromMs) fail(`--to must be a date after --from: '${values.to}'`, '--to');
        spec = { kind: 'custom', fromMs, toMs };
      } else return fail('give --day, --phase with --plan, or --from and --to', '--day');
      let period;
      try {
        period = resolvePeriod(spec, values.tz);
      } catch (e) {
        return fail((e as Error).message, values.day ? '--day' : '--phase');
      }
      const figures = await computePeriodicFigures({ store, alarms, period, sensors: values.sensor });
      text =
        format === 'csv'
          ? periodicReportCsv(figures, { lang, timeZone: values.tz })
          : periodicReportHtml(figures, { lang, timeZone: values.tz });
    }
    await writeFile(values.out, text);
    io.out(`wrote ${sub} report (${lang}, ${format}, ${text.length} chars) to ${values.out}`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Alarms from a JSON file (array of Alarm) or, by default, the latest state of each alarm in the store. */
async function loadAlarms(store: MeasurementStore, file: string | undefined): Promise<Alarm[]> {
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      return fail(`cannot read alarms from ${file}: ${(e as Error).message}`, '--alarms');
    }
    if (!Array.isArray(parsed)) return fail(`${file} must hold a JSON array of alarms`, '--alarms');
    return parsed as Alarm[];
  }
  return alarmsFromPoints(await store.query({ measurement: 'alarm', fromMs: 0, toMs: 8.64e15 }));
}
