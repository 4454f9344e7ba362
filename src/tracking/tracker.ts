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
  /** Running sums for the averages. */
  n: number;
  sumCenterHz: number;
  sumBwHz: number;
  sumSnrDb: number;
  sumPowerLin: number;
  /** Smoothed channel power, linear (exponential, {@link TrackerOptions.powerSmoothing}). */
  powerLin: number;
  /** Slow channel power average, linear (~1.4 s), the reference for power steps. */
  slowPowerLin: number;
  reportedCenterHz: number;
  reportedBwHz: number;
}

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
        const tol = Math.max(this.o.associateBins * d.binHz, t.em.bandwidthHz / 2, e.occupiedBandwidthHz / 2);
        const dist = Math.abs(t.em.centerHz - e.centerHz);
        // A detection more than 4× narrower than an established track is a different emitter (a narrow interferer
        // on a wide microphone), and so is one 4× wider than an established narrow track; a young track may still
        // grow (its first spectra can catch a partial emission).
        const minBw = this.o.associateBins * d.binHz;
        const tw = Math.max(t.em.bandwidthHz, minBw);
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
        if (!weak) t.fastHits++;
        const ev = this.hit(t, e, d, seq, endMs);
        if (ev) events.push(ev);
      } else {
        const t = this.newTrack(e, d, seq, endMs);
        if (!weak) t.fastHits = 1;
        this.tracks.push(t);
      }
    }
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
      sumCenterHz: e.centerHz,
      sumBwHz: e.occupiedBandwidthHz,
      sumSnrDb: e.snrDb,
      sumPowerLin: 10 ** (e.channelPowerDbfs / 10),
      powerLin: 10 ** (e.channelPowerDbfs / 10),
      slowPowerLin: 10 ** (e.channelPowerDbfs / 10),
      reportedCenterHz: e.centerHz,
      reportedBwHz: e.occupiedBandwidthHz,
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
    t.sumCenterHz += e.centerHz;
    t.sumBwHz += e.occupiedBandwidthHz;
    t.sumSnrDb += e.snrDb;
    t.sumPowerLin += 10 ** (e.channelPowerDbfs / 10);
    // Running mean while young (best estimate), exponential later so a drifting emitter is followed. Centre and
    // bandwidth average over ~0.5 s (20 spectra at 2.4 MS/s): an FM microphone's instantaneous spectrum moves with
    // the audio, and the mask is judged on these. Power follows faster (~0.1 s, linear average) so a user who
    // turns up is reported within a fraction of a second, not after a whole-life mean creeps over the limit.
    const alpha = Math.max(1 / t.n, this.o.smoothing);
    t.em.centerHz += alpha * (e.centerHz - t.em.centerHz);
    t.em.bandwidthHz += alpha * (e.occupiedBandwidthHz - t.em.bandwidthHz);
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

  private confirm(t: Track, timeMs: number): void {
    t.confirmed = true;
    t.em.id = `${this.o.sensorId}-e${this.nextId++}`;
    t.em.assignmentId = this.resolveAssignment(t.em.centerHz, t.em.bandwidthHz, timeMs);
    t.reportedCenterHz = t.em.centerHz;
    t.reportedBwHz = t.em.bandwidthHz;
  }
}
