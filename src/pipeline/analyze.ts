/**
 * `analyze`: a recording (or a live source for a while) through the same pipeline as live monitoring, as fast
 * as the CPU allows, producing detection objects for tracked emissions as they end and alarm objects as alarms
 * are raised. Deterministic for recordings: all time comes from the samples.
 */
import { AlarmManager } from '../alarms/manager.ts';
import { openRecording, SigmfPlayer, type SigmfRecording } from '../recording/sigmfReader.ts';
import type { Alarm, FrequencyPlan, IqBlock, Source, TrackedEmission } from '../types.ts';
import type { Classifier } from '../tracking/classifier.ts';
import { IqHistory } from '../../models/iq-history.ts';
import { ChannelExtractingClassifier } from '../../models/channel-classifier.ts';
import { sharedClassifier } from '../engine/classifier.ts';
import { FrameConsumer } from './consumer.ts';
import { SpectralPipeline, defaultAverages, type SpectralOptions } from './spectral.ts';
import { createJammingStage } from './dsp-jamming-stage.ts';
import { AdcOverloadWatch } from '../engine/adc-overload.ts';

export interface DetectionRecord {
  type: 'detection';
  t0: number;
  t1: number;
  centerHz: number;
  bandwidthHz: number;
  snrDb: number;
  peakDbfs: number;
  class: string;
  confidence: number;
  assignment: string | null;
}
export interface AlarmRecord {
  type: 'alarm';
  kind: string;
  t: number;
  centerHz: number | null;
  bandwidthHz: number | null;
  assignment: string | null;
  detail: Record<string, unknown>;
}
export type AnalyzeRecord = DetectionRecord | AlarmRecord;

export interface AnalyzeOptions {
  plan?: FrequencyPlan;
  /**
   * Classifier (it is given each emission's channel IQ cut from the recent samples). Default: the shared tfjs
   * model (`unknown` labels when its weights cannot be loaded), loaded before the first block.
   */
  classifier?: Classifier;
  /** Diagnostics (a classifier that could not be loaded). Default console.error. */
  log?: (line: string) => void;
  pipeline?: Partial<SpectralOptions>;
  signal?: AbortSignal;
  /** Live sources: stop after this many seconds of samples. */
  durationS?: number;
  /** Observe raw alarms (with ids and times) as well, for tests and benches. */
  onAlarm?: (a: Alarm) => void;
}

export interface AnalyzeSummary {
  samples: number;
  spectra: number;
  durationS: number;
  detections: number;
  alarms: number;
  lostSamples: number;
  /** ADC clipping: fraction (0–1) of all complex samples with I or Q at the ADC limit (dsp/clipping.ts). */
  clippedFraction?: number;
}

/** Shared driver: blocks in, records out. */
export class Analyzer {
  private pipeline: SpectralPipeline | null = null;
  private consumer: FrameConsumer | null = null;
  private alarms!: AlarmManager;
  private classifier!: Classifier;
  /** Recent IQ the classifier cuts channels from; filled piece by piece in step with the spectra. */
  private readonly iqHistory = new IqHistory();
  private originIndex = NaN;
  private spectrumSamples = 65536;
  private t0Ms = NaN;
  private binHz = 1;
  private samples = 0;
  private lastTimeMs = 0;
  private detections = 0;
  private alarmCount = 0;
  private readonly pendingEnds: Promise<void>[] = [];
  /** ADC clipping → the `sensor-fault` (fault: overload) alarm, as the live sensor node raises it. */
  private overload!: AdcOverloadWatch;

  private constructor(
    private readonly o: AnalyzeOptions,
    private readonly emit: (r: AnalyzeRecord) => void,
  ) {}

  static async create(o: AnalyzeOptions, emit: (r: AnalyzeRecord) => void): Promise<Analyzer> {
    const a = new Analyzer(o, emit);
    a.classifier = new ChannelExtractingClassifier(o.classifier ?? (await sharedClassifier(o.log)), a.iqHistory);
    // Analyze must not write the monitor's journal or call webhooks: an in-memory manager, no escalation.
    a.alarms = await AlarmManager.create({ escalateAfterMs: 0, maxRaisesPerMinute: 1000 });
    a.overload = new AdcOverloadWatch('analyze', a.alarms);
    a.alarms.on((ev) => {
      if (ev.type !== 'raised') return;
      a.alarmCount++;
      o.onAlarm?.(ev.alarm);
      const al = ev.alarm;
      a.emit({
        type: 'alarm',
        kind: al.kind,
        t: a.rel(al.raisedMs),
        centerHz: roundOrNull(al.centerHz),
        bandwidthHz: roundOrNull(al.bandwidthHz),
        assignment: al.assignmentId,
        detail: al.detail,
      });
    });
    return a;
  }

  private rel(ms: number): number {
    return Math.round(ms - this.t0Ms) / 1000;
  }

  private setup(block: IqBlock): void {
    const plan = this.o.plan ?? { name: 'none', assignments: [] };
    this.binHz = block.sampleRateHz / (this.o.pipeline?.fftSize ?? 2048);
    const fftSize = this.o.pipeline?.fftSize ?? 2048;
    this.spectrumSamples = fftSize * (this.o.pipeline?.averages ?? defaultAverages(block.sampleRateHz, fftSize));
    this.originIndex = block.sampleIndex;
    const classifier = this.classifier;
    this.pipeline = new SpectralPipeline({
      sensorId: 'analyze',
      centerHz: block.centerHz,
      sampleRateHz: block.sampleRateHz,
      plan,
      jamming: createJammingStage({ learnS: this.o.pipeline?.floorLearnS }),
      lineIntervalMs: 1e12,
      ...(this.o.pipeline ?? {}),
    });
    this.consumer = new FrameConsumer({
      sensorId: 'analyze',
      alarms: this.alarms,
      getPlan: () => plan,
      classifier,
      onEmission: (phase, em) => {
        if (phase === 'end' && em.mergedIntoId === undefined) this.pendingEnds.push(this.emitDetection(em));
      },
    });
  }

  private async emitDetection(em: TrackedEmission): Promise<void> {
    const e = await this.consumer!.classifyNow(em, this.binHz);
    this.detections++;
    this.emit({
      type: 'detection',
      t0: this.rel(e.firstSeenMs),
      t1: this.rel(e.endedMs ?? e.lastSeenMs),
      centerHz: Math.round(e.centerHz),
      bandwidthHz: Math.round(e.bandwidthHz),
      snrDb: Math.round(e.snrDb * 10) / 10,
      peakDbfs: Math.round(e.peakDbfs * 10) / 10,
      class: e.className,
      confidence: Math.round(e.confidence * 100) / 100,
      assignment: e.assignmentId,
    });
  }

  async push(block: IqBlock): Promise<void> {
    if (!this.pipeline) {
      this.t0Ms = block.timeMs;
      this.setup(block);
    }
    this.overload.push(block);
    // Classification reads the newest IQ when the queue runs it: feed the pipeline one spectrum span at a time
    // (cut at fixed sample indices) and settle after each, so the labels do not depend on how the source
    // happened to cut its blocks, nor on timing.
    for (const piece of spectrumPieces(block, this.originIndex, this.spectrumSamples)) {
      this.iqHistory.pushBlock(piece);
      const frames = this.pipeline!.push(piece);
      for (const f of frames) this.consumer!.consume(f);
      if (frames.length) await this.consumer!.settle();
    }
    this.samples += block.bytes.length / bytesPer(block.format);
    this.lastTimeMs = block.timeMs + (block.bytes.length / bytesPer(block.format) / block.sampleRateHz) * 1000;
    await this.drainEnds();
  }

  private async drainEnds(): Promise<void> {
    while (this.pendingEnds.length) await this.pendingEnds.shift();
  }

  async finish(): Promise<AnalyzeSummary> {
    this.overload.finish();
    if (this.pipeline && this.consumer) {
      for (const f of this.pipeline.flush(this.lastTimeMs)) this.consumer.consume(f);
      await this.consumer.settle();
      await this.drainEnds();
    }
    await this.alarms.close();
    return {
      samples: this.samples,
      spectra: this.pipeline?.spectra ?? 0,
      durationS: Number.isNaN(this.t0Ms) ? 0 : (this.lastTimeMs - this.t0Ms) / 1000,
      detections: this.detections,
      alarms: this.alarmCount,
      lostSamples: this.pipeline?.lostSamples ?? 0,
      clippedFraction: this.overload.overallClippedFraction,
    };
  }
}

/**
 * A block cut where sample index `originIndex + k · spanSamples` falls inside it (views of its bytes, times
 * adjusted). One piece when no boundary falls inside.
 */
export function spectrumPieces(block: IqBlock, originIndex: number, spanSamples: number): IqBlock[] {
  const bpe = bytesPer(block.format);
  const n = block.bytes.length / bpe;
  const pieces: IqBlock[] = [];
  let at = 0;
  while (at < n) {
    const abs = block.sampleIndex + at - originIndex;
    const toBoundary = spanSamples - (((abs % spanSamples) + spanSamples) % spanSamples);
    const len = Math.min(n - at, toBoundary);
    pieces.push(
      at === 0 && len === n
        ? block
        : {
            ...block,
            bytes: block.bytes.subarray(at * bpe, (at + len) * bpe),
            sampleIndex: block.sampleIndex + at,
            timeMs: block.timeMs + (at / block.sampleRateHz) * 1000,
          },
    );
    at += len;
  }
  return pieces;
}

function bytesPer(f: IqBlock['format']): number {
  return f === 'cu8' || f === 'ci8' ? 2 : f === 'ci16_le' ? 4 : 8;
}
function roundOrNull(x: number | null): number | null {
  return x === null ? null : Math.round(x);
}

/** Analyze a SigMF recording (path to .sigmf-meta, .sigmf-data or the base). Throws RecordingError if malformed. */
export async function analyzeRecording(
  path: string,
  o: AnalyzeOptions,
  emit: (r: AnalyzeRecord) => void,
): Promise<AnalyzeSummary> {
  const rec = await openRecording(path);
  const an = await Analyzer.create(o, emit);
  const player = new SigmfPlayer(rec, { speed: 'max', chunkSamples: 262144 });
  // Samples the live run lost are not in the file: number the blocks as the source did (gaps included), so the
  // pipeline sees the same gaps and cuts its spectra at the same samples as it did live.
  const offsets = lostSampleOffsets(rec);
  await player.run((b) => an.push(offsets.length ? withSourceIndex(b, rec.segments, offsets) : b), o.signal);
  return an.finish();
}

/** Per capture segment, the samples lost before it (cumulative, `bandwatch:lost_samples`); [] when none. */
function lostSampleOffsets(rec: SigmfRecording): number[] {
  let sum = 0;
  const out = rec.segments.map((_, i) => {
    const lost = (rec.meta.captures[i] as Record<string, unknown> | undefined)?.['bandwatch:lost_samples'];
    if (typeof lost === 'number' && Number.isFinite(lost) && lost > 0) sum += lost;
    return sum;
  });
  return sum > 0 ? out : [];
}

function withSourceIndex(b: IqBlock, segments: SigmfRecording['segments'], offsets: number[]): IqBlock {
  let i = segments.length - 1;
  while (i > 0 && segments[i]!.sampleStart > b.sampleIndex) i--;
  const off = offsets[i] ?? 0;
  return off ? { ...b, sampleIndex: b.sampleIndex + off } : b;
}

/** Analyze a live source until `durationS` of samples, the signal, or the end of the stream. */
export async function analyzeSource(
  source: Source,
  o: AnalyzeOptions,
  emit: (r: AnalyzeRecord) => void,
): Promise<AnalyzeSummary> {
  const an = await Analyzer.create(o, emit);
  let firstIndex = -1;
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown = null;
  let finished = false;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      finished = true;
      resolve();
    };
    o.signal?.addEventListener('abort', done, { once: true });
    source
      .start(
        (block) => {
          // Blocks that arrive while the source is being stopped are beyond --duration.
          if (finished) return;
          if (firstIndex < 0) firstIndex = block.sampleIndex;
          // Blocks are only valid during the callback: copy, then process in order.
          const copy: IqBlock = { ...block, bytes: block.bytes.slice() };
          chain = chain
            .then(() => an.push(copy))
            .catch((e: unknown) => {
              failed = e;
              done();
            });
          const n = block.sampleIndex - firstIndex + block.bytes.length / bytesPer(block.format);
          if (o.durationS !== undefined && n >= o.durationS * block.sampleRateHz) done();
        },
        (ev) => {
          if (ev.type === 'end' || ev.type === 'disconnected') done();
        },
      )
      .catch(reject);
  });
  await source.stop();
  await chain;
  if (failed) throw failed;
  return an.finish();
}
