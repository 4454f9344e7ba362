/**
 * Wiring helper: a `Classifier` that fills in `channelIq` from the sensor's `IqHistory` when the pipeline did
 * not, at the moment the ClassificationQueue runs the request (rate-limited), not on every frame. The emission's
 * offset is its absolute centre minus the history's capture centre. Emissions outside the captured band or before
 * the history holds a full span go to the inner classifier without IQ (its fallback decides).
 */
import type { Classification, Classifier, ClassifierInput } from '../src/tracking/classifier.ts';
import { extractChannel, type IqHistory } from './iq-history.ts';

export class ChannelExtractingClassifier implements Classifier {
  readonly name: string;

  constructor(
    private readonly inner: Classifier,
    private readonly history: IqHistory,
  ) {
    this.name = `${inner.name}+channel`;
  }

  classify(input: ClassifierInput): Promise<Classification> {
    if (input.channelIq) return this.inner.classify(input);
    const h = this.history;
    const offsetHz = input.centerHz - h.centerHz;
    if (h.sampleRateHz > 0 && Math.abs(offsetHz) < h.sampleRateHz / 2) {
      const channelIq = extractChannel(h, offsetHz, input.bandwidthHz);
      if (channelIq) return this.inner.classify({ ...input, channelIq });
    }
    return this.inner.classify(input);
  }
}
