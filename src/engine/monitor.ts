/**
 * The Monitor: sensors + alarm manager + storage + event bus, implementing `MonitorApi` for the console server
 * and the CLI. Plans are validated (PlanError with every problem), kept with their history, pushed to every
 * sensor's pipeline and hot-reloaded when the plan file changes.
 */
import { appendFileSync, mkdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { AlarmManager } from '../alarms/manager.ts';
import type { WebhookConfig } from '../alarms/webhooks.ts';
import { loadPlanFile, validatePlanOrThrow } from '../plan/index.ts';
import { RecordingCatalog } from '../recording/catalog.ts';
import { alarmPoint, channelPoint, emissionPoint, noiseFloorPoint, sensorHealthPoint } from '../storage/schema.ts';
import type { Classifier } from '../tracking/classifier.ts';
import { sensorClassification, sharedClassifier } from './classifier.ts';
import type {
  Alarm,
  AlarmFilter,
  FrequencyPlan,
  MeasurementStore,
  MonitorApi,
  MonitorEventMap,
  Point,
  RecordingInfo,
  SensorStatus,
  Source,
  TrackedEmission,
} from '../types.ts';
import type { SpectralOptions } from '../pipeline/spectral.ts';
import { EventBus } from './bus.ts';
import { EvidenceRecorder } from '../recording/evidence.ts';
import { SigmfWriter } from '../recording/sigmfWriter.ts';
import { ApiError } from '../errors.ts';
import { planHops } from '../scheduler/sweep.ts';
import { SensorNode } from './sensor-node.ts';
import { SpectrumHistory } from '../history/history.ts';

export interface SensorSpec {
  id: string;
  name?: string;
  source: Source;
  mode?: 'dwell' | 'sweep';
  ranges?: { startHz: number; stopHz: number }[];
}

export interface MonitorOptions {
  dataDir: string;
  plan: FrequencyPlan;
  /** Watched for changes (hot reload) when given. */
  planFile?: string;
  store: MeasurementStore;
  sensors: SensorSpec[];
  /**
   * Shared classifier, wrapped per sensor so it reads that sensor's recent IQ. Default: the tfjs model loaded
   * once per process (`unknown` labels and one log line when its weights cannot be loaded).
   */
  classifier?: Classifier;
  /** One worker thread per sensor (default true); false runs pipelines on the main thread (tests). */
  workers?: boolean;
  pipeline?: Partial<Omit<SpectralOptions, 'jamming' | 'sensorId' | 'centerHz' | 'sampleRateHz'>>;
  alarms?: { escalateAfterS?: number; clearAfterS?: number; maxRaisesPerMinute?: number; webhooks?: WebhookConfig[] };
  /** Storage integration period for channel/floor/health points, s. Default 10. */
  storageIntervalS?: number;
  /** Emissions kept after they end (for `emissions()`). Default 2000. */
  keepEnded?: number;
  /** Record IQ evidence (pre/post trigger, s) when alarms are raised; false disables. Default { preS: 5, postS: 5 }. */
  evidence?: { preS?: number; postS?: number; maxBytes?: number } | false;
  /**
   * Spectrum history (waterfall rows of every sensor's lines) under `<dataDir>/history`; whole days older than
   * `keepDays` (default 14) are pruned at start and daily. false disables it.
   */
  spectrumHistory?: { keepDays?: number } | false;
  /** How often `store.health()` is polled, ms (at most half the alarm clear hysteresis). Default 2000. */
  storageHealthPollMs?: number;
  log?: (line: string) => void;
}

export class Monitor implements MonitorApi {
  readonly store: MeasurementStore;
  readonly bus = new EventBus();
  readonly alarmManager: AlarmManager;
  /** Every sensor's spectrum lines as compact waterfall rows (null when disabled). */
  readonly spectrumHistory: SpectrumHistory | null;
  private readonly nodes: SensorNode[] = [];
  private currentPlan: FrequencyPlan;
  private readonly history: { atMs: number; by: string; plan: FrequencyPlan }[] = [];
  private readonly active = new Map<string, TrackedEmission>();
  private readonly ended: TrackedEmission[] = [];
  private pointQueue: Point[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private watcher: FSWatcher | null = null;
  private storageFailing = false;
  private flushing: Promise<void> | null = null;
  private readonly catalog: RecordingCatalog;
  private recordingList: RecordingInfo[] = [];
  private readonly log: (line: string) => void;
  private stopped = false;
  private readonly manual = new Map<string, { writer: SigmfWriter; untap: () => void; info: RecordingInfo }>();

  private constructor(
    private readonly o: MonitorOptions,
    alarms: AlarmManager,
  ) {
    this.store = o.store;
    this.alarmManager = alarms;
    this.currentPlan = o.plan;
    this.log = o.log ?? (() => {});
    this.catalog = new RecordingCatalog([join(o.dataDir, 'recordings'), join(o.dataDir, 'evidence')]);
    this.history.push({ atMs: Date.now(), by: 'startup', plan: o.plan });
    this.spectrumHistory =
      o.spectrumHistory === false ? null : new SpectrumHistory({ dir: join(o.dataDir, 'history') });
    if (this.spectrumHistory) {
      const h = this.spectrumHistory;
      this.bus.on('spectrum', (line) => {
        try {
          h.append(line);
        } catch (e) {
          // A full or failing disk loses history rows, never the monitoring.
          this.historyFailure(e);
        }
      });
    }
  }

  private historyFailedAtMs = 0;
  private historyFailure(e: unknown): void {
    if (Date.now() - this.historyFailedAtMs < 60_000) return;
    this.historyFailedAtMs = Date.now();
    this.log(`spectrum history not written: ${(e as Error).message}`);
  }

  private pruneHistory(): void {
    const h = this.spectrumHistory;
    if (!h || this.o.spectrumHistory === false) return;
    const keepDays = this.o.spectrumHistory?.keepDays ?? 14;
    h.prune(keepDays).then(
      (days) => days.length && this.log(`spectrum history: pruned ${days.length} day(s) older than ${keepDays}`),
      (e: unknown) => this.log(`spectrum history not pruned: ${(e as Error).message}`),
    );
  }

  static async create(o: MonitorOptions): Promise<Monitor> {
    validatePlanOrThrow(o.plan);
    const a = o.alarms ?? {};
    const baseClearMs = (a.clearAfterS ?? 3) * 1000;
    // A swept range is seen once per revisit: give its conditions 2.5 revisits before clearing.
    const sweepClearMs = new Map<string, number>();
    for (const s of o.sensors) {
      if (!s.ranges?.length) continue;
      const hops = planHops(s.ranges, s.source.getSampleRateHz()).length;
      if (hops > 1) sweepClearMs.set(s.id, Math.max(baseClearMs, 2.5 * hops * (250 + 30)));
    }
    const alarms = await AlarmManager.create({
      clearAfterFor: (al) => sweepClearMs.get(al.sensorId),
      dataDir: o.dataDir,
      escalateAfterMs: (a.escalateAfterS ?? 300) * 1000,
      clearAfterMs: (a.clearAfterS ?? 3) * 1000,
      maxRaisesPerMinute: a.maxRaisesPerMinute ?? 30,
      webhooks: a.webhooks,
    });
    const m = new Monitor(o, alarms);
    alarms.on((ev) => {
      m.bus.emit('alarm', ev);
      m.queue(alarmPoint(ev.alarm, ev.type));
      if (ev.type === 'raised') m.captureEvidence(ev.alarm);
    });
    const inner = o.classifier ?? (await sharedClassifier(o.log ?? ((l) => console.error(l))));
    for (const s of o.sensors) {
      const cls = sensorClassification(inner);
      const node = new SensorNode({
        id: s.id,
        name: s.name ?? s.id,
        source: s.source,
        mode: s.mode ?? (s.ranges?.length ? 'sweep' : 'dwell'),
        ranges: s.ranges,
        alarms,
        classifier: cls.classifier,
        iqHistory: cls.history,
        getPlan: () => m.currentPlan,
        pipeline: o.pipeline ?? {},
        useWorker: o.workers ?? true,
        onEmission: (phase, em) => m.onEmission(phase, em),
        onLine: (line) => m.bus.emit('spectrum', line),
        onStatus: (st) => m.bus.emit('sensor', st),
        evidence:
          o.evidence === false || s.source.kind === 'sigmf'
            ? undefined
            : new EvidenceRecorder({
                dir: join(o.dataDir, 'evidence'),
                sensorId: s.id,
                sampleRateHz: s.source.getSampleRateHz(),
                preTriggerS: o.evidence?.preS ?? 5,
                postTriggerS: o.evidence?.postS ?? 5,
                maxBytes: o.evidence?.maxBytes,
                // Evidence of an alarm nobody has looked at yet is never deleted for space.
                isProtected: (id) => {
                  const al = alarms.get(id);
                  return !!al && (al.state === 'active' || al.acks.length === 0);
                },
              }),
      });
      m.nodes.push(node);
    }
    return m;
  }

  /** Start every sensor, the alarm clock, storage flushing and plan watching. */
  async start(): Promise<void> {
    for (const n of this.nodes) {
      try {
        await n.start();
      } catch (e) {
        n.status.state = 'failed';
        this.bus.emit('sensor', { ...n.status });
        this.alarmManager.report({
          sensorId: n.status.id,
          kind: 'sensor-fault',
          severity: 'major',
          timeMs: Date.now(),
          centerHz: null,
          bandwidthHz: null,
          levelDbfs: null,
          assignmentId: null,
          key: 'fault:start',
          detail: { reason: `sensor failed to start: ${(e as Error).message}` },
        });
        this.log(`sensor ${n.status.id} failed to start: ${(e as Error).message}`);
      }
    }
    this.timers.push(setInterval(() => this.alarmManager.tick(this.nowMs()), 500));
    this.timers.push(setInterval(() => void this.flushPoints(), 1000));
    this.timers.push(setInterval(() => this.periodic(), (this.o.storageIntervalS ?? 10) * 1000));
    this.timers.push(setInterval(() => void this.refreshRecordings(), 10_000));
    this.timers.push(setInterval(() => this.pruneHistory(), 24 * 3_600_000));
    // The InfluxDB store spools instead of throwing during an outage: only its health says storage is down. Poll
    // faster than the clear hysteresis so the alarm stays up for as long as the outage lasts.
    const clearMs = (this.o.alarms?.clearAfterS ?? 3) * 1000;
    const pollMs = Math.max(50, Math.min(this.o.storageHealthPollMs ?? 2000, clearMs / 2));
    this.timers.push(setInterval(() => this.pollStorageHealth(), pollMs));
    this.pruneHistory();
    for (const t of this.timers) t.unref?.();
    void this.refreshRecordings();
    if (this.o.planFile) this.watchPlan(this.o.planFile);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.watcher?.close();
    for (const id of [...this.manual.keys()]) await this.stopRecording(id, 'shutdown').catch(() => undefined);
    await Promise.all(this.nodes.map((n) => n.stop()));
    this.periodic();
    this.alarmManager.tick(this.nowMs());
    await this.flushPoints();
    try {
      this.spectrumHistory?.flush();
      this.spectrumHistory?.close();
    } catch (e) {
      this.historyFailure(e);
    }
    await this.alarmManager.close();
  }

  /** Data time: the newest sample time over all sensors (recording replays run on recording time). */
  nowMs(): number {
    let t = 0;
    for (const n of this.nodes) t = Math.max(t, n.lastTimeMs);
    return t || Date.now();
  }

  sensors(): SensorStatus[] {
    return this.nodes.map((n) => ({ ...n.status, ranges: n.status.ranges?.map((r) => ({ ...r })) }));
  }

  plan(): FrequencyPlan {
    return this.currentPlan;
  }

  async setPlan(plan: FrequencyPlan, by: string): Promise<void> {
    const valid = validatePlanOrThrow(plan);
    this.currentPlan = valid;
    const entry = { atMs: Date.now(), by, plan: valid };
    this.history.push(entry);
    try {
      mkdirSync(join(this.o.dataDir, 'plans'), { recursive: true });
      appendFileSync(join(this.o.dataDir, 'plans', 'history.jsonl'), JSON.stringify(entry) + '\n');
    } catch (e) {
      this.log(`plan history not written: ${(e as Error).message}`);
    }
    for (const n of this.nodes) n.setPlan(valid);
    return Promise.resolve();
  }

  planHistory(): { atMs: number; by: string; plan: FrequencyPlan }[] {
    return [...this.history];
  }

  alarms(filter?: AlarmFilter): Alarm[] {
    return this.alarmManager.list(filter);
  }

  acknowledge(alarmId: string, by: string, comment: string): Alarm {
    return this.alarmManager.acknowledge(alarmId, by, comment, Date.now());
  }

  clearAlarm(alarmId: string, by: string, comment: string): Alarm {
    return this.alarmManager.clear(alarmId, by, comment, Date.now());
  }

  emissions(filter: { sensorId?: string; activeOnly?: boolean; limit?: number } = {}): TrackedEmission[] {
    let list = [...this.active.values()];
    if (!filter.activeOnly) list = list.concat([...this.ended].reverse());
    if (filter.sensorId) list = list.filter((e) => e.sensorId === filter.sensorId);
    return list.slice(0, filter.limit ?? 500).map((e) => ({ ...e }));
  }

  recordings(): RecordingInfo[] {
    const live = [...this.manual.values()].map((m) => ({ ...m.info, bytes: m.writer.dataBytes }));
    return [...live, ...this.recordingList.filter((r) => !this.manual.has(r.id))];
  }

  /** Start a manual SigMF recording of a sensor's IQ under `<dataDir>/recordings`. */
  async startRecording(sensorId: string, by: string): Promise<RecordingInfo> {
    const node = this.nodes.find((n) => n.status.id === sensorId);
    if (!node) throw new ApiError(404, 'BW_ERR_SENSOR_NOT_FOUND', `no sensor '${sensorId}'`, { field: 'sensorId' });
    if ([...this.manual.values()].some((m) => m.info.sensorId === sensorId)) {
      throw new ApiError(409, 'BW_ERR_RECORDING_BUSY', `sensor '${sensorId}' is already recording`, {
        field: 'sensorId',
      });
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const id = `${sensorId}-${stamp}`;
    const basePath = join(this.o.dataDir, 'recordings', id);
    const writer = await SigmfWriter.create({
      basePath,
      sensorId,
      reason: 'manual',
      author: by,
      description: `manual recording by ${by}`,
    });
    const info: RecordingInfo = {
      id,
      sensorId,
      metaPath: `${basePath}.sigmf-meta`,
      startMs: Date.now(),
      endMs: null,
      sampleRateHz: node.status.sampleRateHz,
      centerHz: node.status.centerHz,
      bytes: 0,
      reason: 'manual',
    };
    const untap = node.tap((b) => {
      try {
        writer.write(b);
      } catch (e) {
        this.log(`recording ${id} stopped: ${(e as Error).message}`);
        void this.stopRecording(id, 'system');
      }
    });
    this.manual.set(id, { writer, untap, info });
    return { ...info };
  }

  async stopRecording(recordingId: string, _by: string): Promise<RecordingInfo> {
    const m = this.manual.get(recordingId);
    if (!m)
      throw new ApiError(404, 'BW_ERR_RECORDING_NOT_FOUND', `no recording '${recordingId}' in progress`, {
        field: 'id',
      });
    this.manual.delete(recordingId);
    m.untap();
    await m.writer.close();
    const info: RecordingInfo = { ...m.info, endMs: Date.now(), bytes: m.writer.dataBytes };
    this.recordingList = [info, ...this.recordingList.filter((r) => r.id !== info.id)];
    void this.refreshRecordings();
    return info;
  }

  on<K extends keyof MonitorEventMap>(event: K, listener: (e: MonitorEventMap[K]) => void): () => void {
    return this.bus.on(event, listener);
  }

  /** Occupancy (0..1) per assignment in the running integration period, over all sensors. */
  occupancy(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.nodes) for (const [id, v] of n.occupancy.snapshot()) out[id] = Math.max(out[id] ?? 0, v);
    return out;
  }

  /** Start the evidence recording of a raised alarm (one capture at a time per sensor; faults have none). */
  private captureEvidence(a: Alarm): void {
    if (a.kind === 'sensor-fault') return;
    const node = this.nodes.find((n) => n.status.id === a.sensorId);
    const ev = node?.evidence;
    if (!ev || ev.inProgress.length) return;
    try {
      const { id, done } = ev.trigger(a);
      this.alarmManager.attachEvidence(a.id, id);
      done.then(
        () => void this.refreshRecordings(),
        (e: unknown) => this.log(`evidence ${id} failed: ${(e as Error).message}`),
      );
    } catch (e) {
      this.log(`evidence for ${a.id} not recorded: ${(e as Error).message}`);
    }
  }

  private onEmission(phase: 'start' | 'update' | 'end', em: TrackedEmission): void {
    if (phase === 'end') {
      this.active.delete(em.id);
      // A track merged into another emission is gone from the live list but is no ended emission of its own.
      if (em.mergedIntoId === undefined) this.ended.push(em);
      if (this.ended.length > (this.o.keepEnded ?? 2000)) this.ended.shift();
    } else this.active.set(em.id, em);
    this.bus.emit('emission', { phase, emission: em });
    this.queue(emissionPoint(em, phase));
  }

  private queue(p: Point): void {
    this.pointQueue.push(p);
    // Bounded: under a long storage outage the oldest measurements go first (alarms are also in the journal).
    if (this.pointQueue.length > 200_000) this.pointQueue.splice(0, this.pointQueue.length - 200_000);
  }

  private periodic(): void {
    const t = this.nowMs();
    for (const n of this.nodes) {
      for (const m of n.occupancy.flush(t)) this.queue(channelPoint(m));
      const floor = n.takeFloorDbfs();
      if (Number.isFinite(floor)) {
        const s = n.status;
        this.queue(
          noiseFloorPoint({
            sensorId: s.id,
            band: `${(s.centerHz / 1e6).toFixed(3)}MHz`,
            timeMs: t,
            startHz: s.centerHz - s.sampleRateHz / 2,
            stopHz: s.centerHz + s.sampleRateHz / 2,
            floorDbfs: floor,
            rbwHz: s.sampleRateHz / 2048,
            method: 'segment-percentile-excision',
          }),
        );
      }
      this.queue(sensorHealthPoint(n.status, t));
      this.bus.emit('sensor', { ...n.status });
    }
  }

  private storageHealthDown = false;
  private lastHealthUpdate = { atMs: 0, spooledPoints: -1 };

  /** Raise / refresh / clear the `sensor-fault` "storage down" alarm from `store.health()`. */
  private pollStorageHealth(): void {
    let h: ReturnType<MeasurementStore['health']>;
    try {
      h = this.store.health();
    } catch (e) {
      h = { ok: false, spooledPoints: 0, detail: `health check failed: ${(e as Error).message}` };
    }
    const t = this.nowMs();
    if (h.ok) {
      if (!this.storageHealthDown) return;
      this.storageHealthDown = false;
      this.log('storage healthy again');
      // A failing direct write (flushPoints) keeps the same alarm up until a write succeeds.
      if (!this.storageFailing)
        this.alarmManager.resolve({ sensorId: 'storage', kind: 'sensor-fault', key: 'fault:storage' }, t);
      return;
    }
    if (!this.storageHealthDown) {
      this.log(`storage down: ${h.detail ?? 'unhealthy'} (${h.spooledPoints} spooled)`);
      this.lastHealthUpdate = { atMs: t, spooledPoints: h.spooledPoints };
    }
    this.storageHealthDown = true;
    const a = this.alarmManager.report({
      sensorId: 'storage',
      kind: 'sensor-fault',
      severity: 'major',
      timeMs: t,
      centerHz: null,
      bandwidthHz: null,
      levelDbfs: null,
      assignmentId: null,
      key: 'fault:storage',
      detail: { reason: 'storage down', spooledPoints: h.spooledPoints, ...(h.detail ? { storage: h.detail } : {}) },
    });
    // The manager announces updates only for changes of level/frequency/class/severity; tell the console (bus)
    // how the spool grows, at most every 2 s (journal and webhooks keep raise/clear).
    if (a && h.spooledPoints !== this.lastHealthUpdate.spooledPoints) {
      if (t - this.lastHealthUpdate.atMs >= 2000) {
        this.lastHealthUpdate = { atMs: t, spooledPoints: h.spooledPoints };
        this.bus.emit('alarm', { type: 'updated', alarm: structuredClone(a) });
      }
    }
  }

  private async flushPoints(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.pointQueue.length) return;
    const batch = this.pointQueue;
    this.pointQueue = [];
    this.flushing = (async () => {
      try {
        await this.store.writePoints(batch);
        if (this.storageFailing) {
          this.storageFailing = false;
          // Written, but maybe only to the outage spool: then the health poll keeps the alarm.
          if (!this.storageHealthDown)
            this.alarmManager.resolve(
              { sensorId: 'storage', kind: 'sensor-fault', key: 'fault:storage' },
              this.nowMs(),
            );
        }
      } catch (e) {
        // Keep the points for the next attempt and say so.
        this.pointQueue = batch.concat(this.pointQueue);
        this.storageFailing = true;
        this.alarmManager.report({
          sensorId: 'storage',
          kind: 'sensor-fault',
          severity: 'major',
          timeMs: this.nowMs(),
          centerHz: null,
          bandwidthHz: null,
          levelDbfs: null,
          assignmentId: null,
          key: 'fault:storage',
          detail: { reason: `storage down: ${(e as Error).message}` },
        });
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async refreshRecordings(): Promise<void> {
    try {
      this.recordingList = await this.catalog.list();
    } catch {
      // Listing recordings is best effort.
    }
  }

  private watchPlan(file: string): void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    try {
      this.watcher = watch(file, () => {
        if (timer) clearTimeout(timer);
        // Editors write in several steps: wait for the file to settle.
        timer = setTimeout(() => {
          loadPlanFile(file)
            .then((p) => this.setPlan(p, `file:${file}`))
            .then(() => this.log(`plan reloaded from ${file}`))
            .catch((e: unknown) => this.log(`plan ${file} not reloaded: ${(e as Error).message}`));
        }, 300);
      });
    } catch (e) {
      this.log(`cannot watch plan ${file}: ${(e as Error).message}`);
    }
  }
}
