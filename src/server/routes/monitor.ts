/** Read and act on the running monitor: sensors, state, plan, alarms, emissions, recordings, history, health. */
import { ApiError } from '../../errors.ts';
import { validatePlanOrThrow } from '../../plan/index.ts';
import type { Alarm, AlarmFilter, FrequencyPlan } from '../../types.ts';
import { route, type ConsoleContext, type RouteDef } from '../context.ts';
import { quantiseU8 } from '../stream/resample.ts';
import {
  alarmQuery,
  alarmSchema,
  commentBody,
  emissionQuery,
  historyQuery,
  idParams,
  noteBody,
  noteQuery,
  planSchema,
  sensorSchema,
  startRecordingBody,
} from '../schemas.ts';

function findAlarm(ctx: ConsoleContext, id: string): Alarm {
  const a = ctx.monitor.alarms({}).find((x) => x.id === id);
  if (!a) throw new ApiError(404, 'BW_ERR_ALARM_NOT_FOUND', `no alarm '${id}'`, { field: 'id' });
  return a;
}

function requireSensor(ctx: ConsoleContext, id: string, field: string) {
  const s = ctx.monitor.sensors().find((x) => x.id === id);
  if (!s) throw new ApiError(404, 'BW_ERR_SENSOR_NOT_FOUND', `no sensor '${id}'`, { field });
  return s;
}

/** Longest history window one request may ask for, ms. */
const MAX_HISTORY_SPAN_MS = 24 * 3600_000;

export const monitorRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/sensors',
    role: 'viewer',
    action: 'list-sensors',
    summary: 'Sensors with mode, state and sample counters',
    tag: 'sensors',
    schema: { response: { type: 'array', items: sensorSchema } },
    async handler(_req, _reply, ctx) {
      return ctx.monitor.sensors();
    },
  }),
  route({
    method: 'GET',
    url: '/api/sensors/:id',
    role: 'viewer',
    action: 'get-sensor',
    summary: 'One sensor',
    tag: 'sensors',
    schema: { params: idParams, response: sensorSchema },
    async handler(req, _reply, ctx) {
      return requireSensor(ctx, (req.params as { id: string }).id, 'id');
    },
  }),
  route({
    method: 'GET',
    url: '/api/state',
    role: 'viewer',
    action: 'get-state',
    summary: 'Overview: server time, sensors, plan summary, alarm counts, stream clients',
    tag: 'sensors',
    schema: {},
    async handler(_req, _reply, ctx) {
      const active = ctx.monitor.alarms({ state: 'active' });
      const plan = ctx.monitor.plan();
      return {
        serverTimeMs: Date.now(),
        sensors: ctx.monitor.sensors(),
        plan: { name: plan.name, assignments: plan.assignments.length },
        alarms: { active: active.length, unacknowledged: active.filter((a) => a.acks.length === 0).length },
        streams: { clients: ctx.hub.clients.size },
        history: ctx.history ? { kind: ctx.history.kind } : null,
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/plan',
    role: 'viewer',
    action: 'get-plan',
    summary: 'The frequency plan in force',
    tag: 'plan',
    schema: { response: planSchema },
    async handler(_req, _reply, ctx) {
      return ctx.monitor.plan();
    },
  }),
  route({
    method: 'PUT',
    url: '/api/plan',
    role: 'admin',
    action: 'set-plan',
    summary: 'Replace the frequency plan (validated; the old one goes to history)',
    tag: 'plan',
    schema: { body: planSchema, response: planSchema },
    async handler(req, _reply, ctx) {
      // The JSON schema caught shape errors; the plan module checks meaning (duplicates, overlaps, tunable
      // range, designators) and lists every problem. The monitor validates again on its side.
      const plan: FrequencyPlan = validatePlanOrThrow(req.body);
      req.auditDetail = { name: plan.name, assignments: plan.assignments.length };
      await ctx.monitor.setPlan(plan, req.session?.user ?? '?');
      ctx.hub.broadcast({ type: 'plan-changed', by: req.session?.user ?? '?', atMs: Date.now() }, false);
      return ctx.monitor.plan();
    },
  }),
  route({
    method: 'GET',
    url: '/api/plan/history',
    role: 'viewer',
    action: 'plan-history',
    summary: 'Earlier plans, newest first, with who replaced them and when',
    tag: 'plan',
    schema: {},
    async handler(_req, _reply, ctx) {
      return [...ctx.monitor.planHistory()].sort((a, b) => b.atMs - a.atMs);
    },
  }),
  route({
    method: 'GET',
    url: '/api/alarms',
    role: 'viewer',
    action: 'list-alarms',
    summary: 'Alarms, newest first, filtered by state, kind, sensor, acknowledgement and time',
    tag: 'alarms',
    schema: { querystring: alarmQuery, response: { type: 'array', items: alarmSchema } },
    async handler(req, _reply, ctx) {
      const q = req.query as AlarmFilter;
      if (q.fromMs !== undefined && q.toMs !== undefined && q.fromMs > q.toMs) {
        throw new ApiError(400, 'BW_ERR_VALIDATION', 'querystring.fromMs: must not be after toMs', {
          field: 'querystring.fromMs',
        });
      }
      return [...ctx.monitor.alarms(q)].sort((a, b) => b.raisedMs - a.raisedMs).slice(0, q.limit ?? 500);
    },
  }),
  route({
    method: 'GET',
    url: '/api/alarms/:id',
    role: 'viewer',
    action: 'get-alarm',
    summary: 'One alarm',
    tag: 'alarms',
    schema: { params: idParams, response: alarmSchema },
    async handler(req, _reply, ctx) {
      return findAlarm(ctx, (req.params as { id: string }).id);
    },
  }),
  route({
    method: 'POST',
    url: '/api/alarms/:id/acknowledge',
    role: 'operator',
    action: 'acknowledge-alarm',
    summary: 'Acknowledge an alarm with a comment',
    tag: 'alarms',
    schema: { params: idParams, body: commentBody, response: alarmSchema },
    async handler(req, _reply, ctx) {
      const { id } = req.params as { id: string };
      const { comment } = req.body as { comment: string };
      req.auditDetail = { comment };
      findAlarm(ctx, id);
      return ctx.monitor.acknowledge(id, req.session?.user ?? '?', comment);
    },
  }),
  route({
    method: 'POST',
    url: '/api/alarms/:id/clear',
    role: 'operator',
    action: 'clear-alarm',
    summary: 'Clear (end) an active alarm with a comment',
    tag: 'alarms',
    schema: { params: idParams, body: commentBody, response: alarmSchema },
    async handler(req, _reply, ctx) {
      const { id } = req.params as { id: string };
      const { comment } = req.body as { comment: string };
      req.auditDetail = { comment };
      const a = findAlarm(ctx, id);
      if (a.state === 'cleared') throw new ApiError(409, 'BW_ERR_ALARM_CLEARED', `alarm '${id}' is already cleared`);
      return ctx.monitor.clearAlarm(id, req.session?.user ?? '?', comment);
    },
  }),
  route({
    method: 'GET',
    url: '/api/notes',
    role: 'viewer',
    action: 'list-notes',
    summary: 'Operator notes, newest first, by alarm or sensor',
    tag: 'alarms',
    schema: { querystring: noteQuery },
    async handler(req, _reply, ctx) {
      return ctx.notes.list(req.query as { alarmId?: string; sensorId?: string; limit?: number });
    },
  }),
  route({
    method: 'POST',
    url: '/api/notes',
    role: 'operator',
    action: 'add-note',
    summary: 'Annotate an alarm or a sensor (moment and frequency optional)',
    tag: 'alarms',
    successStatus: 201,
    schema: { body: noteBody },
    async handler(req, reply, ctx) {
      const b = req.body as { sensorId: string; alarmId?: string; timeMs?: number; centerHz?: number; text: string };
      requireSensor(ctx, b.sensorId, 'body.sensorId');
      if (b.alarmId !== undefined) {
        const a = ctx.monitor.alarms({}).find((x) => x.id === b.alarmId);
        if (!a) throw new ApiError(404, 'BW_ERR_ALARM_NOT_FOUND', `no alarm '${b.alarmId}'`, { field: 'body.alarmId' });
      }
      const note = await ctx.notes.add({ ...b, by: req.session?.user ?? '?' });
      req.auditDetail = { noteId: note.id, alarmId: b.alarmId, text: b.text };
      ctx.hub.broadcast({ type: 'note', note }, false);
      return reply.code(201).send(note);
    },
  }),
  route({
    method: 'GET',
    url: '/api/emissions',
    role: 'viewer',
    action: 'list-emissions',
    summary: 'Tracked emissions',
    tag: 'emissions',
    schema: { querystring: emissionQuery },
    async handler(req, _reply, ctx) {
      return ctx.monitor.emissions(req.query as { sensorId?: string; activeOnly?: boolean; limit?: number });
    },
  }),
  route({
    method: 'GET',
    url: '/api/recordings',
    role: 'viewer',
    action: 'list-recordings',
    summary: 'IQ recordings (manual and evidence), newest first',
    tag: 'recordings',
    schema: {},
    async handler(_req, _reply, ctx) {
      const can = typeof ctx.monitor.startRecording === 'function';
      // metaPath is a server file path: not something a browser needs to know.
      const list = ctx.monitor
        .recordings()
        .map(({ metaPath: _m, ...r }) => r)
        .sort((a, b) => b.startMs - a.startMs);
      return { canRecord: can, recordings: list };
    },
  }),
  route({
    method: 'POST',
    url: '/api/recordings',
    role: 'operator',
    action: 'start-recording',
    summary: 'Start recording IQ from a sensor',
    tag: 'recordings',
    successStatus: 201,
    schema: { body: startRecordingBody },
    async handler(req, reply, ctx) {
      const { sensorId } = req.body as { sensorId: string };
      if (!ctx.monitor.startRecording) {
        throw new ApiError(501, 'BW_ERR_NOT_SUPPORTED', 'this monitor cannot record on demand');
      }
      requireSensor(ctx, sensorId, 'body.sensorId');
      const { metaPath: _m, ...info } = await ctx.monitor.startRecording(sensorId, req.session?.user ?? '?');
      req.auditDetail = { sensorId, recordingId: info.id };
      return reply.code(201).send(info);
    },
  }),
  route({
    method: 'POST',
    url: '/api/recordings/:id/stop',
    role: 'operator',
    action: 'stop-recording',
    summary: 'Stop a recording',
    tag: 'recordings',
    schema: { params: idParams },
    async handler(req, _reply, ctx) {
      const { id } = req.params as { id: string };
      if (!ctx.monitor.stopRecording) {
        throw new ApiError(501, 'BW_ERR_NOT_SUPPORTED', 'this monitor cannot record on demand');
      }
      const rec = ctx.monitor.recordings().find((r) => r.id === id);
      if (!rec) throw new ApiError(404, 'BW_ERR_RECORDING_NOT_FOUND', `no recording '${id}'`, { field: 'id' });
      if (rec.endMs !== null) throw new ApiError(409, 'BW_ERR_RECORDING_ENDED', `recording '${id}' has ended`);
      const { metaPath: _m, ...info } = await ctx.monitor.stopRecording(id, req.session?.user ?? '?');
      return info;
    },
  }),
  route({
    method: 'GET',
    url: '/api/history/waterfall',
    role: 'viewer',
    action: 'history-waterfall',
    summary: 'Past waterfall rows of a window (newest first), uint8 rows in base64',
    tag: 'history',
    schema: { querystring: historyQuery },
    async handler(req, _reply, ctx) {
      const q = req.query as {
        sensorId: string;
        fromMs: number;
        toMs: number;
        startHz?: number;
        stopHz?: number;
        widthPx: number;
        rows: number;
        lowDbfs: number;
        highDbfs: number;
      };
      if (q.toMs <= q.fromMs) {
        throw new ApiError(400, 'BW_ERR_VALIDATION', 'querystring.toMs: must be after fromMs', {
          field: 'querystring.toMs',
        });
      }
      if (q.toMs - q.fromMs > MAX_HISTORY_SPAN_MS) {
        throw new ApiError(400, 'BW_ERR_VALIDATION', 'querystring.fromMs: window longer than 24 h', {
          field: 'querystring.fromMs',
        });
      }
      if (q.lowDbfs >= q.highDbfs) {
        throw new ApiError(400, 'BW_ERR_VALIDATION', 'querystring.lowDbfs: must be below highDbfs', {
          field: 'querystring.lowDbfs',
        });
      }
      const sensor = requireSensor(ctx, q.sensorId, 'querystring.sensorId');
      if (!ctx.history) throw new ApiError(503, 'BW_ERR_HISTORY_UNAVAILABLE', 'no waterfall history on this server');
      // Default window: the span of the sensor's latest line, else its tuning.
      const span = ctx.hub.spans.get(q.sensorId) ?? {
        startHz: sensor.centerHz - sensor.sampleRateHz / 2,
        stopHz: sensor.centerHz + sensor.sampleRateHz / 2,
      };
      const startHz = q.startHz ?? span.startHz;
      const stopHz = q.stopHz ?? span.stopHz;
      if (startHz >= stopHz) {
        throw new ApiError(400, 'BW_ERR_VALIDATION', 'querystring.startHz: must be below stopHz', {
          field: 'querystring.startHz',
        });
      }
      const { rows } = await ctx.history.render({
        sensorId: q.sensorId,
        fromMs: q.fromMs,
        toMs: q.toMs,
        startHz,
        stopHz,
        widthPx: q.widthPx,
        rows: q.rows,
      });
      const u8 = new Uint8Array(q.widthPx);
      return {
        sensorId: q.sensorId,
        fromMs: q.fromMs,
        toMs: q.toMs,
        startHz,
        stopHz,
        widthPx: q.widthPx,
        lowDbfs: q.lowDbfs,
        highDbfs: q.highDbfs,
        source: ctx.history.kind,
        rows: rows.map((r) => ({
          timeMs: r.timeMs,
          b64: Buffer.from(quantiseU8(r.dbfs, q.lowDbfs, q.highDbfs, u8)).toString('base64'),
        })),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/health',
    role: 'viewer',
    action: 'health',
    summary: 'Server health: sensors, storage, streams, audit',
    tag: 'health',
    schema: {},
    async handler(_req, _reply, ctx) {
      const sensors = ctx.monitor.sensors();
      const store = ctx.monitor.store.health();
      const stats = ctx.hub.stats();
      const sensorsOk = sensors.every((s) => s.state === 'running' || s.state === 'retuning');
      return {
        ok: store.ok && sensorsOk && ctx.audit.failures === 0,
        uptimeS: Math.round((Date.now() - ctx.startedMs) / 1000),
        sensors: sensors.map((s) => ({
          id: s.id,
          state: s.state,
          samplesLost: s.samplesLost,
          lastDataMs: s.lastDataMs,
        })),
        store: { kind: ctx.monitor.store.kind, ...store },
        streams: {
          clients: stats.length,
          framesDropped: stats.reduce((n, s) => n + s.framesDropped, 0),
          linesCoalesced: ctx.hub.coalesced,
        },
        auditWriteFailures: ctx.audit.failures,
        history: ctx.history?.kind ?? null,
        memory: { rssBytes: process.memoryUsage().rss },
      };
    },
  }),
];
