/**
 * The process-wide classifier: the tfjs model (or its `unknown` fallback when the weights cannot be loaded),
 * created once — loading the wasm backend takes a while — and shared by every sensor, each of which wraps it in
 * a `ChannelExtractingClassifier` over its own `IqHistory`.
 */
import { ChannelExtractingClassifier } from '../../models/channel-classifier.ts';
import { createClassifierOrFallback, type TfjsClassifierOptions } from '../../models/classifier.ts';
import { IqHistory } from '../../models/iq-history.ts';
import type { Classifier } from '../tracking/classifier.ts';

let shared: Promise<Classifier> | null = null;

/**
 * The shared model classifier, loaded on the first call (later calls get the same instance). Never rejects for
 * missing or corrupted weights: `log` gets one line and the classifier labels everything `unknown`.
 */
export function sharedClassifier(
  log: (line: string) => void = (l) => console.error(l),
  opts: TfjsClassifierOptions = {},
): Promise<Classifier> {
  if (!shared) {
    shared = createClassifierOrFallback(opts, log);
    // A bug (not a load error) must not poison later attempts.
    shared.catch(() => (shared = null));
  }
  return shared;
}

/** Per-sensor classification: the recent IQ of one sensor and the shared classifier reading its channels. */
export interface SensorClassification {
  /** Push every IqBlock of the sensor here (copies; no allocation per block). */
  history: IqHistory;
  classifier: Classifier;
}

/** Wrap a (shared) classifier for one sensor. */
export function sensorClassification(inner: Classifier, history = new IqHistory()): SensorClassification {
  return { history, classifier: new ChannelExtractingClassifier(inner, history) };
}
