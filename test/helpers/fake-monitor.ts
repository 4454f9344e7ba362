/**
 * A realistic fake of the engine's `MonitorApi` for the console's tests and bench: two sensors, a frequency
 * plan, spectrum lines (seeded noise floor + the plan's active carriers + any switched-on emitters) on a
 * timer or on demand, and alarms raised when an unlicensed emitter is switched on.
 */
import { PlanError } from '../../src/errors.ts';
import type {
  Alarm,
  AlarmEvent,
  AlarmFilter,
  FrequencyPlan,
  MeasurementStore,
  MonitorApi,
  MonitorEventMap,
  Point,
  RecordingInfo,
  SensorStatus,
  SpectrumLine,
  TrackedEmission,
} from '../../src/types.ts';

type Listener<K extends keyof MonitorEventMap> = (e: MonitorEventMap[K]) => void;

export interface FakeMonitorOptions {
  /** Bins per line. */
  bins?: number;
  /** Lines per second per sensor when running. */
  lineRateHz?: number;
  /** Offer start/stopRecording. */
  canRecord?: boolean;
  seed?: number;
  now?: () => number;
}

interface Carrier {
  centerHz: number;
  bandwidthHz: number;
  levelDbfs: number;
}

export const FAKE_PLAN: FrequencyPlan = {
  name: 'Venue plan (test)',
  assignments: [
    {
      id: 'A-470.100',
      centerHz: 470.1e6,
      bandwidthHz: 12.5e3,
      emission: '11K0F3E',
      service: 'PMR',
      licensee: 'Ban tổ chức',
      maxLevelDbfs: -30,
    },
    {
      id: 'A-470.600',
      centerHz: 470.6e6,
      bandwidthHz: 200e3,
      emission: '200KF8E',
      service: 'Wireless mic',
      critical: true,
    },
    { id: 'A-471.000', centerHz: 471.0e6, bandwidthHz: 25e3, emission: '16K0F3E', service: 'PMR' },
  ],
};

export class FakeMonitor implements MonitorApi {
  readonly store: MeasurementStore;
  readonly sensorList: SensorStatus[];
  private currentPlan: FrequencyPlan = structuredClone(FAKE_PLAN);
  private history: { atMs: number; by: string; plan: FrequencyPlan }[] = [];
  private alarmList: Alarm[] = [];
  private emissionList: TrackedEmission[] = [];
  private recordingList: RecordingInfo[] = [];
  private listeners = new Map<keyof MonitorEventMap, Set<(e: unknown) => void>>();
  private carriers = new Map<string, Carrier[]>();
  private timers: NodeJS.Timeout[] = [];
  private rng: number;
  private readonly bins: number;
  private readonly psd: Map<string, Float32Array> = new Map();
  private nextId = 1;
  readonly now: () => number;
  /** Lines emitted, per sensor. */
  linesEmitted = 0;
  readonly lineRateHz: number;

  constructor(private readonly opts: FakeMonitorOptions = {}) {
    this.bins = opts.bins ?? 2048;
    this.lineRateHz = opts.lineRateHz ?? 20;
    this.rng = opts.seed ?? 12345;
    this.now = opts.now ?? Date.now;
    const points: Point[] = [];
    this.store = {
      kind: 'embedded',
      writePoints: async (p) => {
        points.push(...p);
      },
      query: async (q) =>
        points.filter((p) => p.measurement === q.measurement && p.timeMs >= q.fromMs && p.timeMs < q.toMs),
      health: () => ({ ok: true, spooledPoints: 0 }),
      close: async () => {},
    };
    const base = {
      kind: 'virtual' as const,
      state: 'running' as const,
      samplesReceived: 0,
      samplesLost: 0,
      lastDataMs: null,
    };
    this.sensorList = [
      {
        ...base,
        id: 'venue-a',
        name: 'Hội trường A',
        mode: 'dwell',
        centerHz: 470.6e6,
        sampleRateHz: 2.4e6,
        description: 'virtual RTL2832U/R820T',
      },
      {
        ...base,
        id: 'venue-b',
        name: 'Sân khấu B',
        mode: 'sweep',
        centerHz: 600e6,
        sampleRateHz: 2.4e6,
        ranges: [{ startHz: 598.8e6, stopHz: 601.2e6, revisitMs: 500 }],
        description: 'virtual RTL2832U/R828D',
      },
    ];
    for (const s of this.sensorList) this.psd.set(s.id, new Float32Array(this.bins));
    // The plan's assignments are on the air (licensed and within limits).
    this.carriers.set('venue-a', [
      { centerHz: 470.1e6, bandwidthHz: 11e3, levelDbfs: -55 },
      { centerHz: 470.6e6, bandwidthHz: 180e3, levelDbfs: -60 },
    ]);
    this.carriers.set('venue-b', [{ centerHz: 600.3e6, bandwidthHz: 20e3, levelDbfs: -65 }]);
    if (opts.canRecord) this.enableRecording();
  }

  // --- MonitorApi ---
  sensors(): SensorStatus[] {
    return this.sensorList.map((s) => ({ ...s }));
  }
  plan(): FrequencyPlan {
    return structuredClone(this.currentPlan);
  }
  async setPlan(plan: FrequencyPlan, by: string): Promise<void> {
    const problems: { location: { field: string }; message: string }[] = [];
    const seen = new Set<string>();
    plan.assignments.forEach((a, i) => {
      if (seen.has(a.id))
        problems.push({ location: { field: `assignments[${i}].id` }, message: `duplicate id '${a.id}'` });
      seen.add(a.id);
      if (!(a.bandwidthHz > 0))
        problems.push({ location: { field: `assignments[${i}].bandwidthHz` }, message: 'must be > 0' });
    });
    if (problems.length) throw new PlanError(problems);
    this.history.push({ atMs: this.now(), by, plan: this.currentPlan });
    this.currentPlan = structuredClone(plan);
  }
  planHistory() {
    return this.history.map((h) => ({ ...h, plan: structuredClone(h.plan) }));
  }
  alarms(filter: AlarmFilter = {}): Alarm[] {
    return this.alarmList
      .filter(
        (a) =>
          (!filter.state || a.state === filter.state) &&
          (!filter.kind || a.kind === filter.kind) &&
          (!filter.sensorId || a.sensorId === filter.sensorId) &&
          (filter.acknowledged === undefined || a.acks.length > 0 === filter.acknowledged) &&
          (filter.fromMs === undefined || a.raisedMs >= filter.fromMs) &&
          (filter.toMs === undefined || a.raisedMs <= filter.toMs),
      )
      .slice(0, filter.limit ?? Infinity)
      .map((a) => structuredClone(a));
  }
  acknowledge(alarmId: string, by: string, comment: string): Alarm {
    const a = this.mustAlarm(alarmId);
    a.acks.push({ by, atMs: this.now(), comment });
    a.updatedMs = this.now();
    this.emit('alarm', { type: 'acknowledged', alarm: structuredClone(a) });
    return structuredClone(a);
  }
  clearAlarm(alarmId: string, by: string, comment: string): Alarm {
    const a = this.mustAlarm(alarmId);
    a.state = 'cleared';
    a.clearedMs = this.now();
    a.updatedMs = this.now();
    a.detail = { ...a.detail, clearedBy: by, clearComment: comment };
    this.emit('alarm', { type: 'cleared', alarm: structuredClone(a) });
    return structuredClone(a);
  }
  emissions(filter: { sensorId?: string; activeOnly?: boolean; limit?: number } = {}): TrackedEmission[] {
    return this.emissionList
      .filter(
        (e) => (!filter.sensorId || e.sensorId === filter.sensorId) && (!filter.activeOnly || e.endedMs === undefined),
      )
      .slice(0, filter.limit ?? Infinity);
  }
  recordings(): RecordingInfo[] {
    return this.recordingList.map((r) => ({ ...r }));
  }
  startRecording?: (sensorId: string, by: string) => Promise<RecordingInfo>;
  stopRecording?: (recordingId: string, by: string) => Promise<RecordingInfo>;

  on<K extends keyof MonitorEventMap>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (e: unknown) => void);
    return () => set.delete(listener as (e: unknown) => void);
  }

  listenerCount(event: keyof MonitorEventMap): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  // --- test controls ---

  /** Emit one spectrum line for a sensor now (the buffer is reused, as a real DSP would). */
  emitLine(sensorId = 'venue-a', timeMs = this.now()): SpectrumLine {
    const s = this.sensorList.find((x) => x.id === sensorId);
    const psd = this.psd.get(sensorId);
    if (!s || !psd) throw new Error(`no sensor ${sensorId}`);
    const binHz = s.sampleRateHz / this.bins;
    // As the pipeline emits lines: startHz is the centre of bin 0, the line spans centre ± rate/2.
    const startHz = s.centerHz - s.sampleRateHz / 2 + binHz / 2;
    for (let k = 0; k < this.bins; k++) psd[k] = -110 + 4 * (this.random() - 0.5) + 2 * this.random();
    for (const c of this.carriers.get(sensorId) ?? []) {
      const k0 = Math.round((c.centerHz - c.bandwidthHz / 2 - startHz) / binHz);
      const k1 = Math.round((c.centerHz + c.bandwidthHz / 2 - startHz) / binHz);
      for (let k = Math.max(0, k0); k <= Math.min(this.bins - 1, k1); k++)
        psd[k] = c.levelDbfs + 2 * (this.random() - 0.5);
    }
    s.samplesReceived += Math.round(s.sampleRateHz / this.lineRateHz);
    s.lastDataMs = timeMs;
    const line: SpectrumLine = { sensorId, timeMs, startHz, binHz, psdDbfs: psd };
    this.linesEmitted++;
    this.emit('spectrum', line);
    return line;
  }

  /** Emit lines for every sensor at `lineRateHz` until `stop()`. */
  start(): void {
    const t = setInterval(() => {
      for (const s of this.sensorList) this.emitLine(s.id);
    }, 1000 / this.lineRateHz);
    this.timers.push(t);
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /**
   * The venue switches on an unlicensed emitter: a carrier appears in the sensor's lines and the alarm
   * pipeline raises `unlicensed-emitter` (with its tracked emission). Returns the alarm.
   */
  switchOnUnlicensed(sensorId = 'venue-a', centerHz = 469.85e6, levelDbfs = -45, bandwidthHz = 16e3): Alarm {
    (this.carriers.get(sensorId) ?? []).push({ centerHz, bandwidthHz, levelDbfs });
    const now = this.now();
    const em: TrackedEmission = {
      id: `E${this.nextId++}`,
      sensorId,
      firstSeenMs: now,
      lastSeenMs: now,
      centerHz,
      bandwidthHz,
      peakDbfs: levelDbfs,
      channelPowerDbfs: levelDbfs + 3,
      snrDb: levelDbfs + 110,
      className: 'nfm',
      confidence: 0.91,
      assignmentId: null,
      bursts: 1,
    };
    this.emissionList.push(em);
    this.emit('emission', { phase: 'start', emission: { ...em } });
    return this.raise({
      sensorId,
      kind: 'unlicensed-emitter',
      severity: 'major',
      centerHz,
      bandwidthHz,
      levelDbfs,
      assignmentId: null,
      emissionId: em.id,
      className: 'nfm',
      confidence: 0.91,
      detail: { reason: 'no assignment covers the emission' },
    });
  }

  /** Raise any alarm (e.g. over-power on an assignment). */
  raise(
    a: Pick<
      Alarm,
      'sensorId' | 'kind' | 'severity' | 'centerHz' | 'bandwidthHz' | 'levelDbfs' | 'assignmentId' | 'detail'
    > &
      Partial<Alarm>,
  ): Alarm {
    const now = this.now();
    const alarm: Alarm = {
      id: `AL${this.nextId++}`,
      state: 'active',
      raisedMs: now,
      updatedMs: now,
      acks: [],
      escalated: false,
      occurrences: 1,
      ...a,
    };
    this.alarmList.push(alarm);
    const ev: AlarmEvent = { type: 'raised', alarm: structuredClone(alarm) };
    this.emit('alarm', ev);
    return structuredClone(alarm);
  }

  setSensorState(sensorId: string, patch: Partial<SensorStatus>): void {
    const s = this.sensorList.find((x) => x.id === sensorId);
    if (!s) throw new Error(`no sensor ${sensorId}`);
    Object.assign(s, patch);
    this.emit('sensor', { ...s });
  }

  /** Give the fake start/stopRecording (the contract makes them optional). */
  enableRecording(): this {
    this.startRecording = async (sensorId, _by) => {
      const s = this.sensorList.find((x) => x.id === sensorId);
      if (!s) throw new Error(`no sensor ${sensorId}`);
      const r: RecordingInfo = {
        id: `R${this.nextId++}`,
        sensorId,
        metaPath: `/data/recordings/${sensorId}.sigmf-meta`,
        startMs: this.now(),
        endMs: null,
        sampleRateHz: s.sampleRateHz,
        centerHz: s.centerHz,
        bytes: 0,
        reason: 'manual',
      };
      this.recordingList.push(r);
      return { ...r };
    };
    this.stopRecording = async (id) => {
      const r = this.recordingList.find((x) => x.id === id);
      if (!r) throw new Error(`no recording ${id}`);
      r.endMs = this.now();
      r.bytes = 1234;
      return { ...r };
    };
    return this;
  }

  private mustAlarm(id: string): Alarm {
    const a = this.alarmList.find((x) => x.id === id);
    if (!a) throw new Error(`no alarm ${id}`);
    return a;
  }

  private emit<K extends keyof MonitorEventMap>(event: K, e: MonitorEventMap[K]): void {
    for (const l of this.listeners.get(event) ?? []) l(e);
  }

  /** xorshift32 in [0, 1): reproducible noise. */
  private random(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }
}
