import { describe, expect, it } from 'vitest';
import type { Emission } from '../../dsp/types.ts';
import { EmissionTracker, type TrackEvent } from '../../src/tracking/tracker.ts';
import { ClassificationQueue, HeuristicClassifier, heuristicLabel } from '../../src/tracking/classifier.ts';

const BIN = 1171.875;
function em(centerHz: number, bwHz: number, snrDb = 20): Emission {
  return {
    startBin: 0,
    endBin: 1,
    centerHz,
    occupiedBandwidthHz: bwHz,
    xDbBandwidthHz: bwHz,
    peakDbfs: -40 + snrDb,
    peakHz: centerHz,
    channelPowerDbfs: -45 + snrDb,
    floorDbfs: -60,
    snrDb,
  };
}
/** Runs `n` spectra of 27.3 ms each; `at(i)` gives the detections in spectrum i. */
function run(tr: EmissionTracker, n: number, at: (i: number) => Emission[], dtMs = 27.3): TrackEvent[] {
  const ev: TrackEvent[] = [];
  for (let i = 0; i < n; i++)
    ev.push(...tr.update({ timeMs: i * dtMs, durationMs: dtMs, binHz: BIN, emissions: at(i) }));
  ev.push(...tr.flush());
  return ev;
}

describe('EmissionTracker', () => {
  it('confirms a persistent emission once, with a stable id, and ends it after the hang time', () => {
    const tr = new EmissionTracker({ sensorId: 's1', hangTimeMs: 500 }, (c) =>
      Math.abs(c - 446e6) < 6250 ? 'ch1' : null,
    );
    const ev = run(tr, 100, (i) => (i < 40 ? [em(446e6 + (i % 2) * 200, 11000)] : []));
    const starts = ev.filter((e) => e.phase === 'start');
    const ends = ev.filter((e) => e.phase === 'end');
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.emission.id).toBe(starts[0]!.emission.id);
    expect(ends[0]!.emission.assignmentId).toBe('ch1');
    expect(ends[0]!.emission.endedMs).toBeCloseTo(40 * 27.3, 0);
    expect(Math.abs(ends[0]!.emission.centerHz - (446e6 + 100))).toBeLessThan(20);
    // Confirmed at the third hit (two spectra after the first), not before.
    expect(starts[0]!.emission.lastSeenMs).toBeCloseTo(2 * 27.3, 3);
  });

  it('ignores isolated noise hits that never persist', () => {
    const tr = new EmissionTracker({ sensorId: 's1' });
    // One hit every 4 spectra at the same place: never 3 in 5.
    const ev = run(tr, 200, (i) => (i % 4 === 0 ? [em(100e6, 1000, 6)] : []));
    expect(ev).toEqual([]);
  });

  it('aggregates PTT bursts shorter than the hang time and counts them', () => {
    const tr = new EmissionTracker({ sensorId: 's1', hangTimeMs: 1000, burstGapMs: 150 });
    // 3 bursts of ~270 ms separated by ~400 ms gaps.
    const ev = run(tr, 80, (i) => (i % 25 < 10 ? [em(446e6, 11000)] : []));
    const ends = ev.filter((e) => e.phase === 'end');
    expect(ends).toHaveLength(1);
    expect(ends[0]!.emission.bursts).toBe(4);
  });

  it('keeps two emissions apart and reports an update when one moves', () => {
    const tr = new EmissionTracker({ sensorId: 's1' });
    const ev = run(tr, 30, (i) => [em(446e6, 11000), em(446.1e6 + (i >= 15 ? 5000 : 0), 10000)]);
    expect(new Set(ev.filter((e) => e.phase === 'start').map((e) => e.emission.id)).size).toBe(2);
    expect(ev.some((e) => e.phase === 'update')).toBe(true);
  });

  it('catches a 200 ms burst', () => {
    const tr = new EmissionTracker({ sensorId: 's1' });
    const ev = run(tr, 40, (i) => (i >= 10 && i < 17 ? [em(433.92e6, 20000, 12)] : []));
    expect(ev.filter((e) => e.phase === 'end')).toHaveLength(1);
  });
});

describe('heuristic classifier', () => {
  it('labels by bandwidth with low confidence', async () => {
    expect(heuristicLabel({ centerHz: 1, bandwidthHz: 1000, binHz: BIN, snrDb: 10 }).label).toBe('cw');
    expect(heuristicLabel({ centerHz: 1, bandwidthHz: 11000, binHz: BIN, snrDb: 10 }).label).toBe('nfm');
    const w = await new HeuristicClassifier().classify({ centerHz: 1, bandwidthHz: 200000, binHz: BIN, snrDb: 10 });
    expect(w.label).toBe('wfm');
    expect(w.confidence).toBeLessThanOrEqual(0.6);
  });

  it('rate-limits classification requests', async () => {
    const got: string[] = [];
    const q = new ClassificationQueue(new HeuristicClassifier(), (id) => got.push(id), 2);
    for (let i = 0; i < 5; i++) q.request(`e${i}`, { centerHz: 1, bandwidthHz: 11000, binHz: BIN, snrDb: 10 });
    q.pump(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['e0', 'e1']);
    q.pump(1000);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['e0', 'e1', 'e2', 'e3']);
  });
});

describe('EmissionTracker: power window, power steps, width gate', () => {
  it('follows a power step within a few spectra (not a whole-life mean) and marks the step', () => {
    const tr = new EmissionTracker({ sensorId: 's' });
    const at = (i: number) => [{ ...em(470e6, 100_000), channelPowerDbfs: i < 80 ? -32 : -17 }];
    let lastPower = NaN;
    let step: number | undefined;
    for (let i = 0; i < 90; i++) {
      tr.update({ timeMs: i * 27.3, durationMs: 27.3, binHz: BIN, emissions: at(i) });
      const a = tr.active()[0];
      lastPower = a?.channelPowerDbfs ?? NaN;
      if (i === 79) expect(a?.powerStepMs).toBeUndefined();
      step = a?.powerStepMs;
    }
    expect(lastPower).toBeGreaterThan(-18);
    expect(step).toBeCloseTo(80 * 27.3, 5);
  });

  it('a narrow band does not take over an established wide track, and vice versa', () => {
    const tr = new EmissionTracker({ sensorId: 's' });
    for (let i = 0; i < 20; i++)
      tr.update({ timeMs: i * 27.3, durationMs: 27.3, binHz: BIN, emissions: [em(470.375e6, 110_000, 20)] });
    for (let i = 20; i < 30; i++)
      tr.update({
        timeMs: i * 27.3,
        durationMs: 27.3,
        binHz: BIN,
        emissions: [em(470.435e6, 11_000, 30), em(470.38e6, 110_000, 20)],
      });
    const act = tr.active();
    expect(act).toHaveLength(2);
    const wide = act.find((e) => e.bandwidthHz > 50_000)!;
    expect(Math.abs(wide.centerHz - 470.376e6)).toBeLessThan(5000);
    expect(wide.firstSeenMs).toBe(0);
    const narrow = act.find((e) => e.bandwidthHz < 20_000)!;
    expect(Math.abs(narrow.centerHz - 470.435e6)).toBeLessThan(100);
  });
});

describe('EmissionTracker: occupied bandwidth of the averaged spectrum', () => {
  const BIN = 1171.875;
  const N = 2048;
  const START_HZ = 446e6 - 1.2e6;
  /** A spectrum with a flat 10 dB-over-floor block on bins [lo, hi] and its emission. */
  function spectrum(lo: number, hi: number) {
    const floorLin = new Float32Array(N).fill(1e-7);
    const psdLin = new Float32Array(floorLin);
    for (let k = lo; k <= hi; k++) psdLin[k] = 11e-7;
    const e: Emission = {
      startBin: lo,
      endBin: hi,
      centerHz: START_HZ + ((lo + hi) / 2) * BIN,
      occupiedBandwidthHz: (hi - lo + 1) * BIN,
      xDbBandwidthHz: (hi - lo + 1) * BIN,
      peakDbfs: -60,
      peakHz: START_HZ + lo * BIN,
      channelPowerDbfs: -50,
      floorDbfs: -70,
      snrDb: 10,
    };
    return { psdLin, floorLin, e };
  }
  /** 40 spectra of an emission whose instantaneous extent swings between two positions (a talker's FM). */
  function run(lo: number, width: number, swing: number, withPsd: boolean) {
    const tr = new EmissionTracker({ sensorId: 's' });
    let out: TrackEvent[] = [];
    for (let i = 0; i < 40; i++) {
      const a = lo + (i % 2) * swing;
      const s = spectrum(a, a + width - 1);
      out = tr.update({
        timeMs: i * 27.3,
        durationMs: 27.3,
        binHz: BIN,
        emissions: [s.e],
        ...(withPsd ? { psdLin: s.psdLin, floorLin: s.floorLin, startHz: START_HZ, effectiveFrames: 16 } : {}),
      });
    }
    void out;
    return tr.active()[0]!;
  }
  it('a modulated emission is as wide as its long-term spectrum, not its mean instantaneous width', () => {
    // instantaneous 11 bins, moving by 4: the averaged spectrum covers 15 bins
    const averaged = run(1000, 11, 4, true);
    expect(averaged.bandwidthHz / BIN).toBeGreaterThan(14);
    expect(averaged.bandwidthHz / BIN).toBeLessThan(15.5);
    // without the spectrum the tracker still reports the mean of per-spectrum OBWs
    const mean = run(1000, 11, 4, false);
    expect(mean.bandwidthHz / BIN).toBeCloseTo(11, 1);
  });
  it('a sudden widening (a barrage swallowing it) stays out of an established track’s average for 0.8 s only', () => {
    const widthAfter = (wideSpectra: number) => {
      const tr = new EmissionTracker({ sensorId: 's' });
      for (let i = 0; i < 60 + wideSpectra; i++) {
        // 11 bins for 60 spectra (1.6 s), then 40 bins on the same centre
        const s = i < 60 ? spectrum(1000, 1010) : spectrum(985, 1024);
        const d = { psdLin: s.psdLin, floorLin: s.floorLin, startHz: START_HZ, effectiveFrames: 16 };
        tr.update({ timeMs: i * 27.3, durationMs: 27.3, binHz: BIN, emissions: [s.e], ...d });
      }
      return tr.active()[0]!.bandwidthHz / BIN;
    };
    expect(widthAfter(20)).toBeLessThan(12); // 0.55 s of it: not the emission's own
    expect(widthAfter(80)).toBeGreaterThan(20); // 2.2 s: it is
  });

  it('a line narrower than 5 bins keeps the per-spectrum mean (resolution-limited either way)', () => {
    expect(run(1000, 3, 1, true).bandwidthHz / BIN).toBeCloseTo(3, 1);
  });
});

describe('EmissionTracker: one emitter, one track', () => {
  const BIN = 1171.875;
  const piece = (centerHz: number, bwHz: number, snrDb = 20): Emission => ({ ...em(centerHz, bwHz, snrDb) });
  it('two tracks that converge on the same centre and width are merged: the younger ends, the elder goes on', () => {
    const tr = new EmissionTracker({ sensorId: 's' });
    const starts: string[] = [];
    const ends: string[] = [];
    const merged: (string | undefined)[] = [];
    const c = 446.625e6;
    for (let i = 0; i < 60; i++) {
      // a wide FM spectrum cut in two pieces from the 10th spectrum on: the second (narrower than half) grows a track
      const ems = i < 10 ? [piece(c, 60_000)] : [piece(c - 300, 60_000, 20), piece(c + 14_000, 25_000, 12)];
      if (i >= 20) ems[1] = piece(c + 400, 56_000, 12);
      for (const ev of tr.update({ timeMs: i * 27.3, durationMs: 27.3, binHz: BIN, emissions: ems })) {
        if (ev.phase === 'start') starts.push(ev.emission.id);
        if (ev.phase === 'end') {
          ends.push(ev.emission.id);
          merged.push(ev.emission.mergedIntoId);
        }
      }
    }
    expect(starts.length).toBe(2);
    expect(ends).toEqual([starts[1]]);
    expect(merged).toEqual([starts[0]]);
    expect(tr.active().map((e) => e.id)).toEqual([starts[0]]);
  });
  it('a narrow emission on a wide one’s centre is not a twin (an interferer on a microphone)', () => {
    const tr = new EmissionTracker({ sensorId: 's' });
    for (let i = 0; i < 40; i++)
      tr.update({
        timeMs: i * 27.3,
        durationMs: 27.3,
        binHz: BIN,
        emissions: [piece(470.375e6, 115_000), piece(470.375e6 + 2000, 11_000, 25)],
      });
    expect(tr.active()).toHaveLength(2);
  });
});
