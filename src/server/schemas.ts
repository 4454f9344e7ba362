/**
 * JSON schemas of the console API: fastify validates every request with them and `openapi.ts` publishes the
 * same objects. Enumerations are declared once here, typed against the domain contracts in `src/types.ts`.
 */
import { ALARM_KINDS, EMISSION_CLASSES, type AlarmSeverity, type SensorMode, type SourceKind } from '../types.ts';
import { ROLES, USERNAME_PATTERN, MIN_PASSWORD_LENGTH } from './auth/users.ts';

export { ALARM_KINDS, EMISSION_CLASSES };
export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const satisfies readonly AlarmSeverity[];
export const SENSOR_MODES = ['dwell', 'sweep'] as const satisfies readonly SensorMode[];
export const SOURCE_KINDS = ['usb', 'virtual', 'rtltcp', 'sigmf'] as const satisfies readonly SourceKind[];
export const PHASES = ['before', 'during', 'after'] as const;

/** RTL-SDR tuning range with margin, Hz: the API refuses frequencies no sensor could ever see. */
export const MIN_HZ = 1e6;
export const MAX_HZ = 6e9;

const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } as const;
const hz = { type: 'number', minimum: MIN_HZ, maximum: MAX_HZ } as const;
const timeMs = { type: 'integer', minimum: 0, maximum: 1e14 } as const;
const comment = { type: 'string', minLength: 1, maxLength: 2000 } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        problems: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;

export const assignmentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'centerHz', 'bandwidthHz'],
  properties: {
    id,
    centerHz: hz,
    bandwidthHz: { type: 'number', exclusiveMinimum: 0, maximum: 50e6 },
    emission: { type: 'string', maxLength: 16 },
    service: { type: 'string', maxLength: 200 },
    licensee: { type: 'string', maxLength: 200 },
    maxLevelDbfs: { type: 'number', minimum: -200, maximum: 50 },
    windows: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { phase: { enum: PHASES }, fromMs: timeMs, toMs: timeMs },
      },
    },
    critical: { type: 'boolean' },
    shared: { type: 'boolean' },
  },
} as const;

export const planSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'assignments'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    assignments: { type: 'array', maxItems: 5000, items: assignmentSchema },
    phases: {
      type: 'array',
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['phase', 'fromMs', 'toMs'],
        properties: { phase: { enum: PHASES }, fromMs: timeMs, toMs: timeMs },
      },
    },
  },
} as const;

export const sensorSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { enum: SOURCE_KINDS },
    mode: { enum: SENSOR_MODES },
    state: { type: 'string' },
    centerHz: { type: 'number' },
    sampleRateHz: { type: 'number' },
    samplesReceived: { type: 'number' },
    samplesLost: { type: 'number' },
    lastDataMs: { type: ['number', 'null'] },
    description: { type: 'string' },
    clippedFraction: { type: 'number' },
    adcOverload: { type: 'boolean' },
  },
} as const;

export const alarmSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    sensorId: { type: 'string' },
    kind: { enum: ALARM_KINDS },
    severity: { enum: ALARM_SEVERITIES },
    state: { enum: ['active', 'cleared'] },
    raisedMs: { type: 'number' },
    updatedMs: { type: 'number' },
    centerHz: { type: ['number', 'null'] },
    bandwidthHz: { type: ['number', 'null'] },
    levelDbfs: { type: ['number', 'null'] },
    assignmentId: { type: ['string', 'null'] },
    acks: { type: 'array', items: { type: 'object' } },
    detail: { type: 'object', additionalProperties: true },
  },
} as const;

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id },
} as const;

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export const commentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment },
} as const;

export const alarmQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { enum: ['active', 'cleared'] },
    kind: { enum: ALARM_KINDS },
    sensorId: id,
    acknowledged: { type: 'boolean' },
    fromMs: timeMs,
    toMs: timeMs,
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
  },
} as const;

export const emissionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sensorId: id,
    activeOnly: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
  },
} as const;

export const startRecordingBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sensorId'],
  properties: { sensorId: id },
} as const;

export const historyQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['sensorId', 'fromMs', 'toMs'],
  properties: {
    sensorId: id,
    fromMs: timeMs,
    toMs: timeMs,
    startHz: hz,
    stopHz: hz,
    widthPx: { type: 'integer', minimum: 8, maximum: 4096, default: 1024 },
    rows: { type: 'integer', minimum: 1, maximum: 2000, default: 300 },
    lowDbfs: { type: 'number', minimum: -200, maximum: 50, default: -130 },
    highDbfs: { type: 'number', minimum: -200, maximum: 50, default: -10 },
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 } },
} as const;

const username = { type: 'string', pattern: USERNAME_PATTERN } as const;
const password = { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 } as const;

export const userParams = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: username },
} as const;

export const addUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role', 'password'],
  properties: { name: username, role: { enum: ROLES }, password },
} as const;

export const passwordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['password'],
  properties: { password },
} as const;

export const noteQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { alarmId: id, sensorId: id, limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 } },
} as const;

export const noteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sensorId', 'text'],
  properties: { sensorId: id, alarmId: id, timeMs, centerHz: hz, text: comment },
} as const;
