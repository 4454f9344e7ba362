/**
 * The console's binary stream protocol, defined once and shared by the server (src/server) and the browser
 * (web/src). Waterfall rows and spectrum traces travel as binary WebSocket messages with a fixed little-endian
 * header; control and events (alarms, sensors) travel as JSON text (see `messages.ts`).
 *
 * Header, version 1 (all little-endian; payload starts at a 4-byte aligned offset):
 *
 * | offset | type | field |
 * |---|---|---|
 * | 0 | u8 ×2 | magic 'B' 'W' (0x42 0x57) |
 * | 2 | u8 | protocol version (1) |
 * | 3 | u8 | frame type ({@link FrameType}) |
 * | 4 | u32 | sequence number per client stream |
 * | 8 | f64 | line time, ms since epoch |
 * | 16 | f64 | startHz of the first bin's lower edge (absolute RF) |
 * | 24 | f64 | stopHz of the last bin's upper edge |
 * | 32 | f32 | dB range low, dBFS (uint8 0 / unused for float traces) |
 * | 36 | f32 | dB range high, dBFS (uint8 255 / unused for float traces) |
 * | 40 | u32 | bins in the payload |
 * | 44 | u32 | frames dropped for this client since the previous delivered frame |
 * | 48 | u8 | sensor id length n (UTF-8 bytes, ≤ 255) |
 * | 49 | n bytes | sensor id, then zero padding to a multiple of 4 |
 * | P | payload | uint8[bins] / float32[bins] dBFS / int16[bins] centi-dBFS |
 */

export const PROTOCOL_VERSION = 1;
export const MAGIC0 = 0x42;
export const MAGIC1 = 0x57;
/** Fixed part of the header, bytes. */
export const FIXED_HEADER_BYTES = 49;

/** Binary frame types. Values are wire constants: never renumber. */
export enum FrameType {
  /** Waterfall row, uint8 per pixel: dB = low + v/255·(high−low). */
  WaterfallU8 = 1,
  /** Spectrum trace, float32 dBFS per pixel. */
  SpectrumF32 = 2,
  /** Spectrum trace, int16 centi-dBFS per pixel (−327,68 … +327,67 dBFS). */
  SpectrumI16 = 3,
}

export interface FrameHeader {
  version: number;
  type: FrameType;
  seq: number;
  sensorId: string;
  timeMs: number;
  startHz: number;
  stopHz: number;
  lowDbfs: number;
  highDbfs: number;
  bins: number;
  dropped: number;
}

export type DecodedFrame =
  | (FrameHeader & { type: FrameType.WaterfallU8; payload: Uint8Array })
  | (FrameHeader & { type: FrameType.SpectrumF32; payload: Float32Array })
  | (FrameHeader & { type: FrameType.SpectrumI16; payload: Int16Array; /** Converted, dBFS. */ dbfs: Float32Array });

/** Thrown for frames that cannot be decoded; `offset` says where. */
export class FrameDecodeError extends Error {
  readonly code = 'BW_ERR_FRAME_DECODE';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`byte ${offset}: ${message}`);
    this.name = 'FrameDecodeError';
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function bytesPerBin(type: FrameType): number {
  return type === FrameType.WaterfallU8 ? 1 : type === FrameType.SpectrumF32 ? 4 : 2;
}

/** Offset of the payload for a sensor id of `idBytes` UTF-8 bytes. */
export function payloadOffset(idBytes: number): number {
  return (FIXED_HEADER_BYTES + idBytes + 3) & ~3;
}

/** Cache of encoded sensor ids: ids repeat on every frame, so encode each once. */
const idCache = new Map<string, Uint8Array>();
function encodeId(sensorId: string): Uint8Array {
  let b = idCache.get(sensorId);
  if (!b) {
    b = textEncoder.encode(sensorId);
    if (b.length > 255) throw new RangeError(`sensor id longer than 255 bytes: ${sensorId.slice(0, 40)}…`);
    if (idCache.size > 1024) idCache.clear();
    idCache.set(sensorId, b);
  }
  return b;
}

/** Header fields the encoder needs (version and bins are implied). */
export type FrameMeta = Omit<FrameHeader, 'version' | 'type' | 'bins'>;

/**
 * Encode one frame. `payload` is copied after the header; for SpectrumI16 pass float dBFS values and they are
 * rounded to centi-dB and clamped to the int16 range.
 */
export function encodeFrame(type: FrameType, meta: FrameMeta, payload: Uint8Array | Float32Array): Uint8Array {
  const id = encodeId(meta.sensorId);
  const bins = payload.length;
  const off = payloadOffset(id.length);
  const buf = new ArrayBuffer(off + bins * bytesPerBin(type));
  const dv = new DataView(buf);
  const u8 = new Uint8Array(buf);
  u8[0] = MAGIC0;
  u8[1] = MAGIC1;
  u8[2] = PROTOCOL_VERSION;
  u8[3] = type;
  dv.setUint32(4, meta.seq >>> 0, true);
  dv.setFloat64(8, meta.timeMs, true);
  dv.setFloat64(16, meta.startHz, true);
  dv.setFloat64(24, meta.stopHz, true);
  dv.setFloat32(32, meta.lowDbfs, true);
  dv.setFloat32(36, meta.highDbfs, true);
  dv.setUint32(40, bins, true);
  dv.setUint32(44, Math.min(meta.dropped, 0xffffffff) >>> 0, true);
  u8[48] = id.length;
  u8.set(id, FIXED_HEADER_BYTES);
  if (type === FrameType.WaterfallU8) {
    if (!(payload instanceof Uint8Array)) throw new TypeError('WaterfallU8 payload must be a Uint8Array');
    u8.set(payload, off);
  } else if (type === FrameType.SpectrumF32) {
    new Float32Array(buf, off, bins).set(payload);
  } else {
    const out = new Int16Array(buf, off, bins);
    for (let i = 0; i < bins; i++) {
      const c = Math.round((payload[i] ?? 0) * 100);
      out[i] = c > 32767 ? 32767 : c < -32768 ? -32768 : c;
    }
  }
  return u8;
}

/** Decode one binary frame (copying nothing but the I16 → dBFS conversion). */
export function decodeFrame(data: ArrayBuffer | Uint8Array): DecodedFrame {
  const u8 = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (u8.length < FIXED_HEADER_BYTES) throw new FrameDecodeError(`frame too short (${u8.length} bytes)`, 0);
  if (u8[0] !== MAGIC0 || u8[1] !== MAGIC1) throw new FrameDecodeError('bad magic', 0);
  const version = u8[2] as number;
  if (version !== PROTOCOL_VERSION) throw new FrameDecodeError(`unsupported protocol version ${version}`, 2);
  const type = u8[3] as number;
  if (type !== FrameType.WaterfallU8 && type !== FrameType.SpectrumF32 && type !== FrameType.SpectrumI16) {
    throw new FrameDecodeError(`unknown frame type ${type}`, 3);
  }
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const bins = dv.getUint32(40, true);
  const idLen = u8[48] as number;
  const off = payloadOffset(idLen);
  const need = off + bins * bytesPerBin(type);
  if (u8.length < need) throw new FrameDecodeError(`truncated: need ${need} bytes, have ${u8.length}`, u8.length);
  let sensorId: string;
  try {
    sensorId = textDecoder.decode(u8.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + idLen));
  } catch {
    throw new FrameDecodeError('sensor id is not UTF-8', FIXED_HEADER_BYTES);
  }
  const header: FrameHeader = {
    version,
    type,
    seq: dv.getUint32(4, true),
    timeMs: dv.getFloat64(8, true),
    startHz: dv.getFloat64(16, true),
    stopHz: dv.getFloat64(24, true),
    lowDbfs: dv.getFloat32(32, true),
    highDbfs: dv.getFloat32(36, true),
    bins,
    dropped: dv.getUint32(44, true),
    sensorId,
  };
  const abs = u8.byteOffset + off;
  if (type === FrameType.WaterfallU8) {
    return { ...header, type, payload: u8.subarray(off, off + bins) };
  }
  // Typed views need aligned offsets; the payload is aligned within the frame but the frame may not be.
  const aligned = abs % 4 === 0 ? u8.buffer : u8.slice(off, need).buffer;
  const base = abs % 4 === 0 ? abs : 0;
  if (type === FrameType.SpectrumF32) {
    return { ...header, type, payload: new Float32Array(aligned, base, bins) };
  }
  const i16 = new Int16Array(aligned, base, bins);
  const dbfs = new Float32Array(bins);
  for (let i = 0; i < bins; i++) dbfs[i] = (i16[i] as number) / 100;
  return { ...header, type, payload: i16, dbfs };
}

/** dBFS of a uint8 waterfall value under a header's dB range. */
export function u8ToDbfs(v: number, lowDbfs: number, highDbfs: number): number {
  return lowDbfs + (v / 255) * (highDbfs - lowDbfs);
}
