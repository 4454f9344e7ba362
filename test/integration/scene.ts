/**
 * Small seeded dsp/synth scenes rendered to cu8 SigMF recordings for the integration tests.
 */
import { writeFileSync } from 'node:fs';
import { Scene, type EmitterSpec } from '../../dsp/synth/index.ts';
import { venueScene } from '../../dsp/synth/venue.ts';

export const RATE_HZ = 2_400_000;
export const CENTER_HZ = 446_000_000;

/** Renders `durationS` of a scene at CENTER_HZ / RATE_HZ as cu8. */
export function renderScene(emitters: EmitterSpec[], durationS: number, seed = 7): Uint8Array {
  const scene = new Scene({ seed, noiseDbfsPerHz: -100, emitters });
  const count = Math.round(durationS * RATE_HZ);
  const out = new Uint8Array(2 * count);
  const step = 1 << 18;
  for (let s = 0; s < count; s += step) {
    const n = Math.min(step, count - s);
    scene.renderCu8(
      { centerHz: CENTER_HZ, sampleRateHz: RATE_HZ, startSample: s, count: n },
      out.subarray(2 * s, 2 * (s + n)),
    );
  }
  return out;
}

/** Writes `<base>.sigmf-meta/-data` holding `data` (cu8 at CENTER_HZ, RATE_HZ); returns the meta path. */
export function writeRecording(
  base: string,
  data: Uint8Array,
  startIso = '2026-05-01T09:00:00.000Z',
  centerHz = CENTER_HZ,
): string {
  writeFileSync(`${base}.sigmf-data`, data);
  const meta = {
    global: { 'core:datatype': 'cu8', 'core:version': '1.2.0', 'core:sample_rate': RATE_HZ },
    captures: [{ 'core:sample_start': 0, 'core:frequency': centerHz, 'core:datetime': startIso }],
    annotations: [],
  };
  writeFileSync(`${base}.sigmf-meta`, JSON.stringify(meta));
  return `${base}.sigmf-meta`;
}

/** Renders `durationS` of the demo venue (dsp/synth venueScene, schedule sped up by 1/timeScale) around `centerHz`. */
export function renderVenue(centerHz: number, durationS: number, timeScale: number): Uint8Array {
  const scene = venueScene({ timeScale });
  const count = Math.round(durationS * RATE_HZ);
  const out = new Uint8Array(2 * count);
  const step = 1 << 18;
  for (let s = 0; s < count; s += step) {
    const n = Math.min(step, count - s);
    scene.renderCu8({ centerHz, sampleRateHz: RATE_HZ, startSample: s, count: n }, out.subarray(2 * s, 2 * (s + n)));
  }
  return out;
}
