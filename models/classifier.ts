/**
 * `TfjsClassifier`: the shipped dense net over engineered channel features (features.ts), run on tfjs (native
 * if present, else WASM single-threaded, else cpu). Labels below the manifest's threshold, and emissions the
 * model calls noise, come out `unknown`. `createClassifierOrFallback()` never throws: when the weights cannot be
 * loaded it logs once and returns a classifier that labels everything `unknown` with confidence 0.
 */
import type { Classification, Classifier, ClassifierInput, LabelAndConfidence } from '../src/tracking/classifier.ts';
import { confirmJamming, heuristicLabel } from '../src/tracking/classifier.ts';
import type { EmissionClass } from '../src/types.ts';
import { initBackend, tf, type BackendPreference } from './backend.ts';
import { computeFeatures, FEATURE_COUNT } from './features.ts';
import { JAM_MODEL_CLASSES, MODEL_CLASSES, type ModelClass } from './classes.ts';
import { DEFAULT_WEIGHTS_DIR, loadModel, ModelLoadError, type LoadedModel } from './weights-io.ts';

/** A tone on air without a break for at least this long is labelled `jam-cw`, otherwise `cw`, s. */
export const JAM_CW_MIN_CONTINUOUS_S = 10;

export interface TfjsClassifierOptions {
  /** Directory holding model.json + weights.bin. Default models/weights. */
  weightsDir?: string;
  backend?: BackendPreference;
  /** Override the manifest's confidence threshold (0..1). */
  threshold?: number;
  /** Without `channelIq` the model cannot run: 'heuristic' (default) uses heuristicLabel, 'unknown' says so. */
  withoutIq?: 'heuristic' | 'unknown';
}

/** Full model output for diagnostics and the evaluation. */
export interface DetailedClassification extends Classification {
  /** Probability per model class (MODEL_CLASSES order). */
  probabilities: Float32Array;
  /** Model class with the highest probability (before the threshold). */
  top: (typeof MODEL_CLASSES)[number];
}

export class TfjsClassifier implements Classifier {
  readonly name: string;
  readonly backend: string;
  readonly threshold: number;
  readonly paramCount: number;
  readonly modelBytes: number;
  private readonly weights: tf.Tensor2D[] = [];
  private readonly biases: tf.Tensor1D[] = [];
  private readonly mean: Float32Array;
  private readonly invStd: Float32Array;
  private readonly feat = new Float32Array(FEATURE_COUNT);
  private readonly withoutIq: 'heuristic' | 'unknown';
  private disposed = false;

  private constructor(model: LoadedModel, backend: string, opts: TfjsClassifierOptions) {
    this.backend = backend;
    this.name = `tfjs-dense-${model.layers.map((l) => l.spec.units).join('-')}@${backend}`;
    this.threshold = opts.threshold ?? model.manifest.threshold;
    this.paramCount = model.paramCount;
    this.modelBytes = model.totalBytes;
    this.withoutIq = opts.withoutIq ?? 'heuristic';
    this.mean = Float32Array.from(model.manifest.normalization.mean);
    this.invStd = Float32Array.from(model.manifest.normalization.std, (s) => (s > 1e-9 ? 1 / s : 0));
    for (const l of model.layers) {
      this.weights.push(tf.tensor2d(l.kernel, [l.spec.inputs, l.spec.units]));
      this.biases.push(tf.tensor1d(l.bias));
    }
  }

  /** Load the weights (ModelLoadError, code BW_ERR_MODEL_LOAD, when missing/corrupted) and pick a backend. */
  static async create(opts: TfjsClassifierOptions = {}): Promise<TfjsClassifier> {
    const model = await loadModel(opts.weightsDir ?? DEFAULT_WEIGHTS_DIR);
    const backend = await initBackend(opts.backend ?? 'auto');
    return new TfjsClassifier(model, backend, opts);
  }

  /** Class probabilities of one feature vector (un-normalised, FEATURE_COUNT long). */
  async predict(features: Float32Array): Promise<Float32Array> {
    if (this.disposed) throw new Error('TfjsClassifier: used after dispose()');
    const x = new Float32Array(FEATURE_COUNT);
    for (let i = 0; i < FEATURE_COUNT; i++) {
      x[i] = ((features[i] as number) - (this.mean[i] as number)) * (this.invStd[i] as number);
    }
    const y = tf.tidy(() => {
      let h: tf.Tensor2D = tf.tensor2d(x, [1, FEATURE_COUNT]);
      const last = this.weights.length - 1;
      this.weights.forEach((w, i) => {
        const z = tf.add(tf.matMul(h, w), this.biases[i] as tf.Tensor1D) as tf.Tensor2D;
        h = i === last ? tf.softmax(z) : tf.relu(z);
      });
      return h;
    });
    const p = (await y.data()) as Float32Array;
    y.dispose();
    return p;
  }

  /** Probabilities and label for a channel snippet (plus the track fact that splits cw / jam-cw). */
  async classifyChannel(
    channel: NonNullable<ClassifierInput['channelIq']>,
    continuousOnS?: number,
  ): Promise<DetailedClassification> {
    const p = await this.predict(computeFeatures(channel, this.feat));
    let best = 0;
    for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[best] as number)) best = i;
    const top = MODEL_CLASSES[best] as (typeof MODEL_CLASSES)[number];
    const conf = p[best] as number;
    const label = this.labelOf(top, conf, continuousOnS);
    const out: DetailedClassification = { label, confidence: conf, probabilities: p, top };
    if (label.startsWith('jam-')) {
      // The best other class. Its label follows the probability given that the emission is not a jammer (the
      // threshold applies to that), its confidence is the model's own probability of it: a demoted label then says
      // how little the model believed in it.
      let alt = -1;
      let rest = 0;
      for (let i = 0; i < p.length; i++) {
        if (JAM_MODEL_CLASSES.includes(MODEL_CLASSES[i] as ModelClass)) continue;
        rest += p[i] as number;
        if (alt < 0 || (p[i] as number) > (p[alt] as number)) alt = i;
      }
      const altConf = rest > 0 ? (p[alt] as number) / rest : 0;
      const withoutJam: LabelAndConfidence =
        top === 'tone'
          ? { label: 'cw', confidence: conf }
          : { label: this.labelOf(MODEL_CLASSES[alt] as ModelClass, altConf, 0), confidence: p[alt] as number };
      out.jamming = { jam: { label, confidence: conf }, withoutJam };
    }
    return out;
  }

  /** Label of a model class at a confidence: unknown under the threshold or for noise; tone split by the track. */
  private labelOf(c: ModelClass, conf: number, continuousOnS: number | undefined): EmissionClass {
    if (c === 'noise' || conf < this.threshold) return 'unknown';
    if (c === 'tone') return (continuousOnS ?? 0) >= JAM_CW_MIN_CONTINUOUS_S ? 'jam-cw' : 'cw';
    return c;
  }

  /**
   * The model's label after the jamming safety net (src/tracking/classifier.ts `confirmJamming`): a `jam-*` answer
   * stands only when `input.jammers` holds a jammer overlapping the emission; otherwise the best other class,
   * with the result's `jamming` record keeping both for a later re-decision.
   */
  async classify(input: ClassifierInput): Promise<Classification> {
    if (!input.channelIq) {
      return this.withoutIq === 'heuristic' ? heuristicLabel(input) : { label: 'unknown', confidence: 0 };
    }
    const d = await this.classifyChannel(input.channelIq, input.continuousOnS);
    const c: Classification = { label: d.label, confidence: d.confidence };
    if (d.jamming) c.jamming = d.jamming;
    return confirmJamming(c, input, input.jammers);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of [...this.weights, ...this.biases]) t.dispose();
  }
}

/** Labels everything `unknown` with confidence 0: the pipeline runs on when the model cannot be loaded. */
export class UnknownClassifier implements Classifier {
  readonly name = 'unknown-fallback';
  constructor(readonly reason: string) {}
  classify(): Promise<Classification> {
    return Promise.resolve({ label: 'unknown', confidence: 0 });
  }
}

/**
 * `TfjsClassifier.create(opts)`, or on a ModelLoadError an `UnknownClassifier` after logging the error once
 * through `log` (default console.error). Other errors (a bug) are rethrown.
 */
export async function createClassifierOrFallback(
  opts: TfjsClassifierOptions = {},
  log: (msg: string) => void = (m) => console.error(m),
): Promise<Classifier> {
  try {
    return await TfjsClassifier.create(opts);
  } catch (e) {
    if (!(e instanceof ModelLoadError)) throw e;
    log(`[classifier] ${e.code}: ${e.message}; emissions will be labelled 'unknown'`);
    return new UnknownClassifier(e.message);
  }
}

export { ModelLoadError };
