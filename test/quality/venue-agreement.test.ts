/**
 * The procedure for real recordings checked on a synthetic one: scripts/venue-record.ts writes the PMR cluster of
 * the simulated venue as SigMF with every staged event as a `bandwatch:truth` annotation, and `bandwatch score` on
 * that file must find what scripts/venue-eval.ts finds on the same span (same events, same TP / FP per kind, same
 * matches). 23 s of a 0.1× schedule: the unlicensed talker starts in the 8 s warm-up (not scored), then a CW
 * jammer and LMR-02 out of mask.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { venueEvents } from '../../dsp/synth/venue.ts';
import { evaluateVenue, VENUE_PLAN_PATH } from '../../scripts/venue-eval.ts';
import { writeVenueRecording } from '../../scripts/venue-record.ts';
import { main } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/io.ts';
import type { RecordingScore } from '../../src/quality/recording.ts';
import type { KindScore } from '../../src/quality/score.ts';

const TS = 0.1;
const DURATION_S = 23;
const WARMUP_S = 8;
const SEED = 2026;

const dir = mkdtempSync(join(tmpdir(), 'bw-venue-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const counts = (pk: Record<string, KindScore>) =>
  Object.fromEntries(
    Object.entries(pk).map(([k, s]) => [k, { events: s.events, tp: s.truePositives, fp: s.falsePositives }]),
  );

describe('venue-record → bandwatch score', () => {
  it('agrees with venue-eval on the same span', async () => {
    const rec = await writeVenueRecording({
      basePath: join(dir, 'pmr'),
      sensor: 'pmr',
      durationS: DURATION_S,
      timeScale: TS,
      seed: SEED,
      startMs: Date.parse('2026-11-26T03:00:00Z'),
    });
    const truth = venueEvents(0, DURATION_S, { timeScale: TS, seed: SEED }).filter((e) => e.cluster === 'pmr');
    expect(rec.annotations).toBe(truth.length);

    const io = memoryIo();
    const args = ['--input', rec.metaPath, '--plan', VENUE_PLAN_PATH, '--format', 'json', '--warmup', String(WARMUP_S)];
    expect(await main(['score', ...args], io)).toBe(0);
    const got = JSON.parse(io.stdout.join('\n')) as RecordingScore;

    const want = await evaluateVenue({
      sensors: ['pmr'],
      durationS: DURATION_S,
      timeScale: TS,
      warmupS: WARMUP_S,
      controlS: 0,
      seed: SEED,
    });
    const cluster = want.clusters[0]!;

    // the same truth, read back from the annotations
    expect(got.score.events.map((e) => `${e.kind} ${e.emitterId} ${e.startS}`)).toEqual(
      cluster.events.map((e) => `${e.kind} ${e.emitterId} ${e.startS}`),
    );
    expect(got.warmupEvents.map((e) => e.emitterId)).toEqual(['EV-UNLIC-NFM']);
    // the same scores
    expect(counts(got.perKind)).toEqual(counts(want.perKind));
    expect(got.overall).toEqual(want.overall);
    expect(got.score.matched.map((m) => `${m.kind} ${m.emitterId}`)).toEqual(
      cluster.matched.map((m) => `${m.kind} ${m.emitterId}`),
    );
    got.score.matched.forEach((m, i) => expect(m.latencyS).toBeCloseTo(cluster.matched[i]!.latencyS, 1));
    expect(got.score.falsePositives.map((f) => `${f.kind} ${f.reason}`)).toEqual(
      cluster.falsePositives.map((f) => `${f.kind} ${f.reason}`),
    );
    // not vacuous: the span has scored events and the engine finds some of them
    expect(cluster.events.length).toBeGreaterThanOrEqual(2);
    expect(want.overall.truePositives).toBeGreaterThan(0);
  }, 120_000);
});
