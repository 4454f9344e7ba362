/**
 * The shipped model on benign bursty traffic (ook, tdma, pulse-pos) and on the jammers it must still recognise, at
 * 10-25 dB, on held-out examples (seeds no training or evaluation run uses). These are the classes whose confusion
 * accused TD-LTE, Mode S and 433 MHz sensors of jamming on real captures (docs/real-captures.md, defect 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfjsClassifier } from '../../models/classifier.ts';
import { makeFeatureExample } from '../../models/dataset.ts';
import type { ExampleKind } from '../../dsp/synth/examples.ts';
import type { ClassifierInput } from '../../src/tracking/classifier.ts';

const TEST_SEED = 5_200_000;
/** Examples per kind: 4 SNRs × 6. */
const SNRS_DB = [10, 15, 20, 25] as const;
const PER_SNR = 6;
/**
 * Share that must get the kind's own label (after the threshold). models/REPORT.md measures the held-out accuracy
 * at ≥ 10 dB per class; this floor sits below the weakest of these classes there, with room for 24 examples' spread.
 */
const MIN_ACCURACY = 0.75;
/** Largest share of benign bursty examples the model itself (before the safety net) may call a jammer. */
const MAX_BENIGN_AS_JAM = 0.15;

let clf: TfjsClassifier;
beforeAll(async () => {
  clf = await TfjsClassifier.create({ backend: 'wasm' });
});
afterAll(() => clf.dispose());

async function labels(kind: ExampleKind): Promise<{ label: string; top: string; input: ClassifierInput }[]> {
  const out: { label: string; top: string; input: ClassifierInput }[] = [];
  for (const [k, snr] of SNRS_DB.entries()) {
    for (let i = 0; i < PER_SNR; i++) {
      const e = makeFeatureExample(kind, TEST_SEED + k * 100 + i, { snrDb: snr });
      const d = await clf.classifyChannel(e.snippet);
      const input: ClassifierInput = {
        centerHz: 433.92e6 + e.offsetHz,
        bandwidthHz: e.bandwidthHz,
        binHz: 586,
        snrDb: snr,
        channelIq: e.snippet,
      };
      out.push({ label: d.label, top: d.top, input });
    }
  }
  return out;
}

const share = (xs: { label: string }[], f: (l: string) => boolean): number =>
  xs.filter((x) => f(x.label)).length / xs.length;

describe('benign bursty classes (shipped weights)', () => {
  for (const kind of ['ook', 'tdma', 'pulse-pos'] as const) {
    it(`labels held-out ${kind} at 10-25 dB as ${kind} (≥ ${MIN_ACCURACY * 100} %), rarely as a jammer`, async () => {
      const got = await labels(kind);
      const summary = got.map((g) => g.label).join(', ');
      expect(
        share(got, (l) => l === kind),
        summary,
      ).toBeGreaterThanOrEqual(MIN_ACCURACY);
      expect(
        share(got, (l) => l.startsWith('jam-')),
        summary,
      ).toBeLessThanOrEqual(MAX_BENIGN_AS_JAM);
      // through classify() without jammer reports: never a jam label
      for (const g of got.slice(0, 8)) expect((await clf.classify(g.input)).label.startsWith('jam-')).toBe(false);
    });
  }

  for (const kind of ['jam-pulse', 'jam-sweep', 'jam-barrage'] as const) {
    it(`still labels held-out ${kind} at 10-25 dB as ${kind} (≥ ${MIN_ACCURACY * 100} %)`, async () => {
      const got = await labels(kind);
      expect(
        share(got, (l) => l === kind),
        got.map((g) => g.label).join(', '),
      ).toBeGreaterThanOrEqual(MIN_ACCURACY);
    });
  }

  it('a jam answer carries the best other class, and classify() gives the jam label only with a jammer over it', async () => {
    const got = (await labels('jam-pulse')).filter((g) => g.label === 'jam-pulse');
    expect(got.length).toBeGreaterThan(0);
    for (const g of got.slice(0, 6)) {
      const half = g.input.bandwidthHz / 2;
      const bare = await clf.classify(g.input);
      expect(bare.jamming?.jam.label).toBe('jam-pulse');
      expect(bare.label).toBe(bare.jamming?.withoutJam.label);
      expect(bare.label.startsWith('jam-')).toBe(false);
      const over = [{ startHz: g.input.centerHz - half, stopHz: g.input.centerHz + half }];
      expect((await clf.classify({ ...g.input, jammers: over })).label).toBe('jam-pulse');
      const elsewhere = [{ startHz: g.input.centerHz + 3 * half + 1e5, stopHz: g.input.centerHz + 4 * half + 2e5 }];
      expect((await clf.classify({ ...g.input, jammers: elsewhere })).label).toBe(bare.label);
    }
  });
});
