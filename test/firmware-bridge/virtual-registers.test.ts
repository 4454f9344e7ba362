import { describe, expect, it } from 'vitest';
import { ReferenceProgrammer } from '../../firmware-bridge/virtual/reference-programmer.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import { bitReverse8 } from '../../firmware-bridge/virtual/r82xx-model.ts';
import { parseEeprom } from '../../firmware-bridge/virtual/eeprom.ts';
import { R82XX_GAINS_TENTHS_DB } from '../../firmware-bridge/types.ts';

const vendor = (value: number, index: number): USBControlTransferParameters => ({
  requestType: 'vendor',
  recipient: 'device',
  request: 0,
  value,
  index,
});
const bytes = (...b: number[]) => Uint8Array.from(b) as Uint8Array<ArrayBuffer>;

async function setup(opts: ConstructorParameters<typeof VirtualRtlSdr>[0] = {}) {
  const dev = new VirtualRtlSdr({ paced: false, ...opts });
  await dev.open();
  await dev.claimInterface(0);
  const prog = new ReferenceProgrammer(dev);
  await prog.init();
  return { dev, prog };
}

/**
 * Tuning error librtlsdr 0.6.0 itself makes: its SDM search works on the VCO fraction truncated to kHz and stops
 * at 1/32768 of 2·xtal, both divided by the mixer divider at the LO; plus the 6.9 Hz step of the IF word.
 */
function toleranceHz(centerHz: number): number {
  let mixDiv = 2;
  while (mixDiv <= 64 && (centerHz + 3.57e6) * mixDiv < 1.77e9) mixDiv *= 2;
  return (1000 + (2 * 28.8e6) / 32768) / mixDiv + 7;
}

describe('virtual dongle: state derived from registers programmed as librtlsdr does', () => {
  for (const centerHz of [100e6, 433.92e6, 1090e6]) {
    for (const rate of [250_000, 1_024_000, 2_048_000, 2_400_000, 3_200_000]) {
      it(`${centerHz / 1e6} MHz at ${rate / 1e6} MS/s`, async () => {
        const { dev, prog } = await setup();
        await prog.setSampleRate(rate);
        await prog.setCenterFrequency(centerHz);
        await prog.setGain(280);
        await prog.resetBuffer();
        const st = dev.radioState();
        expect(st.pllLocked).toBe(true);
        expect(Math.abs(st.centerHz - centerHz)).toBeLessThan(toleranceHz(centerHz));
        expect(st.sampleRateHz).toBeCloseTo(prog.sampleRateHz, 0);
        expect(Math.abs(st.sampleRateHz - rate) / rate).toBeLessThan(1e-6);
        expect(st.tunerGainTenthsDb).toBe(280);
        expect(st.fifoRunning).toBe(true);
      });
    }
  }

  it('every entry of the R82xx gain table reads back exactly; auto mode sets tuner AGC and the 26.5 dB VGA', async () => {
    const { dev, prog } = await setup();
    for (const g of R82XX_GAINS_TENTHS_DB) {
      await prog.setGain(g);
      expect(dev.radioState().tunerGainTenthsDb).toBe(g);
      expect(dev.radioState().vgaGainTenthsDb).toBe(163);
    }
    await prog.setGain('auto');
    expect(dev.radioState().tunerAgc).toBe(true);
    expect(dev.radioState().vgaGainTenthsDb).toBe(265);
  });

  for (const ppm of [40, -25]) {
    it(`a dongle with a ${ppm} ppm crystal is on frequency and rate once the driver corrects ${ppm} ppm`, async () => {
      const { dev, prog } = await setup({ xtalErrorPpm: ppm });
      await prog.setSampleRate(2_400_000);
      await prog.setCenterFrequency(433.92e6);
      const before = dev.radioState();
      // uncorrected, the LO is off by ~ppm·f
      expect(Math.abs(before.centerHz - 433.92e6)).toBeGreaterThan(Math.abs(ppm) * 433.92 * 0.9);
      await prog.setFrequencyCorrection(ppm);
      const st = dev.radioState();
      expect(Math.abs(st.centerHz - 433.92e6)).toBeLessThan(toleranceHz(433.92e6));
      expect(Math.abs(st.sampleRateHz - 2.4e6)).toBeLessThan(2.4e6 * 0.2e-6);
      expect(st.freqCorrectionPpm).toBe(ppm);
      // negative values are written as 14-bit two's complement into p1 r3e/r3f
      const offs = ((dev.rtl.demodReg(1, 0x3e) & 0x3f) << 8) | dev.rtl.demodReg(1, 0x3f);
      expect(offs).toBe(Math.trunc((-ppm * 16777216) / 1e6) & 0x3fff);
    });
  }

  it('test mode, digital AGC and bias tee are read from their registers', async () => {
    const { dev, prog } = await setup();
    await prog.setTestMode(true);
    expect(dev.radioState().testMode).toBe(true);
    await prog.setTestMode(false);
    await prog.setAgcMode(true);
    expect(dev.radioState()).toMatchObject({ testMode: false, rtlAgc: true });
    expect(dev.radioState().biasTee).toBe(false);
    // rtlsdr_set_bias_tee: GPIO 0 as output (GPD bit clear, GPOE bit set), then GPO bit 0
    await dev.controlTransferOut(vendor(0x3004, 0x0210), bytes(0x00));
    await dev.controlTransferOut(vendor(0x3003, 0x0210), bytes(0x01));
    await dev.controlTransferOut(vendor(0x3001, 0x0210), bytes(0x01));
    expect(dev.radioState().biasTee).toBe(true);
  });
});

describe('virtual dongle: I2C bus', () => {
  it('the tuner only answers through the repeater; absent chips stall; the EEPROM needs no repeater', async () => {
    const dev = new VirtualRtlSdr({ paced: false });
    await dev.open();
    const repeater = (on: boolean) => dev.controlTransferOut(vendor(0x0120, 0x11), bytes(on ? 0x18 : 0x10));
    await repeater(false);
    expect((await dev.controlTransferOut(vendor(0x34, 0x0610), bytes(0x00))).status).toBe('stall');
    expect((await dev.controlTransferIn(vendor(0x34, 0x0600), 1)).status).toBe('stall');
    await repeater(true);
    expect((await dev.controlTransferOut(vendor(0x34, 0x0610), bytes(0x00))).status).toBe('ok');
    const id = await dev.controlTransferIn(vendor(0x34, 0x0600), 1);
    expect(id.status).toBe('ok');
    expect(id.data!.getUint8(0)).toBe(0x69); // chip id 0x96 bit-reversed on the wire
    for (const addr of [0xc8, 0xc6, 0x74, 0xc4, 0x56]) {
      expect((await dev.controlTransferIn(vendor(addr, 0x0600), 1)).status).toBe('stall');
    }
    await repeater(false);
    await dev.controlTransferOut(vendor(0xa0, 0x0610), bytes(0x00));
    const ee = await dev.controlTransferIn(vendor(0xa0, 0x0600), 2);
    expect([ee.data!.getUint8(0), ee.data!.getUint8(1)]).toEqual([0x28, 0x32]);
  });

  it('an R828D model answers at 0x74 and not at 0x34', async () => {
    const dev = new VirtualRtlSdr({ paced: false, tuner: 'R828D' });
    await dev.open();
    await dev.controlTransferOut(vendor(0x0120, 0x11), bytes(0x18));
    expect((await dev.controlTransferIn(vendor(0x34, 0x0600), 1)).status).toBe('stall');
    expect((await dev.controlTransferIn(vendor(0x74, 0x0600), 1)).status).toBe('ok');
  });

  it('the PLL lock bit drops when the VCO is programmed out of range and returns in range', async () => {
    const { dev, prog } = await setup();
    await prog.setCenterFrequency(100e6);
    const readR02 = async () => {
      await dev.controlTransferOut(vendor(0x0120, 0x11), bytes(0x18));
      await dev.controlTransferOut(vendor(0x34, 0x0610), bytes(0x00));
      const r = await dev.controlTransferIn(vendor(0x34, 0x0600), 3);
      return bitReverse8(r.data!.getUint8(2));
    };
    expect((await readR02()) & 0x40).toBe(0x40);
    // N = 13 (ni 0, si 0), SDM off: VCO = 2 · 28.8 MHz · 13 = 749 MHz, far below the VCO range
    await dev.controlTransferOut(vendor(0x34, 0x0610), bytes(0x14, 0x00));
    await dev.controlTransferOut(vendor(0x34, 0x0610), bytes(0x12, 0x88));
    expect((await readR02()) & 0x40).toBe(0);
    expect(dev.radioState().pllLocked).toBe(false);
    await prog.setCenterFrequency(433.92e6);
    expect((await readR02()) & 0x40).toBe(0x40);
  });

  it('the EEPROM is writable; after a replug the USB serial string comes from it', async () => {
    const dev = new VirtualRtlSdr({ paced: false });
    await dev.open();
    expect(dev.serialNumber).toBe('00000001');
    // read the 256 bytes as rtl_eeprom does
    await dev.controlTransferOut(vendor(0xa0, 0x0610), bytes(0x00));
    const img = new Uint8Array(256);
    for (let i = 0; i < 256; i++) img[i] = (await dev.controlTransferIn(vendor(0xa0, 0x0600), 1)).data!.getUint8(0);
    const parsed = parseEeprom(img)!;
    expect(parsed).toMatchObject({ vendorId: 0x0bda, productId: 0x2838, serial: '00000001' });
    // serial string: 3rd descriptor; rewrite its characters to "00000042" byte by byte
    const serialAt = 9 + (img[9] ?? 0) + (img[9 + (img[9] ?? 0)] ?? 0);
    const digits = '00000042';
    for (let i = 0; i < digits.length; i++) {
      await dev.controlTransferOut(vendor(0xa0, 0x0610), bytes(serialAt + 2 + 2 * i, digits.charCodeAt(i)));
    }
    expect(dev.serialNumber).toBe('00000001'); // descriptors are read at enumeration
    dev.unplug();
    dev.replug();
    expect(dev.serialNumber).toBe('00000042');
    expect(dev.path).toBe('1-1');
  });
});
