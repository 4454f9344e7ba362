/**
 * Validation of scene and emitter specs (they come from JSON files). Errors name the field and where it is.
 */
import type { EmitterSpec, SceneSpec } from './spec.ts';

/** Bad synthesiser input. `code` is stable; `location` says which field of which emitter. */
export class SynthSpecError extends Error {
  readonly code = 'BW_ERR_SYNTH_SPEC';
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(`${location}: ${message}`);
    this.name = 'SynthSpecError';
  }
}

const KINDS = new Set(['noise', 'tone', 'am', 'nfm', 'wfm', 'mic', 'fsk4', 'ofdm', 'barrage', 'sweep', 'pulse']);

/** Optional numeric fields of the kinds, with their allowed ranges. */
const RANGES: Record<string, [number, number]> = {
  phaseCycles: [-1e9, 1e9],
  modulationDepth: [0, 1],
  audioHighHz: [1, 1e6],
  deviationHz: [0, 1e7],
  ctcssHz: [0, 1000],
  symbolRateHz: [1, 1e8],
  innerDeviationHz: [0, 1e7],
  subcarrierSpacingHz: [1, 1e8],
  cyclicPrefix: [0, 1],
  voicePause: [0, 1],
};
const OPTIONAL_NUMBERS = new Set(Object.keys(RANGES));

function num(v: unknown, loc: string, opts: { min?: number; max?: number; optional?: boolean } = {}): void {
  if (v === undefined && opts.optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SynthSpecError('must be a finite number', loc);
  if (opts.min !== undefined && v < opts.min) throw new SynthSpecError(`must be ≥ ${opts.min}, got ${v}`, loc);
  if (opts.max !== undefined && v > opts.max) throw new SynthSpecError(`must be ≤ ${opts.max}, got ${v}`, loc);
}

export function validateEmitterSpec(spec: EmitterSpec, where = 'emitter'): void {
  if (typeof spec !== 'object' || spec === null) throw new SynthSpecError('must be an object', where);
  const s = spec as unknown as Record<string, unknown>;
  if (typeof s.id !== 'string' || s.id === '') throw new SynthSpecError('id must be a non-empty string', `${where}.id`);
  const at = `${where}(${s.id})`;
  if (typeof s.kind !== 'string' || !KINDS.has(s.kind))
    throw new SynthSpecError(`unknown kind ${JSON.stringify(s.kind)}`, `${at}.kind`);
  num(s.centerHz, `${at}.centerHz`, { min: 0 });
  if (spec.kind === 'noise') num(s.densityDbfsPerHz, `${at}.densityDbfsPerHz`, { max: 0 });
  else num(s.levelDbfs, `${at}.levelDbfs`, { max: 40 });
  num(s.seed, `${at}.seed`, { optional: true });
  num(s.voicePause, `${at}.voicePause`, { optional: true, min: 0, max: 1 });
  // every other numeric field must at least be finite (NaN would poison the phase accumulators)
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new SynthSpecError('must be finite', `${at}.${k}`);
    if (v !== undefined && typeof v !== 'number' && OPTIONAL_NUMBERS.has(k))
      throw new SynthSpecError('must be a number', `${at}.${k}`);
  }
  for (const [k, [min, max]] of Object.entries(RANGES)) num(s[k], `${at}.${k}`, { min, max, optional: true });
  switch (spec.kind) {
    case 'ofdm':
    case 'barrage':
      num(spec.bandwidthHz, `${at}.bandwidthHz`, { min: 1 });
      break;
    case 'pulse':
      num(spec.bandwidthHz, `${at}.bandwidthHz`, { min: 0 });
      num(spec.periodS, `${at}.periodS`, { min: 1e-6 });
      num(spec.dutyCycle, `${at}.dutyCycle`, { min: 0, max: 1 });
      break;
    case 'sweep':
      num(spec.spanHz, `${at}.spanHz`, { min: 1 });
      num(spec.rateHzPerS, `${at}.rateHzPerS`, { min: 1 });
      break;
    case 'nfm':
    case 'mic':
    case 'wfm':
      num(spec.deviationHz, `${at}.deviationHz`, { min: 0, optional: true });
      break;
    default:
      break;
  }
  if (spec.schedule !== undefined) {
    if (typeof spec.schedule !== 'object' || spec.schedule === null || !Array.isArray(spec.schedule.windows))
      throw new SynthSpecError('must be { windows: [...], repeatS? }', `${at}.schedule`);
    if (spec.schedule.windows.length > 8) throw new SynthSpecError('at most 8 windows', `${at}.schedule.windows`);
    num(spec.schedule.repeatS, `${at}.schedule.repeatS`, { min: 1e-6, optional: true });
    spec.schedule.windows.forEach((w, i) => {
      if (typeof w !== 'object' || w === null)
        throw new SynthSpecError('must be an object', `${at}.schedule.windows[${i}]`);
      num(w.fromS, `${at}.schedule.windows[${i}].fromS`, { min: 0 });
      num(w.toS, `${at}.schedule.windows[${i}].toS`, { min: w.fromS });
      if (spec.schedule?.repeatS !== undefined && w.toS > spec.schedule.repeatS)
        throw new SynthSpecError('window must end within repeatS', `${at}.schedule.windows[${i}].toS`);
    });
  }
  if (spec.ptt !== undefined) {
    if (typeof spec.ptt !== 'object' || spec.ptt === null) throw new SynthSpecError('must be an object', `${at}.ptt`);
    num(spec.ptt.slotS, `${at}.ptt.slotS`, { min: 1e-3 });
    num(spec.ptt.minOnS, `${at}.ptt.minOnS`, { min: 0 });
    num(spec.ptt.maxOnS, `${at}.ptt.maxOnS`, { min: spec.ptt.minOnS });
    num(spec.ptt.activity, `${at}.ptt.activity`, { min: 0, max: 1 });
  }
  if (spec.pulse !== undefined) {
    if (typeof spec.pulse !== 'object' || spec.pulse === null)
      throw new SynthSpecError('must be an object', `${at}.pulse`);
    num(spec.pulse.periodS, `${at}.pulse.periodS`, { min: 1e-6 });
    num(spec.pulse.dutyCycle, `${at}.pulse.dutyCycle`, { min: 0, max: 1 });
  }
}

export function validateSceneSpec(spec: SceneSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new SynthSpecError('must be an object', 'scene');
  num(spec.seed, 'scene.seed');
  num(spec.noiseDbfsPerHz, 'scene.noiseDbfsPerHz', { max: 0, optional: true });
  if (!Array.isArray(spec.emitters)) throw new SynthSpecError('must be an array', 'scene.emitters');
  const ids = new Set<string>();
  spec.emitters.forEach((e, i) => {
    validateEmitterSpec(e, `scene.emitters[${i}]`);
    if (ids.has(e.id)) throw new SynthSpecError(`duplicate id ${e.id}`, `scene.emitters[${i}].id`);
    ids.add(e.id);
  });
  const imp = spec.impairments;
  if (imp !== undefined) {
    if (typeof imp !== 'object' || imp === null) throw new SynthSpecError('must be an object', 'scene.impairments');
    for (const k of ['dcOffsetI', 'dcOffsetQ', 'iqGainDb', 'iqPhaseDeg', 'ppm', 'rollOffDb'] as const)
      num(imp[k], `scene.impairments.${k}`, { optional: true, min: k === 'rollOffDb' ? 0 : -1e6, max: 1e6 });
  }
}
