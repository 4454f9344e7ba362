/**
 * Channel occupancy per assignment (ITU-R SM.1880 frequency channel occupancy): each spectrum in which the
 * assignment was measured is a revisit; it counts as occupied when any bin in the channel exceeded the CFAR
 * threshold. Channel power is averaged linearly. Flushed every integration period into ChannelMeasurements.
 */
import type { ChannelMeasurement } from '../storage/schema.ts';
import type { BandReading } from '../pipeline/spectral.ts';

interface Acc {
  revisits: number;
  occupied: number;
  sumLin: number;
  maxDbfs: number;
  lastRevisitMs: number;
  maxGapMs: number;
}

export class OccupancyAccumulator {
  private acc = new Map<string, Acc>();
  private periodStartMs = NaN;

  constructor(
    private readonly sensorId: string,
    private readonly rbwHz: () => number,
    private readonly thresholdMethod = 'cfar-known-pfa',
  ) {}

  add(timeMs: number, bands: readonly BandReading[]): void {
    if (Number.isNaN(this.periodStartMs)) this.periodStartMs = timeMs;
    for (const b of bands) {
      let a = this.acc.get(b.assignmentId);
      if (!a)
        this.acc.set(
          b.assignmentId,
          (a = { revisits: 0, occupied: 0, sumLin: 0, maxDbfs: -Infinity, lastRevisitMs: NaN, maxGapMs: 0 }),
        );
      a.revisits++;
      if (b.occupied) a.occupied++;
      a.sumLin += 10 ** (b.channelPowerDbfs / 10);
      a.maxDbfs = Math.max(a.maxDbfs, b.channelPowerDbfs);
      if (!Number.isNaN(a.lastRevisitMs)) a.maxGapMs = Math.max(a.maxGapMs, timeMs - a.lastRevisitMs);
      a.lastRevisitMs = timeMs;
    }
  }

  /** Current occupancy (0..1) per assignment in the running period. */
  snapshot(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [id, a] of this.acc) m.set(id, a.revisits ? a.occupied / a.revisits : 0);
    return m;
  }

  /** Close the period at `timeMs`: one measurement per assignment seen. */
  flush(timeMs: number, thresholdDbfs = NaN): ChannelMeasurement[] {
    const out: ChannelMeasurement[] = [];
    const integrationS = Number.isNaN(this.periodStartMs) ? 0 : (timeMs - this.periodStartMs) / 1000;
    for (const [id, a] of this.acc) {
      if (!a.revisits) continue;
      out.push({
        sensorId: this.sensorId,
        assignmentId: id,
        timeMs,
        channelPowerDbfs: 10 * Math.log10(a.sumLin / a.revisits),
        maxChannelPowerDbfs: a.maxDbfs,
        occupancyPct: (100 * a.occupied) / a.revisits,
        thresholdMethod: this.thresholdMethod,
        thresholdDbfs: Number.isFinite(thresholdDbfs) ? thresholdDbfs : 0,
        integrationS,
        rbwHz: this.rbwHz(),
        revisits: a.revisits,
        occupiedRevisits: a.occupied,
        maxRevisitS: a.maxGapMs / 1000,
      });
    }
    this.acc.clear();
    this.periodStartMs = timeMs;
    return out;
  }
}
