/**
 * Periodic report (daily, per event phase, or a custom range) per sensor and per assignment: channel occupancy
 * with its measurement settings (ITU-R SM.1880), alarms by kind, sensor uptime and sample loss, noise floor per
 * band. Figures come from a MeasurementStore (InfluxDB or embedded) and an alarm list; HTML and CSV, vi or en.
 */
import type { Alarm, AlarmKind, FrequencyPlan, MeasurementStore, Point } from '../types.ts';
import { kvTable, page, table } from './common.ts';
import {
  DEFAULT_TIME_ZONE,
  esc,
  fmtDate,
  fmtDuration,
  fmtNum,
  KIND_LABEL,
  t,
  tzLabel,
  tzOffsetMs,
  type Lang,
  type Locale,
} from './i18n.ts';

export type PeriodSpec =
  | { kind: 'daily'; date: string }
  | { kind: 'phase'; plan: FrequencyPlan; phase: 'before' | 'during' | 'after' }
  | { kind: 'custom'; fromMs: number; toMs: number };

export interface Period {
  kind: PeriodSpec['kind'];
  fromMs: number;
  /** Inclusive end, ms. */
  toMs: number;
  label: string;
}

/** Resolves a period: a calendar day (YYYY-MM-DD) in the time zone, a plan phase, or a range. */
export function resolvePeriod(spec: PeriodSpec, timeZone = DEFAULT_TIME_ZONE): Period {
  if (spec.kind === 'daily') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(spec.date);
    if (!m) throw new RangeError(`date must be YYYY-MM-DD, got '${spec.date}'`);
    const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const fromMs = utcMidnight - tzOffsetMs(timeZone, utcMidnight);
    return { kind: 'daily', fromMs, toMs: fromMs + 86_400_000 - 1, label: spec.date };
  }
  if (spec.kind === 'phase') {
    const p = spec.plan.phases?.find((x) => x.phase === spec.phase);
    if (!p) throw new RangeError(`plan '${spec.plan.name}' has no phase '${spec.phase}'`);
    return { kind: 'phase', fromMs: p.fromMs, toMs: p.toMs, label: spec.phase };
  }
  return { kind: 'custom', fromMs: spec.fromMs, toMs: spec.toMs, label: 'custom' };
}

export interface OccupancyRow {
  sensorId: string;
  assignmentId: string;
  /** Integration-time weighted mean occupancy, %. */
  occupancyPct: number;
  maxOccupancyPct: number;
  /** Power mean of the channel power, dBFS. */
  meanChannelPowerDbfs: number;
  maxChannelPowerDbfs: number;
  revisits: number;
  methods: string;
  meanThresholdDbfs: number;
  integrationS: number;
  rbwHz: number;
  points: number;
}

export interface AlarmKindRow {
  sensorId: string;
  kind: AlarmKind;
  count: number;
  acknowledged: number;
  /** Mean time from raise to first acknowledgement, ms (null if none acknowledged). */
  meanAckMs: number | null;
}

export interface UptimeRow {
  sensorId: string;
  /** Share of health samples in state running/retuning, %. */
  uptimePct: number;
  samples: number;
  lost: number;
  lossPct: number;
  healthPoints: number;
}

export interface NoiseRow {
  sensorId: string;
  band: string;
  method: string;
  rbwHz: number;
  meanDbfs: number;
  minDbfs: number;
  maxDbfs: number;
  points: number;
}

export interface PeriodicFigures {
  period: Period;
  occupancy: OccupancyRow[];
  alarms: AlarmKindRow[];
  uptime: UptimeRow[];
  noise: NoiseRow[];
}

export interface PeriodicInput {
  store: MeasurementStore;
  alarms: Alarm[];
  period: Period;
  /** Only these sensors (default: every sensor found). */
  sensors?: string[];
}

const group = <T>(xs: T[], key: (x: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    let arr = m.get(k);
    if (!arr) m.set(k, (arr = []));
    arr.push(x);
  }
  return m;
};
const num = (p: Point, k: string): number => (typeof p.fields[k] === 'number' ? (p.fields[k] as number) : NaN);
const finite = (xs: number[]): number[] => xs.filter(Number.isFinite);
const powerMeanDb = (dbs: number[]): number => {
  const f = finite(dbs);
  return f.length ? 10 * Math.log10(f.reduce((s, d) => s + 10 ** (d / 10), 0) / f.length) : NaN;
};
/** Max/min without spreading (a long period can hold more points than a call's argument limit). */
const maxOf = (xs: number[]): number => xs.reduce((m, x) => (Number.isFinite(x) && x > m ? x : m), -Infinity);
const minOf = (xs: number[]): number => xs.reduce((m, x) => (Number.isFinite(x) && x < m ? x : m), Infinity);
const mean = (xs: number[]): number => {
  const f = finite(xs);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

export async function computePeriodicFigures(input: PeriodicInput): Promise<PeriodicFigures> {
  const { store, period } = input;
  const q = (measurement: string) => store.query({ measurement, fromMs: period.fromMs, toMs: period.toMs });
  const want = input.sensors ? new Set(input.sensors) : null;
  const keep = (s: string | undefined) => s !== undefined && (!want || want.has(s));
  const [channel, health, noise] = await Promise.all([q('channel'), q('sensor_health'), q('noise_floor')]);

  const occupancy: OccupancyRow[] = [];
  for (const [, ps] of group(
    channel.filter((p) => keep(p.tags.sensor)),
    (p) => `${p.tags.sensor}\u0000${p.tags.assignment}`,
  )) {
    const w = ps.map((p) => (Number.isFinite(num(p, 'integrationS')) ? num(p, 'integrationS') : 1));
    const wsum = w.reduce((a, b) => a + b, 0);
    const occ = ps.reduce(
      (s, p, i) => s + (Number.isFinite(num(p, 'occupancyPct')) ? num(p, 'occupancyPct') * w[i]! : 0),
      0,
    );
    occupancy.push({
      sensorId: ps[0]!.tags.sensor ?? '',
      assignmentId: ps[0]!.tags.assignment ?? '',
      occupancyPct: wsum ? occ / wsum : NaN,
      maxOccupancyPct: maxOf(ps.map((p) => num(p, 'occupancyPct'))),
      meanChannelPowerDbfs: powerMeanDb(ps.map((p) => num(p, 'channelPowerDbfs'))),
      maxChannelPowerDbfs: maxOf(
        ps.map((p) =>
          Number.isFinite(num(p, 'maxChannelPowerDbfs')) ? num(p, 'maxChannelPowerDbfs') : num(p, 'channelPowerDbfs'),
        ),
      ),
      revisits: finite(ps.map((p) => num(p, 'revisits'))).reduce((a, b) => a + b, 0),
      methods: [...new Set(ps.map((p) => p.tags.method ?? '?'))].join(', '),
      meanThresholdDbfs: mean(ps.map((p) => num(p, 'thresholdDbfs'))),
      integrationS: mean(ps.map((p) => num(p, 'integrationS'))),
      rbwHz: mean(ps.map((p) => num(p, 'rbwHz'))),
      points: ps.length,
    });
  }
  occupancy.sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.assignmentId.localeCompare(b.assignmentId));

  const alarms: AlarmKindRow[] = [];
  const inPeriod = input.alarms.filter(
    (a) => a.raisedMs >= period.fromMs && a.raisedMs <= period.toMs && keep(a.sensorId),
  );
  for (const [, as] of group(inPeriod, (a) => `${a.sensorId}\u0000${a.kind}`)) {
    const acked = as.filter((a) => a.acks.length > 0);
    alarms.push({
      sensorId: as[0]!.sensorId,
      kind: as[0]!.kind,
      count: as.length,
      acknowledged: acked.length,
      meanAckMs: acked.length ? mean(acked.map((a) => minOf(a.acks.map((k) => k.atMs)) - a.raisedMs)) : null,
    });
  }
  alarms.sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.kind.localeCompare(b.kind));

  const uptime: UptimeRow[] = [];
  for (const [sensorId, ps] of group(
    health.filter((p) => keep(p.tags.sensor)),
    (p) => p.tags.sensor ?? '',
  )) {
    ps.sort((a, b) => a.timeMs - b.timeMs);
    const up = ps.filter((p) => p.tags.state === 'running' || p.tags.state === 'retuning').length;
    // Counters are cumulative since the sensor started; a drop means a restart (counter reset).
    let samples = 0;
    let lost = 0;
    for (let i = 1; i < ps.length; i++) {
      const ds = num(ps[i]!, 'samples') - num(ps[i - 1]!, 'samples');
      const dl = num(ps[i]!, 'lost') - num(ps[i - 1]!, 'lost');
      samples += ds >= 0 ? ds : num(ps[i]!, 'samples');
      lost += dl >= 0 ? dl : num(ps[i]!, 'lost');
    }
    uptime.push({
      sensorId,
      uptimePct: (100 * up) / ps.length,
      samples,
      lost,
      lossPct: samples + lost > 0 ? (100 * lost) / (samples + lost) : 0,
      healthPoints: ps.length,
    });
  }
  uptime.sort((a, b) => a.sensorId.localeCompare(b.sensorId));

  const noiseRows: NoiseRow[] = [];
  for (const [, ps] of group(
    noise.filter((p) => keep(p.tags.sensor)),
    (p) => `${p.tags.sensor}\u0000${p.tags.band}`,
  )) {
    const f = finite(ps.map((p) => num(p, 'floorDbfs')));
    noiseRows.push({
      sensorId: ps[0]!.tags.sensor ?? '',
      band: ps[0]!.tags.band ?? '',
      method: [...new Set(ps.map((p) => p.tags.method ?? '?'))].join(', '),
      rbwHz: mean(ps.map((p) => num(p, 'rbwHz'))),
      meanDbfs: powerMeanDb(f),
      minDbfs: minOf(f),
      maxDbfs: maxOf(f),
      points: ps.length,
    });
  }
  noiseRows.sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.band.localeCompare(b.band));

  return { period, occupancy, alarms, uptime, noise: noiseRows };
}

function titleOf(p: Period, lang: Lang): string {
  return p.kind === 'custom' ? t('customTitle', lang) : t('periodicTitle', lang);
}

function periodText(p: Period, loc: Locale): string {
  const phase =
    p.kind === 'phase'
      ? `${loc.lang === 'vi' ? { before: 'Trước sự kiện', during: 'Trong sự kiện', after: 'Sau sự kiện' }[p.label as 'before'] : `${p.label} the event`}: `
      : '';
  return `${phase}${fmtDate(p.fromMs, loc)} – ${fmtDate(p.toMs, loc)} (${tzLabel(loc.timeZone, p.fromMs)})`;
}

export function periodicReportHtml(
  f: PeriodicFigures,
  opts: { lang: Lang; timeZone?: string; generatedMs?: number },
): string {
  const lang = opts.lang;
  const loc: Locale = { lang, timeZone: opts.timeZone ?? DEFAULT_TIME_ZONE };
  const n = (v: number, d = 1) => ({ num: fmtNum(v, lang, d) });
  const title = titleOf(f.period, lang);
  const none = `<p class="note">${esc(t('noData', lang))}</p>`;
  const occ = f.occupancy.length
    ? table(
        [
          t('sensor', lang),
          t('assignment', lang),
          t('occupancyPct', lang),
          t('occupancyMaxPct', lang),
          t('channelPower', lang),
          t('channelPowerMax', lang),
          t('revisits', lang),
          t('method', lang),
          `${t('threshold', lang)}, dBFS`,
          `${t('integration', lang)}, s`,
          `${t('rbw', lang)}, Hz`,
        ],
        f.occupancy.map((r) => [
          r.sensorId,
          r.assignmentId,
          n(r.occupancyPct),
          n(r.maxOccupancyPct),
          n(r.meanChannelPowerDbfs),
          n(r.maxChannelPowerDbfs),
          n(r.revisits, 0),
          r.methods,
          n(r.meanThresholdDbfs),
          n(r.integrationS, 0),
          n(r.rbwHz, 0),
        ]),
      )
    : none;
  const alarms = f.alarms.length
    ? table(
        [t('sensor', lang), t('kind', lang), t('count', lang), t('acknowledged', lang), t('meanAck', lang)],
        f.alarms.map((r) => [
          r.sensorId,
          KIND_LABEL[r.kind]?.[lang] ?? r.kind,
          n(r.count, 0),
          n(r.acknowledged, 0),
          fmtDuration(r.meanAckMs, lang),
        ]),
      )
    : none;
  const up = f.uptime.length
    ? table(
        [
          t('sensor', lang),
          t('uptimePct', lang),
          t('samples', lang),
          t('lost', lang),
          t('lossPct', lang),
          t('healthPoints', lang),
        ],
        f.uptime.map((r) => [
          r.sensorId,
          n(r.uptimePct),
          n(r.samples, 0),
          n(r.lost, 0),
          n(r.lossPct, 4),
          n(r.healthPoints, 0),
        ]),
      )
    : none;
  const nf = f.noise.length
    ? table(
        [
          t('sensor', lang),
          t('band', lang),
          t('floorMean', lang),
          t('floorMin', lang),
          t('floorMax', lang),
          t('method', lang),
          `${t('rbw', lang)}, Hz`,
        ],
        f.noise.map((r) => [r.sensorId, r.band, n(r.meanDbfs), n(r.minDbfs), n(r.maxDbfs), r.method, n(r.rbwHz, 0)]),
      )
    : none;
  const occNote =
    lang === 'vi'
      ? 'Mức độ chiếm dụng kênh (FCO) theo ITU-R SM.1880: một lần quét lại được tính là chiếm dụng nếu có mẫu vượt ngưỡng; giá trị là trung bình có trọng số theo thời gian tích lũy. Phương pháp ngưỡng, ngưỡng, thời gian tích lũy và RBW được nêu cho từng dòng. Công suất kênh trung bình tính theo công suất (không phải trung bình dB).'
      : 'Frequency channel occupancy (FCO) per ITU-R SM.1880: a revisit counts as occupied if any measurement exceeds the threshold; figures are means weighted by integration time. Threshold method, threshold, integration time and RBW are given on every row. Mean channel power is a power (not dB) average.';
  const upNote =
    lang === 'vi'
      ? 'Thời gian hoạt động: tỷ lệ các lần ghi trạng thái ở trạng thái running/retuning. Mất mẫu: tổng mức tăng của bộ đếm (bộ đếm khởi động lại được tính).'
      : 'Uptime: share of health samples in state running/retuning. Sample loss: sum of counter increases (counter restarts handled).';
  const nfNote =
    lang === 'vi'
      ? 'Mức nền nhiễu tính bằng dBFS trên mỗi bin ở RBW nêu trên; trung bình theo công suất.'
      : 'Noise floor in dBFS per bin at the stated RBW; power average.';
  const body = `<h1>${esc(title)}</h1>
${kvTable([
  [esc(t('period', lang)), esc(periodText(f.period, loc))],
  [esc(t('generated', lang)), esc(fmtDate(opts.generatedMs ?? Date.now(), loc))],
])}
<h2>${esc(t('occupancy', lang))}</h2>
${occ}
<p class="note">${esc(occNote)}</p>
<h2>${esc(t('alarmsByKind', lang))}</h2>
${alarms}
<h2>${esc(t('uptime', lang))}</h2>
${up}
<p class="note">${esc(upNote)}</p>
<h2>${esc(t('noiseFloor', lang))}</h2>
${nf}
<p class="note">${esc(nfNote)}</p>
<p class="note">${esc(t('levelNote', lang))}</p>`;
  return page(title, lang, body);
}

/**
 * CSV in long form: section;sensor;item;metric;value;unit;settings. Vietnamese uses ';' as separator and a
 * decimal comma (what a Vietnamese-locale spreadsheet expects); English uses ',' and a decimal point.
 */
export function periodicReportCsv(f: PeriodicFigures, opts: { lang: Lang; timeZone?: string }): string {
  const lang = opts.lang;
  const loc: Locale = { lang, timeZone: opts.timeZone ?? DEFAULT_TIME_ZONE };
  const sep = lang === 'vi' ? ';' : ',';
  const cell = (s: string) => (s.includes(sep) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  // No thousands grouping in CSV: keep numbers parseable.
  const n = (v: number, d = 2) =>
    Number.isFinite(v) ? (lang === 'vi' ? v.toFixed(d).replace('.', ',') : v.toFixed(d)) : '';
  const hdr =
    lang === 'vi'
      ? ['muc', 'tram_thu', 'doi_tuong', 'chi_so', 'gia_tri', 'don_vi', 'thong_so_do']
      : ['section', 'sensor', 'item', 'metric', 'value', 'unit', 'settings'];
  const lines: string[][] = [hdr];
  lines.push([
    'period',
    '',
    f.period.label,
    'from',
    fmtDate(f.period.fromMs, loc),
    tzLabel(loc.timeZone, f.period.fromMs),
    '',
  ]);
  lines.push([
    'period',
    '',
    f.period.label,
    'to',
    fmtDate(f.period.toMs, loc),
    tzLabel(loc.timeZone, f.period.toMs),
    '',
  ]);
  for (const r of f.occupancy) {
    const settings = `method=${r.methods} | threshold=${n(r.meanThresholdDbfs, 1)} dBFS | integration=${n(r.integrationS, 0)} s | rbw=${n(r.rbwHz, 0)} Hz | revisits=${r.revisits}`;
    lines.push(['occupancy', r.sensorId, r.assignmentId, 'occupancy_mean', n(r.occupancyPct), '%', settings]);
    lines.push(['occupancy', r.sensorId, r.assignmentId, 'occupancy_max', n(r.maxOccupancyPct), '%', settings]);
    lines.push([
      'occupancy',
      r.sensorId,
      r.assignmentId,
      'channel_power_mean',
      n(r.meanChannelPowerDbfs),
      'dBFS',
      settings,
    ]);
    lines.push([
      'occupancy',
      r.sensorId,
      r.assignmentId,
      'channel_power_max',
      n(r.maxChannelPowerDbfs),
      'dBFS',
      settings,
    ]);
  }
  for (const r of f.alarms) {
    lines.push(['alarms', r.sensorId, r.kind, 'count', String(r.count), '', '']);
    lines.push(['alarms', r.sensorId, r.kind, 'acknowledged', String(r.acknowledged), '', '']);
    lines.push([
      'alarms',
      r.sensorId,
      r.kind,
      'mean_time_to_ack',
      r.meanAckMs === null ? '' : n(r.meanAckMs / 1000, 1),
      's',
      '',
    ]);
  }
  for (const r of f.uptime) {
    const settings = 'uptime=share of health samples running/retuning';
    lines.push(['uptime', r.sensorId, '', 'uptime', n(r.uptimePct), '%', settings]);
    lines.push(['uptime', r.sensorId, '', 'samples', String(r.samples), 'samples', '']);
    lines.push(['uptime', r.sensorId, '', 'lost', String(r.lost), 'samples', '']);
    lines.push(['uptime', r.sensorId, '', 'loss', n(r.lossPct, 4), '%', '']);
  }
  for (const r of f.noise) {
    const settings = `method=${r.method} | rbw=${n(r.rbwHz, 0)} Hz | per bin`;
    lines.push(['noise_floor', r.sensorId, r.band, 'mean', n(r.meanDbfs), 'dBFS', settings]);
    lines.push(['noise_floor', r.sensorId, r.band, 'min', n(r.minDbfs), 'dBFS', settings]);
    lines.push(['noise_floor', r.sensorId, r.band, 'max', n(r.maxDbfs), 'dBFS', settings]);
  }
  return lines.map((l) => l.map(cell).join(sep)).join('\r\n') + '\r\n';
}
