/**
 * One sensor at run time: its Source, its pipeline (worker thread or in-process), the main-side FrameConsumer,
 * sweep control, fault reporting and its per-period measurements. The main thread only copies blocks into the
 * worker's ring; spectra, detection and tracking happen in the worker.
 */
import type { AlarmManager } from '../alarms/manager.ts';
import { FrameConsumer } from '../pipeline/consumer.ts';
import { defaultAverages, type PipelineFrame, type SpectralOptions } from '../pipeline/spectral.ts';
import { InProcessPipeline, WorkerPipeline, type PipelineHandle } from '../pipeline/worker-host.ts';
import { SweepController, type Hop } from '../scheduler/sweep.ts';
import type { Classifier } from '../tracking/classifier.ts';
import type {
  FrequencyPlan,
  IqBlock,
  SensorStatus,
  Source,
  SourceEvent,
  SpectrumLine,
  TrackedEmission,
} from '../types.ts';
import { OccupancyAccumulator } from './occupancy.ts';
import type { EvidenceRecorder } from '../recording/evidence.ts';
import type { IqHistory } from '../../models/iq-history.ts';
import { spectrumPieces } from '../pipeline/analyze.ts';
import { AdcOverloadWatch } from './adc-overload.ts';
import type { OverloadThresholds } from '../../dsp/clipping.ts';

export interface SensorNodeOptions {
  id: string;
  name: string;
  source: Source;
  mode: 'dwell' | 'sweep';
  ranges?: { startHz: number; stopHz: number }[];
  alarms: AlarmManager;
  classifier: Classifier;
  getPlan: () => FrequencyPlan;
  pipeline: Partial<Omit<SpectralOptions, 'jamming' | 'sensorId' | 'centerHz' | 'sampleRateHz'>>;
  useWorker: boolean;
  onEmission: (phase: 'start' | 'update' | 'end', em: TrackedEmission) => void;
  onLine: (line: SpectrumLine) => void;
  onStatus: (s: SensorStatus) => void;
  onFrame?: (f: PipelineFrame) => void;
  /** Sweep dwell per hop, ms. */
  sweepDwellMs?: number;
  /** Keeps the last seconds of IQ and records evidence when an alarm of this sensor is raised. */
  evidence?: EvidenceRecorder;
  /** Recent IQ the classifier (a ChannelExtractingClassifier over it) cuts emission channels from. */
  iqHistory?: IqHistory;
  /** ADC-overload (clipping) alarm thresholds; defaults in dsp/clipping.ts (docs/sensor-health.md). */
  overload?: Partial<OverloadThresholds>;
}

/** In-process pipelines: blocks waiting to be analysed before new ones are dropped (≈ 3.5 s at 2.4 MS/s). */
const MAX_QUEUED_BLOCKS = 64;

export class SensorNode {
  readonly status: SensorStatus;
  readonly occupancy: OccupancyAccumulator;
  private handle: PipelineHandle | null = null;
  private readonly consumer: FrameConsumer;
  private sweep: SweepController | null = null;
  private floorSumDb = 0;
  private floorCount = 0;
  private lastFrameMs = 0;
  private lastBlockIndex = -1;
  private binHz = 0;
  /** Latest data time (sample clock), ms. */
  lastTimeMs = 0;
  /** Clipped-sample fraction per 1 s window → `status.clippedFraction` and the `fault:adc-overload` alarm. */
  private readonly overload: AdcOverloadWatch;

  constructor(private readonly o: SensorNodeOptions) {
    this.status = {
      id: o.id,
      name: o.name,
      kind: o.source.kind,
      mode: o.mode,
      state: 'starting',
      centerHz: o.source.getCenterHz(),
      sampleRateHz: o.source.getSampleRateHz(),
      samplesReceived: 0,
      samplesLost: 0,
      lastDataMs: null,
      description: o.source.description,
    };
    if (o.ranges) this.status.ranges = o.ranges.map((r) => ({ ...r }));
    this.overload = new AdcOverloadWatch(o.id, o.alarms, o.overload, (w) => {
      this.status.clippedFraction = w.fraction;
      this.status.adcOverload = w.overloaded;
      // The console hears of an overload (and of its end) at once, and follows the figure each second while it
      // shows it, not only at the next periodic status.
      if (w.transition || w.overloaded || w.fraction > this.overload.thresholds.raiseFraction)
        this.o.onStatus({ ...this.status });
    });
    this.occupancy = new OccupancyAccumulator(o.id, () => this.binHz);
    this.consumer = new FrameConsumer({
      sensorId: o.id,
      alarms: o.alarms,
      getPlan: o.getPlan,
      classifier: o.classifier,
      onEmission: o.onEmission,
      onLine: (line) => this.onLine(line),
      onFrame: (f) => this.onFrame(f),
    });
  }

  async start(): Promise<void> {
    const src = this.o.source;
    const opts: Omit<SpectralOptions, 'jamming'> = {
      sensorId: this.o.id,
      centerHz: src.getCenterHz(),
      sampleRateHz: src.getSampleRateHz(),
      plan: this.o.getPlan(),
      // Sweeping: drop 30 ms after each retune (PLL settling, stale transfers).
      settleSamples: this.o.mode === 'sweep' ? Math.round(src.getSampleRateHz() * 0.03) : 0,
      ...this.o.pipeline,
    };
    const onFrames = (frames: PipelineFrame[]) => {
      for (const f of frames) this.consumer.consume(f);
    };
    this.inProcess = !this.o.useWorker;
    this.spectrumSamples =
      (opts.fftSize ?? 2048) * (opts.averages ?? defaultAverages(opts.sampleRateHz, opts.fftSize ?? 2048));
    this.handle = this.o.useWorker
      ? await WorkerPipeline.create(opts, onFrames, (e) => this.fault('pipeline', e.message, Date.now()))
      : new InProcessPipeline(opts, onFrames);
    await src.start(
      (b) => this.onBlock(b),
      (ev) => this.onSourceEvent(ev),
    );
    this.setState('running');
    if (this.o.mode === 'sweep' && this.o.ranges?.length) {
      this.sweep = new SweepController(src, this.o.ranges, { dwellMs: this.o.sweepDwellMs ?? 250 }, (hop) =>
        this.onHop(hop),
      );
      await this.sweep.start();
    }
  }

  private readonly taps = new Set<(b: IqBlock) => void>();

  /** Receive every block of this sensor on the main thread (manual recording); returns the remover. */
  tap(fn: (b: IqBlock) => void): () => void {
    this.taps.add(fn);
    return () => this.taps.delete(fn);
  }

  get evidence(): EvidenceRecorder | undefined {
    return this.o.evidence;
  }

  async stop(): Promise<void> {
    this.sweep?.stop();
    try {
      await this.o.source.stop();
    } catch {
      // Stopping a vanished device must not stop the shutdown of the others.
    }
    await this.chain;
    if (this.handle) {
      await this.handle.flush(this.lastTimeMs);
      await this.handle.stop();
    }
    await this.consumer.settle();
    await this.o.evidence?.stop().catch(() => undefined);
    this.setState('stopped');
  }

  setPlan(plan: FrequencyPlan): void {
    this.handle?.setPlan(plan, this.lastTimeMs);
  }

  revisitMs(): Map<number, number> | null {
    return this.sweep?.revisitMs ?? null;
  }

  /** Average floor since the last call, dBFS (NaN if no spectrum). */
  takeFloorDbfs(): number {
    const v = this.floorCount ? this.floorSumDb / this.floorCount : NaN;
    this.floorSumDb = 0;
    this.floorCount = 0;
    return v;
  }

  private onBlock(b: IqBlock): void {
    const n = b.bytes.length / (b.format === 'cu8' || b.format === 'ci8' ? 2 : b.format === 'ci16_le' ? 4 : 8);
    if (this.lastBlockIndex >= 0 && b.sampleIndex > this.lastBlockIndex) {
      this.status.samplesLost += b.sampleIndex - this.lastBlockIndex;
    }
    this.lastBlockIndex = b.sampleIndex + n;
    this.status.samplesReceived += n;
    this.status.lastDataMs = Date.now();
    this.lastTimeMs = b.timeMs + (n / b.sampleRateHz) * 1000;
    if (b.centerHz !== this.status.centerHz) {
      this.status.centerHz = b.centerHz;
    }
    this.overload.push(b);
    this.o.evidence?.onBlock(b);
    for (const tap of this.taps) tap(b);
    let accepted: boolean;
    if (this.inProcess) accepted = this.enqueueInProcess(b);
    else {
      this.o.iqHistory?.pushBlock(b);
      accepted = this.handle!.push(b);
    }
    if (!accepted) {
      // The worker is behind: the block is lost for analysis; say so once per second at most.
      this.status.samplesLost += n;
      if (Date.now() - this.lastDropReportMs > 1000) {
        this.lastDropReportMs = Date.now();
        this.o.alarms.report({
          sensorId: this.o.id,
          kind: 'sensor-fault',
          severity: 'major',
          timeMs: this.lastTimeMs,
          centerHz: null,
          bandwidthHz: null,
          levelDbfs: null,
          assignmentId: null,
          key: 'fault:overload',
          detail: {
            reason: 'processing overload: samples dropped',
            droppedBlocks: this.inProcess ? this.droppedInProcess : this.handle!.dropped().blocks,
          },
        });
      }
    }
  }
  private lastDropReportMs = 0;

  /**
   * In-process pipelines run exactly as `analyze` does: one spectrum span at a time (cut at the same sample
   * indices), with the classifications started by each span settled before the next, so a replay of this
   * stream gives the same classes, detections and alarms. Blocks wait in order (copied: they are only valid
   * during the callback); beyond MAX_QUEUED_BLOCKS the pipeline is overloaded and blocks are dropped.
   */
  private enqueueInProcess(b: IqBlock): boolean {
    if (this.queuedBlocks >= MAX_QUEUED_BLOCKS) {
      this.droppedInProcess++;
      return false;
    }
    if (this.originIndex < 0) this.originIndex = b.sampleIndex;
    const copy: IqBlock = { ...b, bytes: b.bytes.slice() };
    this.queuedBlocks++;
    this.chain = this.chain
      .then(async () => {
        for (const piece of spectrumPieces(copy, this.originIndex, this.spectrumSamples)) {
          this.o.iqHistory?.pushBlock(piece);
          this.handle!.push(piece);
          await this.consumer.settle();
        }
      })
      .catch((e: unknown) => this.fault('pipeline', `pipeline failed: ${(e as Error).message}`, this.lastTimeMs))
      .finally(() => this.queuedBlocks--);
    return true;
  }
  private chain: Promise<void> = Promise.resolve();
  private queuedBlocks = 0;
  private droppedInProcess = 0;
  private inProcess = false;
  private originIndex = -1;
  private spectrumSamples = 65536;

  private onSourceEvent(ev: SourceEvent): void {
    const now = Math.max(this.lastTimeMs, Date.now());
    switch (ev.type) {
      case 'samples-lost':
        this.status.samplesLost += ev.lostSamples;
        this.fault('loss', `sample loss (${ev.reason}): ${ev.lostSamples} samples`, this.lastTimeMs || now, {
          lostSamples: ev.lostSamples,
        });
        break;
      case 'stalled':
        this.setState('stalled');
        this.fault('stalled', 'stream stalled: no samples', now, { sinceMs: ev.sinceMs });
        break;
      case 'disconnected':
        this.setState('disconnected');
        this.fault('disconnected', `dongle lost: ${ev.reason}`, now);
        break;
      case 'reconnected':
        this.setState('running');
        this.o.alarms.resolve({ sensorId: this.o.id, kind: 'sensor-fault', key: 'fault:stalled' }, now);
        this.o.alarms.resolve({ sensorId: this.o.id, kind: 'sensor-fault', key: 'fault:disconnected' }, now);
        break;
      case 'retuned':
        this.status.centerHz = ev.centerHz;
        break;
      case 'end':
        this.overload.finish();
        this.setState('stopped');
        break;
    }
  }

  private fault(key: string, reason: string, timeMs: number, extra: Record<string, unknown> = {}): void {
    this.o.alarms.report({
      sensorId: this.o.id,
      kind: 'sensor-fault',
      severity: key === 'loss' ? 'minor' : 'major',
      timeMs,
      centerHz: null,
      bandwidthHz: null,
      levelDbfs: null,
      assignmentId: null,
      key: `fault:${key}`,
      detail: { reason, ...extra },
    });
  }

  private setState(s: SensorStatus['state']): void {
    if (this.status.state === s) return;
    this.status.state = s;
    this.o.onStatus({ ...this.status });
  }

  private currentHop: Hop | null = null;
  private onHop(hop: Hop): void {
    if (this.currentHop && hop.range === 0 && hop === this.sweep!.hops[0]) {
      this.o.onLine(this.sweep!.stitcher.line(this.o.id, this.lastTimeMs));
    }
    this.currentHop = hop;
    this.status.centerHz = hop.centerHz;
    if (this.status.ranges) {
      for (const [i, ms] of this.sweep!.revisitMs) if (this.status.ranges[i]) this.status.ranges[i]!.revisitMs = ms;
    }
  }

  private onLine(line: SpectrumLine): void {
    if (this.sweep && this.currentHop) {
      this.sweep.stitcher.add(line, this.currentHop);
      return;
    }
    this.o.onLine(line);
  }

  private onFrame(f: PipelineFrame): void {
    if (f.durationMs <= 0) return;
    this.binHz = f.binHz;
    this.lastFrameMs = f.timeMs;
    if (Number.isFinite(f.floorDbfs)) {
      this.floorSumDb += f.floorDbfs;
      this.floorCount++;
    }
    this.occupancy.add(f.timeMs, f.bands);
    this.o.onFrame?.(f);
  }
}
