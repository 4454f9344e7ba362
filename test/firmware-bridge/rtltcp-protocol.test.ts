import { describe, expect, it } from 'vitest';
import {
  CommandParser,
  encodeCommand,
  encodeHeader,
  HeaderReader,
  parseHeader,
  RtlTcpCommand,
} from '../../firmware-bridge/rtltcp/protocol.ts';
import { RtlTcpError, RtlTcpHeaderError } from '../../firmware-bridge/rtltcp/errors.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('rtl_tcp protocol', () => {
  it('header: "RTL0", big-endian tuner enum and gain count', () => {
    expect(hex(encodeHeader('R820T', 29))).toBe('52544c30000000050000001d');
    expect(hex(encodeHeader('R828D', 29))).toBe('52544c30000000060000001d');
    expect(parseHeader(encodeHeader('R820T', 29))).toEqual({ tunerEnum: 5, tunerType: 'R820T', gainCount: 29 });
    expect(parseHeader(Buffer.from('52544c30000000010000000e', 'hex')).tunerType).toBe('E4000');
  });

  it('malformed headers throw a typed error that names the bytes', () => {
    const http = Buffer.from('HTTP/1.1 400', 'latin1');
    let err: unknown;
    try {
      parseHeader(http);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RtlTcpHeaderError);
    expect((err as RtlTcpHeaderError).code).toBe('BW_ERR_RTLTCP_HEADER');
    expect((err as Error).message).toContain('48 54 54 50 2f 31 2e 31 20 34 30 30');
    expect((err as Error).message).toContain('"HTTP/1.1 400"');
    expect(() => parseHeader(Buffer.from('52544c30000000630000001d', 'hex'))).toThrow(/unknown tuner type 99/);
    expect(() => parseHeader(Buffer.from('52544c30000000050001001d', 'hex'))).toThrow(/implausible gain count/);
    expect(() => parseHeader(Buffer.from('52544c', 'hex'))).toThrow(RtlTcpHeaderError);
  });

  it("commands: code then big-endian parameter; negative ppm in two's complement", () => {
    expect(hex(encodeCommand(RtlTcpCommand.SET_FREQUENCY, 433_920_000))).toBe('0119dd1800');
    expect(hex(encodeCommand(RtlTcpCommand.SET_SAMPLE_RATE, 2_048_000))).toBe('02001f4000');
    expect(hex(encodeCommand(RtlTcpCommand.SET_FREQ_CORRECTION, -10))).toBe('05fffffff6');
    expect(hex(encodeCommand(RtlTcpCommand.SET_IF_GAIN, (1 << 16) | (-30 & 0xffff)))).toBe('060001ffe2');
    expect(() => encodeCommand(0x100, 0)).toThrow(RtlTcpError);
    expect(() => encodeCommand(1, 2 ** 32)).toThrow(/not a 32-bit integer/);
  });

  it('the command parser reassembles commands split anywhere', () => {
    const stream = Buffer.concat([
      encodeCommand(1, 100_000_000),
      encodeCommand(5, -25),
      encodeCommand(0x42, 7),
      encodeCommand(4, 496),
    ]);
    const whole = new CommandParser().push(stream);
    expect(whole.map((c) => [c.code, c.signedParam, c.offset])).toEqual([
      [1, 100_000_000, 0],
      [5, -25, 5],
      [0x42, 7, 10],
      [4, 496, 15],
    ]);
    expect(whole[1]!.param).toBe(0xffffffe7);
    // every 2-way split, and byte by byte
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new CommandParser();
      const got = [...p.push(stream.subarray(0, cut)), ...p.push(stream.subarray(cut))];
      expect(got).toEqual(whole);
    }
    const p = new CommandParser();
    const bytewise = [...stream].flatMap((b) => p.push(Uint8Array.of(b)));
    expect(bytewise).toEqual(whole);
    expect(p.pendingBytes).toBe(0);
  });

  it('the header reader returns the bytes after the header', () => {
    const r = new HeaderReader();
    const all = Buffer.concat([encodeHeader('R820T', 29), Buffer.from([1, 2, 3])]);
    expect(r.push(all.subarray(0, 5))).toBeUndefined();
    const done = r.push(all.subarray(5))!;
    expect(hex(done.header)).toBe(hex(encodeHeader('R820T', 29)));
    expect([...done.rest]).toEqual([1, 2, 3]);
  });
});
