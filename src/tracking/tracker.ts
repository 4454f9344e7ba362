/**
 * Emission tracker: turns per-spectrum detections into emissions followed over time.
 *
 * - Onset needs persistence: `confirmHits` detections within the last `confirmWindow` spectra and at least
 *   `minDurationMs` between the first and the latest hit (this is what keeps noise-only input below one false
 *   emission per sensor-hour, see docs/engine.md for the budget).
 * - A confirmed emission survives gaps shorter than `hangTimeMs` (PTT traffic, fades); each re-appearance after a
 *   gap of at least `burstGapMs` counts as one more burst.
 * - Ids are stable for the life of an emission and deterministic (`<sensor>-e<n>`), so replays are repeatable.
 */
import type { Emission } from '../../dsp/types.ts';
import type { EmissionClass, TrackedEmission } from '../types.ts';

export interface TrackerOptions {
  sensorId: string;
  /** Hits needed to confirm a candidate. Default 3. */
  confirmHits?: number;
  /** ...within this many consecutive spectra. Default 5. */
  confirmWindow?: number;
  /** Minimum time between first and confirming hit, ms. Default 50. */
  minDurationMs?: number;
  /** A confirmed emission ends after this long without a detection, ms. Default 1000. */
  hangTimeMs?: number;
  /** A gap at least this long (ms) followed by a re-appearance counts as a new burst. Default 150. */
  burstGapMs?: number;
  /** Detections whose centres are within max(this many bins, half the emission bandwidth) belong together. Default 3. */
  associateBins?: number;
  /** Relative change of centre/bandwidth that counts as "changed" for an update event (fraction of bandwidth). Default 0.25. */
  changeFraction?: number;
  /** Exponential smoothing factor per spectrum of centre, bandwidth and SNR once the running mean is done. Default 0.05. */
  smoothing?: number;
  /** Same for channel power (short window: over-power must show within 1 s). Default 0.25. */
  powerSmoothing?: number;
  /** A detection joins a track only if their bandwidths are at most this factor apart (each ≥ associateBins). Default 4. */
  maxWidthRatio?: number;
}

export type TrackEvent = { phase: 'start' | 'update' | 'end'; emission: TrackedEmission };

interface Track {
  em: TrackedEmission;
  confirmed: boolean;
  /** Spectrum sequence numbers of recent hits (candidates only). */
  hitSeqs: number[];
  lastSeq: number;
  /** Time the most recent spectrum that contained it ended, ms. */
  lastEndMs: number;
  /** Hits from the fast path (0 = a weak emission seen only by the slow path). */
  fastHits: number;
  /** Hits so far (the smoothing runs as a plain mean while it is young). */
  n: number;
  /** Smoothed channel power, linear (exponential, {@link TrackerOptions.powerSmoothing}). */
  powerLin: number;
  /** Slow channel power average, linear (~1.4 s), the reference for power steps. */
  slowPowerLin: number;
  reportedCenterHz: number;
  reportedBwHz: number;
  /** Mean of per-spectrum OBWs, Hz (exponential): association and the estimate until the average spectrum has enough. */
  bwMeanHz: number;
  /** Averaged above-floor power per bin around the emission (linear), or null before the first fast-path hit. */
  lt: Float64Array | null;
  /** Absolute bin index (RF Hz / bin width) of lt[0]. */
  ltBase: number;
  /** Spectra averaged into lt. */
  ltN: number;
  /** Effective frames per averaged spectrum (for the noise of lt). */
  ltFrames: number;
  /** 99 % OBW of lt, Hz, as of its last update (lt changes only in accumulate). */
  ltObwHz: number;
  /** Since when an established track has been seen much wider than its average (WIDE_FACTOR), ms (null: not). */
  wideSinceMs: number | null;
}

/** Averaging of a track's own spectrum: running mean, then exponential over ~40 spectra (≈ 1.1 s at 2.4 MS/s). */
const LT_ALPHA = 1 / 40;
/** The averaged spectrum's OBW is reported once this many spectra are in it (≈ 0.2 s). */
const LT_MIN_SPECTRA = 8;
/** Emissions narrower than this many bins (per-spectrum mean) keep the mean of per-spectrum OBWs. */
const LT_MIN_BINS = 5;
/** How long a sudden widening of an established track's width is kept out of its average, ms. */
const WIDE_GRACE_MS = 800;
/** ...a widening by more than this factor (a talker's instantaneous OBW stays below his average). */
const WIDE_FACTOR = 1.5;
/** Bins a track's averaged spectrum may span (beyond: restarted on the current extent). */
const LT_MAX_BINS = 8192;

export interface SpectrumDetections {
  /** Time of the first sample of the spectrum, ms. */
  timeMs: number;
  /** Duration the spectrum covers, ms. */
  durationMs: number;
  binHz: number;
  emissions: readonly Emission[];
  /**
   * Emissions at this index and after come from the slow (long-average) path: they can start and sustain an
   * emission of their own but never prolong one the fast path saw, whose end would otherwise lag by the
   * averaging time.
   */
  weakFrom?: number;
  /**
   * The spectrum the emissions were cut from (linear power per bin, full-scale), its noise floor per bin (same
   * units) and the RF frequency of its bin 0, Hz. With them each track keeps its own averaged spectrum and reports
   * the 99 % occupied bandwidth of that average (ITU-R SM.443: the OBW of the spectrum over the measurement time),
   * not the mean of per-spectrum OBWs, which reads voice FM 10-25 % narrow: in one 27 ms spectrum a talker only
   * sweeps part of his deviation.
   */
  psdLin?: Float32Array;
  floorLin?: Float32Array;
  startHz?: number;
  /** Effective number of averaged frames in that spectrum (sets the noise of the average). Default 16. */
  effectiveFrames?: number;
}

/**
 * Callback deciding the assignment of an emission (and its class until a classifier reports); the pipeline
 * provides it from the plan in force.
 */
export type AssignmentResolver = (centerHz: number, bandwidthHz: number, timeMs: number) => string | null;

export class EmissionTracker {
  private readonly o: Required<TrackerOptions>;
  private tracks: Track[] = [];
  private seq = 0;
  private nextId = 1;

  constructor(
    opts: TrackerOptions,
    private readonly resolveAssignment: AssignmentResolver = () => null,
  ) {
    this.o = {
      confirmHits: 3,
      confirmWindow: 5,
      minDurationMs: 50,
      hangTimeMs: 1000,
      burstGapMs: 150,
      associateBins: 3,
      changeFraction: 0.25,
      smoothing: 0.05,
      powerSmoothing: 0.25,
      maxWidthRatio: 4,
      ...opts,
    };
  }

  /** Active (confirmed, not ended) emissions. */
  active(): TrackedEmission[] {
    return this.tracks.filter((t) => t.confirmed).map((t) => t.em);
  }

  /** Feed one spectrum's detections; returns the start/update/end events it caused, in order. */
  update(d: SpectrumDetections): TrackEvent[] {
    const events: TrackEvent[] = [];
    const seq = ++this.seq;
    const endMs = d.timeMs + d.durationMs;
    const used = new Uint8Array(this.tracks.length);
    // Strongest first so a strong emission claims its track before a weak neighbour does.
    const order = d.emissions.map((_, i) => i).sort((a, b) => d.emissions[b]!.snrDb - d.emissions[a]!.snrDb);
    for (const i of order) {
      const e = d.emissions[i]!;
      const weak = d.weakFrom !== undefined && i >= d.weakFrom;
      let best = -1;
      let bestDist = Infinity;
      for (let k = 0; k < this.tracks.length; k++) {
        if (used[k]) continue;
        const t = this.tracks[k]!;
        const tol = Math.max(this.o.associateBins * d.binHz, t.bwMeanHz / 2, e.occupiedBandwidthHz / 2);
        const dist = Math.abs(t.em.centerHz - e.centerHz);
        // A detection more than 4× narrower than an established track is a different emitter (a narrow interferer
        // on a wide microphone), and so is one 4× wider than an established narrow track; a young track may still
        // grow (its first spectra can catch a partial emission).
        const minBw = this.o.associateBins * d.binHz;
        const tw = Math.max(t.bwMeanHz, minBw);
        const ew = Math.max(e.occupiedBandwidthHz, minBw);
        const band = e.occupiedBandwidthHz >= 5 * d.binHz; // a line or a sliver of a moving spectrum may join
        const mismatch = band && (tw > this.o.maxWidthRatio * ew || (t.n >= 10 && ew > this.o.maxWidthRatio * tw));
        if (dist <= tol && dist < bestDist && !mismatch) {
          best = k;
          bestDist = dist;
        }
      }
      if (best >= 0) {
        used[best] = 1;
        const t = this.tracks[best]!;
        if (weak && t.fastHits > 0) continue;
        if (!weak) {
          t.fastHits++;
          this.accumulate(t, e, d);
        }
        const ev = this.hit(t, e, d, seq, endMs);
        if (ev) events.push(ev);
      } else if (this.secondPiece(e, used, d.binHz)) {
        continue;
      } else {
        const t = this.newTrack(e, d, seq, endMs);
        if (!weak) {
          t.fastHits = 1;
          this.accumulate(t, e, d);
        }
        this.tracks.push(t);
      }
    }
    this.mergeTwins(seq, events);
    // Candidates that can no longer reach confirmHits drop silently; confirmed ones end after the hang time.
    const keep: Track[] = [];
    for (const t of this.tracks) {
      if (t.lastSeq === seq) {
        keep.push(t);
        continue;
      }
      if (!t.confirmed) {
        const first = t.hitSeqs[0] ?? seq;
        if (seq - first < this.o.confirmWindow) keep.push(t);
        continue;
      }
      if (endMs - t.lastEndMs >= this.o.hangTimeMs) {
        t.em.endedMs = t.lastEndMs;
        events.push({ phase: 'end', emission: { ...t.em } });
      } else keep.push(t);
    }
    this.tracks = keep;
    return events;
  }

  /**
   * Whether a detection that found no free track is a second piece of an emission already hit in this spectrum: a
   * wide FM spectrum is sometimes cut in two, and each piece would otherwise grow a track of its own and report the
   * same emitter twice. Only a piece of comparable width (≥ half the track's) centred on the track counts: a narrow
   * interferer inside a wide user's band stays an emission of its own.
   */
  private secondPiece(e: Emission, used: Uint8Array, binHz: number): boolean {
    for (let k = 0; k < this.tracks.length; k++) {
      if (!used[k]) continue;
      const t = this.tracks[k]!;
      if (!t.confirmed) continue;
      const near = Math.abs(t.em.centerHz - e.centerHz) <= Math.max(this.o.associateBins * binHz, t.bwMeanHz / 4);
      if (near && e.occupiedBandwidthHz >= 0.5 * t.bwMeanHz) return true;
    }
    return false;
  }

  /**
   * Two confirmed tracks hit lately on the same centre with comparable widths are one emitter seen twice
   * (its spectrum was cut into pieces that each kept a track): the younger ends here, the elder carries on.
   */
  private mergeTwins(seq: number, events: TrackEvent[]): void {
    // Pieces of one spectrum do not all show every time: tracks hit within the last 3 spectra are compared, on
    // their reported (averaged-spectrum) bandwidths, which converge for pieces of one emission.
    const live = this.tracks.filter((t) => t.confirmed && seq - t.lastSeq < 3);
    if (live.length < 2) return;
    const gone = new Map<Track, Track>();
    for (let i = 0; i < live.length; i++) {
      const a = live[i]!;
      if (gone.has(a)) continue;
      for (let j = i + 1; j < live.length; j++) {
        const b = live[j]!;
        if (gone.has(b)) continue;
        const narrow = Math.min(a.em.bandwidthHz, b.em.bandwidthHz);
        const wide = Math.max(a.em.bandwidthHz, b.em.bandwidthHz);
        if (wide > 2 * narrow || Math.abs(a.em.centerHz - b.em.centerHz) > narrow / 4) continue;
        const [elder, younger] = a.em.firstSeenMs <= b.em.firstSeenMs ? [a, b] : [b, a];
        gone.set(younger, elder);
        if (younger === a) break;
      }
    }
    if (gone.size === 0) return;
    for (const [t, into] of gone) {
      t.em.endedMs = t.lastEndMs;
      t.em.mergedIntoId = into.em.id;
      events.push({ phase: 'end', emission: { ...t.em } });
    }
    this.tracks = this.tracks.filter((t) => !gone.has(t));
  }

  /** End every confirmed emission (end of a recording or shutdown). */
  flush(): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const t of this.tracks) {
      if (!t.confirmed) continue;
      t.em.endedMs = t.lastEndMs;
      events.push({ phase: 'end', emission: { ...t.em } });
    }
    this.tracks = [];
    return events;
  }

  /** Apply a classifier result (arrives asynchronously); returns an update event if the emission is still tracked. */
  setClass(emissionId: string, className: EmissionClass, confidence: number): TrackEvent | null {
    const t = this.tracks.find((x) => x.em.id === emissionId);
    if (!t) return null;
    if (t.em.className === className && Math.abs(t.em.confidence - confidence) < 0.05) return null;
    t.em.className = className;
    t.em.confidence = confidence;
    return t.confirmed ? { phase: 'update', emission: { ...t.em } } : null;
  }

  /** Re-resolve assignments (plan changed). Returns update events for emissions whose assignment changed. */
  reassign(timeMs: number): TrackEvent[] {
    const out: TrackEvent[] = [];
    for (const t of this.tracks) {
      const a = this.resolveAssignment(t.em.centerHz, t.em.bandwidthHz, timeMs);
      if (a !== t.em.assignmentId) {
        t.em.assignmentId = a;
        if (t.confirmed) out.push({ phase: 'update', emission: { ...t.em } });
      }
    }
    return out;
  }

  private newTrack(e: Emission, d: SpectrumDetections, seq: number, endMs: number): Track {
    const em: TrackedEmission = {
      id: '',
      sensorId: this.o.sensorId,
      firstSeenMs: d.timeMs,
      lastSeenMs: d.timeMs,
      centerHz: e.centerHz,
      bandwidthHz: e.occupiedBandwidthHz,
      peakDbfs: e.peakDbfs,
      channelPowerDbfs: e.channelPowerDbfs,
      snrDb: e.snrDb,
      className: 'unknown',
      confidence: 0,
      assignmentId: null,
      bursts: 1,
    };
    const t: Track = {
      em,
      confirmed: false,
      fastHits: 0,
      hitSeqs: [seq],
      lastSeq: seq,
      lastEndMs: endMs,
      n: 1,
      powerLin: 10 ** (e.channelPowerDbfs / 10),
      slowPowerLin: 10 ** (e.channelPowerDbfs / 10),
      reportedCenterHz: e.centerHz,
      reportedBwHz: e.occupiedBandwidthHz,
      bwMeanHz: e.occupiedBandwidthHz,
      lt: null,
      ltBase: 0,
      ltN: 0,
      ltFrames: 16,
      ltObwHz: 0,
      wideSinceMs: null,
    };
    if (this.o.confirmHits <= 1 && this.o.minDurationMs <= 0) this.confirm(t, d.timeMs);
    return t;
  }

  private hit(t: Track, e: Emission, d: SpectrumDetections, seq: number, endMs: number): TrackEvent | null {
    const gapMs = d.timeMs - t.lastEndMs;
    if (t.confirmed && gapMs >= this.o.burstGapMs) t.em.bursts++;
    t.lastSeq = seq;
    t.lastEndMs = endMs;
    t.em.lastSeenMs = d.timeMs;
    t.n++;
    // Running mean while young (best estimate), exponential later so a drifting emitter is followed. Centre and
    // bandwidth average over ~0.5 s (20 spectra at 2.4 MS/s): an FM microphone's instantaneous spectrum moves with
    // the audio, and the mask is judged on these. Power follows faster (~0.1 s, linear average) so a user who
    // turns up is reported within a fraction of a second, not after a whole-life mean creeps over the limit.
    const alpha = Math.max(1 / t.n, this.o.smoothing);
    t.em.centerHz += alpha * (e.centerHz - t.em.centerHz);
    t.bwMeanHz += alpha * (e.occupiedBandwidthHz - t.bwMeanHz);
    // Lines and narrow emissions (< 5 bins) are resolution-limited either way; there the per-spectrum mean stays
    // (the averaged spectrum would report the window's main lobe, ~3 bins, for a bare carrier).
    const modulated = t.bwMeanHz >= LT_MIN_BINS * d.binHz && t.ltN >= LT_MIN_SPECTRA;
    t.em.bandwidthHz = modulated ? t.ltObwHz : t.bwMeanHz;
    t.em.snrDb += alpha * (e.snrDb - t.em.snrDb);
    const alphaP = Math.max(1 / t.n, this.o.powerSmoothing);
    t.powerLin += alphaP * (10 ** (e.channelPowerDbfs / 10) - t.powerLin);
    t.em.channelPowerDbfs = 10 * Math.log10(t.powerLin);
    // A step up in power (≥ 3 dB over the ~1.4 s average) is remembered until the slow average has caught up
    // (within 1.5 dB), so rules can tell a sudden rise (a jammer landing on a channel, a user turning up) from a
    // steady level.
    t.slowPowerLin += Math.max(1 / t.n, 0.02) * (10 ** (e.channelPowerDbfs / 10) - t.slowPowerLin);
    if (t.powerLin >= 2 * t.slowPowerLin) t.em.powerStepMs ??= d.timeMs;
    else if (t.powerLin < 1.41 * t.slowPowerLin) delete t.em.powerStepMs;
    if (e.peakDbfs > t.em.peakDbfs) t.em.peakDbfs = e.peakDbfs;
    if (!t.confirmed) {
      t.hitSeqs.push(seq);
      while (t.hitSeqs.length && seq - t.hitSeqs[0]! >= this.o.confirmWindow) t.hitSeqs.shift();
      if (t.hitSeqs.length >= this.o.confirmHits && d.timeMs - t.em.firstSeenMs >= this.o.minDurationMs) {
        this.confirm(t, d.timeMs);
        return { phase: 'start', emission: { ...t.em } };
      }
      return null;
    }
    const moved =
      Math.abs(t.em.centerHz - t.reportedCenterHz) > this.o.changeFraction * Math.max(t.reportedBwHz, d.binHz * 2);
    const resized =
      Math.abs(t.em.bandwidthHz - t.reportedBwHz) > this.o.changeFraction * Math.max(t.reportedBwHz, d.binHz * 2);
    if (moved || resized) {
      t.reportedCenterHz = t.em.centerHz;
      t.reportedBwHz = t.em.bandwidthHz;
      t.em.assignmentId = this.resolveAssignment(t.em.centerHz, t.em.bandwidthHz, d.timeMs);
      return { phase: 'update', emission: { ...t.em } };
    }
    return null;
  }

  /**
   * Add this spectrum's above-floor power over the emission's bins to the track's averaged spectrum (every other bin
   * of it decays: the emission put nothing there this time). Allocates only when a track first gets a spectrum or
   * outgrows its window.
   */
  private accumulate(t: Track, e: Emission, d: SpectrumDetections): void {
    const psd = d.psdLin;
    const floor = d.floorLin;
    if (!psd || !floor || d.startHz === undefined) return;
    // An established emission does not grow half as wide again from one spectrum to the next: something joined it (a
    // barrage swallowing a microphone before it is reported as jamming, a neighbour merging in). Such spectra stay
    // out of its average for up to WIDE_GRACE_MS; a widening that lasts longer is the emission's own.
    if (t.ltN >= 1 / LT_ALPHA && e.occupiedBandwidthHz > WIDE_FACTOR * t.em.bandwidthHz) {
      t.wideSinceMs ??= d.timeMs;
      if (d.timeMs - t.wideSinceMs < WIDE_GRACE_MS) return;
    } else t.wideSinceMs = null;
    const base = Math.round(d.startHz / d.binHz);
    const lo = base + e.startBin;
    const hi = base + e.endBin;
    if (!t.lt || lo < t.ltBase || hi >= t.ltBase + t.lt.length) {
      const from = t.lt ? Math.min(lo, t.ltBase) : lo;
      const to = t.lt ? Math.max(hi, t.ltBase + t.lt.length - 1) : hi;
      const w = to - from + 1;
      const cap = Math.max(64, 2 * w);
      if (cap > LT_MAX_BINS) {
        t.lt = null;
        t.ltN = 0;
        if (hi - lo + 1 > LT_MAX_BINS / 2) return;
        this.accumulate(t, e, d);
        return;
      }
      const grown = new Float64Array(cap);
      const newBase = from - Math.floor((cap - w) / 2);
      if (t.lt) grown.set(t.lt, t.ltBase - newBase);
      t.lt = grown;
      t.ltBase = newBase;
    }
    t.ltN++;
    const a = Math.max(1 / t.ltN, LT_ALPHA);
    const lt = t.lt;
    for (let i = 0; i < lt.length; i++) lt[i]! *= 1 - a;
    const off = base - t.ltBase;
    // In units of the floor (SNR per bin): the noise of the average is then known, 1/√(frames·spectra).
    for (let k = e.startBin; k <= e.endBin; k++) {
      const f = floor[k] ?? 0;
      if (f > 0) lt[k + off]! += (a * ((psd[k] ?? 0) - f)) / f;
    }
    t.ltFrames = Math.max(1, d.effectiveFrames ?? 16);
    t.ltObwHz = averagedObwHz(t, d.binHz);
  }

  private confirm(t: Track, timeMs: number): void {
    t.confirmed = true;
    t.em.id = `${this.o.sensorId}-e${this.nextId++}`;
    t.em.assignmentId = this.resolveAssignment(t.em.centerHz, t.em.bandwidthHz, timeMs);
    t.reportedCenterHz = t.em.centerHz;
    t.reportedBwHz = t.em.bandwidthHz;
  }
}

/**
 * 99 % occupied bandwidth of a track's averaged spectrum, Hz: between the points where the cumulative above-floor
 * power reaches 0.5 % and 99.5 % of the total, interpolated within a bin. The power is in units of the floor under
 * each bin, which is flat enough across one emission for the edges.
 */
function averagedObwHz(t: Track, binHz: number): number {
  const lt = t.lt!;
  // Bins whose average is within 3σ of the floor are noise left over where the emission's extent once reached:
  // counted as nothing, they would widen a weak emission's 99 % band to its whole history.
  const spectra = Math.min(t.ltN, 1 / LT_ALPHA);
  const thr = 3 / Math.sqrt(t.ltFrames * spectra);
  const val = (i: number): number => (lt[i]! > thr ? lt[i]! : 0);
  let total = 0;
  for (let i = 0; i < lt.length; i++) total += val(i);
  if (!(total > 0)) return t.bwMeanHz;
  // Both edges in one pass: where the cumulative power first reaches 0.5 % and 99.5 % of the total.
  const loTarget = 0.005 * total;
  const hiTarget = 0.995 * total;
  let lo = NaN;
  let hi = lt.length;
  let acc = 0;
  for (let i = 0; i < lt.length; i++) {
    const v = val(i);
    if (Number.isNaN(lo) && acc + v >= loTarget) lo = i + (v > 0 ? (loTarget - acc) / v : 0);
    if (acc + v >= hiTarget) {
      hi = i + (v > 0 ? (hiTarget - acc) / v : 0);
      break;
    }
    acc += v;
  }
  return (hi - lo) * binHz;
}
