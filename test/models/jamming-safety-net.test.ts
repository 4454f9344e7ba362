/**
 * The jamming safety net of src/tracking/classifier.ts: a `jam-*` label stands only while the jamming detector
 * reports a jammer overlapping the emission. Fake classifiers stand in for the model (the shipped model's side of
 * it, the `jamming` record, is checked in bursty-classes.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  ClassificationQueue,
  confirmJamming,
  isJamClass,
  jammerOverlaps,
  type Classification,
  type Classifier,
  type ClassifierInput,
} from '../../src/tracking/classifier.ts';
import { EMISSION_CLASSES } from '../../src/types.ts';

const em = { centerHz: 433.92e6, bandwidthHz: 20_000 };
const pulseOrOok: Classification = {
  label: 'jam-pulse',
  confidence: 0.97,
  jamming: { jam: { label: 'jam-pulse', confidence: 0.97 }, withoutJam: { label: 'ook', confidence: 0.8 } },
};

describe('confirmJamming', () => {
  it('keeps a jam label only when a reported jammer overlaps the emission', () => {
    const over = [{ startHz: 433.9e6, stopHz: 433.915e6 }]; // reaches into 433.91-433.93 MHz
    const beside = [{ startHz: 433.8e6, stopHz: 433.909e6 }]; // ends 1 kHz below the emission
    expect(jammerOverlaps(em, over)).toBe(true);
    expect(jammerOverlaps(em, beside)).toBe(false);
    expect(confirmJamming(pulseOrOok, em, over)).toMatchObject({ label: 'jam-pulse', confidence: 0.97 });
    expect(confirmJamming(pulseOrOok, em, beside)).toMatchObject({ label: 'ook', confidence: 0.8 });
    expect(confirmJamming(pulseOrOok, em, [])).toMatchObject({ label: 'ook', confidence: 0.8 });
  });

  it('without jammer reports (unknown) it gives the best non-jam class, and it can be re-applied', () => {
    const demoted = confirmJamming(pulseOrOok, em, undefined);
    expect(demoted).toMatchObject({ label: 'ook', confidence: 0.8 });
    // the record travels with it, so a later report can restore the jam label
    expect(confirmJamming(demoted, em, [{ startHz: 433.92e6, stopHz: 433.921e6 }]).label).toBe('jam-pulse');
    expect(confirmJamming(confirmJamming(demoted, em, undefined), em, undefined)).toEqual(demoted);
  });

  it('a jam label from a classifier that names no alternative becomes unknown unless confirmed', () => {
    const bare: Classification = { label: 'jam-sweep', confidence: 1 };
    expect(confirmJamming(bare, em, undefined)).toMatchObject({ label: 'unknown', confidence: 0 });
    expect(confirmJamming(bare, em, [{ startHz: 0, stopHz: 1e9 }])).toMatchObject({ label: 'jam-sweep' });
    // other labels pass untouched
    const nfm: Classification = { label: 'nfm', confidence: 0.9 };
    expect(confirmJamming(nfm, em, undefined)).toBe(nfm);
  });

  it('knows which classes accuse a jammer', () => {
    expect(EMISSION_CLASSES.filter(isJamClass)).toEqual(['jam-barrage', 'jam-cw', 'jam-sweep', 'jam-pulse']);
  });
});

/** A classifier that answers from a table by centre frequency (the model stand-in). */
function fakeClassifier(answers: Map<number, Classification>): Classifier {
  return {
    name: 'fake',
    classify: (i: ClassifierInput) => Promise.resolve(answers.get(i.centerHz) ?? { label: 'unknown', confidence: 0 }),
  };
}

function input(centerHz: number, extra: Partial<ClassifierInput> = {}): ClassifierInput {
  return { centerHz, bandwidthHz: 20_000, binHz: 586, snrDb: 20, ...extra };
}

describe('ClassificationQueue with the safety net', () => {
  const answers = new Map<number, Classification>([
    [433.92e6, pulseOrOok],
    [446.0e6, { label: 'nfm', confidence: 0.9 }],
  ]);

  it('delivers the non-jam class while no jammer is reported, and the jam class once one is', async () => {
    const got: [string, string][] = [];
    const q = new ClassificationQueue(fakeClassifier(answers), (id, c) => got.push([id, c.label]), 100);
    q.request('a', input(433.92e6));
    q.request('b', input(446.0e6));
    q.pump(1000);
    await q.settle();
    expect(got).toEqual([
      ['a', 'ook'],
      ['b', 'nfm'],
    ]);
    // the detector reports a jammer elsewhere: nothing changes
    q.setJammers([{ startHz: 440e6, stopHz: 441e6 }]);
    expect(got).toHaveLength(2);
    // ... and over emission a: its label is re-decided without a new classification
    q.setJammers([{ startHz: 433.9e6, stopHz: 433.95e6 }]);
    expect(got.slice(2)).toEqual([['a', 'jam-pulse']]);
    q.setJammers([{ startHz: 433.9e6, stopHz: 433.95e6 }]);
    expect(got).toHaveLength(3);
    // the report lapses: back to the benign class
    q.setJammers([]);
    expect(got.slice(3)).toEqual([['a', 'ook']]);
    // a forgotten emission is not re-decided any more
    q.forget('a');
    q.setJammers([{ startHz: 433.9e6, stopHz: 433.95e6 }]);
    expect(got).toHaveLength(4);
  });

  it("uses the request's own jammers when it carries them, else the latest setJammers", async () => {
    const got: string[] = [];
    const q = new ClassificationQueue(fakeClassifier(answers), (_id, c) => got.push(c.label), 100);
    q.request('a', input(433.92e6, { jammers: [{ startHz: 433.91e6, stopHz: 433.93e6 }] }));
    q.pump(1000);
    await q.settle();
    q.setJammers([{ startHz: 433.91e6, stopHz: 433.93e6 }]);
    q.request('c', input(433.92e6));
    q.pump(2000);
    await q.settle();
    expect(got).toEqual(['jam-pulse', 'jam-pulse']);
  });

  it('an emission forgotten while its classification runs is not kept for re-decisions', async () => {
    const got: string[] = [];
    const q = new ClassificationQueue(fakeClassifier(answers), (_id, c) => got.push(c.label), 100);
    q.request('a', input(433.92e6));
    q.pump(1000);
    q.forget('a');
    await q.settle();
    q.setJammers([{ startHz: 433.9e6, stopHz: 433.95e6 }]);
    expect(got).toEqual(['ook']);
  });
});
