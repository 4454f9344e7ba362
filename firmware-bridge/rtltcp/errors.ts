/**
 * Typed errors of the rtl_tcp client and server. Codes are stable; `location.offset` is the byte offset in the
 * TCP stream where the problem was seen.
 */
import { BridgeError, type BridgeErrorLocation as ErrorLocation } from '../bridge-error.ts';

export const RTLTCP_ERROR_CODES = {
  BW_ERR_RTLTCP_HEADER: 'the server did not start with a valid 12-byte rtl_tcp header ("RTL0", tuner, gain count)',
  BW_ERR_RTLTCP_CONNECT: 'the TCP connection to the rtl_tcp server failed or closed before the header',
  BW_ERR_RTLTCP_COMMAND: 'a command could not be encoded (code or parameter out of range)',
  BW_ERR_RTLTCP_CLOSED: 'the client was used after close()',
} as const;

export type RtlTcpErrorCode = keyof typeof RTLTCP_ERROR_CODES;

export class RtlTcpError extends BridgeError {
  constructor(code: RtlTcpErrorCode, message: string, location?: ErrorLocation, options?: { cause?: unknown }) {
    super(code, message, location, options);
  }
}

/** A malformed header: names the bytes received so a user can see what answered (an HTTP server, garbage...). */
export class RtlTcpHeaderError extends RtlTcpError {
  readonly received: Uint8Array;
  constructor(received: Uint8Array, why: string, where: string) {
    const hex = Buffer.from(received).toString('hex').replace(/(..)/g, '$1 ').trim();
    const ascii = Buffer.from(received)
      .toString('latin1')
      .replace(/[^\x20-\x7e]/g, '.');
    super('BW_ERR_RTLTCP_HEADER', `${where}: ${why}; received ${received.length} byte(s): ${hex} ("${ascii}")`, {
      offset: 0,
    });
    this.received = received.slice();
  }
}
