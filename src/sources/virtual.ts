/**
 * The simulated venue: firmware-bridge's register-level virtual dongle, driven by the real RtlSdr driver, hearing a
 * `dsp/synth` scene (through firmware-bridge/virtual/scene-source.ts when present) or the bridge's test tones.
 */
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import type { TunableIqDevice } from '../../firmware-bridge/types.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import type { IqSignalSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { ToneTestSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { ConfigError } from '../errors.ts';

export interface VirtualOptions {
  timeScale?: number;
  serial?: string;
  /** Bus port, so several virtual dongles have distinct USB paths. */
  port?: number;
  seed?: number;
}

export interface OpenedVirtual {
  device: TunableIqDevice;
  defaultCenterHz: number;
  description: string;
}

/** A scene-backed signal source if the synth/bridge adapter exists; null otherwise. */
async function sceneSource(
  scene: string,
  o: VirtualOptions,
): Promise<{ source: IqSignalSource; centerHz: number } | null> {
  const path = '../../firmware-bridge/virtual/scene-source.ts';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const make = (mod.venueSource ?? mod.createSceneSource ?? mod.sceneSource) as ((o: unknown) => unknown) | undefined;
  if (typeof make !== 'function') return null;
  const src = make({ scene, timeScale: o.timeScale, seed: o.seed }) as IqSignalSource & { centerHz?: number };
  return { source: src, centerHz: src.centerHz ?? 470e6 };
}

export async function openVirtualDevice(scene: string | undefined, o: VirtualOptions = {}): Promise<OpenedVirtual> {
  const name = scene ?? 'venue';
  let source: IqSignalSource;
  let centerHz: number;
  const s = await sceneSource(name, o);
  if (s) {
    source = s.source;
    centerHz = s.centerHz;
  } else if (name === 'tone' || name === 'venue') {
    // Fallback scene: a few tones around 446 MHz so the chain has something to see.
    source = new ToneTestSource({
      tones: [
        { freqHz: 446.00625e6, levelDbm: -70 },
        { freqHz: 446.5e6, levelDbm: -75 },
      ],
    } as never);
    centerHz = 446.2e6;
  } else {
    throw new ConfigError('BW_ERR_INPUT', `unknown virtual scene '${name}'`, { field: '--input' });
  }
  const dongle = new VirtualRtlSdr({ source, serial: o.serial ?? '00000001', ports: [o.port ?? 1] });
  const device = await RtlSdr.open(dongle);
  return { device, defaultCenterHz: centerHz, description: `virtual dongle ${o.serial ?? '00000001'} (scene ${name})` };
}
