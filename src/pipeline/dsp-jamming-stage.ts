/** Adapter from dsp/jamming (when present) to the pipeline's JammingStage; null until that module lands. */
import type { JammingStage } from './jamming-stage.ts';

export function createJammingStage(): JammingStage | null {
  return null;
}
