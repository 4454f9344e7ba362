import { describe, expect, it } from 'vitest';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { DriverError } from '../../firmware-bridge/errors.ts';
import {
  assertSampleRate,
  resamplerRatio,
  ifFrequencyWord,
  DEFAULT_RTL_XTAL_HZ,
} from '../../firmware-bridge/rtl2832u/rtl2832u.ts';
import { buildEeprom, parseEeprom } from '../../firmware-bridge/rtl2832u/eeprom.ts';
import { FakeRtlDevice } from './helpers/fake-rtl.ts';

/** Resampler ratio from first principles: 28.8 MHz · 2^22 / rate, two low bits cleared (BigInt, exact). */
function expectedRatio(rateHz: number): number {
  return Number(((28_800_000n << 22n) / BigInt(rateHz)) & 0x0ffffffcn);
}

const word = (bytes: number[] | undefined) => ((bytes?.[0] ?? 0) << 8) | (bytes?.[1] ?? 0);

describe('RTL2832U sample rate', () => {
  it.each([250_000, 1_024_000, 2_048_000, 2_400_000, 3_200_000])(
    '%i S/s writes the resampler ratio to p1 0x9f/0xa1',
    async (rate) => {
      const dev = new FakeRtlDevice();
      const sdr = await RtlSdr.open(dev);
      await sdr.setSampleRate(rate);
      const ratio = (word(dev.demodValue(1, 0x9f)) << 16) | word(dev.demodValue(1, 0xa1));
      expect(ratio >>> 0).toBe(expectedRatio(rate));
      // These rates divide 28.8 MHz·2^22 closely: the real rate is within 0.001 Hz.
      expect(Math.abs(sdr.getSampleRate() - rate)).toBeLessThanOrEqual(1);
      await sdr.close();
    },
  );

  it('2.048 MS/s gives 0x03840000 as in librtlsdr trace', () => {
    expect(resamplerRatio(2_048_000).ratio).toBe(0x03840000);
    expect(resamplerRatio(2_400_000).ratio).toBe(0x03000000);
  });

  it.each([500_000, 3_300_000, 225_000, 300_001, 900_000, 0, Number.NaN])(
    'rejects %s Hz naming the valid windows',
    (rate) => {
      let err: unknown;
      try {
        assertSampleRate(rate);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DriverError);
      expect((err as DriverError).code).toBe('BW_ERR_SAMPLE_RATE');
      expect((err as Error).message).toContain('225001–300000 Hz');
      expect((err as Error).message).toContain('900001–3200000 Hz');
    },
  );

  it('an invalid rate through RtlSdr rejects without touching the device', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    const before = dev.log.length;
    await expect(sdr.setSampleRate(500_000)).rejects.toMatchObject({ code: 'BW_ERR_SAMPLE_RATE' });
    expect(dev.log.length).toBe(before);
    // The command queue keeps working after a failure.
    await sdr.setSampleRate(2_400_000);
    expect(sdr.getSampleRate()).toBe(2_400_000);
    await sdr.close();
  });
});

describe('RTL2832U ppm correction', () => {
  it('changes the sample-clock correction, the IF word and the tuner PLL', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(100_000_000);
    const pllBefore = [0x14, 0x15, 0x16].map((r) => dev.tuner.get(r));
    const ifBefore = dev.demodValue(1, 0x1b);
    await sdr.setFrequencyCorrection(50);
    // -50 ppm of 2^24 = -838.86 → int16 -838 = 0xfcba: p1 0x3f = 0xba, p1 0x3e = 0xfc & 0x3f.
    const w = Math.trunc((-50 * 2 ** 24) / 1e6);
    expect(dev.demodValue(1, 0x3f)).toEqual([w & 0xff]);
    expect(dev.demodValue(1, 0x3e)).toEqual([(w >> 8) & 0x3f]);
    const pllAfter = [0x14, 0x15, 0x16].map((r) => dev.tuner.get(r));
    expect(pllAfter).not.toEqual(pllBefore);
    expect(dev.demodValue(1, 0x1b)).not.toEqual(ifBefore);
    // IF word uses the corrected crystal: 28.8 MHz · (1 + 50e-6).
    const expected = ifFrequencyWord(1_625_000, Math.floor(DEFAULT_RTL_XTAL_HZ * (1 + 50e-6)));
    expect(dev.demodValue(1, 0x1b)).toEqual([expected & 0xff]);
    expect(sdr.getFrequencyCorrection()).toBe(50);
    await expect(sdr.setFrequencyCorrection(5000)).rejects.toMatchObject({ code: 'BW_ERR_INVALID_ARGUMENT' });
    await sdr.close();
  });
});

describe('RTL2832U modes', () => {
  it('test mode and AGC write p0 0x19', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setTestMode(true);
    expect(dev.demodValue(0, 0x19)).toEqual([0x03]);
    await sdr.setTestMode(false);
    expect(dev.demodValue(0, 0x19)).toEqual([0x05]);
    await sdr.setAgcMode(true);
    expect(dev.demodValue(0, 0x19)).toEqual([0x25]);
    await sdr.close();
  });

  it('direct sampling on the Q input puts the tuner in standby, swaps ADCs and tunes through the DDC', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setDirectSampling(2);
    expect(dev.tuner.get(0x06)).toBe(0xb1); // standby
    expect(dev.demodValue(0, 0x06)).toEqual([0x90]);
    expect(dev.demodValue(1, 0xb1)).toEqual([0x1a]);
    await sdr.setCenterFrequency(7_100_000);
    const w = ifFrequencyWord(7_100_000, DEFAULT_RTL_XTAL_HZ);
    expect(dev.demodValue(1, 0x1b)).toEqual([w & 0xff]);
    expect(dev.demodValue(1, 0x19)).toEqual([(w >> 16) & 0x3f]);
    await sdr.setDirectSampling(0);
    expect(dev.demodValue(0, 0x06)).toEqual([0x80]);
    expect(dev.demodValue(1, 0x15)).toEqual([0x01]);
    await expect(sdr.setDirectSampling(3 as 0)).rejects.toMatchObject({ code: 'BW_ERR_INVALID_ARGUMENT' });
    await sdr.close();
  });

  it('bias tee drives GPIO 0 as an output', async () => {
    const dev = new FakeRtlDevice();
    dev.block.set(0x3004, 0xff); // GPD: all inputs
    const sdr = await RtlSdr.open(dev);
    await sdr.setBiasTee(true);
    expect((dev.block.get(0x3004) ?? 0) & 1).toBe(0);
    expect((dev.block.get(0x3003) ?? 0) & 1).toBe(1);
    expect((dev.block.get(0x3001) ?? 0) & 1).toBe(1);
    await sdr.setBiasTee(false);
    expect((dev.block.get(0x3001) ?? 0) & 1).toBe(0);
    await sdr.close();
  });

  it('errors carry register coordinates in hex', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    const orig = dev.controlTransferOut.bind(dev);
    dev.controlTransferOut = async (setup, data) =>
      setup.value === 0x1920 ? { status: 'stall', bytesWritten: 0 } : orig(setup, data);
    await expect(sdr.setTestMode(true)).rejects.toThrow(
      /DEMOD p0 r0x19 \(OUT bRequest 0x00 wValue 0x1920 wIndex 0x0010 wLength 1\)/,
    );
    dev.controlTransferOut = orig;
    await sdr.close();
  });

  it('an unplugged dongle gives typed disconnected errors and close still succeeds', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    dev.gone = true;
    await expect(sdr.setCenterFrequency(100e6)).rejects.toMatchObject({ code: 'BW_ERR_USB_DISCONNECTED' });
    await expect(sdr.setTestMode(true)).rejects.toMatchObject({ code: 'BW_ERR_USB_DISCONNECTED' });
    expect(sdr.state).toBe('gone');
    await sdr.close();
    expect(sdr.state).toBe('closed');
  });
});

describe('RTL2832U EEPROM', () => {
  const image = buildEeprom({
    vendorId: 0x0bda,
    productId: 0x2838,
    manufacturer: 'Realtek',
    product: 'RTL2838UHIDIR',
    serial: '00000001',
    haveSerial: true,
    enableIr: true,
    remoteWakeup: false,
    validHeader: true,
  });

  it('builds and parses the rtl_eeprom layout', () => {
    expect([...image.slice(0, 9)]).toEqual([0x28, 0x32, 0xda, 0x0b, 0x38, 0x28, 0xa5, 0x16, 0x02]);
    const c = parseEeprom(image);
    expect(c).toMatchObject({
      validHeader: true,
      manufacturer: 'Realtek',
      product: 'RTL2838UHIDIR',
      serial: '00000001',
      enableIr: true,
    });
    expect(parseEeprom(new Uint8Array(256).fill(0xff)).validHeader).toBe(false);
    expect(() => buildEeprom({ ...c, product: 'x'.repeat(40) })).toThrow(/limit 78/);
  });

  it('reads 256 bytes and writes only the bytes that differ', async () => {
    const dev = new FakeRtlDevice({ eeprom: Uint8Array.from({ length: 256 }, (_, i) => image[i] ?? i) });
    const sdr = await RtlSdr.open(dev);
    const got = await sdr.readEeprom();
    expect(Buffer.from(got).equals(Buffer.from(dev.eeprom))).toBe(true);
    const next = buildEeprom({ ...parseEeprom(got), serial: '00000042' }, got);
    const n = await sdr.writeEeprom(next.slice(0, 128));
    expect(n).toBe(2); // "01" → "42": two UTF-16 low bytes change
    expect(parseEeprom(dev.eeprom).serial).toBe('00000042');
    await sdr.close();
  });
});
