/** Incident report for one alarm: facts, acknowledgement trail, waterfall from history, link to the evidence. */
import { pathToFileURL } from 'node:url';
import type { SpectrumHistory } from '../history/history.ts';
import type { Alarm, RecordingInfo } from '../types.ts';
import { kvTable, page, table, waterfallFigure } from './common.ts';
import {
  CLASS_LABEL,
  DEFAULT_TIME_ZONE,
  esc,
  fmtDate,
  fmtDuration,
  fmtKHz,
  fmtMHz,
  fmtNum,
  KIND_LABEL,
  SEVERITY_LABEL,
  t,
  tzLabel,
  type Lang,
  type Locale,
} from './i18n.ts';

export interface IncidentReportInput {
  alarm: Alarm;
  lang: Lang;
  timeZone?: string;
  history?: SpectrumHistory;
  evidence?: RecordingInfo | null;
  /** Link to the evidence as written in the report (default: file URL of its .sigmf-meta). */
  evidenceHref?: string;
  /** Waterfall window around the event, ms. Default 5 min before raised and 5 min after cleared/updated. */
  beforeMs?: number;
  afterMs?: number;
  /** Waterfall span when the alarm has no bandwidth, Hz. Default 200 kHz. */
  minSpanHz?: number;
  /** Report generation time (tests pin it). */
  generatedMs?: number;
  /** Readable name of the assignment, if the plan is at hand. */
  assignmentLabel?: string;
}

export async function incidentReportHtml(input: IncidentReportInput): Promise<string> {
  const a = input.alarm;
  const lang = input.lang;
  const loc: Locale = { lang, timeZone: input.timeZone ?? DEFAULT_TIME_ZONE };
  const title = `${t('incidentTitle', lang)} — ${t('alarm', lang)} ${a.id}`;
  const endMs = a.clearedMs ?? null;
  const rows: [string, string][] = [
    [t('alarm', lang), esc(a.id)],
    [t('kind', lang), esc(KIND_LABEL[a.kind]?.[lang] ?? a.kind)],
    [t('severity', lang), esc(SEVERITY_LABEL[a.severity]?.[lang] ?? a.severity)],
    [t('state', lang), esc(a.state === 'active' ? t('active', lang) : t('cleared', lang))],
    [t('sensor', lang), esc(a.sensorId)],
    [t('raised', lang), esc(fmtDate(a.raisedMs, loc))],
    [t('clearedAt', lang), esc(fmtDate(endMs, loc))],
    [t('duration', lang), esc(fmtDuration((endMs ?? a.updatedMs) - a.raisedMs, lang))],
    [t('centerFrequency', lang), esc(fmtMHz(a.centerHz, lang))],
    [t('bandwidth', lang), esc(fmtKHz(a.bandwidthHz, lang))],
    [t('level', lang), esc(a.levelDbfs === null ? '—' : `${fmtNum(a.levelDbfs, lang)} dBFS`)],
    [t('emissionClass', lang), esc(a.className ? CLASS_LABEL[a.className][lang] : '—')],
    [t('confidence', lang), esc(a.confidence === undefined ? '—' : `${fmtNum(a.confidence * 100, lang, 0)} %`)],
    [t('assignment', lang), esc(input.assignmentLabel ?? a.assignmentId ?? t('none', lang))],
    [t('occurrences', lang), esc(String(a.occurrences))],
    [t('escalated', lang), esc(a.escalated ? t('yes', lang) : t('no', lang))],
  ];
  const detail = Object.entries(a.detail ?? {});
  if (detail.length) {
    rows.push([
      t('details', lang),
      detail
        .map(
          ([k, v]) =>
            `${esc(k)}: ${esc(typeof v === 'number' ? fmtNum(v, lang, Number.isInteger(v) ? 0 : 2) : JSON.stringify(v))}`,
        )
        .join('<br>'),
    ]);
  }
  const acks = a.acks.length
    ? table(
        [t('ackAt', lang), t('ackBy', lang), t('ackComment', lang)],
        a.acks.map((k) => [fmtDate(k.atMs, loc), k.by, k.comment]),
      )
    : `<p>${esc(t('notAcked', lang))}</p>`;

  let wf = `<p class="note">${esc(t('noHistory', lang))}</p>`;
  if (input.history && a.centerHz !== null) {
    const span = Math.max(input.minSpanHz ?? 200e3, (a.bandwidthHz ?? 0) * 6);
    const fig = await waterfallFigure(
      input.history,
      {
        sensorId: a.sensorId,
        fromMs: a.raisedMs - (input.beforeMs ?? 300_000),
        toMs: (endMs ?? a.updatedMs) + (input.afterMs ?? 300_000),
        startHz: a.centerHz - span / 2,
        stopHz: a.centerHz + span / 2,
        markMs: a.raisedMs,
      },
      loc,
    );
    if (fig) wf = fig.html;
  }

  let ev = `<p>${esc(t('noEvidence', lang))}</p>`;
  if (input.evidence) {
    const r = input.evidence;
    const href = input.evidenceHref ?? pathToFileURL(r.metaPath).href;
    ev = kvTable([
      [t('evidence', lang), `<a href="${esc(href)}">${esc(r.id)}</a>`],
      [t('period', lang), esc(`${fmtDate(r.startMs, loc)} – ${fmtDate(r.endMs, loc)}`)],
      [t('centerFrequency', lang), esc(fmtMHz(r.centerHz, lang))],
      ['Sample rate', esc(`${fmtNum(r.sampleRateHz / 1e6, lang, 3)} MS/s, cu8 SigMF`)],
    ]);
  }

  const settings =
    lang === 'vi'
      ? 'Mức tín hiệu: công suất đỉnh/kênh của phát xạ do bộ theo dõi đo (Welch, cửa sổ Hann); độ rộng băng tần chiếm dụng 99 % (ITU-R SM.443). Biểu đồ thác nước từ lịch sử phổ: mỗi dòng giữ cực đại trong 1 s, lượng tử 8 bit theo dải dB của dòng.'
      : 'Level: peak/channel power of the emission as measured by the tracker (Welch, Hann window); 99 % occupied bandwidth (ITU-R SM.443). Waterfall from the spectrum history: rows max-held over 1 s, 8-bit quantised over each row’s dB range.';
  const body = `<h1>${esc(title)}</h1>
<p class="note">${esc(t('generated', lang))}: ${esc(fmtDate(input.generatedMs ?? Date.now(), loc))} · ${esc(t('timeZone', lang))} ${esc(loc.timeZone)} (${esc(tzLabel(loc.timeZone, a.raisedMs))})</p>
${kvTable(rows)}
<h2>${esc(t('ackTrail', lang))}</h2>
${acks}
<h2>${esc(t('waterfall', lang))}</h2>
${wf}
<h2>${esc(t('evidence', lang))}</h2>
${ev}
<h2>${esc(t('settings', lang))}</h2>
<p class="note">${esc(settings)}</p>
<p class="note">${esc(t('levelNote', lang))}</p>`;
  return page(title, lang, body);
}
