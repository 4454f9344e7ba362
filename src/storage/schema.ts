/**
 * The measurement schema (documented in docs/storage.md) and the helpers that turn domain objects into Points.
 * Tags are the few low-cardinality values a query filters on; everything measured is a field.
 */
import type { Alarm, AlarmAck, Point, SensorStatus, TrackedEmission } from '../types.ts';

export const MEASUREMENTS = ['emission', 'alarm', 'channel', 'noise_floor', 'sensor_health'] as const;
export type MeasurementName = (typeof MEASUREMENTS)[number];

/** Fields written as InfluxDB integers (`3i`); every other number is a float. Keeps field types stable. */
export const INTEGER_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  emission: new Set(['bursts', 'firstSeenMs']),
  alarm: new Set(['occurrences', 'raisedMs', 'clearedMs', 'ackCount']),
  channel: new Set(['revisits', 'occupiedRevisits']),
  noise_floor: new Set([]),
  sensor_health: new Set(['samples', 'lost']),
};

/** Value of the `assignment` tag for emissions outside every assignment. */
export const NO_ASSIGNMENT = 'none';

/** `emission` point: one per tracker update/end, at `lastSeenMs` (`endedMs` once ended). */
export function emissionPoint(e: TrackedEmission, phase: 'start' | 'update' | 'end' = 'update'): Point {
  const timeMs = e.endedMs ?? e.lastSeenMs;
  return {
    measurement: 'emission',
    tags: { sensor: e.sensorId, assignment: e.assignmentId ?? NO_ASSIGNMENT, class: e.className, phase },
    fields: {
      id: e.id,
      centerHz: e.centerHz,
      bandwidthHz: e.bandwidthHz,
      peakDbfs: e.peakDbfs,
      channelPowerDbfs: e.channelPowerDbfs,
      snrDb: e.snrDb,
      durationS: (timeMs - e.firstSeenMs) / 1000,
      confidence: e.confidence,
      bursts: e.bursts,
      firstSeenMs: e.firstSeenMs,
      ended: e.endedMs !== undefined,
    },
    timeMs,
  };
}

/** `alarm` point: one per alarm event (raised/updated/cleared/acknowledged), at `updatedMs`. */
export function alarmPoint(a: Alarm, event?: string): Point {
  const fields: Point['fields'] = {
    id: a.id,
    raisedMs: a.raisedMs,
    acked: a.acks.length > 0,
    ackCount: a.acks.length,
    escalated: a.escalated,
    occurrences: a.occurrences,
    acksJson: JSON.stringify(a.acks),
    detailJson: JSON.stringify(a.detail ?? {}),
  };
  if (a.centerHz !== null) fields.centerHz = a.centerHz;
  if (a.bandwidthHz !== null) fields.bandwidthHz = a.bandwidthHz;
  if (a.levelDbfs !== null) fields.levelDbfs = a.levelDbfs;
  if (a.assignmentId !== null) fields.assignment = a.assignmentId;
  if (a.clearedMs !== undefined) fields.clearedMs = a.clearedMs;
  if (a.emissionId !== undefined) fields.emissionId = a.emissionId;
  if (a.className !== undefined) fields.className = a.className;
  if (a.confidence !== undefined) fields.confidence = a.confidence;
  if (a.evidenceId !== undefined) fields.evidenceId = a.evidenceId;
  if (event) fields.event = event;
  return {
    measurement: 'alarm',
    tags: { sensor: a.sensorId, kind: a.kind, severity: a.severity, state: a.state },
    fields,
    timeMs: a.updatedMs,
  };
}

/** Rebuilds an Alarm from its latest `alarm` point (what reports and the CLI use when no engine runs). */
export function alarmFromPoint(p: Point): Alarm {
  const f = p.fields;
  const num = (k: string): number | null => (typeof f[k] === 'number' ? (f[k] as number) : null);
  const str = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  let acks: AlarmAck[] = [];
  let detail: Record<string, unknown> = {};
  try {
    acks = JSON.parse(str('acksJson') ?? '[]') as AlarmAck[];
  } catch {
    acks = [];
  }
  try {
    detail = JSON.parse(str('detailJson') ?? '{}') as Record<string, unknown>;
  } catch {
    detail = {};
  }
  const a: Alarm = {
    id: str('id') ?? '',
    sensorId: p.tags.sensor ?? '',
    kind: (p.tags.kind ?? 'sensor-fault') as Alarm['kind'],
    severity: (p.tags.severity ?? 'warning') as Alarm['severity'],
    state: p.tags.state === 'cleared' ? 'cleared' : 'active',
    raisedMs: num('raisedMs') ?? p.timeMs,
    updatedMs: p.timeMs,
    centerHz: num('centerHz'),
    bandwidthHz: num('bandwidthHz'),
    levelDbfs: num('levelDbfs'),
    assignmentId: str('assignment') ?? null,
    detail,
    acks,
    escalated: f.escalated === true,
    occurrences: num('occurrences') ?? 1,
  };
  const cleared = num('clearedMs');
  if (cleared !== null) a.clearedMs = cleared;
  if (str('emissionId')) a.emissionId = str('emissionId');
  if (str('className')) a.className = str('className') as Alarm['className'];
  if (num('confidence') !== null) a.confidence = num('confidence')!;
  if (str('evidenceId')) a.evidenceId = str('evidenceId');
  return a;
}

/** Latest state of every alarm found in a list of `alarm` points (one Alarm per id). */
export function alarmsFromPoints(points: Point[]): Alarm[] {
  const latest = new Map<string, Point>();
  for (const p of points) {
    const id = p.fields.id;
    if (typeof id !== 'string') continue;
    const prev = latest.get(id);
    if (!prev || prev.timeMs <= p.timeMs) latest.set(id, p);
  }
  return [...latest.values()].map(alarmFromPoint).sort((a, b) => a.raisedMs - b.raisedMs);
}

/**
 * Channel occupancy over one integration period, per ITU-R SM.1880: a revisit counts as occupied if any
 * measurement in the channel exceeded the threshold. The method and settings travel with every figure.
 */
export interface ChannelMeasurement {
  sensorId: string;
  assignmentId: string;
  /** End of the integration period, ms since epoch. */
  timeMs: number;
  /** Mean channel power over the period, dBFS. */
  channelPowerDbfs: number;
  /** Maximum channel power over the period, dBFS. */
  maxChannelPowerDbfs?: number;
  /** Frequency channel occupancy, 0..100 %. */
  occupancyPct: number;
  /** How the threshold was set: 'dynamic-noise+6dB', 'preset', '80pct', ... */
  thresholdMethod: string;
  /** Threshold actually used, dBFS. */
  thresholdDbfs: number;
  /** Length of the integration period, s. */
  integrationS: number;
  /** Resolution bandwidth of the measurement, Hz. */
  rbwHz: number;
  /** Number of revisits in the period and how many were occupied. */
  revisits: number;
  occupiedRevisits: number;
  /** Longest time between revisits, s (SM.1880: must be ≤ half the shortest on/off time to catch everything). */
  maxRevisitS?: number;
}

export function channelPoint(m: ChannelMeasurement): Point {
  const fields: Point['fields'] = {
    channelPowerDbfs: m.channelPowerDbfs,
    occupancyPct: m.occupancyPct,
    thresholdDbfs: m.thresholdDbfs,
    integrationS: m.integrationS,
    rbwHz: m.rbwHz,
    revisits: m.revisits,
    occupiedRevisits: m.occupiedRevisits,
  };
  if (m.maxChannelPowerDbfs !== undefined) fields.maxChannelPowerDbfs = m.maxChannelPowerDbfs;
  if (m.maxRevisitS !== undefined) fields.maxRevisitS = m.maxRevisitS;
  return {
    measurement: 'channel',
    tags: { sensor: m.sensorId, assignment: m.assignmentId, method: m.thresholdMethod },
    fields,
    timeMs: m.timeMs,
  };
}

/** Noise floor of one band, dBFS per bin at `rbwHz`. */
export interface NoiseFloorMeasurement {
  sensorId: string;
  /** Band name, e.g. "uhf-430" or "470-490MHz". */
  band: string;
  timeMs: number;
  startHz: number;
  stopHz: number;
  floorDbfs: number;
  rbwHz: number;
  /** Estimator: 'median', 'os-cfar', 'min-stat', ... */
  method: string;
}

export function noiseFloorPoint(m: NoiseFloorMeasurement): Point {
  return {
    measurement: 'noise_floor',
    tags: { sensor: m.sensorId, band: m.band, method: m.method },
    fields: { floorDbfs: m.floorDbfs, startHz: m.startHz, stopHz: m.stopHz, rbwHz: m.rbwHz },
    timeMs: m.timeMs,
  };
}

/** `sensor_health` point: cumulative counters (samples, lost) and state, sampled periodically. */
export function sensorHealthPoint(s: SensorStatus, timeMs: number): Point {
  const fields: Point['fields'] = {
    samples: s.samplesReceived,
    lost: s.samplesLost,
    centerHz: s.centerHz,
    sampleRateHz: s.sampleRateHz,
  };
  if (s.lastDataMs !== null) fields.dataAgeS = Math.max(0, (timeMs - s.lastDataMs) / 1000);
  return {
    measurement: 'sensor_health',
    tags: { sensor: s.id, state: s.state, kind: s.kind, mode: s.mode },
    fields,
    timeMs,
  };
}

/** Integer-field set for a measurement (empty for unknown measurements: all numbers are floats). */
export function intFieldsOf(measurement: string): ReadonlySet<string> | undefined {
  return INTEGER_FIELDS[measurement];
}
