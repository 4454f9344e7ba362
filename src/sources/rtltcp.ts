/** rtl_tcp client as a TunableIqDevice, from firmware-bridge/rtltcp when present. */
import type { TunableIqDevice } from '../../firmware-bridge/types.ts';
import { ConfigError } from '../errors.ts';

export async function openRtlTcpDevice(host: string, port: number): Promise<TunableIqDevice> {
  const path = '../../firmware-bridge/rtltcp/client.ts';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch {
    throw new ConfigError('BW_ERR_INPUT', 'the rtl_tcp client is not available in this build', { field: '--input' });
  }
  const cls = (mod.RtlTcpClient ?? mod.RtlTcpDevice) as
    | { connect?: (h: string, p: number) => Promise<TunableIqDevice>; open?: (o: unknown) => Promise<TunableIqDevice> }
    | undefined;
  if (cls?.connect) return cls.connect(host, port);
  if (cls?.open) return cls.open({ host, port });
  throw new ConfigError('BW_ERR_INPUT', 'the rtl_tcp client module has no connect()', { field: '--input' });
}
