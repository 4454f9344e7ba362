/**
 * Emission classification seam. The tfjs model (models/) will implement `Classifier`; until then a heuristic
 * labels emissions by occupied bandwidth, with confidence ≤ 0.6 to say it is a guess.
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
}

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
 * newest request per emission wins. Results are delivered through `onResult`.
 */
export class ClassificationQueue {
  private pending = new Map<string, ClassifierInput>();
  private inFlight = new Set<string>();
  private promises = new Set<Promise<void>>();
  private tokens: number;
  private lastRefillMs = 0;

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
          this.onResult(id, c);
        },
        () => {
          this.inFlight.delete(id);
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
