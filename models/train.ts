/**
 * `npm run train`: generate the training set from dsp/synth (fixed seeds, see dataset.ts), fit the dense net on
 * tfjs's 'cpu' backend (deterministic: seeded initialisers, our own seeded shuffle, no dropout) and write
 * models/weights/{model.json,weights.bin}.
 *
 * Options: --per-kind N (default 1500), --epochs N (default 60), --hidden 128,64 (units), --out DIR, --no-cache (feature vectors are
 * cached in the OS temp dir keyed by the data configuration, so re-fitting does not re-render).
 */
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_KINDS, type ExampleKind } from '../dsp/synth/examples.ts';
import { Xoshiro128ss } from '../dsp/synth/prng.ts';
import { initBackend, tf } from './backend.ts';
import { MODEL_CLASSES } from './classes.ts';
import { makeDataset, TRAIN_SAMPLE_RATE_HZ, EXAMPLE_COUNT, BANDWIDTH_SIGMA, type Dataset } from './dataset.ts';
import { FEATURE_COUNT, FEATURE_VERSION } from './features.ts';
import { DEFAULT_WEIGHTS_DIR, saveModel } from './weights-io.ts';

/** Training seeds are TRAIN_SEED_BASE + i; the evaluation and the tests use other ranges (see docs). */
export const TRAIN_SEED_BASE = 1_000_000;
export const HIDDEN_UNITS = [128, 64] as const;
export const DEFAULT_THRESHOLD = 0.5;

function jobsFor(perKind: number): { kind: ExampleKind; seed: number }[] {
  const jobs: { kind: ExampleKind; seed: number }[] = [];
  for (const kind of EXAMPLE_KINDS) {
    // cw and jam-cw share the 'tone' output: half as many of each
    const n = kind === 'cw' || kind === 'jam-cw' ? Math.ceil(perKind / 2) : perKind;
    for (let i = 0; i < n; i++) jobs.push({ kind, seed: TRAIN_SEED_BASE + i });
  }
  return jobs;
}

async function cachedDataset(perKind: number, useCache: boolean): Promise<Dataset> {
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        perKind,
        FEATURE_VERSION,
        FEATURE_COUNT,
        TRAIN_SAMPLE_RATE_HZ,
        EXAMPLE_COUNT,
        v: 4,
        sigma: BANDWIDTH_SIGMA,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const path = join(tmpdir(), `bandwatch-train-${key}.bin`);
  const jobs = jobsFor(perKind);
  if (useCache) {
    try {
      const buf = await readFile(path);
      const n = jobs.length;
      if (buf.byteLength === n * (FEATURE_COUNT + 2) * 4) {
        const f = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
        console.log(`features from cache ${path}`);
        return {
          x: f.slice(0, n * FEATURE_COUNT),
          y: Int32Array.from(f.subarray(n * FEATURE_COUNT, n * FEATURE_COUNT + n)),
          snrDb: f.slice(n * FEATURE_COUNT + n),
          kinds: jobs.map((j) => j.kind),
          count: n,
        };
      }
    } catch {
      // no cache yet
    }
  }
  const t0 = performance.now();
  const ds = makeDataset(jobs, (d, n) => {
    if (d % 1000 === 0) console.log(`  ${d}/${n} examples (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  });
  console.log(`generated ${ds.count} examples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const all = new Float32Array(ds.count * (FEATURE_COUNT + 2));
  all.set(ds.x, 0);
  all.set(Float32Array.from(ds.y), ds.count * FEATURE_COUNT);
  all.set(ds.snrDb, ds.count * (FEATURE_COUNT + 1));
  if (useCache) await writeFile(path, new Uint8Array(all.buffer));
  return ds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'per-kind': { type: 'string', default: '2500' },
      epochs: { type: 'string', default: '80' },
      out: { type: 'string', default: DEFAULT_WEIGHTS_DIR },
      'no-cache': { type: 'boolean', default: false },
      hidden: { type: 'string', default: HIDDEN_UNITS.join(',') },
    },
  });
  const perKind = Number(values['per-kind']);
  const epochs = Number(values.epochs);
  const hidden = values.hidden.split(',').map(Number);
  if (hidden.some((u) => !(Number.isInteger(u) && u > 0))) throw new Error(`--hidden: bad unit list ${values.hidden}`);
  const tStart = performance.now();
  const ds = await cachedDataset(perKind, !values['no-cache']);
  const tData = performance.now();
  await initBackend('cpu');

  // hold out every 10th example for validation (seeds stay disjoint from the evaluation's anyway)
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (let i = 0; i < ds.count; i++) (i % 10 === 9 ? valIdx : trainIdx).push(i);
  const F = FEATURE_COUNT;
  const mean = new Float64Array(F);
  const sq = new Float64Array(F);
  for (const i of trainIdx) {
    for (let k = 0; k < F; k++) {
      const v = ds.x[i * F + k] as number;
      mean[k] = (mean[k] as number) + v;
      sq[k] = (sq[k] as number) + v * v;
    }
  }
  const std = new Float64Array(F);
  for (let k = 0; k < F; k++) {
    mean[k] = (mean[k] as number) / trainIdx.length;
    std[k] = Math.sqrt(Math.max(1e-12, (sq[k] as number) / trainIdx.length - (mean[k] as number) ** 2));
  }
  const norm = (idx: number[]): { x: tf.Tensor2D; y: tf.Tensor2D } => {
    const x = new Float32Array(idx.length * F);
    const y = new Float32Array(idx.length * MODEL_CLASSES.length);
    idx.forEach((i, r) => {
      for (let k = 0; k < F; k++)
        x[r * F + k] = ((ds.x[i * F + k] as number) - (mean[k] as number)) / (std[k] as number);
      y[r * MODEL_CLASSES.length + (ds.y[i] as number)] = 1;
    });
    return { x: tf.tensor2d(x, [idx.length, F]), y: tf.tensor2d(y, [idx.length, MODEL_CLASSES.length]) };
  };

  const model = tf.sequential();
  let seed = 11;
  let inputs: number = F;
  for (const units of hidden) {
    model.add(
      tf.layers.dense({
        inputShape: [inputs],
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
        kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }),
      }),
    );
    inputs = units;
  }
  model.add(
    tf.layers.dense({
      units: MODEL_CLASSES.length,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
    }),
  );
  const opt = tf.train.adam(0.003);
  model.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const val = norm(valIdx);
  const rng = new Xoshiro128ss(20261126);
  const order = trainIdx.slice();
  for (let ep = 0; ep < epochs; ep++) {
    // seeded Fisher–Yates: tfjs's own shuffle uses Math.random
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    // step decay; tfjs keeps learningRate protected but reads it on every step
    const lr = ep < epochs * 0.6 ? 0.003 : ep < epochs * 0.85 ? 0.001 : 0.0003;
    (opt as unknown as { learningRate: number }).learningRate = lr;
    const tr = norm(order);
    const h = await model.fit(tr.x, tr.y, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
    tr.x.dispose();
    tr.y.dispose();
    if (ep % 10 === 9 || ep === epochs - 1) {
      const ev = model.evaluate(val.x, val.y) as tf.Scalar[];
      const vacc = (await (ev[1] as tf.Scalar).data())[0] as number;
      const loss = h.history.loss?.[0] as number;
      console.log(`epoch ${ep + 1}/${epochs} loss ${loss.toFixed(4)} val acc ${(vacc * 100).toFixed(2)} %`);
      ev.forEach((t) => t.dispose());
    }
  }
  const tFit = performance.now();
  const w = model.getWeights();
  const layers: { kernel: Float32Array; bias: Float32Array }[] = [];
  for (let i = 0; i < w.length; i += 2) {
    layers.push({
      kernel: (await (w[i] as tf.Tensor).data()) as Float32Array,
      bias: (await (w[i + 1] as tf.Tensor).data()) as Float32Array,
    });
  }
  const units = [...hidden, MODEL_CLASSES.length];
  await saveModel(
    values.out,
    {
      featureVersion: FEATURE_VERSION,
      featureCount: F,
      classes: [...MODEL_CLASSES],
      threshold: DEFAULT_THRESHOLD,
      normalization: { mean: Array.from(mean), std: Array.from(std) },
      layers: units.map((u, i) => ({
        inputs: i === 0 ? F : (units[i - 1] as number),
        units: u,
        activation: i === units.length - 1 ? 'softmax' : 'relu',
      })),
      training: {
        examples: ds.count,
        perKind,
        epochs,
        seedBase: TRAIN_SEED_BASE,
        sampleRateHz: TRAIN_SAMPLE_RATE_HZ,
        exampleSamples: EXAMPLE_COUNT,
        snrDb: [-5, 25],
        dataSeconds: Math.round((tData - tStart) / 100) / 10,
        fitSeconds: Math.round((tFit - tData) / 100) / 10,
      },
    },
    layers,
  );
  console.log(
    `wrote ${values.out} (data ${((tData - tStart) / 1000).toFixed(1)} s, fit ${((tFit - tData) / 1000).toFixed(1)} s)`,
  );
}

await main();
