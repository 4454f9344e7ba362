import { describe, expect, it } from 'vitest';
import { RtlSdr, nearestGain } from '../../firmware-bridge/rtlsdr.ts';
import { pllDivider, pllSettings, bandwidthSettings } from '../../firmware-bridge/tuners/r82xx-pll.ts';
import { r82xxGainIndices } from '../../firmware-bridge/tuners/r82xx.ts';
import { R82XX_GAINS_TENTHS_DB } from '../../firmware-bridge/types.ts';
import { FakeRtlDevice } from './helpers/fake-rtl.ts';

const XTAL = 28_800_000;

/** The LO the PLL registers ask for: 2·xtal·(N + sdm/65536) / mixer divider, Hz. */
function programmedLo(dev: FakeRtlDevice, xtal = XTAL): { loHz: number; mixDiv: number; nint: number } {
  const r10 = dev.tuner.get(0x10) ?? 0;
  const r14 = dev.tuner.get(0x14) ?? 0;
  const sdm = ((dev.tuner.get(0x16) ?? 0) << 8) | (dev.tuner.get(0x15) ?? 0);
  const mixDiv = 2 << (r10 >> 5);
  const ni = r14 & 0x3f;
  const si = r14 >> 6;
  const nint = 4 * ni + si + 13;
  return { loHz: (2 * xtal * (nint + sdm / 65536)) / mixDiv, mixDiv, nint };
}

/** Mixer divider that puts the VCO in 1.77–3.54 GHz, from the datasheet rule (independent of the driver). */
function expectedMixDiv(loHz: number): number {
  for (const d of [2, 4, 8, 16, 32, 64]) if (loHz * d >= 1.77e9 && loHz * d < 3.54e9) return d;
  return 64;
}

/**
 * librtlsdr 0.6's PLL maths written out independently for the test: divider by VCO range, N = floor(vco /
 * 2·xtal), fraction in kHz expanded bit by bit against thresholds floor(2·ref_kHz / 2^k), k = 1..15.
 * Below the /64 limit we clamp to /64 (documented difference).
 */
function referencePll(loHz: number, xtal = XTAL, fineTune = 2, powerRef = 2) {
  const fKhz = Math.floor((loHz + 500) / 1000);
  let mix = 2;
  let div = 0;
  while (mix <= 64 && !(fKhz * mix >= 1_770_000 && fKhz * mix < 3_540_000)) {
    mix *= 2;
    div++;
  }
  if (mix > 64) {
    mix = 64;
    div = 5;
  }
  if (fineTune > powerRef) div--;
  else if (fineTune < powerRef) div++;
  const vco = loHz * mix;
  const nint = Math.floor(vco / (2 * xtal));
  let rem = Math.floor((vco - 2 * xtal * nint) / 1000);
  const refKhz = Math.floor((xtal + 500) / 1000);
  let sdm = 0;
  for (let k = 1; k <= 15 && rem > 1; k++) {
    const t = Math.floor((2 * refKhz) / 2 ** k);
    if (rem > t) {
      sdm += 2 ** (16 - k);
      rem -= t;
    }
  }
  const ni = Math.floor((nint - 13) / 4);
  return { r10div: div, r14: ni + ((nint - 13 - 4 * ni) << 6), r15: sdm & 0xff, r16: sdm >> 8 };
}

describe('R82xx PLL', () => {
  it.each([100e6, 433.92e6, 1090e6, 24e6, 1766e6])(
    'registers at %d Hz equal the independent librtlsdr formula',
    async (rf) => {
      const dev = new FakeRtlDevice();
      const sdr = await RtlSdr.open(dev);
      await sdr.setSampleRate(2_048_000);
      await sdr.setCenterFrequency(rf);
      const ref = referencePll(rf + 1_625_000);
      expect({
        r10div: (dev.tuner.get(0x10) ?? 0) >> 5,
        r14: dev.tuner.get(0x14),
        r15: dev.tuner.get(0x15),
        r16: dev.tuner.get(0x16),
      }).toEqual(ref);
      await sdr.close();
    },
  );

  it('reproduces the librtlsdr trace values at 100 MHz (LO 103.57 MHz)', () => {
    const p = pllSettings(103_570_000, XTAL, 2, 2);
    expect(p.mixDiv).toBe(32);
    expect(p.r14).toBe(0x0b);
    expect(p.sdm >> 8).toBe(0x89);
    expect(p.sdm & 0xff).toBe(0xf6);
  });

  it.each([100e6, 433.92e6, 1090e6, 24e6, 1766e6])(
    'tunes %d Hz: divider, N and fraction give the LO within 2 kHz',
    async (rf) => {
      const dev = new FakeRtlDevice();
      const sdr = await RtlSdr.open(dev);
      await sdr.setSampleRate(2_048_000); // IF 1.625 MHz
      await sdr.setCenterFrequency(rf);
      const lo = rf + 1_625_000;
      const got = programmedLo(dev);
      expect(got.mixDiv).toBe(expectedMixDiv(lo));
      expect(got.nint).toBe(Math.floor((lo * got.mixDiv) / (2 * XTAL)));
      expect(Math.abs(got.loHz - lo)).toBeLessThan(2000);
      expect(sdr.getCenterFrequency()).toBe(rf);
      await sdr.close();
    },
  );

  it('24 MHz clamps to /64 where librtlsdr 0.6 falls out of its divider search', () => {
    expect(pllDivider(24e6 + 1_625_000)).toEqual({ mixDiv: 64, divNum: 5, clamped: true });
    // librtlsdr's own 0 Hz retune (rate set before frequency) keeps its fall-through values.
    expect(pllDivider(1_625_000)).toEqual({ mixDiv: 128, divNum: 0, clamped: false });
  });

  it.each([23.9e6, 1767e6, -1, Number.NaN])('rejects %d Hz with a typed range error', async (rf) => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await expect(sdr.setCenterFrequency(rf)).rejects.toMatchObject({ code: 'BW_ERR_TUNER_RANGE' });
    expect(() => pllSettings(5e9, XTAL, 2, 2)).toThrow(/no valid PLL values/);
    await sdr.close();
  });

  it('follow-up writes depend on the read-back: VCO fine tune moves the divider, the calibration code lands in r0a', async () => {
    const base = new FakeRtlDevice();
    await (await RtlSdr.open(base)).close();
    // r04 = 0x38: fine tune 3 (> power ref 2) → divider one step lower; calibration code 8.
    const high = new FakeRtlDevice({ status: [0x96, 0x00, 0x40, 0x00, 0x38] });
    const sdrHigh = await RtlSdr.open(high);
    const r10Base = base.tunerWrites.filter(([r]) => r === 0x10).map(([, v]) => v);
    const r10High = high.tunerWrites.filter(([r]) => r === 0x10).map(([, v]) => v);
    expect(r10High).not.toEqual(r10Base);
    // At the 56 MHz calibration LO the divider is /32 (div_num 4): fine tune 3 programs 3 instead.
    expect(r10Base).toContain(0x8c);
    expect(r10High).toContain(0x6c);
    // r0a = (0xd8-ish shadow & ~0x1f) | 0x10 | code
    const r0aOf = (d: FakeRtlDevice) => d.tunerWrites.filter(([r]) => r === 0x0a).map(([, v]) => v)[1]; // [0] is the init block
    const cal5 = new FakeRtlDevice({ status: [0x96, 0x00, 0x40, 0x00, 0x25] });
    await (await RtlSdr.open(cal5)).close();
    expect((r0aOf(base) ?? 0) & 0x1f).toBe(0x18);
    expect((r0aOf(cal5) ?? 0) & 0x1f).toBe(0x15);
    // Code 0x0f fails twice: two calibration rounds, then the narrowest filter (code 0).
    const calF = new FakeRtlDevice({ status: [0x96, 0x00, 0x40, 0x00, 0x2f] });
    await (await RtlSdr.open(calF)).close();
    expect((r0aOf(calF) ?? 0) & 0x1f).toBe(0x10);
    expect(calF.tunerWrites.filter(([r, v]) => r === 0x0b && v === 0x7c).length).toBe(2);
    await sdrHigh.close();
  });

  it('an unlocked PLL raises the VCO current, warns, and skips the 8 kHz auto-tune', async () => {
    const warnings: string[] = [];
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev, { onWarning: (m) => warnings.push(m) });
    // From now on the lock bit (r02 bit 6) reads 0.
    (dev as unknown as { status: number[] }).status = [0x96, 0x00, 0x00, 0x00, 0x28];
    dev.tunerWrites.length = 0;
    await sdr.setCenterFrequency(433.92e6);
    expect(sdr.tuner.pllLocked).toBe(false);
    expect(warnings.join()).toMatch(/PLL not locked/);
    expect(dev.tunerWrites.some(([r, v]) => r === 0x12 && (v & 0xe0) === 0x60)).toBe(true);
    // The last r1a write is the PLL's 128 kHz auto-tune (bits 3:2 clear), not the 8 kHz one.
    const r1a = dev.tunerWrites.filter(([r]) => r === 0x1a).map(([, v]) => v);
    expect((r1a[r1a.length - 1] ?? 0xff) & 0x0c).toBe(0);
    await sdr.close();
  });
});

describe('R82xx bandwidth', () => {
  it('2.048 MS/s selects the 2.05 MHz filter and a 1.625 MHz IF (trace values)', () => {
    expect(bandwidthSettings(2_048_000)).toEqual({ reg0a: 0x00, reg0b: 0xaf, ifHz: 1_625_000 });
    expect(bandwidthSettings(3_200_000).ifHz).toBe(3_570_000);
    expect(bandwidthSettings(250_000).reg0b & 0x0f).toBe(15 - 9);
  });
});

describe('R82xx gain', () => {
  it('picks the nearest table entry', () => {
    expect(nearestGain(R82XX_GAINS_TENTHS_DB, 275)).toBe(280);
    expect(nearestGain(R82XX_GAINS_TENTHS_DB, 1000)).toBe(496);
    expect(nearestGain(R82XX_GAINS_TENTHS_DB, -30)).toBe(0);
    expect(nearestGain(R82XX_GAINS_TENTHS_DB, 33)).toBe(37);
  });

  it('every table entry is reached exactly by the LNA/mixer steps (except the top, which the steps exceed)', () => {
    for (const g of R82XX_GAINS_TENTHS_DB.slice(0, -2)) expect(r82xxGainIndices(g).totalTenthsDb).toBe(g);
  });

  it('manual 27.5 dB programs LNA 8 / mixer 7 with a fixed VGA; auto re-enables both AGCs', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setGain(275);
    expect(sdr.getGain()).toBe(280);
    expect((dev.tuner.get(0x05) ?? 0) & 0x1f).toBe(0x18);
    expect((dev.tuner.get(0x07) ?? 0) & 0x1f).toBe(0x07);
    expect((dev.tuner.get(0x0c) ?? 0) & 0x9f).toBe(0x08);
    await sdr.setGain('auto');
    expect(sdr.getGain()).toBe('auto');
    expect((dev.tuner.get(0x05) ?? 0) & 0x10).toBe(0);
    expect((dev.tuner.get(0x07) ?? 0) & 0x10).toBe(0x10);
    expect((dev.tuner.get(0x0c) ?? 0) & 0x9f).toBe(0x0b);
    await expect(sdr.setGain(Number.NaN)).rejects.toMatchObject({ code: 'BW_ERR_INVALID_ARGUMENT' });
    await sdr.close();
  });
});

describe('R828D', () => {
  it('is probed at 0x74, uses its 16 MHz crystal and switches Cable-1 / Air-In at 345 MHz', async () => {
    // VCO fine tune 1 = the R828D's power reference, so r10 holds the plain divider.
    const dev = new FakeRtlDevice({ tunerAddr: 0x74, status: [0x96, 0x00, 0x40, 0x00, 0x18] });
    const sdr = await RtlSdr.open(dev);
    expect(sdr.tunerType).toBe('R828D');
    expect(sdr.tuner.xtalHz).toBe(16_000_000);
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(100e6);
    expect((dev.tuner.get(0x05) ?? 0) & 0x60).toBe(0x60);
    const got = programmedLo(dev, 16_000_000);
    expect(Math.abs(got.loHz - 101_625_000)).toBeLessThan(2000);
    await sdr.setCenterFrequency(433.92e6);
    expect((dev.tuner.get(0x05) ?? 0) & 0x60).toBe(0x00);
    await sdr.close();
  });

  it('RTL-SDR Blog V4: 28.8 MHz crystal, HF up-converted by 28.8 MHz on the cable-2 input with GPIO 5', async () => {
    const dev = new FakeRtlDevice({
      tunerAddr: 0x74,
      manufacturer: 'RTLSDRBlog',
      product: 'Blog V4',
      status: [0x96, 0x00, 0x40, 0x00, 0x18],
    });
    const sdr = await RtlSdr.open(dev);
    expect(sdr.tuner.xtalHz).toBe(28_800_000);
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(7_100_000);
    expect(Math.abs(programmedLo(dev).loHz - (7_100_000 + 28_800_000 + 1_625_000))).toBeLessThan(2000);
    expect((dev.tuner.get(0x06) ?? 0) & 0x08).toBe(0x08);
    expect((dev.block.get(0x3001) ?? 0) & 0x20).toBe(0); // GPIO 5 low on HF
    await sdr.setCenterFrequency(433.92e6);
    expect((dev.tuner.get(0x06) ?? 0) & 0x08).toBe(0);
    expect((dev.block.get(0x3001) ?? 0) & 0x20).toBe(0x20);
    await sdr.close();
  });

  it('a dongle with no known tuner is a typed error and is closed again', async () => {
    const dev = new FakeRtlDevice({ tunerAddr: 0x10 });
    await expect(RtlSdr.open(dev)).rejects.toMatchObject({ code: 'BW_ERR_TUNER_NOT_FOUND' });
    expect(dev.opened).toBe(false);
  });
});
