/** rtl_tcp server as a source: firmware-bridge's RtlTcpClient is a TunableIqDevice (reconnects with backoff). */
import type { TunableIqDevice } from '../../firmware-bridge/types.ts';
import { RtlTcpClient } from '../../firmware-bridge/rtltcp/client.ts';

export async function openRtlTcpDevice(
  host: string,
  port: number,
  o: { centerHz?: number; sampleRateHz?: number } = {},
): Promise<TunableIqDevice> {
  return RtlTcpClient.connect({ host, port, centerHz: o.centerHz, sampleRateHz: o.sampleRateHz });
}
