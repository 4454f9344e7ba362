/**
 * Reports for the console (read-only, viewer and up): the printable incident report of one alarm and the
 * periodic report (a day, an event phase or a custom range) as HTML or a CSV download. The figures and the
 * HTML come from `src/reports` as they are; this module only resolves the inputs from the running monitor.
 */
import { basename } from 'node:path';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../errors.ts';
import type { SpectrumHistory } from '../../history/history.ts';
import {
  computePeriodicFigures,
  DEFAULT_TIME_ZONE,
  incidentReportHtml,
  periodicReportCsv,
  periodicReportHtml,
  resolvePeriod,
  type Lang,
  type Period,
} from '../../reports/index.ts';
import { route, type ConsoleContext, type RouteDef } from '../context.ts';
import type { WaterfallHistory } from '../history.ts';
import { idParams, PHASES } from '../schemas.ts';

/** Longest periodic report one request may ask for, ms (a quarter: the store query stays bounded). */
export const MAX_REPORT_SPAN_MS = 92 * 86_400_000;

const lang = { enum: ['vi', 'en'], default: 'vi' } as const;
/** A calendar day (YYYY-MM-DD) or an ISO 8601 date-time with a zone (Z or ±hh:mm). */
const dayOrDateTime = {
  type: 'string',
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
} as const;

export const incidentReportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { lang },
} as const;

export const periodicReportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: dayOrDateTime,
    to: dayOrDateTime,
    phase: { enum: PHASES },
    lang,
    format: { enum: ['html', 'csv'], default: 'html' },
  },
} as const;

const bad = (field: string, message: string) =>
  new ApiError(400, 'BW_ERR_VALIDATION', `${field}: ${message}`, { field });

const isDay = (s: string) => s.length === 10;

/** Start of a calendar day in the report's time zone, ms. */
function dayStartMs(day: string): number {
  return resolvePeriod({ kind: 'daily', date: day }, DEFAULT_TIME_ZONE).fromMs;
}

/**
 * Resolves the period of a periodic report from the query: `phase` (of the plan in force), or `from` alone as
 * a calendar day, or `from` + `to` (days count whole: `to` as a day means the end of that day).
 */
export function periodFromQuery(
  q: { from?: string; to?: string; phase?: 'before' | 'during' | 'after' },
  ctx: Pick<ConsoleContext, 'monitor'>,
): Period {
  if (q.phase) {
    if (q.from !== undefined || q.to !== undefined) {
      throw bad('querystring.phase', 'give either phase or from/to, not both');
    }
    const plan = ctx.monitor.plan();
    if (!plan.phases?.some((p) => p.phase === q.phase)) {
      throw bad('querystring.phase', `plan '${plan.name}' has no phase '${q.phase}'`);
    }
    return resolvePeriod({ kind: 'phase', plan, phase: q.phase }, DEFAULT_TIME_ZONE);
  }
  if (q.from === undefined) throw bad('querystring.from', 'give from (a day or a date-time) or phase');
  const fromMs = isDay(q.from) ? dayStartMs(q.from) : Date.parse(q.from);
  if (!Number.isFinite(fromMs)) throw bad('querystring.from', `not a valid date '${q.from}'`);
  if (q.to === undefined) {
    if (!isDay(q.from)) throw bad('querystring.to', 'required when from is a date-time');
    return resolvePeriod({ kind: 'daily', date: q.from }, DEFAULT_TIME_ZONE);
  }
  const toMs = isDay(q.to) ? dayStartMs(q.to) + 86_400_000 - 1 : Date.parse(q.to);
  if (!Number.isFinite(toMs)) throw bad('querystring.to', `not a valid date '${q.to}'`);
  if (toMs <= fromMs) throw bad('querystring.to', 'must be after from');
  if (toMs - fromMs > MAX_REPORT_SPAN_MS) throw bad('querystring.to', 'period longer than 92 days');
  return resolvePeriod({ kind: 'custom', fromMs, toMs }, DEFAULT_TIME_ZONE);
}

/**
 * The report's waterfall wants `SpectrumHistory.rebuild` (row 0 = oldest, NaN = no data); the server's own
 * history (long-term store or in-memory ring) answers `render` (rows newest first). This places each rendered
 * row in its time slice so the incident report gets a waterfall from whatever history the server has.
 */
export function rebuildFromWaterfallHistory(h: WaterfallHistory): Pick<SpectrumHistory, 'rebuild'> {
  return {
    async rebuild(req: {
      sensorId: string;
      fromMs: number;
      toMs: number;
      startHz: number;
      stopHz: number;
      width: number;
      height: number;
    }) {
      const { rows } = await h.render({
        sensorId: req.sensorId,
        fromMs: req.fromMs,
        toMs: req.toMs,
        startHz: req.startHz,
        stopHz: req.stopHz,
        widthPx: req.width,
        rows: req.height,
      });
      const dbfs = new Float32Array(req.width * req.height).fill(NaN);
      const span = req.toMs - req.fromMs;
      let rowsRead = 0;
      for (const r of rows) {
        const slice = Math.floor(((r.timeMs - req.fromMs) / span) * req.height);
        if (slice < 0 || slice >= req.height) continue;
        const n = Math.min(req.width, r.dbfs.length);
        const base = slice * req.width;
        for (let x = 0; x < n; x++) {
          const v = r.dbfs[x] as number;
          const cur = dbfs[base + x] as number;
          if (v === v && !(cur >= v)) dbfs[base + x] = v;
        }
        rowsRead++;
      }
      return {
        ...req,
        dbfs,
        rowsRead,
        level: 'full',
        rowIntervalMs: span / req.height,
      } as unknown as Awaited<ReturnType<SpectrumHistory['rebuild']>>;
    },
  };
}

function sendHtml(reply: FastifyReply, html: string) {
  // The report is a standalone printable page with its own inline print CSS: allow that (and nothing else).
  return reply
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(html);
}

export const reportRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/reports/incident/:id',
    role: 'viewer',
    action: 'incident-report',
    summary: 'Printable incident report (HTML) of one alarm: facts, acknowledgements, waterfall, evidence',
    tag: 'reports',
    schema: { params: idParams, querystring: incidentReportQuery, response: { type: 'string' } },
    async handler(req, reply, ctx) {
      const { id } = req.params as { id: string };
      const { lang: l } = req.query as { lang: Lang };
      const alarm = ctx.monitor.alarms({}).find((a) => a.id === id);
      if (!alarm) throw new ApiError(404, 'BW_ERR_ALARM_NOT_FOUND', `no alarm '${id}'`, { field: 'params.id' });
      const rec =
        ctx.monitor
          .recordings()
          .find((r) => (alarm.evidenceId !== undefined && r.id === alarm.evidenceId) || r.alarmId === alarm.id) ?? null;
      const asg = alarm.assignmentId ? ctx.monitor.plan().assignments.find((a) => a.id === alarm.assignmentId) : null;
      const html = await incidentReportHtml({
        alarm,
        lang: l,
        history: ctx.history ? (rebuildFromWaterfallHistory(ctx.history) as SpectrumHistory) : undefined,
        evidence: rec,
        // Server file paths stay on the server: the report names the SigMF file an engineer will find.
        evidenceHref: rec ? basename(rec.metaPath) : undefined,
        assignmentLabel: asg
          ? [asg.id, asg.emission, asg.service, asg.licensee].filter((x) => x !== undefined && x !== '').join(' · ')
          : undefined,
      });
      return sendHtml(reply, html);
    },
  }),
  route({
    method: 'GET',
    url: '/api/reports/periodic',
    role: 'viewer',
    action: 'periodic-report',
    summary: 'Periodic report (a day, an event phase or a range): occupancy, alarms, uptime, noise floor; HTML or CSV',
    tag: 'reports',
    schema: { querystring: periodicReportQuery, response: { type: 'string' } },
    async handler(req, reply, ctx) {
      const q = req.query as {
        from?: string;
        to?: string;
        phase?: 'before' | 'during' | 'after';
        lang: Lang;
        format: 'html' | 'csv';
      };
      const period = periodFromQuery(q, ctx);
      // computePeriodicFigures keeps the alarms of the period itself.
      const figures = await computePeriodicFigures({
        store: ctx.monitor.store,
        alarms: ctx.monitor.alarms({}),
        period,
      });
      req.auditDetail = { from: period.fromMs, to: period.toMs, format: q.format };
      if (q.format === 'csv') {
        const name = `bandwatch-report-${new Date(period.fromMs).toISOString().slice(0, 10)}-${q.lang}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send('\uFEFF' + periodicReportCsv(figures, { lang: q.lang }));
      }
      return sendHtml(reply, periodicReportHtml(figures, { lang: q.lang }));
    },
  }),
];
