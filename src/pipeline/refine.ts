/**
 * Plan-aware refinement of one spectrum's emissions, so that what the tracker follows matches what a frequency
 * controller calls "one emission":
 * - split: an emission that covers the centres of two or more active assignments (adjacent busy channels the
 *   extractor bridged) is cut at the midpoints between those centres;
 * - merge: fragments of one wideband emission (FM with discrete spectral lines, e.g. wireless microphones) that
 *   lie inside the same assignment with gaps of at most `mergeGapFraction` of its bandwidth are joined.
 * Re-measured parts use the same definitions as dsp/emissions (noise-subtracted power-weighted centre, 99 % OBW).
 * Shared bands (Assignment.shared: an SRD/ISM band, a PMR446 block) have no single user whose spectrum could be
 * cut into fragments: inside them every emission stands on its own, exactly as with no plan (no split, no merge, no
 * skirts); the tracker still matches each one to the band.
 */
import type { Emission } from '../../dsp/types.ts';
import type { Assignment } from '../types.ts';

export interface RefineGeometry {
  startHz: number;
  binHz: number;
  enbwBins: number;
}

/** Measure bins [a, b] as one emission. Null when nothing is above the floor there. */
export function measureRange(
  g: RefineGeometry,
  psdLin: Float32Array,
  floorLin: Float32Array,
  exclude: Uint8Array,
  a: number,
  b: number,
  obwFraction = 0.99,
): Emission | null {
  let sig = 0;
  let tot = 0;
  let fsum = 0;
  let peak = 0;
  let kp = a;
  let floorSum = 0;
  let nb = 0;
  for (let k = a; k <= b; k++) {
    if (exclude[k]) continue;
    const p = psdLin[k]!;
    const s = Math.max(0, p - floorLin[k]!);
    sig += s;
    tot += p;
    fsum += s * k;
    floorSum += floorLin[k]!;
    nb++;
    if (p > peak) {
      peak = p;
      kp = k;
    }
  }
  if (!(sig > 0) || nb === 0) return null;
  const tail = ((1 - obwFraction) / 2) * sig;
  let acc = 0;
  let lo = a;
  let hi = b;
  for (let k = a; k <= b; k++) {
    const s = exclude[k] ? 0 : Math.max(0, psdLin[k]! - floorLin[k]!);
    if (acc + s >= tail) {
      lo = k - 0.5 + (tail - acc) / (s || 1);
      break;
    }
    acc += s;
  }
  acc = 0;
  for (let k = b; k >= a; k--) {
    const s = exclude[k] ? 0 : Math.max(0, psdLin[k]! - floorLin[k]!);
    if (acc + s >= tail) {
      hi = k + 0.5 - (tail - acc) / (s || 1);
      break;
    }
    acc += s;
  }
  const floorMean = floorSum / nb;
  const db = (x: number) => 10 * Math.log10(Math.max(x, 1e-30));
  return {
    startBin: a,
    endBin: b,
    centerHz: g.startHz + (fsum / sig) * g.binHz,
    occupiedBandwidthHz: Math.max(hi - lo, 0) * g.binHz,
    xDbBandwidthHz: (b - a + 1) * g.binHz,
    peakDbfs: db(peak),
    peakHz: g.startHz + kp * g.binHz,
    channelPowerDbfs: db(tot / g.enbwBins),
    floorDbfs: db(floorMean),
    snrDb: db(peak) - db(floorMean),
  };
}

/**
 * Options of {@link refineEmissions} beyond the plan: which fragments of a wide channel stand on their own.
 */
export interface RefineOptions {
  /** Largest gap (fraction of the channel) a narrow channel's fragments may have and still join. Default 0.1. */
  mergeGapFraction?: number;
  /**
   * Wide channels: true when a fragment is a separate, persistent occupied band (an interferer) rather than a
   * piece of the licensed user's moving FM spectrum (see {@link PersistentPieces}). Default: none is.
   */
  distinct?: (a: Assignment, e: Emission) => boolean;
  /**
   * Skirt reach beyond an assignment's edge, fraction of its bandwidth (default 0.25): a loose piece there, with
   * a fragment in the assignment at least `skirtMarginDb` stronger (peak), is the user's skirt and joins it.
   */
  skirtReachFraction?: number;
  /** Default 10 dB. */
  skirtMarginDb?: number;
}

/** A channel at least this many bins wide is "wide" (a 200 kHz microphone channel is 170 bins at 2.4 MS/s). */
export const WIDE_CHANNEL_BINS = 20;

/**
 * Whether an assignment is a wide channel of one user (≥ {@link WIDE_CHANNEL_BINS} bins of `binHz`, Hz): the user's
 * FM spectrum is kept whole there and narrow pieces inside it are taken for its lines. A shared band never is.
 */
export function isWideChannel(a: Assignment, binHz: number): boolean {
  return !a.shared && a.bandwidthHz >= WIDE_CHANNEL_BINS * binHz;
}

export function refineEmissions(
  ems: Emission[],
  active: readonly Assignment[],
  g: RefineGeometry,
  psdLin: Float32Array,
  floorLin: Float32Array,
  exclude: Uint8Array,
  opts: RefineOptions = {},
): Emission[] {
  const mergeGapFraction = opts.mergeGapFraction ?? 0.1;
  if (!active.length || !ems.length) return ems;
  const bin = (hz: number) => (hz - g.startHz) / g.binHz;
  // A shared band is left out entirely: what lies inside it is refined as if there were no plan there.
  const inView = active.filter((a) => !a.shared && bin(a.centerHz) >= 0 && bin(a.centerHz) < psdLin.length);
  if (!inView.length) return ems;
  // Split.
  const split: Emission[] = [];
  for (const e of ems) {
    const inside = inView
      .filter((a) => bin(a.centerHz) >= e.startBin && bin(a.centerHz) <= e.endBin)
      .sort((x, y) => x.centerHz - y.centerHz);
    if (inside.length < 2) {
      split.push(e);
      continue;
    }
    let start = e.startBin;
    for (let i = 0; i < inside.length; i++) {
      const end =
        i + 1 < inside.length ? Math.floor((bin(inside[i]!.centerHz) + bin(inside[i + 1]!.centerHz)) / 2) : e.endBin;
      const part = measureRange(g, psdLin, floorLin, exclude, start, end);
      // A quiet channel inside a bridged pair is not an emission.
      if (part && part.snrDb >= 3) split.push(part);
      start = end + 1;
    }
  }
  split.sort((x, y) => x.startBin - y.startBin);
  const owner = (e: Emission) => inView.find((a) => Math.abs(e.centerHz - a.centerHz) <= a.bandwidthHz / 2);
  const groups = new Map<Assignment, Emission[]>();
  const looseAll: Emission[] = [];
  for (const e of split) {
    const a = owner(e);
    if (!a) looseAll.push(e);
    else groups.set(a, [...(groups.get(a) ?? []), e]);
  }
  // Skirts: a weak piece just beyond a busy assignment's edge (WFM stereo skirts, a microphone's outermost Bessel
  // lines and pilot) belongs to that assignment's user. In a wide channel it joins the user's emission (so the
  // mask is judged on the user's real spectrum); next to a narrow channel it is dropped.
  const reachF = opts.skirtReachFraction ?? 0.25;
  const marginDb = opts.skirtMarginDb ?? 10;
  const loose: Emission[] = [];
  for (const e of looseAll) {
    let home: Assignment | undefined;
    for (const [a, frs] of groups) {
      const beyond = Math.abs(e.centerHz - a.centerHz) - a.bandwidthHz / 2;
      if (beyond > reachF * a.bandwidthHz) continue;
      if (frs.some((f) => f.peakDbfs - e.peakDbfs >= marginDb)) {
        home = a;
        break;
      }
    }
    if (!home) loose.push(e);
    else if (isWideChannel(home, g.binHz)) groups.get(home)!.push(e);
  }
  const out: Emission[] = [...loose];
  for (const [a, frs] of groups) {
    if (frs.length === 1) {
      out.push(frs[0]!);
      continue;
    }
    const carrier = frs.reduce((x, y) => (y.peakDbfs > x.peakDbfs ? y : x));
    const wide = isWideChannel(a, g.binHz);
    if (wide) {
      // A wide channel's user (FM microphone) moves its power across the channel with the audio and the extractor
      // cuts it at interior dips: every fragment is the user's, except a separate band that has persisted in place
      // (an interferer), whose bins are then left out of the user's measurement.
      const rest = opts.distinct ? frs.filter((f) => opts.distinct!(a, f)) : [];
      const mine = frs.filter((f) => !rest.includes(f));
      if (!mine.length) {
        out.push(...rest);
        continue;
      }
      let lo = Infinity;
      let hi = -Infinity;
      for (const f of mine) {
        lo = Math.min(lo, f.startBin);
        hi = Math.max(hi, f.endBin);
      }
      let ex = exclude;
      if (rest.some((f) => f.endBin >= lo && f.startBin <= hi)) {
        ex = exclude.slice();
        for (const f of rest) for (let k = f.startBin; k <= f.endBin; k++) ex[k] = 1;
      }
      const merged = mine.length === 1 ? mine[0]! : measureRange(g, psdLin, floorLin, ex, lo, hi);
      if (merged) {
        merged.snrDb = Math.max(...mine.map((f) => f.snrDb));
        out.push(merged);
      } else out.push(...mine);
      out.push(...rest);
      continue;
    }
    const c = carrier.centerHz;
    let lo = carrier.startBin;
    let hi = carrier.endBin;
    const tol = 2 * g.binHz;
    // Narrow channels: a fragment stays an emission of its own only if it has no mirror about the carrier and is
    // separated from it by more than a small gap.
    const rest: Emission[] = [];
    for (const f of frs) {
      if (f === carrier) continue;
      const mirror = frs.some(
        (m) =>
          m !== f &&
          Math.abs(m.centerHz + f.centerHz - 2 * c) <=
            tol + Math.max(m.occupiedBandwidthHz, f.occupiedBandwidthHz) / 4 &&
          Math.abs(m.peakDbfs - f.peakDbfs) <= 6,
      );
      const gapHz =
        (f.startBin > carrier.endBin ? f.startBin - carrier.endBin - 1 : carrier.startBin - f.endBin - 1) * g.binHz;
      const distinct = !mirror && gapHz > Math.max(mergeGapFraction * a.bandwidthHz, 3 * g.binHz);
      if (distinct) rest.push(f);
      else {
        lo = Math.min(lo, f.startBin);
        hi = Math.max(hi, f.endBin);
      }
    }
    const merged =
      lo === carrier.startBin && hi === carrier.endBin ? carrier : measureRange(g, psdLin, floorLin, exclude, lo, hi);
    if (merged) {
      if (merged !== carrier) merged.snrDb = carrier.snrDb;
      out.push(merged);
    } else out.push(carrier);
    out.push(...rest);
  }
  out.sort((x, y) => x.startBin - y.startBin);
  return out;
}

/**
 * Memory of narrow occupied bands inside wide channels across spectra: a band that keeps its place (centre within
 * `toleranceBins`) in at least `minFraction` of the last `windowSpectra` spectra is a separate emitter (an NFM
 * interferer inside a microphone channel), while the pieces an FM microphone's moving spectrum is cut into come and
 * go and wander. Bounded: at most `maxEntries` candidates are remembered.
 */
export class PersistentPieces {
  private entries: { centerHz: number; bits: number; seen: number; lastSpectrum: number }[] = [];
  private spectrum = 0;

  constructor(
    private readonly o: {
      binHz: number;
      windowSpectra?: number;
      minFraction?: number;
      toleranceBins?: number;
      /** Widest band that can be a separate narrow emitter, Hz. Default 25 kHz. */
      maxWidthHz?: number;
      /** Narrowest, bins. Default 5 (a Bessel line is 2-3 bins). */
      minBins?: number;
      maxEntries?: number;
    },
  ) {}

  /** Record this spectrum's emissions (call once per spectrum, before {@link isDistinct}). */
  observe(ems: readonly Emission[], binHz = this.o.binHz): void {
    const w = this.o.windowSpectra ?? 16;
    const tol = (this.o.toleranceBins ?? 2) * binHz;
    this.spectrum++;
    const mask = (1 << w) - 1;
    for (const en of this.entries) en.bits = (en.bits << 1) & mask;
    for (const e of ems) {
      if (!this.candidate(e, binHz)) continue;
      let best: (typeof this.entries)[number] | undefined;
      for (const en of this.entries)
        if (
          Math.abs(en.centerHz - e.centerHz) <= tol &&
          (!best || Math.abs(en.centerHz - e.centerHz) < Math.abs(best.centerHz - e.centerHz))
        )
          best = en;
      if (best) {
        best.bits |= 1;
        best.seen++;
        best.centerHz += 0.2 * (e.centerHz - best.centerHz);
        best.lastSpectrum = this.spectrum;
      } else if (this.entries.length < (this.o.maxEntries ?? 64))
        this.entries.push({ centerHz: e.centerHz, bits: 1, seen: 1, lastSpectrum: this.spectrum });
    }
    this.entries = this.entries.filter((en) => en.bits !== 0);
  }

  private candidate(e: Emission, binHz: number): boolean {
    return (
      e.occupiedBandwidthHz >= (this.o.minBins ?? 5) * binHz && e.occupiedBandwidthHz <= (this.o.maxWidthHz ?? 25_000)
    );
  }

  /** Whether `e` (an emission of the latest observed spectrum) is a persistent separate band. */
  isDistinct(e: Emission, binHz = this.o.binHz): boolean {
    if (!this.candidate(e, binHz)) return false;
    const w = this.o.windowSpectra ?? 16;
    const need = Math.ceil((this.o.minFraction ?? 0.75) * w);
    const tol = (this.o.toleranceBins ?? 2) * binHz;
    return this.entries.some(
      (en) =>
        en.lastSpectrum === this.spectrum && Math.abs(en.centerHz - e.centerHz) <= tol && popcount(en.bits) >= need,
    );
  }

  reset(): void {
    this.entries = [];
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/**
 * Drop slow-path (weak) detections that are only the skirts of a strong emission: within `skirtFraction` (default 0.5) of its
 * bandwidth (at least 25 kHz) outside its edges and more than `marginDb` weaker.
 */
export function dropSkirts(
  strong: readonly Emission[],
  weak: Emission[],
  skirtFraction = 0.5,
  marginDb = 15,
): Emission[] {
  return weak.filter((w) => {
    for (const s of strong) {
      const reach = Math.max(25_000, skirtFraction * s.occupiedBandwidthHz) + s.occupiedBandwidthHz / 2;
      if (Math.abs(w.centerHz - s.centerHz) <= reach && s.peakDbfs - w.peakDbfs >= marginDb) return false;
    }
    return true;
  });
}

/**
 * Drop weak pieces lying just beyond a busy assignment's edge (within `reachFraction` of its bandwidth) when an
 * emission centred in that assignment is at least `marginDb` stronger (peak): the user's skirts, not an emitter.
 * Not next to a shared band: it has no user, and a quarter of a 1.74 MHz SRD band would reach 435 kHz past it.
 */
export function dropEdgeSkirts(
  strong: readonly Emission[],
  weak: Emission[],
  active: readonly Assignment[],
  reachFraction = 0.25,
  marginDb = 10,
): Emission[] {
  if (!active.length) return weak;
  return weak.filter((w) => {
    for (const a of active) {
      if (a.shared) continue;
      const beyond = Math.abs(w.centerHz - a.centerHz) - a.bandwidthHz / 2;
      if (beyond < 0 || beyond > reachFraction * a.bandwidthHz) continue;
      const user = strong.some(
        (s) => Math.abs(s.centerHz - a.centerHz) <= a.bandwidthHz / 2 && s.peakDbfs - w.peakDbfs >= marginDb,
      );
      if (user) return false;
    }
    return true;
  });
}
