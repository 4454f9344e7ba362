/**
 * Domain contracts shared by the engine (sources → pipeline → tracker/alarms), storage, recording and the
 * console server. Times are ms since the Unix epoch unless a name says otherwise; frequencies are absolute RF Hz.
 */

export type SensorMode = 'dwell' | 'sweep';
export type SourceKind = 'usb' | 'virtual' | 'rtltcp' | 'sigmf';

/** A block of raw IQ from any source, in the source's own sample format. */
export interface IqBlock {
  format: 'cu8' | 'ci8' | 'ci16_le' | 'cf32_le';
  /** Interleaved I,Q bytes in `format`. Only valid during the callback unless copied. */
  bytes: Uint8Array;
  /** Complex-sample index of the first sample since the source started (monotonic; gaps mean loss). */
  sampleIndex: number;
  /** Wall-clock (live) or recording time (replay) of the first sample, ms since epoch. */
  timeMs: number;
  centerHz: number;
  sampleRateHz: number;
}

export type SourceEvent =
  | { type: 'samples-lost'; lostSamples: number; atSampleIndex: number; reason: string }
  | { type: 'stalled'; sinceMs: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnected' }
  | { type: 'retuned'; centerHz: number; atSampleIndex: number }
  | { type: 'end' };

/** One IQ source: local dongle, rtl_tcp server, virtual dongle, or SigMF recording. */
export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  readonly description: string;
  getCenterHz(): number;
  getSampleRateHz(): number;
  /** Retune; resolves when the device has been told (sweep uses this). Recordings reject. */
  tune(centerHz: number): Promise<void>;
  start(onBlock: (block: IqBlock) => void, onEvent: (ev: SourceEvent) => void): Promise<void>;
  stop(): Promise<void>;
}

/** Emission classes the classifier assigns; the one list every layer (schemas, model, console) uses. */
export const EMISSION_CLASSES = [
  'nfm',
  'wfm',
  'am',
  'cw',
  'fsk4',
  'ofdm',
  'mic',
  'jam-barrage',
  'jam-cw',
  'jam-sweep',
  'jam-pulse',
  'unknown',
  // benign bursty traffic (appended: older records keep their meaning): OOK/ASK telemetry, TDMA/TDD bursts,
  // pulse-position replies (SSR Mode S / Mode A/C)
  'ook',
  'tdma',
  'pulse-pos',
] as const;
export type EmissionClass = (typeof EMISSION_CLASSES)[number];

/** A frequency assignment of the plan. */
export interface Assignment {
  id: string;
  centerHz: number;
  bandwidthHz: number;
  /** ITU emission designator, e.g. 16K0F3E. */
  emission?: string;
  service?: string;
  licensee?: string;
  /** Maximum permitted level, dBFS (channel power at our sensor). */
  maxLevelDbfs?: number;
  /** Event phases or absolute windows in which the assignment is valid; absent = always. */
  windows?: { phase?: 'before' | 'during' | 'after'; fromMs?: number; toMs?: number }[];
  /** Watch continuously (dwell) rather than in a sweep. */
  critical?: boolean;
  /**
   * A band or block shared by many independent emitters (a short-range-device band under a class licence, a PMR446
   * block, an ISM band, an amateur segment), not one user's channel: each emission inside stands on its own (no
   * merging into a "channel user", no interference for a second emission); the mask is the band's edges and
   * `maxLevelDbfs` applies to each emission. Absent = false.
   */
  shared?: boolean;
}

export interface FrequencyPlan {
  name: string;
  assignments: Assignment[];
  /** Event phases, absolute times. */
  phases?: { phase: 'before' | 'during' | 'after'; fromMs: number; toMs: number }[];
}

/** An emission followed over time by the tracker. */
export interface TrackedEmission {
  id: string;
  sensorId: string;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Set when the emission has ended (after the hang time). */
  endedMs?: number;
  centerHz: number;
  bandwidthHz: number;
  peakDbfs: number;
  channelPowerDbfs: number;
  snrDb: number;
  className: EmissionClass;
  confidence: number;
  assignmentId: string | null;
  /** Number of bursts aggregated (PTT traffic). */
  bursts: number;
  /**
   * Time the emission's channel power last stepped up (≥ 3 dB over its slow average), ms; absent when steady. Lets
   * the alarm rules give a jamming detector time to claim a sudden rise before calling it over-power.
   */
  powerStepMs?: number;
  /**
   * Set on the `end` of a track that turned out to be a second view of another emission (a piece of its spectrum
   * that kept a track of its own): the id it merged into. It is not an emission in its own right, so it is not
   * reported as a detection.
   */
  mergedIntoId?: string;
}

export const ALARM_KINDS = [
  'unlicensed-emitter',
  'out-of-mask',
  'over-power',
  'interference',
  'jamming',
  'sensor-fault',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

export type AlarmSeverity = 'critical' | 'major' | 'minor' | 'warning';

export interface AlarmAck {
  by: string;
  atMs: number;
  comment: string;
}

export interface Alarm {
  id: string;
  sensorId: string;
  kind: AlarmKind;
  severity: AlarmSeverity;
  state: 'active' | 'cleared';
  raisedMs: number;
  updatedMs: number;
  clearedMs?: number;
  centerHz: number | null;
  bandwidthHz: number | null;
  levelDbfs: number | null;
  assignmentId: string | null;
  emissionId?: string;
  className?: EmissionClass;
  confidence?: number;
  /** Kind-specific facts: jammer type, rise dB, fault reason, ... */
  detail: Record<string, unknown>;
  acks: AlarmAck[];
  escalated: boolean;
  /** Number of times the same condition was seen again while active (deduplicated). */
  occurrences: number;
  /** Id of the evidence recording, when one was captured. */
  evidenceId?: string;
}

export type AlarmEvent = { type: 'raised' | 'updated' | 'cleared' | 'acknowledged' | 'escalated'; alarm: Alarm };

/** One spectrum line for displays and history: any span (dwell capture or stitched sweep). */
export interface SpectrumLine {
  sensorId: string;
  timeMs: number;
  startHz: number;
  binHz: number;
  psdDbfs: Float32Array;
  /** Noise floor estimate per bin, dBFS (same length), when known. */
  floorDbfs?: Float32Array;
}

export interface SensorStatus {
  id: string;
  name: string;
  kind: SourceKind;
  mode: SensorMode;
  state: 'starting' | 'running' | 'retuning' | 'stalled' | 'disconnected' | 'stopped' | 'failed';
  centerHz: number;
  sampleRateHz: number;
  /** Sweep ranges, Hz, when in sweep mode. */
  ranges?: { startHz: number; stopHz: number; revisitMs?: number }[];
  samplesReceived: number;
  samplesLost: number;
  lastDataMs: number | null;
  description: string;
  /**
   * ADC clipping: fraction (0–1) of the complex samples of the latest 1 s window with I or Q at the ADC limit (cu8 0
   * or 255; dsp/clipping.ts). Absent until the first window.
   */
  clippedFraction?: number;
  /** True while the ADC-overload `sensor-fault` alarm condition holds (docs/sensor-health.md). */
  adcOverload?: boolean;
}

/** A point in InfluxDB's model; the embedded store keeps the same in line protocol. */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  timeMs: number;
}

export interface PointQuery {
  measurement: string;
  fromMs: number;
  toMs: number;
  tags?: Record<string, string>;
  limit?: number;
}

/** Storage seam: InfluxDB when configured, the embedded line-protocol store otherwise. */
export interface MeasurementStore {
  readonly kind: 'influxdb' | 'embedded';
  writePoints(points: Point[]): Promise<void>;
  query(q: PointQuery): Promise<Point[]>;
  /** Healthy = reachable and not spooling. */
  health(): { ok: boolean; spooledPoints: number; detail?: string };
  close(): Promise<void>;
}

/**
 * What the engine publishes: the seam between a sensor node and the central services (storage, alarms,
 * console). In a multi-site deployment these events go over a broker; here they are an in-process bus.
 */
export interface MonitorEventMap {
  spectrum: SpectrumLine;
  emission: { phase: 'start' | 'update' | 'end'; emission: TrackedEmission };
  alarm: AlarmEvent;
  sensor: SensorStatus;
}

export interface AlarmFilter {
  state?: 'active' | 'cleared';
  kind?: AlarmKind;
  sensorId?: string;
  acknowledged?: boolean;
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

export interface RecordingInfo {
  id: string;
  sensorId: string;
  /** Path of the .sigmf-meta file. */
  metaPath: string;
  startMs: number;
  endMs: number | null;
  sampleRateHz: number;
  centerHz: number;
  bytes: number;
  reason: 'manual' | 'evidence';
  alarmId?: string;
}

/**
 * What the running monitor offers the console server and the CLI: the central-services side of the seam.
 * The engine implements it; the server's tests use a fake of it.
 */
export interface MonitorApi {
  sensors(): SensorStatus[];
  plan(): FrequencyPlan;
  /** Validates (throws PlanError listing every problem) and replaces the plan; history keeps the old one. */
  setPlan(plan: FrequencyPlan, by: string): Promise<void>;
  planHistory(): { atMs: number; by: string; plan: FrequencyPlan }[];
  alarms(filter?: AlarmFilter): Alarm[];
  acknowledge(alarmId: string, by: string, comment: string): Alarm;
  clearAlarm(alarmId: string, by: string, comment: string): Alarm;
  emissions(filter?: { sensorId?: string; activeOnly?: boolean; limit?: number }): TrackedEmission[];
  recordings(): RecordingInfo[];
  startRecording?(sensorId: string, by: string): Promise<RecordingInfo>;
  stopRecording?(recordingId: string, by: string): Promise<RecordingInfo>;
  /** Subscribe to the event bus; returns the unsubscribe function. */
  on<K extends keyof MonitorEventMap>(event: K, listener: (e: MonitorEventMap[K]) => void): () => void;
  readonly store: MeasurementStore;
}
