/**
 * dsp/synth: deterministic, seeded RF scene synthesiser (tests, virtual dongle, classifier training data).
 * See docs/synth.md.
 */
export * from './spec.ts';
export { Scene, type RenderRequest, type RenderCu8Request } from './scene.ts';
export { SynthSpecError, validateSceneSpec, validateEmitterSpec } from './validate.ts';
export { Xoshiro128ss, hash32, hashUnit, mix32, deriveKey, gaussianTable } from './prng.ts';
export { imageRejectionDb, cu8ToFloat, quantizeCu8, applyIqImbalance } from './impairments.ts';
export { sampleAtOrAfter, PttGate, PulseGate, ScheduleGate, type Gate } from './gates.ts';
export {
  venueScene,
  venueSceneSpec,
  venueEvents,
  venueAssignments,
  venuePlan,
  venuePlanCsv,
  VENUE_CLUSTERS,
  REFERENCE_TUNER_GAIN_DB,
  synthGainDbForTuner,
  type VenueOptions,
  type VenueEvent,
  type VenueEventKind,
  type VenueAssignment,
} from './venue.ts';
export { makeExample, EXAMPLE_KINDS, type ExampleKind, type ExampleParams, type Example } from './examples.ts';
