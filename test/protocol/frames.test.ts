import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeFrame,
  FrameDecodeError,
  FrameType,
  PROTOCOL_VERSION,
  payloadOffset,
  u8ToDbfs,
} from '../../src/protocol/frames.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// Golden frames written independently (Python struct '<IdddffII', see docs/api.md), not by the encoder.
const GOLDEN_WATERFALL =
  '42570101070000000000000000408f4000000080a103bc41000000c0e312bc410000f0c20000a0c10300000003000000026131000080ff';
const GOLDEN_F32 =
  '425701020800000000b0678e00ac794200000080a103bc41000000c0e312bc41000000000000000002000000000000000776656e75652d610000ddc2000029c2';
const GOLDEN_I16 =
  '4257010309000000000000000000f83f0000000084d79741000000008d1498410000000000000000030000000000000001620000d6d47fefff7f';

describe('waterfall/spectrum frame protocol v1', () => {
  it('is version 1 with stable type numbers', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect([FrameType.WaterfallU8, FrameType.SpectrumF32, FrameType.SpectrumI16]).toEqual([1, 2, 3]);
  });

  it('encodes a waterfall row to the golden bytes', () => {
    const b = encodeFrame(
      FrameType.WaterfallU8,
      { seq: 7, sensorId: 'a1', timeMs: 1000, startHz: 470e6, stopHz: 471e6, lowDbfs: -120, highDbfs: -20, dropped: 3 },
      new Uint8Array([0, 128, 255]),
    );
    expect(hex(b)).toBe(GOLDEN_WATERFALL);
  });

  it('encodes float32 and int16 centi-dB traces to the golden bytes (int16 clamps)', () => {
    const meta = {
      seq: 8,
      sensorId: 'venue-a',
      timeMs: 1764158400123,
      startHz: 470e6,
      stopHz: 471e6,
      lowDbfs: 0,
      highDbfs: 0,
      dropped: 0,
    };
    expect(hex(encodeFrame(FrameType.SpectrumF32, meta, new Float32Array([-110.5, -42.25])))).toBe(GOLDEN_F32);
    const i16 = encodeFrame(
      FrameType.SpectrumI16,
      { ...meta, seq: 9, sensorId: 'b', timeMs: 1.5, startHz: 100e6, stopHz: 101e6 },
      new Float32Array([-110.5, -42.25, 400]),
    );
    expect(hex(i16)).toBe(GOLDEN_I16);
  });

  it('decodes the golden bytes back to the same fields', () => {
    const w = decodeFrame(fromHex(GOLDEN_WATERFALL));
    expect(w).toMatchObject({
      version: 1,
      type: 1,
      seq: 7,
      sensorId: 'a1',
      timeMs: 1000,
      startHz: 470e6,
      stopHz: 471e6,
      lowDbfs: -120,
      highDbfs: -20,
      bins: 3,
      dropped: 3,
    });
    expect([...(w.payload as Uint8Array)]).toEqual([0, 128, 255]);
    const f = decodeFrame(fromHex(GOLDEN_F32));
    expect([...(f.payload as Float32Array)]).toEqual([-110.5, -42.25]);
    expect(f.timeMs).toBe(1764158400123);
    const i = decodeFrame(fromHex(GOLDEN_I16));
    if (i.type !== FrameType.SpectrumI16) throw new Error('type');
    expect([...i.payload]).toEqual([-11050, -4225, 32767]);
    expect([...i.dbfs]).toEqual([-110.5, -42.25, 327.67].map((v) => Math.fround(v)));
  });

  it('aligns the payload to 4 bytes for any sensor id length, and decodes from an unaligned view', () => {
    for (const id of ['', 'a', 'ab', 'abc', 'trạm-thu-1']) {
      const b = encodeFrame(
        FrameType.SpectrumF32,
        { seq: 1, sensorId: id, timeMs: 0, startHz: 1, stopHz: 2, lowDbfs: 0, highDbfs: 0, dropped: 0 },
        new Float32Array([1, 2, 3]),
      );
      expect(payloadOffset(Buffer.byteLength(id)) % 4).toBe(0);
      const shifted = new Uint8Array(b.length + 1);
      shifted.set(b, 1);
      const d = decodeFrame(shifted.subarray(1));
      expect(d.sensorId).toBe(id);
      expect([...(d.payload as Float32Array)]).toEqual([1, 2, 3]);
    }
  });

  it('rejects bad magic, versions, types and truncation with the byte offset', () => {
    const good = fromHex(GOLDEN_WATERFALL);
    const bad = (mut: (b: Uint8Array) => Uint8Array) => () => decodeFrame(mut(good.slice()));
    expect(bad((b) => ((b[0] = 0), b))).toThrow(/byte 0: bad magic/);
    expect(bad((b) => ((b[2] = 2), b))).toThrow(/byte 2: unsupported protocol version 2/);
    expect(bad((b) => ((b[3] = 9), b))).toThrow(/byte 3: unknown frame type 9/);
    expect(bad((b) => b.subarray(0, b.length - 1))).toThrow(FrameDecodeError);
    expect(bad((b) => b.subarray(0, 10))).toThrow(/too short/);
  });

  it('maps uint8 back to dBFS over the header range', () => {
    expect(u8ToDbfs(0, -120, -20)).toBe(-120);
    expect(u8ToDbfs(255, -120, -20)).toBe(-20);
    expect(u8ToDbfs(51, -120, -20)).toBeCloseTo(-100, 6);
  });
});
