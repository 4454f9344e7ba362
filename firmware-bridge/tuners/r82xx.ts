/**
 * Rafael Micro R82xx tuners (R820T, R820T2, R828D), register-compatible with librtlsdr 0.6's
 * tuner_r82xx.c: a shadow of registers 0x05..0x22, masked writes that always go to the chip (0.6 does
 * not skip unchanged values, and the traces show every write), reads that bit-reverse each byte, and
 * follow-up writes computed from what the chip reads back (PLL fine tune, filter calibration code).
 */
import { R82XX_GAINS_TENTHS_DB } from '../types.ts';
import type { TunerType } from '../types.ts';
import { DriverError } from '../errors.ts';
import type { Tuner, TunerHost } from './tuner.ts';
import { bandwidthSettings, pllSettings } from './r82xx-pll.ts';

const SHADOW_START = 0x05;
const NUM_REGS = 30;
/** Largest I2C message the RTL2832U passes through: register pointer + 7 data bytes. */
const MAX_I2C_MSG = 8;
/** Version number written to r13 bits 5:0. */
const VER_NUM = 49;

/** Power-on values of r05..r22 (r20..r22 are zero). */
const INIT_REGS: readonly number[] = [
  0x83, 0x32, 0x75, 0xc0, 0x40, 0xd6, 0x6c, 0xf5, 0x63, 0x75, 0x68, 0x6c, 0x83, 0x80, 0x00, 0x0f, 0x00, 0xc0, 0x30,
  0x48, 0xcc, 0x60, 0x00, 0x54, 0xae, 0x4a, 0xc0, 0x00, 0x00, 0x00,
];

/** RF band table: start MHz, r17 open-drain, r1a RF mux/polyphase, r1b tracking filter, r10 xtal caps. */
interface FreqRange {
  startMhz: number;
  openD: number;
  rfMuxPoly: number;
  tfC: number;
  xtalCap0p: number;
}
const FREQ_RANGES: readonly FreqRange[] = [
  [0, 0x08, 0x02, 0xdf],
  [50, 0x08, 0x02, 0xbe],
  [55, 0x08, 0x02, 0x8b],
  [60, 0x08, 0x02, 0x7b],
  [65, 0x08, 0x02, 0x69],
  [70, 0x08, 0x02, 0x58],
  [75, 0x00, 0x02, 0x44],
  [80, 0x00, 0x02, 0x44],
  [90, 0x00, 0x02, 0x34],
  [100, 0x00, 0x02, 0x34],
  [110, 0x00, 0x02, 0x24],
  [120, 0x00, 0x02, 0x24],
  [140, 0x00, 0x02, 0x14],
  [180, 0x00, 0x02, 0x13],
  [220, 0x00, 0x02, 0x13],
  [250, 0x00, 0x02, 0x11],
  [280, 0x00, 0x02, 0x00],
  [310, 0x00, 0x41, 0x00],
  [450, 0x00, 0x41, 0x00],
  [588, 0x00, 0x40, 0x00],
  [650, 0x00, 0x40, 0x00],
].map(([startMhz, openD, rfMuxPoly, tfC]) => ({
  startMhz: startMhz ?? 0,
  openD: openD ?? 0,
  rfMuxPoly: rfMuxPoly ?? 0,
  tfC: tfC ?? 0,
  // librtlsdr 0.6 always selects XTAL_HIGH_CAP_0P, whose column is 0 in every band.
  xtalCap0p: 0,
}));

/** Manual gain steps, tenths of dB, per LNA and mixer index (measured by librtlsdr's authors). */
const LNA_GAIN_STEPS = [0, 9, 13, 40, 38, 13, 31, 22, 26, 31, 26, 14, 19, 5, 35, 13];
const MIXER_GAIN_STEPS = [0, 5, 10, 10, 19, 9, 10, 25, 17, 10, 8, 16, 13, 6, 3, -8];

function bitReverse(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 0x80 >> i;
  return r;
}

export interface R82xxVariant {
  type: TunerType;
  name: string;
  i2cAddress: number;
  /** 2 for R820T, 1 for R828D (compared with the VCO fine-tune bits to adjust the divider). */
  vcoPowerRef: 1 | 2;
  ownXtalHz: number | undefined;
  minFrequencyHz: number;
  maxFrequencyHz: number;
}

/** Shared R82xx logic. Variants override the hooks around tuning (input switching, up-conversion). */
export class R82xx implements Tuner {
  readonly type: TunerType;
  readonly name: string;
  readonly i2cAddress: number;
  readonly gainsTenthsDb: readonly number[] = R82XX_GAINS_TENTHS_DB;
  readonly minFrequencyHz: number;
  readonly maxFrequencyHz: number;
  readonly ownXtalHz: number | undefined;
  xtalHz: number;
  intermediateFrequencyHz = 3_570_000;
  pllLocked = false;
  /** Filter calibration code from r04 bits 3:0 after calibration. */
  filterCalCode = 0;
  /** Current RF input selection (R828D): the value last written to r05 bits 6:5, or a band id. */
  protected input = 0;
  protected initDone = false;
  protected readonly regs = new Uint8Array(NUM_REGS);
  protected readonly vcoPowerRef: 1 | 2;

  constructor(
    protected readonly host: TunerHost,
    variant: R82xxVariant,
    xtalHz: number,
  ) {
    this.type = variant.type;
    this.name = variant.name;
    this.i2cAddress = variant.i2cAddress;
    this.vcoPowerRef = variant.vcoPowerRef;
    this.ownXtalHz = variant.ownXtalHz;
    this.minFrequencyHz = variant.minFrequencyHz;
    this.maxFrequencyHz = variant.maxFrequencyHz;
    this.xtalHz = xtalHz;
  }

  /** Shadow copy of a register (0x05..0x22). */
  shadow(reg: number): number {
    const v = this.regs[reg - SHADOW_START];
    if (v === undefined)
      throw new DriverError('BW_ERR_INVALID_ARGUMENT', `R82xx register 0x${reg.toString(16)} has no shadow`);
    return v;
  }

  // ---- register I/O ---------------------------------------------------------------------------------

  /** Write consecutive registers from `reg`, in chunks of at most 7 data bytes. */
  protected async write(reg: number, values: readonly number[]): Promise<void> {
    for (let i = 0; i < values.length; i++) {
      const idx = reg + i - SHADOW_START;
      if (idx >= 0 && idx < NUM_REGS) this.regs[idx] = (values[i] ?? 0) & 0xff;
    }
    for (let pos = 0; pos < values.length; pos += MAX_I2C_MSG - 1) {
      const chunk = values.slice(pos, pos + MAX_I2C_MSG - 1);
      const msg = new Uint8Array(chunk.length + 1);
      msg[0] = reg + pos;
      msg.set(chunk, 1);
      await this.host.i2cWrite(this.i2cAddress, msg);
    }
  }

  protected async writeReg(reg: number, value: number): Promise<void> {
    await this.write(reg, [value & 0xff]);
  }

  /** Read-modify-write against the shadow copy: only the bits in `mask` change. */
  protected async writeMask(reg: number, value: number, mask: number): Promise<void> {
    const v = (this.shadow(reg) & ~mask) | (value & mask);
    await this.write(reg, [v & 0xff]);
  }

  /** Read `length` registers from r00 (the chip returns them bit-reversed). */
  protected async read(length: number): Promise<Uint8Array> {
    await this.host.i2cWrite(this.i2cAddress, Uint8Array.of(0x00));
    const raw = await this.host.i2cRead(this.i2cAddress, length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = bitReverse(raw[i] ?? 0);
    return out;
  }

  // ---- tuning --------------------------------------------------------------------------------------

  /** Band-dependent front-end settings for an LO frequency, Hz. */
  protected async setMux(loHz: number): Promise<void> {
    const mhz = Math.floor(loHz / 1_000_000);
    let range = FREQ_RANGES[0] as FreqRange;
    for (let i = 0; i < FREQ_RANGES.length - 1; i++) {
      const next = FREQ_RANGES[i + 1] as FreqRange;
      range = FREQ_RANGES[i] as FreqRange;
      if (mhz < next.startMhz) break;
      range = next;
    }
    await this.writeMask(0x17, range.openD, 0x08); // open drain
    await this.writeMask(0x1a, range.rfMuxPoly, 0xc3); // RF mux, polyphase filter
    await this.writeReg(0x1b, range.tfC); // tracking filter band
    await this.writeMask(0x10, range.xtalCap0p, 0x0b); // xtal cap (high-cap 0 pF, drive high)
    await this.writeMask(0x08, 0x00, 0x3f); // mixer buffer current
    await this.writeMask(0x09, 0x00, 0x3f); // IF filter buffer current
  }

  /** Program the PLL for an LO frequency, Hz; sets `pllLocked` from the lock bit (r02 bit 6). */
  protected async setPll(loHz: number): Promise<void> {
    await this.writeMask(0x10, 0x00, 0x10); // refdiv2 off
    await this.writeMask(0x1a, 0x00, 0x0c); // PLL auto-tune 128 kHz
    await this.writeMask(0x12, 0x80, 0xe0); // VCO current 100
    const status = await this.read(5);
    const fineTune = ((status[4] ?? 0) & 0x30) >> 4;
    const pll = pllSettings(loHz, this.xtalHz, this.vcoPowerRef, fineTune);
    await this.writeMask(0x10, (pll.divNum << 5) & 0xff, 0xe0);
    await this.writeReg(0x14, pll.r14);
    await this.writeMask(0x12, pll.pwSdm, 0x08);
    await this.writeReg(0x16, pll.sdm >> 8);
    await this.writeReg(0x15, pll.sdm & 0xff);
    let locked = false;
    for (let i = 0; i < 2; i++) {
      const s = await this.read(3);
      if ((s[2] ?? 0) & 0x40) {
        locked = true;
        break;
      }
      // Not locked yet: raise the VCO current once and look again.
      if (i === 0) await this.writeMask(0x12, 0x60, 0xe0);
    }
    this.pllLocked = locked;
    if (!locked) {
      this.host.warn(`${this.name}: PLL not locked at LO ${loHz} Hz`);
      return;
    }
    await this.writeMask(0x1a, 0x08, 0x08); // PLL auto-tune 8 kHz
  }

  /** RF frequency the tuner actually tunes for a requested one (V4 up-converts HF). */
  protected tunedFrequencyHz(rfHz: number): number {
    return rfHz;
  }

  /** Input switching after the PLL (variant specific). */
  protected async afterTune(_rfHz: number): Promise<void> {}

  async setFrequency(rfHz: number): Promise<void> {
    const loHz = this.tunedFrequencyHz(rfHz) + this.intermediateFrequencyHz;
    await this.setMux(loHz);
    await this.setPll(loHz);
    if (!this.pllLocked) return; // librtlsdr stops here too; the warning has been raised
    await this.afterTune(rfHz);
  }

  // ---- init / standby ------------------------------------------------------------------------------

  /** Filter calibration and IF settings for the DVB-T 6 MHz standard librtlsdr uses. */
  protected async setTvStandard(): Promise<void> {
    const hpCor = 0x6b; // 1.7 MHz off, +2 cap, 1.0 MHz
    const filtCalLoHz = 56_000_000;
    this.regs.set(INIT_REGS);
    await this.writeMask(0x0c, 0x00, 0x0f); // init flag & xtal check result
    await this.writeMask(0x13, VER_NUM, 0x3f); // version
    await this.writeMask(0x1d, 0x00, 0x38); // LNA top for the LT gain test (digital TV)
    this.intermediateFrequencyHz = 3_570_000;
    for (let i = 0; i < 2; i++) {
      await this.writeMask(0x0b, hpCor, 0x60); // filter cap
      await this.writeMask(0x0f, 0x04, 0x04); // calibration clock on
      await this.writeMask(0x10, 0x00, 0x03); // xtal cap 0 pF for the PLL
      await this.setPll(filtCalLoHz);
      if (!this.pllLocked) return; // as librtlsdr: give up calibrating, keep going
      await this.writeMask(0x0b, 0x10, 0x10); // start trigger
      await this.writeMask(0x0b, 0x00, 0x10); // stop trigger
      await this.writeMask(0x0f, 0x00, 0x04); // calibration clock off
      const s = await this.read(5);
      this.filterCalCode = (s[4] ?? 0) & 0x0f;
      if (this.filterCalCode && this.filterCalCode !== 0x0f) break;
    }
    if (this.filterCalCode === 0x0f) this.filterCalCode = 0; // narrowest
    await this.writeMask(0x0a, 0x10 | this.filterCalCode, 0x1f); // low Q, calibration code
    await this.writeMask(0x0b, hpCor, 0xef); // bandwidth, filter gain, HP corner
    await this.writeMask(0x07, 0x00, 0x80); // image negative
    await this.writeMask(0x06, 0x10, 0x30); // filter +3 dB, 6 MHz on
    await this.writeMask(0x1e, 0x60, 0x60); // channel filter extension
    await this.writeMask(0x05, 0x01, 0x80); // loop through off
    await this.writeMask(0x1f, 0x00, 0x80); // loop-through attenuation
    await this.writeMask(0x0f, 0x00, 0x80); // filter extension widest off
    await this.writeMask(0x19, 0x60, 0x60); // RF poly filter current min
  }

  /** System settings for DVB-T (digital TV type), including the LNA/AGC sequence. */
  protected async sysFreqSel(): Promise<void> {
    const mixerTop = 0x24;
    const lnaTop = 0xe5;
    await this.writeMask(0x1d, lnaTop, 0xc7);
    await this.writeMask(0x1c, mixerTop, 0xf8);
    await this.writeReg(0x0d, 0x53); // LNA vth 0.84 V, vtl 0.64 V
    await this.writeReg(0x0e, 0x75); // mixer vth 1.04 V, vtl 0.84 V
    this.input = 0x00;
    await this.writeMask(0x05, 0x00, 0x60); // air-in
    await this.writeMask(0x06, 0x00, 0x08); // cable-2 in off
    await this.writeMask(0x11, 0x38, 0x38); // charge pump auto
    await this.writeMask(0x17, 0x30, 0x30); // divider buffer 150 µA
    await this.writeMask(0x0a, 0x40, 0x60); // filter current low
    await this.writeMask(0x1d, 0x00, 0x38); // LNA top lowest
    await this.writeMask(0x1c, 0x00, 0x04); // normal mode
    await this.writeMask(0x06, 0x00, 0x40); // pre-detect off
    await this.writeMask(0x1a, 0x30, 0x30); // AGC clock 250 Hz
    await this.writeMask(0x1d, 0x18, 0x38); // LNA top 3
    await this.writeMask(0x1c, mixerTop, 0x04); // discharge mode (mask as in the vendor driver)
    await this.writeMask(0x1e, 14, 0x1f); // LNA discharge current
    await this.writeMask(0x1a, 0x20, 0x30); // AGC clock 60 Hz
  }

  async init(): Promise<void> {
    await this.write(0x05, INIT_REGS);
    await this.setTvStandard();
    await this.sysFreqSel();
    this.initDone = true;
  }

  async standby(): Promise<void> {
    if (!this.initDone) return;
    const seq: [number, number][] = [
      [0x06, 0xb1],
      [0x05, 0xa0],
      [0x07, 0x3a],
      [0x08, 0x40],
      [0x09, 0xc0],
      [0x0a, 0x36],
      [0x0c, 0x35],
      [0x0f, 0x68],
      [0x11, 0x03],
      [0x17, 0xf4],
      [0x19, 0x0c],
    ];
    for (const [reg, val] of seq) await this.writeReg(reg, val);
  }

  // ---- gain and bandwidth --------------------------------------------------------------------------

  async setGainMode(manual: boolean): Promise<void> {
    if (manual) {
      await this.setManualGain(0);
      return;
    }
    await this.writeMask(0x05, 0x00, 0x10); // LNA AGC on
    await this.writeMask(0x07, 0x10, 0x10); // mixer AGC on
    await this.writeMask(0x0c, 0x0b, 0x9f); // fixed VGA 26.5 dB
  }

  async setGain(tenthsDb: number): Promise<void> {
    await this.setManualGain(tenthsDb);
  }

  /** Manual gain: LNA and mixer AGC off, VGA fixed at 16.3 dB, then LNA/mixer steps until ≥ the target. */
  protected async setManualGain(tenthsDb: number): Promise<void> {
    await this.writeMask(0x05, 0x10, 0x10); // LNA AGC off
    await this.writeMask(0x07, 0x00, 0x10); // mixer AGC off
    await this.read(4); // librtlsdr reads the gain state here; the value is unused
    await this.writeMask(0x0c, 0x08, 0x9f); // VGA 16.3 dB
    const { lna, mixer } = r82xxGainIndices(tenthsDb);
    await this.writeMask(0x05, lna, 0x0f);
    await this.writeMask(0x07, mixer, 0x0f);
  }

  async setBandwidth(bandwidthHz: number): Promise<number> {
    const s = bandwidthSettings(bandwidthHz);
    this.intermediateFrequencyHz = s.ifHz;
    await this.writeMask(0x0a, s.reg0a, 0x10);
    await this.writeMask(0x0b, s.reg0b, 0xef);
    return s.ifHz;
  }
}

/** LNA and mixer indices for a manual gain (first combination whose total reaches the target). */
export function r82xxGainIndices(tenthsDb: number): { lna: number; mixer: number; totalTenthsDb: number } {
  let total = 0;
  let lna = 0;
  let mixer = 0;
  for (let i = 0; i < 15; i++) {
    if (total >= tenthsDb) break;
    total += LNA_GAIN_STEPS[++lna] ?? 0;
    if (total >= tenthsDb) break;
    total += MIXER_GAIN_STEPS[++mixer] ?? 0;
  }
  return { lna, mixer, totalTenthsDb: total };
}
