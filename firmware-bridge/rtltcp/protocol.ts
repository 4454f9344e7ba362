/**
 * The rtl_tcp wire protocol (osmocom rtl_tcp.c): the server sends a 12-byte header once — "RTL0", the tuner type
 * and the gain count as big-endian uint32 — then raw cu8 IQ. The client sends 5-byte commands: a code byte and a
 * big-endian 32-bit parameter. TCP may split either anywhere; the parsers here accept any split.
 */
import { TUNER_ENUM, type TunerType } from '../types.ts';
import { RtlTcpError, RtlTcpHeaderError } from './errors.ts';

export const RTLTCP_MAGIC = 'RTL0';
export const RTLTCP_HEADER_BYTES = 12;
export const RTLTCP_COMMAND_BYTES = 5;
/** rtl_tcp's default port. */
export const RTLTCP_DEFAULT_PORT = 1234;

/** Command codes 0x01–0x0e (osmocom 2.0.2 has no others). */
export const RtlTcpCommand = {
  SET_FREQUENCY: 0x01,
  SET_SAMPLE_RATE: 0x02,
  SET_GAIN_MODE: 0x03,
  SET_GAIN: 0x04,
  SET_FREQ_CORRECTION: 0x05,
  SET_IF_GAIN: 0x06,
  SET_TEST_MODE: 0x07,
  SET_AGC_MODE: 0x08,
  SET_DIRECT_SAMPLING: 0x09,
  SET_OFFSET_TUNING: 0x0a,
  SET_RTL_XTAL: 0x0b,
  SET_TUNER_XTAL: 0x0c,
  SET_GAIN_BY_INDEX: 0x0d,
  SET_BIAS_TEE: 0x0e,
} as const;
export type RtlTcpCommandCode = (typeof RtlTcpCommand)[keyof typeof RtlTcpCommand];

const COMMAND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(RtlTcpCommand).map(([k, v]) => [v, k.toLowerCase()]),
);

/** Name of a command code ("set_frequency"), or "unknown(0xNN)". */
export function commandName(code: number): string {
  return COMMAND_NAMES[code] ?? `unknown(0x${code.toString(16).padStart(2, '0')})`;
}

export interface RtlTcpHeader {
  /** librtlsdr tuner enum value (5 = R820T, 6 = R828D). */
  tunerEnum: number;
  tunerType: TunerType;
  gainCount: number;
}

/** The 12-byte header a server sends on accept. */
export function encodeHeader(tunerType: TunerType, gainCount: number): Uint8Array {
  const b = Buffer.alloc(RTLTCP_HEADER_BYTES);
  b.write(RTLTCP_MAGIC, 0, 'latin1');
  b.writeUInt32BE(TUNER_ENUM[tunerType], 4);
  b.writeUInt32BE(gainCount >>> 0, 8);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const TUNER_BY_ENUM = new Map<number, TunerType>(Object.entries(TUNER_ENUM).map(([k, v]) => [v, k as TunerType]));

/**
 * Parses a 12-byte header. Throws RtlTcpHeaderError naming the bytes when the magic is wrong, the tuner enum is
 * not one librtlsdr knows, or the gain count is implausible (> 255).
 */
export function parseHeader(bytes: Uint8Array, where = 'rtl_tcp header'): RtlTcpHeader {
  if (bytes.length < RTLTCP_HEADER_BYTES) {
    throw new RtlTcpHeaderError(bytes, `header needs ${RTLTCP_HEADER_BYTES} bytes`, where);
  }
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, RTLTCP_HEADER_BYTES);
  if (b.toString('latin1', 0, 4) !== RTLTCP_MAGIC) {
    throw new RtlTcpHeaderError(b, 'magic is not "RTL0" (not an rtl_tcp server?)', where);
  }
  const tunerEnum = b.readUInt32BE(4);
  const gainCount = b.readUInt32BE(8);
  const tunerType = TUNER_BY_ENUM.get(tunerEnum);
  if (tunerType === undefined) throw new RtlTcpHeaderError(b, `unknown tuner type ${tunerEnum}`, where);
  if (gainCount > 255) throw new RtlTcpHeaderError(b, `implausible gain count ${gainCount}`, where);
  return { tunerEnum, tunerType, gainCount };
}

/**
 * Encodes a command. `param` is a uint32, or a negative int32 (frequency correction) sent in two's complement.
 * Throws RtlTcpError (BW_ERR_RTLTCP_COMMAND) for a code outside 0..255 or a parameter outside int32/uint32.
 */
export function encodeCommand(code: number, param: number): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) {
    throw new RtlTcpError('BW_ERR_RTLTCP_COMMAND', `command code ${code} is not a byte`, { field: 'code' });
  }
  if (!Number.isInteger(param) || param < -0x80000000 || param > 0xffffffff) {
    throw new RtlTcpError(
      'BW_ERR_RTLTCP_COMMAND',
      `parameter ${param} of ${commandName(code)} is not a 32-bit integer`,
      {
        field: 'param',
      },
    );
  }
  const b = new Uint8Array(RTLTCP_COMMAND_BYTES);
  b[0] = code;
  const u = param >>> 0;
  b[1] = u >>> 24;
  b[2] = (u >>> 16) & 0xff;
  b[3] = (u >>> 8) & 0xff;
  b[4] = u & 0xff;
  return b;
}

export interface DecodedCommand {
  code: number;
  /** Parameter as uint32 (what ntohl gives). */
  param: number;
  /** Same bits as int32 (frequency correction is signed). */
  signedParam: number;
  /** Byte offset of the command in the stream. */
  offset: number;
}

/** Reassembles 5-byte commands from a TCP byte stream split anywhere. */
export class CommandParser {
  private readonly buf = new Uint8Array(RTLTCP_COMMAND_BYTES);
  private have = 0;
  private offset = 0;

  /** Feeds bytes; returns the commands completed by them, in order. */
  push(chunk: Uint8Array): DecodedCommand[] {
    const out: DecodedCommand[] = [];
    for (let i = 0; i < chunk.length; i++) {
      this.buf[this.have++] = chunk[i] as number;
      if (this.have === RTLTCP_COMMAND_BYTES) {
        const b = this.buf;
        const param =
          (((b[1] as number) << 24) | ((b[2] as number) << 16) | ((b[3] as number) << 8) | (b[4] as number)) >>> 0;
        out.push({ code: b[0] as number, param, signedParam: param | 0, offset: this.offset });
        this.offset += RTLTCP_COMMAND_BYTES;
        this.have = 0;
      }
    }
    return out;
  }

  /** Bytes of an incomplete command waiting for the rest. */
  get pendingBytes(): number {
    return this.have;
  }
}

/** Collects the 12 header bytes from a stream split anywhere; returns the rest once complete. */
export class HeaderReader {
  private readonly buf = new Uint8Array(RTLTCP_HEADER_BYTES);
  private have = 0;

  /** Returns undefined until 12 bytes have arrived, then the header bytes and any bytes after them. */
  push(chunk: Uint8Array): { header: Uint8Array; rest: Uint8Array } | undefined {
    const take = Math.min(RTLTCP_HEADER_BYTES - this.have, chunk.length);
    this.buf.set(chunk.subarray(0, take), this.have);
    this.have += take;
    if (this.have < RTLTCP_HEADER_BYTES) return undefined;
    return { header: this.buf, rest: chunk.subarray(take) };
  }

  /** Bytes received so far (for an error when the peer closes early). */
  received(): Uint8Array {
    return this.buf.slice(0, this.have);
  }
}
