/**
 * Plan-aware refinement of one spectrum's emissions, so that what the tracker follows matches what a frequency
 * controller calls "one emission":
 * - split: an emission that covers the centres of two or more active assignments (adjacent busy channels the
 *   extractor bridged) is cut at the midpoints between those centres;
 * - merge: fragments of one wideband emission (FM with discrete spectral lines, e.g. wireless microphones) that
 *   lie inside the same assignment with gaps of at most `mergeGapFraction` of its bandwidth are joined.
 * Re-measured parts use the same definitions as dsp/emissions (noise-subtracted power-weighted centre, 99 % OBW).
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

export function refineEmissions(
  ems: Emission[],
  active: readonly Assignment[],
  g: RefineGeometry,
  psdLin: Float32Array,
  floorLin: Float32Array,
  exclude: Uint8Array,
  mergeGapFraction = 0.1,
  distinctBins = 5,
): Emission[] {
  if (!active.length || !ems.length) return ems;
  const bin = (hz: number) => (hz - g.startHz) / g.binHz;
  const inView = active.filter((a) => bin(a.centerHz) >= 0 && bin(a.centerHz) < psdLin.length);
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
  // Merge, per assignment: the strongest fragment is the carrier; fragments mirrored about it (FM sidebands, a
  // wireless microphone's Bessel lines) belong to it, and so does anything between them. An interferer has no
  // mirror. Then fragments closer than the gap limit join.
  const owner = (e: Emission) => inView.find((a) => Math.abs(e.centerHz - a.centerHz) <= a.bandwidthHz / 2);
  const groups = new Map<Assignment, Emission[]>();
  const loose: Emission[] = [];
  for (const e of split) {
    const a = owner(e);
    if (!a) loose.push(e);
    else groups.set(a, [...(groups.get(a) ?? []), e]);
  }
  const out: Emission[] = [...loose];
  for (const [a, frs] of groups) {
    if (frs.length === 1) {
      out.push(frs[0]!);
      continue;
    }
    const carrier = frs.reduce((x, y) => (y.peakDbfs > x.peakDbfs ? y : x));
    const c = carrier.centerHz;
    let lo = carrier.startBin;
    let hi = carrier.endBin;
    const tol = 2 * g.binHz;
    // A fragment stays an emission of its own only if it is wide (≥ distinctBins, an NFM interferer is ~8 bins,
    // a Bessel line 2-3) and has no mirror about the carrier; everything else belongs to the carrier.
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
      // Narrow channels (a few tens of bins): only a small gap joins; wide channels: the distinctness test.
      const wide = a.bandwidthHz >= 20 * g.binHz;
      const distinct = wide
        ? !mirror && f.occupiedBandwidthHz >= distinctBins * g.binHz
        : !mirror && gapHz > Math.max(mergeGapFraction * a.bandwidthHz, 3 * g.binHz);
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
