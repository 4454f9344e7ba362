/**
 * Register-level model of the RTL2832U as a USB vendor-request target: USB block, SYS block (GPIO, demod power),
 * demodulator pages 0..15, the I2C master (block 6) with the tuner repeater gate, and the EEPROM.
 *
 * Register map facts (block numbers, wValue/wIndex encoding, the registers librtlsdr programs) come from osmocom
 * librtlsdr.c and the reference traces; the code is ours. `derive()` computes the radio state from the registers
 * the driver wrote and nothing else.
 */
import { EEPROM_I2C_ADDRESS, EepromModel } from './eeprom.ts';
import { R82xxModel } from './r82xx-model.ts';

/** RTL2832U reference crystal, Hz (librtlsdr DEF_RTL_XTAL_FREQ). */
export const RTL_XTAL_NOMINAL_HZ = 28_800_000;

/** Register blocks (librtlsdr `enum blocks`). */
export const BLOCK = { DEMOD: 0, USB: 1, SYS: 2, TUNER: 3, ROM: 4, IR: 5, I2C: 6 } as const;

/** USB block registers used by drivers. */
export const USB_REG = { SYSCTL: 0x2000, EPA_CTL: 0x2148, EPA_MAXPKT: 0x2158 } as const;
/** SYS block registers. */
export const SYS_REG = { DEMOD_CTL: 0x3000, GPO: 0x3001, GPI: 0x3002, GPOE: 0x3003, GPD: 0x3004, DEMOD_CTL_1: 0x300b };

/** Radio state derived from the registers. Frequencies in Hz; gains in tenths of dB unless named Db. */
export interface VirtualRadioState {
  /** RF frequency that lands at 0 Hz of the output IQ (physical, with the dongle's real crystal). */
  centerHz: number;
  /** The same computed with a perfect 28.8 MHz crystal: what the registers say. */
  nominalCenterHz: number;
  /** Output sample rate, S/s (physical, after the demod's sample-frequency correction). */
  sampleRateHz: number;
  /** Sample rate from the resampler ratio with a perfect crystal and no correction. */
  nominalSampleRateHz: number;
  /** Resampler ratio as written (28 bits). */
  resamplerRatio: number;
  /** Digital IF the demod mixes down (from p1 r19..r1b), Hz. */
  ifHz: number;
  /** Tuner local oscillator, Hz (physical). */
  loHz: number;
  pllLocked: boolean;
  /** LNA + mixer gain (the librtlsdr gain-table quantity), tenths of dB. */
  tunerGainTenthsDb: number;
  vgaGainTenthsDb: number;
  /** LNA + mixer + VGA, dB. */
  totalGainDb: number;
  tunerAgc: boolean;
  /** RTL2832 digital AGC (p0 r19 bit 5). */
  rtlAgc: boolean;
  /** Counter output instead of samples (p0 r19 = 0x03). */
  testMode: boolean;
  /** 0 = tuner path, 1 = I-ADC, 2 = Q-ADC direct sampling. */
  directSampling: 0 | 1 | 2;
  spectrumInverted: boolean;
  /** Sample-frequency correction from p1 r3e/r3f, ppm (the value the driver asked for). */
  freqCorrectionPpm: number;
  biasTee: boolean;
  i2cRepeater: boolean;
  demodPowered: boolean;
  /** Bulk FIFO released (EPA_CTL stall/reset bits clear). */
  fifoRunning: boolean;
}

/** Result of a control transfer at register level. */
export type ControlOutcome = { status: 'ok'; data: Uint8Array } | { status: 'stall' };

const STALL: ControlOutcome = { status: 'stall' };

export interface Rtl2832uOptions {
  tuner: R82xxModel;
  eeprom: EepromModel;
  /** Crystal error of this dongle, ppm (physical truth the driver must correct for). */
  xtalErrorPpm?: number;
}

export class Rtl2832uModel {
  readonly tuner: R82xxModel;
  readonly eeprom: EepromModel;
  readonly xtalErrorPpm: number;
  /** Actual crystal, Hz. */
  readonly xtalHz: number;
  private readonly usbRegs = new Uint8Array(0x200);
  private readonly sysRegs = new Uint8Array(0x100);
  private readonly demod: Uint8Array[] = [];
  /** Called after any write that can change the stream (rate, FIFO, power, tuning, gain, test mode). */
  onChange: () => void = () => {};
  /** Counters for tests. */
  readonly stats = { controlOut: 0, controlIn: 0, i2cStalls: 0 };

  constructor(opts: Rtl2832uOptions) {
    this.tuner = opts.tuner;
    this.eeprom = opts.eeprom;
    this.xtalErrorPpm = opts.xtalErrorPpm ?? 0;
    this.xtalHz = RTL_XTAL_NOMINAL_HZ * (1 + this.xtalErrorPpm / 1e6);
    for (let p = 0; p < 16; p++) this.demod.push(new Uint8Array(256));
    this.powerOn();
  }

  /** Power-on register state (replug / USB reset). The EEPROM keeps its content. */
  powerOn(): void {
    this.usbRegs.fill(0);
    this.sysRegs.fill(0);
    for (const p of this.demod) p.fill(0);
    this.tuner.powerOn();
  }

  /** Handles a vendor OUT request (bRequest 0). */
  controlOut(value: number, index: number, data: Uint8Array): ControlOutcome {
    this.stats.controlOut++;
    const block = index >> 8;
    if (block === BLOCK.DEMOD && (value & 0xff) === 0x20) {
      const page = index & 0x0f;
      const reg = value >> 8;
      const regs = this.demod[page];
      if (!regs) return STALL;
      for (let i = 0; i < data.length && reg + i < 256; i++) regs[reg + i] = data[i] ?? 0;
      this.onChange();
      return { status: 'ok', data };
    }
    if (block === BLOCK.USB || block === BLOCK.SYS) {
      const arr = block === BLOCK.USB ? this.usbRegs : this.sysRegs;
      const base = block === BLOCK.USB ? 0x2000 : 0x3000;
      const off = value - base;
      if (off < 0 || off + data.length > arr.length) return STALL;
      arr.set(data, off);
      this.onChange();
      return { status: 'ok', data };
    }
    if (block === BLOCK.I2C) {
      const slave = this.i2cSlave(value & 0xff);
      if (!slave) {
        this.stats.i2cStalls++;
        return STALL;
      }
      slave.i2cWrite(data);
      if (slave === this.tuner) this.onChange();
      return { status: 'ok', data };
    }
    return STALL;
  }

  /** Handles a vendor IN request (bRequest 0). */
  controlIn(value: number, index: number, length: number): ControlOutcome {
    this.stats.controlIn++;
    const block = index >> 8;
    if (block === BLOCK.DEMOD && (value & 0xff) === 0x20) {
      const regs = this.demod[index & 0x0f];
      const reg = value >> 8;
      if (!regs) return STALL;
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = regs[(reg + i) & 0xff] ?? 0;
      return { status: 'ok', data: out };
    }
    if (block === BLOCK.USB || block === BLOCK.SYS) {
      const arr = block === BLOCK.USB ? this.usbRegs : this.sysRegs;
      const off = value - (block === BLOCK.USB ? 0x2000 : 0x3000);
      if (off < 0 || off + length > arr.length) return STALL;
      return { status: 'ok', data: arr.slice(off, off + length) };
    }
    if (block === BLOCK.I2C) {
      const slave = this.i2cSlave(value & 0xff);
      if (!slave) {
        this.stats.i2cStalls++;
        return STALL;
      }
      return { status: 'ok', data: slave.i2cRead(length) };
    }
    return STALL;
  }

  /** The I2C slave at an 8-bit address, honouring the repeater gate for the tuner; undefined = NAK (stall). */
  private i2cSlave(addr: number): R82xxModel | EepromModel | undefined {
    if (addr === EEPROM_I2C_ADDRESS) return this.eeprom;
    if (addr === this.tuner.i2cAddress && this.i2cRepeaterOn()) return this.tuner;
    return undefined;
  }

  /** Demod page 1 register 1 bit 3 gates I2C to the tuner. */
  i2cRepeaterOn(): boolean {
    return ((this.demod[1]?.[0x01] ?? 0) & 0x08) !== 0;
  }

  /** Raw demod register (tests, diagnostics). */
  demodReg(page: number, reg: number): number {
    return this.demod[page]?.[reg] ?? 0;
  }

  /** Raw USB/SYS block register byte. */
  blockReg(addr: number): number {
    if (addr >= 0x2000 && addr < 0x2200) return this.usbRegs[addr - 0x2000] ?? 0;
    if (addr >= 0x3000 && addr < 0x3100) return this.sysRegs[addr - 0x3000] ?? 0;
    return 0;
  }

  /** Derives the radio state from the registers. */
  derive(): VirtualRadioState {
    const p0 = this.demod[0] as Uint8Array;
    const p1 = this.demod[1] as Uint8Array;
    // resampler ratio: p1 r9f..ra2, 28 bits; bit 27 sign-extends into bit 28 as in the chip's ratio arithmetic
    const ratio = (((p1[0x9f] ?? 0) << 24) | ((p1[0xa0] ?? 0) << 16) | ((p1[0xa1] ?? 0) << 8) | (p1[0xa2] ?? 0)) >>> 0;
    const ratio28 = ratio & 0x0fffffff;
    const realRatio = (ratio28 | ((ratio28 & 0x08000000) << 1)) >>> 0;
    const nominalRate = realRatio ? (RTL_XTAL_NOMINAL_HZ * 4194304) / realRatio : 0;
    // sample-frequency correction: 14-bit signed offset in units of 2^-24 (p1 r3e[5:0] high, r3f low)
    let offs = (((p1[0x3e] ?? 0) & 0x3f) << 8) | (p1[0x3f] ?? 0);
    if (offs & 0x2000) offs -= 0x4000;
    const corrFactor = 1 + offs / 16777216;
    const sampleRateHz = realRatio ? ((this.xtalHz * 4194304) / realRatio) * corrFactor : 0;
    // IF: p1 r19[5:0] r1a r1b, 22-bit two's complement of -(IF * 2^22 / xtal)
    let ifWord = (((p1[0x19] ?? 0) & 0x3f) << 16) | ((p1[0x1a] ?? 0) << 8) | (p1[0x1b] ?? 0);
    if (ifWord & 0x200000) ifWord -= 0x400000;
    const ifNominalHz = (-ifWord * RTL_XTAL_NOMINAL_HZ) / 4194304;
    const ifHz = (-ifWord * this.xtalHz) / 4194304;
    const t = this.tuner.derive();
    const inversionEnabled = ((p1[0x15] ?? 0) & 0x01) !== 0;
    const zeroIf = ((p1[0xb1] ?? 0) & 0x01) !== 0;
    // direct sampling: the driver puts the tuner in standby, disables zero-IF and spectrum inversion, tunes by the IF
    const direct = !inversionEnabled && !zeroIf && this.tunerInStandby();
    const directSampling: 0 | 1 | 2 = !direct ? 0 : ((p0[0x06] ?? 0) & 0x10) !== 0 ? 2 : 1;
    const nominalLo = (t.loHz * this.tuner.nominalXtalHz) / this.tuner.xtalHz;
    const centerHz = directSampling ? ifHz : t.loHz - ifHz;
    const nominalCenterHz = directSampling ? ifNominalHz : nominalLo - ifNominalHz;
    const p0r19 = p0[0x19] ?? 0;
    const sys = this.sysRegs;
    const gpo = sys[SYS_REG.GPO - 0x3000] ?? 0;
    const gpoe = sys[SYS_REG.GPOE - 0x3000] ?? 0;
    const gpd = sys[SYS_REG.GPD - 0x3000] ?? 0;
    const epaCtl =
      ((this.usbRegs[USB_REG.EPA_CTL - 0x2000] ?? 0) << 8) | (this.usbRegs[USB_REG.EPA_CTL - 0x2000 + 1] ?? 0);
    const demodCtl = sys[SYS_REG.DEMOD_CTL - 0x3000] ?? 0;
    return {
      centerHz,
      nominalCenterHz,
      sampleRateHz,
      nominalSampleRateHz: nominalRate,
      resamplerRatio: ratio28,
      ifHz,
      loHz: t.loHz,
      pllLocked: t.locked,
      tunerGainTenthsDb: t.lnaMixerGainTenthsDb,
      vgaGainTenthsDb: t.vgaGainTenthsDb,
      totalGainDb: (t.lnaMixerGainTenthsDb + t.vgaGainTenthsDb) / 10,
      tunerAgc: t.lnaAuto || t.mixerAuto,
      rtlAgc: (p0r19 & 0x20) !== 0,
      testMode: (p0r19 & 0x02) !== 0,
      directSampling,
      // the R82xx is a high-side-LO tuner: its IF is mirrored and the demod must re-invert it
      spectrumInverted: directSampling ? false : !inversionEnabled,
      freqCorrectionPpm: Math.round((-offs * 1e6) / 16777216) || 0,
      biasTee: (gpoe & 0x01) !== 0 && (gpd & 0x01) === 0 && (gpo & 0x01) !== 0,
      i2cRepeater: this.i2cRepeaterOn(),
      // bits 7:6 of DEMOD_CTL power the ADCs/demod (librtlsdr writes 0xe8 on, 0x20 off)
      demodPowered: (demodCtl & 0xc0) === 0xc0,
      fifoRunning: (epaCtl & 0x1002) === 0,
    };
  }

  /** The tuner's standby pattern (librtlsdr r82xx_standby writes r06=0xb1, r05=0xa0). */
  private tunerInStandby(): boolean {
    return this.tuner.regs[0x06] === 0xb1 && this.tuner.regs[0x05] === 0xa0;
  }
}
