import { describe, expect, it } from 'vitest';
import type { Emission } from '../../dsp/types.ts';
import type { Assignment } from '../../src/types.ts';
import { PersistentPieces, dropEdgeSkirts, isWideChannel, refineEmissions } from '../../src/pipeline/refine.ts';

const N = 2048;
const BIN = 1171.875;
const START = 471e6 - 1.2e6;
const g = { startHz: START, binHz: BIN, enbwBins: 1.5 };
const bin = (hz: number) => Math.round((hz - START) / BIN);
const floor = new Float32Array(N).fill(1e-9);
const exclude = new Uint8Array(N);

/** A PSD with rectangular blocks of power (linear per bin) over [lo, hi] Hz. */
function psdWith(blocks: [number, number, number][]): Float32Array {
  const p = new Float32Array(N).fill(1e-9);
  for (const [lo, hi, v] of blocks) for (let k = bin(lo); k <= bin(hi); k++) p[k] = v;
  return p;
}
function piece(psd: Float32Array, lo: number, hi: number): Emission {
  const a = bin(lo);
  const b = bin(hi);
  let peak = 0;
  for (let k = a; k <= b; k++) peak = Math.max(peak, psd[k]!);
  const db = (x: number) => 10 * Math.log10(x);
  return {
    startBin: a,
    endBin: b,
    centerHz: (lo + hi) / 2,
    occupiedBandwidthHz: hi - lo,
    xDbBandwidthHz: hi - lo,
    peakDbfs: db(peak),
    peakHz: (lo + hi) / 2,
    channelPowerDbfs: db(peak * (b - a + 1)),
    floorDbfs: -90,
    snrDb: db(peak) + 90,
  };
}
const MIC: Assignment = { id: 'MIC', centerHz: 471e6, bandwidthHz: 200_000 };
const PMR: Assignment = { id: 'PMR', centerHz: 471.5e6, bandwidthHz: 12_500 };

describe('refineEmissions (plan-aware)', () => {
  it('keeps a wide channel user whole: two halves of a microphone spectrum become one emission', () => {
    const psd = psdWith([
      [471e6 - 55_000, 471e6 - 5_000, 1e-6],
      [471e6 + 5_000, 471e6 + 55_000, 1e-6],
    ]);
    const out = refineEmissions(
      [piece(psd, 471e6 - 55_000, 471e6 - 5_000), piece(psd, 471e6 + 5_000, 471e6 + 55_000)],
      [MIC],
      g,
      psd,
      floor,
      exclude,
    );
    expect(out).toHaveLength(1);
    expect(Math.abs(out[0]!.centerHz - 471e6)).toBeLessThan(2 * BIN);
    expect(out[0]!.occupiedBandwidthHz).toBeGreaterThan(90_000);
  });

  it('keeps a persistent separate band apart and leaves its bins out of the user', () => {
    const psd = psdWith([
      [471e6 - 55_000, 471e6 + 40_000, 1e-6],
      [471e6 + 55_000, 471e6 + 66_000, 3e-5],
    ]);
    const user = piece(psd, 471e6 - 55_000, 471e6 + 40_000);
    const intf = piece(psd, 471e6 + 55_000, 471e6 + 66_000);
    const out = refineEmissions([user, intf], [MIC], g, psd, floor, exclude, {
      distinct: (_a, e) => e === intf,
    });
    expect(out).toHaveLength(2);
    expect(out.find((e) => e === intf)).toBeDefined();
    const without = refineEmissions([user, intf], [MIC], g, psd, floor, exclude);
    expect(without).toHaveLength(1);
  });

  it('attaches a weak skirt just beyond a wide channel edge to its user and drops one beside a narrow channel', () => {
    const psd = psdWith([
      [471e6 - 90_000, 471e6 + 90_000, 1e-5],
      [471e6 + 101_000, 471e6 + 104_000, 1e-7],
      [471.5e6 - 5_000, 471.5e6 + 5_000, 1e-5],
      [471.5e6 + 7_000, 471.5e6 + 8_500, 1e-7],
    ]);
    const out = refineEmissions(
      [
        piece(psd, 471e6 - 90_000, 471e6 + 90_000),
        piece(psd, 471e6 + 101_000, 471e6 + 104_000),
        piece(psd, 471.5e6 - 5_000, 471.5e6 + 5_000),
        piece(psd, 471.5e6 + 7_000, 471.5e6 + 8_500),
      ],
      [MIC, PMR],
      g,
      psd,
      floor,
      exclude,
    );
    expect(out).toHaveLength(2);
    // An equally strong piece beyond the edge is an emitter of its own and stays.
    const strong = psdWith([
      [471e6 - 90_000, 471e6 + 90_000, 1e-5],
      [471e6 + 110_000, 471e6 + 120_000, 1e-5],
    ]);
    const kept = refineEmissions(
      [piece(strong, 471e6 - 90_000, 471e6 + 90_000), piece(strong, 471e6 + 110_000, 471e6 + 120_000)],
      [MIC],
      g,
      strong,
      floor,
      exclude,
    );
    expect(kept).toHaveLength(2);
  });

  it('dropEdgeSkirts drops weak slow-path pieces next to a busy channel only', () => {
    const psd = psdWith([[471e6 - 90_000, 471e6 + 90_000, 1e-5]]);
    const user = piece(psd, 471e6 - 90_000, 471e6 + 90_000);
    const weakPsd = psdWith([
      [471e6 + 101_000, 471e6 + 103_000, 1e-7],
      [471e6 + 300_000, 471e6 + 303_000, 1e-7],
    ]);
    const near = piece(weakPsd, 471e6 + 101_000, 471e6 + 103_000);
    const far = piece(weakPsd, 471e6 + 300_000, 471e6 + 303_000);
    expect(dropEdgeSkirts([user], [near, far], [MIC])).toEqual([far]);
    expect(dropEdgeSkirts([], [near, far], [MIC])).toEqual([near, far]);
  });
});

describe('refineEmissions: shared bands (Assignment.shared)', () => {
  /** A 1 MHz band around 471 MHz shared by many emitters (an SRD band, a PMR446 block). */
  const BAND: Assignment = { id: 'SRD', centerHz: 471e6, bandwidthHz: 1e6, shared: true };
  const AS_CHANNEL: Assignment = { ...BAND, shared: false };
  // Two independent emitters inside the band: a 12 kHz one below the centre, a 25 kHz one above it, both of them
  // narrow persistent-looking pieces that a single-user channel would take for its user's spectrum.
  const psd = psdWith([
    [471e6 - 206_000, 471e6 - 194_000, 1e-6],
    [471e6 + 87_500, 471e6 + 112_500, 3e-7],
  ]);
  const a = () => piece(psd, 471e6 - 206_000, 471e6 - 194_000);
  const b = () => piece(psd, 471e6 + 87_500, 471e6 + 112_500);

  it('keeps two emitters inside a shared band apart, with their own centres and widths', () => {
    const ea = a();
    const eb = b();
    const out = refineEmissions([ea, eb], [BAND], g, psd, floor, exclude);
    expect(out).toHaveLength(2);
    expect(Math.abs(out[0]!.centerHz - (471e6 - 200_000))).toBeLessThan(BIN);
    expect(Math.abs(out[0]!.occupiedBandwidthHz - 12_000)).toBeLessThan(2 * BIN);
    expect(Math.abs(out[1]!.centerHz - (471e6 + 100_000))).toBeLessThan(BIN);
    expect(Math.abs(out[1]!.occupiedBandwidthHz - 25_000)).toBeLessThan(2 * BIN);
    // Untouched, exactly as with no plan.
    expect(out).toEqual(refineEmissions([a(), b()], [], g, psd, floor, exclude));
  });

  it('the same assignment as one user’s wide channel still merges the two (the microphone rule)', () => {
    const out = refineEmissions([a(), b()], [AS_CHANNEL], g, psd, floor, exclude);
    expect(out).toHaveLength(1);
    expect(out[0]!.occupiedBandwidthHz).toBeGreaterThan(250_000);
  });

  it('attaches no piece beyond a shared band’s edge to anything (a single-user channel takes it for its skirt)', () => {
    const p2 = psdWith([
      [471e6 - 30_000, 471e6 + 30_000, 1e-6],
      // A weak piece just beyond the upper edge: next to a single-user channel it would be the user's skirt.
      [471e6 + 520_000, 471e6 + 530_000, 1e-8],
    ]);
    const wideOne = piece(p2, 471e6 - 30_000, 471e6 + 30_000);
    const edge = piece(p2, 471e6 + 520_000, 471e6 + 530_000);
    const out = refineEmissions([wideOne, edge], [BAND], g, p2, floor, exclude);
    expect(out).toHaveLength(2);
    expect(
      refineEmissions(
        [piece(p2, 471e6 - 30_000, 471e6 + 30_000), piece(p2, 471e6 + 520_000, 471e6 + 530_000)],
        [AS_CHANNEL],
        g,
        p2,
        floor,
        exclude,
      ),
    ).toHaveLength(1);
    expect(dropEdgeSkirts([wideOne], [edge], [BAND])).toEqual([edge]);
    expect(dropEdgeSkirts([wideOne], [edge], [AS_CHANNEL])).toEqual([]);
  });

  it('isWideChannel: a single-user channel of at least 20 bins, never a shared band', () => {
    expect(isWideChannel(MIC, BIN)).toBe(true);
    expect(isWideChannel(PMR, BIN)).toBe(false);
    expect(isWideChannel(BAND, BIN)).toBe(false);
    expect(isWideChannel(AS_CHANNEL, BIN)).toBe(true);
  });
});

describe('PersistentPieces', () => {
  const at = (hz: number, bw = 11_000): Emission => ({ ...piece(psdWith([]), hz - bw / 2, hz + bw / 2) });
  it('a band that keeps its place for 12 of 16 spectra is distinct; a wandering one and a Bessel line are not', () => {
    const p = new PersistentPieces({ binHz: BIN });
    let stable = at(471.06e6);
    let wander = at(470.95e6, 20_000);
    for (let i = 0; i < 16; i++) {
      stable = at(471.06e6 + (i % 2) * 500);
      wander = at(470.95e6 + i * 6_000, 20_000);
      const line = at(470.98e6, 2_500);
      p.observe(i % 5 === 4 ? [wander, line] : [stable, wander, line]);
      if (i === 4) expect(p.isDistinct(stable)).toBe(false);
    }
    p.observe([stable, wander]);
    expect(p.isDistinct(stable)).toBe(true);
    expect(p.isDistinct(wander)).toBe(false);
    expect(p.isDistinct(at(470.98e6, 2_500))).toBe(false);
    p.reset();
    p.observe([stable]);
    expect(p.isDistinct(stable)).toBe(false);
  });
});
