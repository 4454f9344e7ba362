/**
 * `npm run eval:model`: held-out evaluation of the shipped weights on examples rendered with seeds the training
 * never used (EVAL_SEED_BASE + i), at fixed SNRs from -5 to +25 dB. Writes models/REPORT.md and
 * models/report.json: accuracy per class and per SNR (label after the unknown-threshold, and top-1 before it),
 * confusion matrix, model size, and inference time per emission on the WASM backend (one thread).
 *
 * Options: --per-cell N examples per (class, SNR) (default 40), --weights DIR, --out DIR (default models/),
 * --baseline FILE: an earlier report.json to compare with (default models/report-before-bursty.json, the weights
 * before the benign bursty classes; skipped when absent).
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_KINDS } from '../dsp/synth/examples.ts';
import { EMISSION_CLASSES, type EmissionClass } from '../src/types.ts';
import { TfjsClassifier } from './classifier.ts';
import { expectedLabel, MODEL_CLASSES } from './classes.ts';
import { makeFeatureExample, TRAIN_SAMPLE_RATE_HZ } from './dataset.ts';
import { IqHistory, extractChannel } from './iq-history.ts';
import { makeExample } from '../dsp/synth/examples.ts';
import { DEFAULT_WEIGHTS_DIR } from './weights-io.ts';

export const EVAL_SEED_BASE = 9_000_000;
export const EVAL_SNRS_DB = [-5, 0, 5, 10, 15, 20, 25] as const;

const LABELS: readonly EmissionClass[] = EMISSION_CLASSES;
/** Kinds added with the benign bursty classes; the others are the kinds the earlier weights were scored on. */
const BURSTY_KINDS: readonly string[] = ['ook', 'tdma', 'pulse-pos'];

/** The parts of an earlier report.json the comparison reads. */
interface BaselineReport {
  generatedAt: string;
  model: { name: string };
  accuracy: { snrAtLeast10Db: number; snr0Db: number; all: number; noiseToUnknown?: number };
  perClass: Record<string, { accuracy: number; bySnr: Record<string, number> }>;
}

const pct = (x: number): string => (x * 100).toFixed(1);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const { values } = parseArgs({
    options: {
      'per-cell': { type: 'string', default: '40' },
      weights: { type: 'string', default: DEFAULT_WEIGHTS_DIR },
      out: { type: 'string', default: here },
      baseline: { type: 'string', default: join(here, 'report-before-bursty.json') },
    },
  });
  let baseline: BaselineReport | null = null;
  try {
    baseline = JSON.parse(await readFile(values.baseline, 'utf8')) as BaselineReport;
  } catch {
    baseline = null;
  }
  const perCell = Number(values['per-cell']);
  const clf = await TfjsClassifier.create({ weightsDir: values.weights, backend: 'wasm' });
  console.log(`model ${clf.name}: ${clf.paramCount} params, ${clf.modelBytes} bytes, threshold ${clf.threshold}`);

  // kind → snr → {n, correct (after threshold), top1 (argmax, tone counts for cw/jam-cw), unknown}
  type Cell = { n: number; correct: number; top1: number; unknown: number; jam: number };
  const cells = new Map<string, Cell>();
  const confusion = new Map<string, Map<string, number>>();
  const times: number[] = [];
  const modelTimes: number[] = [];
  const t0 = performance.now();
  let done = 0;
  for (const kind of EXAMPLE_KINDS) {
    const row = new Map<string, number>();
    confusion.set(kind, row);
    for (const snr of EVAL_SNRS_DB) {
      const cell: Cell = { n: 0, correct: 0, top1: 0, unknown: 0, jam: 0 };
      cells.set(`${kind}|${snr}`, cell);
      for (let i = 0; i < perCell; i++) {
        const seed = EVAL_SEED_BASE + snr * 1000 + 100_000 + i;
        const ex = makeFeatureExample(kind, seed, { snrDb: snr });
        const ts = performance.now();
        const d = await clf.classifyChannel(ex.snippet);
        times.push(performance.now() - ts);
        const tm = performance.now();
        await clf.predict(ex.features);
        modelTimes.push(performance.now() - tm);
        const want = expectedLabel(kind);
        cell.n++;
        if (d.label === want) cell.correct++;
        if (d.label === 'unknown') cell.unknown++;
        if (d.label.startsWith('jam-')) cell.jam++;
        if (MODEL_CLASSES.indexOf(d.top) === ex.label) cell.top1++;
        row.set(d.label, (row.get(d.label) ?? 0) + 1);
        done++;
      }
    }
    console.log(`  ${kind} done (${done} examples, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // extraction cost (done by the pipeline at request time), at a few bandwidths
  const hist = new IqHistory(1 << 16);
  hist.reset(0, TRAIN_SAMPLE_RATE_HZ);
  const ex = makeExample('nfm', { sampleRateHz: TRAIN_SAMPLE_RATE_HZ, count: 65536 }, 1);
  hist.pushFloat(ex.re, ex.im);
  const extractMs: Record<string, number> = {};
  for (const bw of [3_000, 12_500, 200_000, 1_000_000]) {
    const ts: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      extractChannel(hist, 10_000, bw);
      ts.push(performance.now() - s);
    }
    ts.sort((a, b) => a - b);
    extractMs[String(bw)] = Math.round(quantile(ts, 0.5) * 1000) / 1000;
  }

  times.sort((a, b) => a - b);
  modelTimes.sort((a, b) => a - b);
  const load = loadavg();
  const kinds = EXAMPLE_KINDS.filter((k) => k !== 'noise');
  const perClass: Record<
    string,
    { accuracy: number; top1: number; unknownRate: number; bySnr: Record<string, number> }
  > = {};
  for (const kind of EXAMPLE_KINDS) {
    let n = 0;
    let c = 0;
    let t = 0;
    let u = 0;
    const bySnr: Record<string, number> = {};
    for (const snr of EVAL_SNRS_DB) {
      const cell = cells.get(`${kind}|${snr}`) as Cell;
      n += cell.n;
      c += cell.correct;
      t += cell.top1;
      u += cell.unknown;
      bySnr[String(snr)] = cell.correct / cell.n;
    }
    perClass[kind] = { accuracy: c / n, top1: t / n, unknownRate: u / n, bySnr };
  }
  const perSnr: Record<string, { accuracy: number; top1: number; unknownRate: number }> = {};
  for (const snr of EVAL_SNRS_DB) {
    let n = 0;
    let c = 0;
    let t = 0;
    let u = 0;
    for (const kind of kinds) {
      const cell = cells.get(`${kind}|${snr}`) as Cell;
      n += cell.n;
      c += cell.correct;
      t += cell.top1;
      u += cell.unknown;
    }
    perSnr[String(snr)] = { accuracy: c / n, top1: t / n, unknownRate: u / n };
  }
  const agg = (pred: (s: number) => boolean, over: readonly string[] = kinds): number => {
    let n = 0;
    let c = 0;
    for (const kind of over) {
      for (const snr of EVAL_SNRS_DB) {
        if (!pred(snr)) continue;
        const cell = cells.get(`${kind}|${snr}`) as Cell;
        n += cell.n;
        c += cell.correct;
      }
    }
    return c / n;
  };
  const original = kinds.filter((k) => !BURSTY_KINDS.includes(k));
  const jamRate = (pred: (s: number) => boolean): number => {
    let n = 0;
    let j = 0;
    for (const kind of BURSTY_KINDS) {
      for (const snr of EVAL_SNRS_DB) {
        if (!pred(snr)) continue;
        const cell = cells.get(`${kind}|${snr}`) as Cell;
        n += cell.n;
        j += cell.jam;
      }
    }
    return j / Math.max(1, n);
  };
  const report = {
    generatedAt: new Date().toISOString(),
    model: { name: clf.name, params: clf.paramCount, bytes: clf.modelBytes, threshold: clf.threshold },
    data: {
      seedBase: EVAL_SEED_BASE,
      perCell,
      snrsDb: EVAL_SNRS_DB,
      sampleRateHz: TRAIN_SAMPLE_RATE_HZ,
      note: 'cw and jam-cw are one model output (tone); both count as correct when labelled cw (no track facts given)',
    },
    accuracy: {
      snrAtLeast10Db: agg((s) => s >= 10),
      snr0Db: agg((s) => s === 0),
      all: agg(() => true),
      noiseToUnknown: perClass.noise?.accuracy,
    },
    /** The same figures over the signal kinds the earlier weights had (without ook, tdma, pulse-pos). */
    accuracyOriginalKinds: {
      snrAtLeast10Db: agg((s) => s >= 10, original),
      snr0Db: agg((s) => s === 0, original),
      all: agg(() => true, original),
    },
    /** Share of benign bursty examples (ook, tdma, pulse-pos) the model itself labels jam-* (before the safety net). */
    benignBurstyAsJam: {
      snrAtLeast10Db: jamRate((s) => s >= 10),
      all: jamRate(() => true),
    },
    perSnr,
    perClass,
    confusion: Object.fromEntries([...confusion].map(([k, m]) => [k, Object.fromEntries(m)])),
    inferenceMs: {
      backend: clf.backend,
      what: 'features + model, per emission, one thread',
      median: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      max: times[times.length - 1],
      modelOnlyMedian: quantile(modelTimes, 0.5),
      modelOnlyP99: quantile(modelTimes, 0.99),
      cpus: cpus().length,
      loadAverage1m: Math.round((load[0] ?? 0) * 10) / 10,
    },
    extractionMsMedianByBandwidthHz: extractMs,
  };
  await writeFile(join(values.out, 'report.json'), JSON.stringify(report, null, 1) + '\n');

  const L: string[] = [];
  L.push('# Emission classifier: evaluation report', '');
  L.push(`Generated by \`npm run eval:model\` on ${report.generatedAt}. Held-out data: seeds ${EVAL_SEED_BASE}+ `);
  L.push(
    `(training uses 1 000 000+), ${perCell} examples per class and SNR, capture rate ${TRAIN_SAMPLE_RATE_HZ / 1e6} MS/s, ` +
      "random offset, RTL-SDR impairments and 8-bit quantisation as in training. SNR is in the emission's occupied bandwidth.",
    '',
  );
  L.push(
    `Model: \`${clf.name}\`, ${clf.paramCount} parameters, ${clf.modelBytes} bytes on disk (model.json + weights.bin), threshold ${clf.threshold}.`,
    '',
  );
  L.push('## Headline', '');
  L.push(`| | accuracy |`, `|---|---|`);
  L.push(`| SNR ≥ 10 dB (goal ≥ 95 %) | ${(report.accuracy.snrAtLeast10Db * 100).toFixed(1)} % |`);
  L.push(`| SNR = 0 dB (goal ≥ 80 %) | ${(report.accuracy.snr0Db * 100).toFixed(1)} % |`);
  L.push(`| all SNRs −5…25 dB | ${(report.accuracy.all * 100).toFixed(1)} % |`);
  L.push(`| noise only → unknown | ${((report.accuracy.noiseToUnknown ?? 0) * 100).toFixed(1)} % |`);
  L.push(
    `| the same over the ${original.length} signal kinds without ook/tdma/pulse-pos: SNR ≥ 10 dB / 0 dB / all | ${pct(report.accuracyOriginalKinds.snrAtLeast10Db)} / ${pct(report.accuracyOriginalKinds.snr0Db)} / ${pct(report.accuracyOriginalKinds.all)} % |`,
  );
  L.push(
    `| benign bursty (ook, tdma, pulse-pos) labelled jam-* by the model, before the safety net: SNR ≥ 10 dB / all | ${pct(report.benignBurstyAsJam.snrAtLeast10Db)} / ${pct(report.benignBurstyAsJam.all)} % |`,
  );
  L.push(
    `| inference per emission (${clf.backend}, 1 thread): median / p99 | ${report.inferenceMs.median.toFixed(3)} / ${report.inferenceMs.p99.toFixed(3)} ms |`,
    '',
  );
  L.push('Accuracy = the label after the threshold equals the true class (an `unknown` counts as wrong).', '');
  L.push(
    'These are the model\'s own labels (`classifyChannel`). In the pipeline a `jam-*` label stands only while the jamming detector reports a jammer over the emission (docs/classifier.md, "Jamming safety net").',
    '',
  );
  if (baseline) {
    const b = baseline;
    L.push(`## Before / after the benign bursty classes`, '');
    L.push(
      `Before: \`${b.model.name}\` (report of ${b.generatedAt}, same held-out seeds and SNRs, ${original.length} signal kinds). After: this model.`,
      '',
    );
    L.push('| | before | after (same kinds) | after (all signal kinds) |', '|---|---|---|---|');
    L.push(
      `| SNR ≥ 10 dB | ${pct(b.accuracy.snrAtLeast10Db)} % | ${pct(report.accuracyOriginalKinds.snrAtLeast10Db)} % | ${pct(report.accuracy.snrAtLeast10Db)} % |`,
    );
    L.push(
      `| SNR = 0 dB | ${pct(b.accuracy.snr0Db)} % | ${pct(report.accuracyOriginalKinds.snr0Db)} % | ${pct(report.accuracy.snr0Db)} % |`,
    );
    L.push(
      `| all SNRs | ${pct(b.accuracy.all)} % | ${pct(report.accuracyOriginalKinds.all)} % | ${pct(report.accuracy.all)} % |`,
    );
    L.push(
      `| noise → unknown | ${pct(b.accuracy.noiseToUnknown ?? NaN)} % | ${pct(report.accuracy.noiseToUnknown ?? NaN)} % | |`,
      '',
    );
    L.push('Per class, all SNRs / SNR ≥ 10 dB (%):', '');
    L.push('| class | before | after |', '|---|---|---|');
    const ge10 = (r: { bySnr: Record<string, number> }): number =>
      EVAL_SNRS_DB.filter((x) => x >= 10).reduce<number>((a, x) => a + (r.bySnr[String(x)] ?? 0), 0) /
      EVAL_SNRS_DB.filter((x) => x >= 10).length;
    for (const kind of EXAMPLE_KINDS) {
      const a = perClass[kind] as (typeof perClass)[string];
      const old = b.perClass[kind];
      L.push(
        `| ${kind} | ${old ? `${pct(old.accuracy)} / ${pct(ge10(old))}` : '— (no such class)'} | ${pct(a.accuracy)} / ${pct(ge10(a))} |`,
      );
    }
    L.push('');
  }
  L.push('## Accuracy per SNR (all signal classes)', '');
  L.push('| SNR dB | accuracy % | top-1 before threshold % | labelled unknown % |', '|---|---|---|---|');
  for (const snr of EVAL_SNRS_DB) {
    const r = perSnr[String(snr)] as { accuracy: number; top1: number; unknownRate: number };
    L.push(
      `| ${snr} | ${(r.accuracy * 100).toFixed(1)} | ${(r.top1 * 100).toFixed(1)} | ${(r.unknownRate * 100).toFixed(1)} |`,
    );
  }
  L.push('', '## Accuracy per class and SNR (%)', '');
  L.push(`| class | ${EVAL_SNRS_DB.join(' | ')} | all | unknown % |`);
  L.push(`|---|${EVAL_SNRS_DB.map(() => '---').join('|')}|---|---|`);
  for (const kind of EXAMPLE_KINDS) {
    const r = perClass[kind] as (typeof perClass)[string];
    const name = kind === 'noise' ? 'noise (→ unknown)' : kind === 'jam-cw' ? 'jam-cw (→ cw)' : kind;
    L.push(
      `| ${name} | ${EVAL_SNRS_DB.map((s) => ((r.bySnr[String(s)] as number) * 100).toFixed(0)).join(' | ')} | ${(r.accuracy * 100).toFixed(1)} | ${(r.unknownRate * 100).toFixed(1)} |`,
    );
  }
  L.push('', '## Confusion matrix (all SNRs; rows = true kind, columns = label given)', '');
  L.push(`| true \\ label | ${LABELS.join(' | ')} |`, `|---|${LABELS.map(() => '---').join('|')}|`);
  for (const kind of EXAMPLE_KINDS) {
    const row = confusion.get(kind) as Map<string, number>;
    L.push(`| ${kind} | ${LABELS.map((l) => String(row.get(l) ?? 0)).join(' | ')} |`);
  }
  L.push('', '## Cost', '');
  L.push(
    `- Inference per emission (features + model, ${clf.backend} backend, one thread): median ${report.inferenceMs.median.toFixed(3)} ms, p99 ${report.inferenceMs.p99.toFixed(3)} ms, max ${(report.inferenceMs.max ?? 0).toFixed(3)} ms (machine shared with other jobs).`,
  );
  L.push(
    `- Channel extraction (done by the pipeline when it requests a classification), median ms by bandwidth: ${Object.entries(
      extractMs,
    )
      .map(([b, t]) => `${b} Hz → ${t}`)
      .join(', ')}.`,
  );
  L.push('', '## Caveats', '');
  L.push(
    '- `cw` and `jam-cw` are the same waveform in the synthesiser; the model has one `tone` output and the track (`continuousOnS` ≥ 10 s → `jam-cw`) splits them. That rule is not evaluated here: it needs tracker data the synthesiser does not make.',
  );
  L.push('- All data is synthetic (dsp/synth). Accuracy on real emitters will be lower; see docs/classifier.md.');
  await writeFile(join(values.out, 'REPORT.md'), L.join('\n') + '\n');
  console.log(L.slice(0, 40).join('\n'));
  clf.dispose();
}

await main();
