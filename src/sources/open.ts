/**
 * Opening a source from an `--input` spec: `rtltcp://HOST:PORT`, `usb[:SERIAL]`, `virtual[:SCENE]`, or a SigMF
 * path. The firmware-bridge modules load lazily so `analyze` of a recording never touches USB.
 */
import { ConfigError } from '../errors.ts';
import type { Source } from '../types.ts';
import { DeviceSource } from './device-source.ts';
import { SigmfSource } from './sigmf-source.ts';
import { openVirtualDevice } from './virtual.ts';
import { openUsbDevice } from './usb.ts';
import { openRtlTcpDevice } from './rtltcp.ts';

export interface LiveInputOptions {
  centerHz?: number;
  sampleRateHz?: number;
  /** dB or 'auto'. */
  gain?: number | 'auto';
  ppm?: number;
  id?: string;
  /** Virtual venue time scale (1 = real time schedule). */
  timeScale?: number;
  /** Virtual venue cluster to watch (mic, pmr, fm). */
  cluster?: 'mic' | 'pmr' | 'fm';
  /** Virtual dongle serial / USB port (several virtual sensors). */
  serial?: string;
  port?: number;
}

export type InputSpec =
  | { kind: 'rtltcp'; host: string; port: number }
  | { kind: 'usb'; serial?: string }
  | { kind: 'virtual'; scene?: string }
  | { kind: 'sigmf'; path: string };

export const DEFAULT_SAMPLE_RATE_HZ = 2_400_000;

export function parseInputSpec(input: string): InputSpec {
  if (input.startsWith('rtltcp://')) {
    const m = /^rtltcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(input);
    if (!m) throw new ConfigError('BW_ERR_INPUT', `'${input}' is not rtltcp://HOST:PORT`, { field: '--input' });
    const port = m[2] ? Number(m[2]) : 1234;
    if (port < 1 || port > 65535)
      throw new ConfigError('BW_ERR_INPUT', `port ${port} out of range`, { field: '--input' });
    return { kind: 'rtltcp', host: m[1]!, port };
  }
  if (input === 'usb' || input.startsWith('usb:')) return { kind: 'usb', serial: input.slice(4) || undefined };
  if (input === 'virtual' || input.startsWith('virtual:'))
    return { kind: 'virtual', scene: input.slice(8) || undefined };
  return { kind: 'sigmf', path: input };
}

export function isLiveInput(input: string): boolean {
  return parseInputSpec(input).kind !== 'sigmf';
}

/** Open a live source (usb, virtual, rtltcp) or a 1× SigMF replay. */
export async function openLiveInput(input: string, o: LiveInputOptions = {}): Promise<Source> {
  const spec = parseInputSpec(input);
  const sampleRateHz = o.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ;
  const id = o.id ?? spec.kind;
  switch (spec.kind) {
    case 'sigmf':
      return SigmfSource.create(id, spec.path, 1);
    case 'virtual': {
      const v = await openVirtualDevice(spec.scene, {
        timeScale: o.timeScale,
        cluster: o.cluster,
        serial: o.serial,
        port: o.port,
      });
      return DeviceSource.create(v.device, {
        id,
        kind: 'virtual',
        description: v.description,
        centerHz: o.centerHz ?? v.defaultCenterHz,
        sampleRateHz,
        gain: o.gain ?? v.defaultGainDb,
        ppm: o.ppm,
      });
    }
    case 'usb': {
      const device = await openUsbDevice(spec.serial);
      if (o.centerHz === undefined)
        throw new ConfigError('BW_ERR_INPUT', 'a USB dongle needs --center-hz', { field: '--center-hz' });
      return DeviceSource.create(device, {
        id,
        kind: 'usb',
        centerHz: o.centerHz,
        sampleRateHz,
        gain: o.gain,
        ppm: o.ppm,
      });
    }
    case 'rtltcp': {
      if (o.centerHz === undefined)
        throw new ConfigError('BW_ERR_INPUT', 'an rtl_tcp source needs --center-hz', { field: '--center-hz' });
      const device = await openRtlTcpDevice(spec.host, spec.port, { centerHz: o.centerHz, sampleRateHz });
      return DeviceSource.create(device, {
        id,
        kind: 'rtltcp',
        description: `rtl_tcp ${spec.host}:${spec.port}`,
        centerHz: o.centerHz,
        sampleRateHz,
        gain: o.gain,
        ppm: o.ppm,
      });
    }
  }
}
