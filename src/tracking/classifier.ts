/**
 * Emission classification seam. The tfjs model (models/) implements `Classifier`; without it a heuristic labels
 * emissions by occupied bandwidth, with confidence ≤ 0.6 to say it is a guess.
 *
 * Jamming safety net: a `jam-*` label calls a transmitter a jammer, so it stands only when the jamming detector
 * (dsp/jamming.ts, `PipelineFrame.jamming`) reports a jammer whose range overlaps the emission. A classifier that
 * would say `jam-*` also reports `withoutJam`, its best label among the other classes; {@link confirmJamming} picks
 * one of the two. The model's jam outputs were trained on the synthesiser's jammers only, and on real TD-LTE,
 * Mode S, OOK sensors and even steady lines they came out `jam-pulse` with confidence 1 (docs/real-captures.md,
 * defect 1): the detector, which needs the condition to persist for seconds, is the better witness.
 */
import type { EmissionClass } from '../types.ts';

export interface ClassifierInput {
  centerHz: number;
  /** Occupied (99 %) bandwidth, Hz. */
  bandwidthHz: number;
  /** Spectrum bin width, Hz. */
  binHz: number;
  snrDb: number;
  /** Optional PSD slice around the emission, dBFS per bin (for shape-aware classifiers). */
  psdDbfs?: Float32Array;
  /** Optional raw IQ snippet (cf32 planar) around the emission for IQ-based models. */
  iq?: { re: Float32Array; im: Float32Array; sampleRateHz: number };
  /** Optional channel of the emission from models/iq-history.ts `extractChannel()` (what the tfjs model reads). */
  channelIq?: ChannelIq;
  /** Optional: seconds the emission has been on without a break (tracker); tells a CW jammer from keyed CW. */
  continuousOnS?: number;
  /**
   * Optional: the jammers the jamming detector reports now (e.g. `PipelineFrame.jamming`). A `jam-*` label stands
   * only for an emission overlapping one of them; absent means "not known", and then no `jam-*` label is given
   * (the best other class is). An empty array means "none reported".
   */
  jammers?: readonly JammerRange[];
}

/** A reported jammer's frequency range, Hz (absolute RF); `JammerDetection` fits it. */
export interface JammerRange {
  startHz: number;
  stopHz: number;
}

/** Labels that call the emitter a jammer. */
export const JAM_CLASSES: readonly EmissionClass[] = ['jam-barrage', 'jam-cw', 'jam-sweep', 'jam-pulse'];

/** Whether a label calls the emitter a jammer. */
export function isJamClass(label: EmissionClass): boolean {
  return JAM_CLASSES.includes(label);
}

/**
 * One emission mixed to 0 Hz, low-passed and decimated to about 4× its bandwidth (models/iq-history.ts).
 * `envelope` is the channel power over a longer span, oldest block first (linear, full-scale²).
 */
export interface ChannelIq {
  re: Float32Array;
  im: Float32Array;
  /** Decimated rate, Hz. */
  sampleRateHz: number;
  decimation: number;
  /** Bandwidth the extraction was tied to, Hz. */
  bandwidthHz: number;
  envelope: Float32Array;
  /** Duration of one envelope block, s. */
  envelopeBlockS: number;
}

export interface Classification {
  label: EmissionClass;
  /** 0..1. */
  confidence: number;
  /**
   * Set when the classifier's own answer is a `jam-*` label: that answer (`jam`) and its best answer among the
   * other classes (`withoutJam`). `label`/`confidence` are then one of the two, as {@link confirmJamming} decided.
   */
  jamming?: { jam: LabelAndConfidence; withoutJam: LabelAndConfidence };
}

export interface LabelAndConfidence {
  label: EmissionClass;
  /** 0..1. */
  confidence: number;
}

/** Whether any reported jammer overlaps the emission's occupied band [centre ± bandwidth/2], Hz. */
export function jammerOverlaps(
  em: { centerHz: number; bandwidthHz: number },
  jammers: readonly JammerRange[] | undefined,
): boolean {
  if (!jammers) return false;
  const lo = em.centerHz - Math.max(em.bandwidthHz, 0) / 2;
  const hi = em.centerHz + Math.max(em.bandwidthHz, 0) / 2;
  return jammers.some((j) => j.startHz <= hi && j.stopHz >= lo);
}

/**
 * The jamming safety net: a classification whose `jamming` candidate is a `jam-*` label keeps it only when a
 * reported jammer overlaps the emission (`jammers`; undefined = unknown = not confirmed); otherwise it takes
 * `withoutJam`. Idempotent, and it can be re-applied when the jammer reports change. A `jam-*` label without the
 * `jamming` record (a classifier that does not report an alternative) becomes `unknown` unless confirmed.
 */
export function confirmJamming(
  c: Classification,
  em: { centerHz: number; bandwidthHz: number },
  jammers: readonly JammerRange[] | undefined,
): Classification {
  const confirmed = jammerOverlaps(em, jammers);
  if (c.jamming) {
    const pick = confirmed ? c.jamming.jam : c.jamming.withoutJam;
    return { label: pick.label, confidence: pick.confidence, jamming: c.jamming };
  }
  if (isJamClass(c.label) && !confirmed) {
    return {
      label: 'unknown',
      confidence: 0,
      jamming: { jam: { label: c.label, confidence: c.confidence }, withoutJam: { label: 'unknown', confidence: 0 } },
    };
  }
  return c;
}

/**
 * An emission on the air without a break this long, s, is a steady carrier, not on-off keying (OOK packets last
 * 20-300 ms): the consumer relabels an `ook` answer given on a snippet at its start.
 */
export const OOK_MAX_CONTINUOUS_S = 1;

export interface Classifier {
  readonly name: string;
  classify(input: ClassifierInput): Promise<Classification>;
}

/** Label from bandwidth alone; synchronous inside so replays stay deterministic. */
export function heuristicLabel(input: ClassifierInput): Classification {
  const bw = input.bandwidthHz;
  const bins = bw / input.binHz;
  if (bins <= 2.5) return { label: 'cw', confidence: 0.5 };
  if (bw >= 6000 && bw <= 18000) return { label: 'nfm', confidence: 0.45 };
  if (bw >= 3000 && bw < 6000) return { label: 'am', confidence: 0.3 };
  if (bw >= 120000 && bw <= 300000) return { label: bw < 190000 ? 'mic' : 'wfm', confidence: 0.35 };
  if (bw > 600000) return { label: 'ofdm', confidence: 0.2 };
  return { label: 'unknown', confidence: 0.1 };
}

export class HeuristicClassifier implements Classifier {
  readonly name = 'heuristic-bandwidth';
  classify(input: ClassifierInput): Promise<Classification> {
    return Promise.resolve(heuristicLabel(input));
  }
}

/**
 * Keeps classification off the hot path: at most `maxPerSecond` calls, one in flight per emission,
 * newest request per emission wins. Results are delivered through `onResult`, after the jamming safety net
 * ({@link confirmJamming}) with the request's `jammers`, or else the latest {@link ClassificationQueue.setJammers}
 * (none ever set: not confirmed). When the reported jammers change, results that hold a `jam-*` candidate are
 * re-decided and re-delivered if their label changes.
 */
export class ClassificationQueue {
  private pending = new Map<string, ClassifierInput>();
  private inFlight = new Set<string>();
  private promises = new Set<Promise<void>>();
  private tokens: number;
  private lastRefillMs = 0;
  /** Jammers reported now (undefined until the pipeline reports any: then a jam label is not confirmed). */
  private jammers: readonly JammerRange[] | undefined;
  /** Delivered results that hold a jam candidate, with the emission's band, to re-decide when jammers change. */
  private readonly forgotten = new Set<string>();
  private readonly jamCandidates = new Map<
    string,
    { em: { centerHz: number; bandwidthHz: number }; c: Classification }
  >();

  constructor(
    private readonly classifier: Classifier,
    private readonly onResult: (emissionId: string, c: Classification) => void,
    private readonly maxPerSecond = 20,
  ) {
    this.tokens = maxPerSecond;
  }

  request(emissionId: string, input: ClassifierInput): void {
    this.pending.set(emissionId, input);
  }

  forget(emissionId: string): void {
    this.pending.delete(emissionId);
    this.jamCandidates.delete(emissionId);
    if (this.inFlight.has(emissionId)) this.forgotten.add(emissionId);
  }

  /**
   * The jammers the jamming detector reports now (call once per frame with e.g. `frame.jamming`). Results waiting
   * on a jam confirmation are re-decided and re-delivered through `onResult` when their label changes.
   */
  /** The jammers of the latest {@link setJammers} (undefined before any report). */
  get reportedJammers(): readonly JammerRange[] | undefined {
    return this.jammers;
  }

  setJammers(jammers: readonly JammerRange[]): void {
    this.jammers = jammers;
    for (const [id, r] of this.jamCandidates) {
      const c = confirmJamming(r.c, r.em, jammers);
      if (c.label !== r.c.label) {
        r.c = c;
        this.onResult(id, c);
      }
    }
  }

  private deliver(id: string, input: ClassifierInput, raw: Classification): void {
    const c = confirmJamming(raw, input, input.jammers ?? this.jammers);
    // an emission forgotten while its classification ran is not kept for re-decisions
    if (c.jamming && !this.forgotten.has(id)) {
      this.jamCandidates.set(id, { em: { centerHz: input.centerHz, bandwidthHz: input.bandwidthHz }, c });
    } else this.jamCandidates.delete(id);
    this.forgotten.delete(id);
    this.onResult(id, c);
  }

  /** Start as many queued classifications as the rate allows; call from a timer or after each spectrum. */
  pump(nowMs: number): void {
    const elapsed = nowMs - this.lastRefillMs;
    if (elapsed > 0) {
      this.tokens = Math.min(this.maxPerSecond, this.tokens + (elapsed / 1000) * this.maxPerSecond);
      this.lastRefillMs = nowMs;
    }
    for (const [id, input] of this.pending) {
      if (this.tokens < 1) break;
      if (this.inFlight.has(id)) continue;
      this.pending.delete(id);
      this.inFlight.add(id);
      this.tokens -= 1;
      const p: Promise<void> = this.classifier.classify(input).then(
        (c) => {
          this.inFlight.delete(id);
          this.promises.delete(p);
          this.deliver(id, input, c);
        },
        () => {
          this.inFlight.delete(id);
          this.forgotten.delete(id);
          this.promises.delete(p);
        },
      );
      this.promises.add(p);
    }
  }

  /** Resolves when every classification started so far has reported (replays use it to stay deterministic). */
  async settle(): Promise<void> {
    while (this.promises.size) await Promise.all([...this.promises]);
  }
}
