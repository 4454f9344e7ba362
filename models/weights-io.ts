/**
 * The shipped model: `model.json` (architecture, feature normalisation, classes, threshold, SHA-256 of the
 * weights) next to `weights.bin` (float32 little-endian: per layer the kernel, row-major [in][out], then the
 * bias). Our own compact format, because tfjs's file:// save/load handlers need tfjs-node. Every way the
 * files can be wrong is a `ModelLoadError` naming the file and the problem.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BandwatchError } from '../src/errors.ts';
import { FEATURE_COUNT, FEATURE_VERSION } from './features.ts';
import { MODEL_CLASSES } from './classes.ts';

/** Thrown by `TfjsClassifier.create()` when the weights are missing, corrupted or incompatible. */
export class ModelLoadError extends BandwatchError {
  constructor(file: string, message: string, cause?: unknown) {
    super('BW_ERR_MODEL_LOAD', message, { file }, cause === undefined ? undefined : { cause });
  }
}

export const MODEL_FORMAT = 'bandwatch-emission-classifier';
export const DEFAULT_WEIGHTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'weights');

export interface DenseLayerSpec {
  inputs: number;
  units: number;
  activation: 'relu' | 'softmax';
}

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: 1;
  featureVersion: number;
  featureCount: number;
  classes: string[];
  /** Below this top probability the label is 'unknown'. */
  threshold: number;
  normalization: { mean: number[]; std: number[] };
  layers: DenseLayerSpec[];
  weightsFile: string;
  weightsBytes: number;
  weightsSha256: string;
  /** Free-form facts about the training run (seeds, sizes, time). */
  training?: Record<string, unknown>;
}

export interface LoadedModel {
  manifest: ModelManifest;
  /** Per layer: kernel [inputs × units] row-major and bias [units]. */
  layers: { spec: DenseLayerSpec; kernel: Float32Array; bias: Float32Array }[];
  paramCount: number;
  /** Bytes of model.json + weights.bin. */
  totalBytes: number;
}

function isNumArray(a: unknown, n: number): a is number[] {
  return Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Read and validate a model directory. */
export async function loadModel(dir = DEFAULT_WEIGHTS_DIR): Promise<LoadedModel> {
  const jsonPath = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (e) {
    throw new ModelLoadError(jsonPath, `cannot read the model manifest (${(e as NodeJS.ErrnoException).code ?? e})`, e);
  }
  let m: ModelManifest;
  try {
    m = JSON.parse(text) as ModelManifest;
  } catch (e) {
    throw new ModelLoadError(jsonPath, `model manifest is not valid JSON: ${(e as Error).message}`, e);
  }
  const bad = (msg: string): never => {
    throw new ModelLoadError(jsonPath, msg);
  };
  if (typeof m !== 'object' || m === null) bad('model manifest is not an object');
  if (m.format !== MODEL_FORMAT) bad(`format is ${JSON.stringify(m.format)}, expected ${MODEL_FORMAT}`);
  if (m.version !== 1) bad(`unsupported manifest version ${JSON.stringify(m.version)}`);
  if (m.featureVersion !== FEATURE_VERSION || m.featureCount !== FEATURE_COUNT) {
    bad(
      `trained on features v${m.featureVersion} (${m.featureCount}); this code computes v${FEATURE_VERSION} ` +
        `(${FEATURE_COUNT}): retrain with npm run train`,
    );
  }
  if (!Array.isArray(m.classes) || m.classes.join() !== MODEL_CLASSES.join()) {
    bad(`classes ${JSON.stringify(m.classes)} differ from ${JSON.stringify(MODEL_CLASSES)}`);
  }
  if (typeof m.threshold !== 'number' || !(m.threshold >= 0 && m.threshold < 1)) bad('threshold must be in [0, 1)');
  if (
    !m.normalization ||
    !isNumArray(m.normalization.mean, FEATURE_COUNT) ||
    !isNumArray(m.normalization.std, FEATURE_COUNT)
  ) {
    bad(`normalization.mean/std must be ${FEATURE_COUNT} finite numbers`);
  }
  if (!Array.isArray(m.layers) || m.layers.length === 0) bad('layers missing');
  let inputs = FEATURE_COUNT;
  let floats = 0;
  m.layers.forEach((l, i) => {
    if (l.inputs !== inputs || !Number.isInteger(l.units) || l.units <= 0) bad(`layers[${i}] shape does not chain`);
    if (l.activation !== 'relu' && l.activation !== 'softmax') bad(`layers[${i}] activation ${l.activation}`);
    floats += l.inputs * l.units + l.units;
    inputs = l.units;
  });
  if (inputs !== MODEL_CLASSES.length) bad(`last layer has ${inputs} units, expected ${MODEL_CLASSES.length}`);
  if (typeof m.weightsFile !== 'string' || m.weightsFile.includes('/') || m.weightsFile.includes('\\')) {
    bad('weightsFile must be a file name in the same directory');
  }
  const binPath = join(dir, m.weightsFile);
  let bin: Buffer;
  try {
    bin = await readFile(binPath);
  } catch (e) {
    throw new ModelLoadError(binPath, `cannot read the weights (${(e as NodeJS.ErrnoException).code ?? e})`, e);
  }
  if (bin.byteLength !== floats * 4 || bin.byteLength !== m.weightsBytes) {
    throw new ModelLoadError(
      binPath,
      `weights file has ${bin.byteLength} bytes; the manifest's layers need ${floats * 4} (manifest says ${m.weightsBytes})`,
    );
  }
  const sha = createHash('sha256').update(bin).digest('hex');
  if (sha !== m.weightsSha256) {
    throw new ModelLoadError(
      binPath,
      `weights checksum mismatch (sha256 ${sha.slice(0, 12)}…, manifest ${String(m.weightsSha256).slice(0, 12)}…): file corrupted`,
    );
  }
  const all = new Float32Array(floats);
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  for (let i = 0; i < floats; i++) {
    const v = dv.getFloat32(4 * i, true);
    if (!Number.isFinite(v)) throw new ModelLoadError(binPath, `weight ${i} is not finite`);
    all[i] = v;
  }
  let o = 0;
  const layers = m.layers.map((spec) => {
    const kernel = all.subarray(o, o + spec.inputs * spec.units);
    o += spec.inputs * spec.units;
    const bias = all.subarray(o, o + spec.units);
    o += spec.units;
    return { spec, kernel, bias };
  });
  return { manifest: m, layers, paramCount: floats, totalBytes: Buffer.byteLength(text) + bin.byteLength };
}

/** Write a model directory (training script). */
export async function saveModel(
  dir: string,
  manifest: Omit<ModelManifest, 'weightsFile' | 'weightsBytes' | 'weightsSha256' | 'format' | 'version'>,
  layers: { kernel: Float32Array; bias: Float32Array }[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const floats = layers.reduce((s, l) => s + l.kernel.length + l.bias.length, 0);
  const bin = Buffer.alloc(floats * 4);
  let o = 0;
  for (const l of layers) {
    for (const v of l.kernel) o = bin.writeFloatLE(v, o);
    for (const v of l.bias) o = bin.writeFloatLE(v, o);
  }
  const full: ModelManifest = {
    format: MODEL_FORMAT,
    version: 1,
    ...manifest,
    weightsFile: 'weights.bin',
    weightsBytes: bin.byteLength,
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
  };
  await writeFile(join(dir, 'weights.bin'), bin);
  await writeFile(join(dir, 'model.json'), JSON.stringify(full, null, 1) + '\n');
}
