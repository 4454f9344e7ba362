/**
 * The simulated venue: firmware-bridge's register-level virtual dongle, driven by the real RtlSdr driver,
 * hearing the dsp/synth venue scene (scenes: `venue` with staged events, `venue-quiet` licensed traffic only,
 * `tone` a couple of test tones).
 */
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import type { TunableIqDevice } from '../../firmware-bridge/types.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import { SceneSource } from '../../firmware-bridge/virtual/scene-source.ts';
import { ToneTestSource, type IqSignalSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { REFERENCE_TUNER_GAIN_DB, VENUE_CLUSTERS, venueScene } from '../../dsp/synth/venue.ts';
import { ConfigError } from '../errors.ts';

export interface VirtualOptions {
  /** Venue schedule time scale (0.1 = ten times faster). */
  timeScale?: number;
  serial?: string;
  /** Bus port, so several virtual dongles have distinct USB paths. */
  port?: number;
  seed?: number;
  /** Which venue cluster this dongle watches by default (mic, pmr, fm). */
  cluster?: (typeof VENUE_CLUSTERS)[number]['id'];
  /**
   * Virtual dongle render-cache loop, complex samples; 0 renders every sample live. Default: 0 for the venue
   * scenes, the dongle's 2^20 for `tone`. See VENUE_LOOP_SAMPLES.
   */
  loopSamples?: number;
}

/**
 * Venue scenes render live (no loop). A 2^20-sample loop (0.437 s at 2.4 MS/s) repeats the same noise and
 * modulation every 0.437 s, an artificial periodicity the detectors can lock onto (pulse-like envelopes, identical
 * noise realisations in the averaged spectra); a loop long enough to hide it (seconds) would cost tens of MiB per
 * dongle and still be cut at every scene change. Measured with `npm start` (3 dongles + console, CPU time of the
 * process over 60 s after a 10 s warm-up, 2-core box under load): 30 % of one core with the 2^20 loop, 50 % with
 * live rendering, i.e. ≈ 7 % of a core per dongle for signals without artificial periodicity.
 */
export const VENUE_LOOP_SAMPLES = 0;

export interface OpenedVirtual {
  device: TunableIqDevice;
  defaultCenterHz: number;
  /** Gain at which the scene's dBFS levels hold, dB. */
  defaultGainDb: number;
  description: string;
}

export const VIRTUAL_SCENES = ['venue', 'venue-quiet', 'tone'] as const;

const sources = new Map<string, IqSignalSource>();

/** One scene per (name, time scale, seed), shared by every virtual dongle so they hear the same venue. */
function sceneSource(name: string, o: VirtualOptions): IqSignalSource {
  const key = `${name}|${o.timeScale ?? 1}|${o.seed ?? ''}`;
  let s = sources.get(key);
  if (s) return s;
  if (name === 'venue' || name === 'venue-quiet') {
    s = new SceneSource(venueScene({ timeScale: o.timeScale, seed: o.seed, quiet: name === 'venue-quiet' }));
  } else if (name === 'tone') {
    s = new ToneTestSource();
  } else {
    throw new ConfigError('BW_ERR_INPUT', `unknown virtual scene '${name}' (known: ${VIRTUAL_SCENES.join(', ')})`, {
      field: '--input',
    });
  }
  sources.set(key, s);
  return s;
}

export async function openVirtualDevice(scene: string | undefined, o: VirtualOptions = {}): Promise<OpenedVirtual> {
  const name = scene ?? 'venue';
  const source = sceneSource(name, o);
  const cluster = VENUE_CLUSTERS.find((c) => c.id === (o.cluster ?? 'pmr')) ?? VENUE_CLUSTERS[0];
  const serial = o.serial ?? '00000001';
  const loopSamples = o.loopSamples ?? (name === 'tone' ? undefined : VENUE_LOOP_SAMPLES);
  const dongle = new VirtualRtlSdr({ source, serial, ports: [o.port ?? 1], loopSamples });
  const device = await RtlSdr.open(dongle);
  return {
    device,
    defaultCenterHz: name === 'tone' ? 100.1e6 : cluster.centerHz,
    defaultGainDb: REFERENCE_TUNER_GAIN_DB,
    description: `virtual dongle ${serial} (scene ${name})`,
  };
}
