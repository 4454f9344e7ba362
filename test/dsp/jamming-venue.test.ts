/**
 * The venue's microphone cluster (dsp/synth/venue.ts, licensed traffic only) through the real chain: what the
 * venue evaluation's licensed-only control sees, minus the pipeline's alarm logic.
 */
import { describe, expect, it } from 'vitest';
import { VENUE_CLUSTERS, venueAssignments, venueScene } from '../../dsp/synth/venue.ts';
import type { JammerDetection } from '../../dsp/types.ts';
import { runChain } from './jamming-scenes.ts';

const licensed = venueAssignments().map((a) => ({
  startHz: a.centerHz - a.bandwidthHz / 2,
  stopHz: a.centerHz + a.bandwidthHz / 2,
}));

describe('venue, licensed only (real chain, venue schedule at 0.25×)', () => {
  it("MIC-07's syllable rhythm up to its PTT release (scene 105–120.5 s) is not a pulse jammer", () => {
    // MIC-07 (471.625 MHz) talks with the synth's 0.25 s syllables until its PTT release at ≈ 118.98 s. The 75 kHz
    // segment 471.525–471.600 MHz (its lower skirt) drops for one spectrum at each syllable boundary (deviation
    // collapses onto the carrier, next segment): a perfectly regular 0.25 s "keying" whose off phases sit 6–8 dB
    // over the floor with the channel's total power unchanged. Before the per-cycle on/off test the smoothed off
    // level decayed to the floor after the release while the syllable edges were still remembered: `pulse`
    // 471.525–471.599 MHz, period 0.249 s, duty 0.85 at 119.14–119.25 s.
    const pulses: JammerDetection[] = [];
    const r = runChain({
      scene: venueScene({ quiet: true, timeScale: 0.25 }),
      centerHz: 471e6,
      startS: 105,
      durationS: 15.5,
      jamming: { licensedChannels: licensed },
      onDetections: (_t, found) => {
        for (const d of found) if (d.type === 'pulse') pulses.push({ ...d, detail: { ...d.detail } });
      },
    });
    expect(r.spectra).toBeGreaterThan(15 * 30);
    expect(pulses).toEqual([]);
    expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
  }, 60_000);

  it('the PMR and FM clusters, licensed only (20 s each) → no jamming of any type', () => {
    for (const c of VENUE_CLUSTERS.filter((x) => x.id !== 'mic')) {
      const r = runChain({
        scene: venueScene({ quiet: true, timeScale: 0.25 }),
        centerHz: c.centerHz,
        startS: 40,
        durationS: 20,
        jamming: { licensedChannels: licensed },
      });
      expect(r.spectra).toBeGreaterThan(20 * 30);
      expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
    }
  }, 60_000);
});
