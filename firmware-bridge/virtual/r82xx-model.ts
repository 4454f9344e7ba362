/**
 * Register-level model of the Rafael Micro R820T / R828D tuner as seen over I2C.
 *
 * Register facts (addresses, bit fields, gain step tables, bit-reversed read-back) come from osmocom librtlsdr's
 * tuner_r82xx.c; the code is ours. The tuner state the rest of the virtual dongle uses (LO, lock, gains) is
 * DERIVED from the register file on every query — nothing is passed in from the side.
 */

/** Which R82xx chip the model plays. */
export type R82xxChip = 'R820T' | 'R828D';

/** 8-bit I2C address the chip answers on (librtlsdr R820T_I2C_ADDR / R828D_I2C_ADDR). */
export const R82XX_I2C_ADDRESS: Record<R82xxChip, number> = { R820T: 0x34, R828D: 0x74 };

/** Logical chip id in r00 (the wire carries it bit-reversed: 0x69). */
export const R82XX_CHIP_ID = 0x96;

/** Number of registers (r00..r1f). */
const NUM_REGS = 32;

/** Power-on values of r05..r1f. Taken equal to the driver's init table: the real power-on values are undocumented. */
const POWER_ON_R05_TO_R1F = [
  0x83, 0x32, 0x75, 0xc0, 0x40, 0xd6, 0x6c, 0xf5, 0x63, 0x75, 0x68, 0x6c, 0x83, 0x80, 0x00, 0x0f, 0x00, 0xc0, 0x30,
  0x48, 0xcc, 0x60, 0x00, 0x54, 0xae, 0x4a, 0xc0,
];

/** LNA gain steps, tenths of dB, index 1..15 (tuner_r82xx.c, measured at 928 MHz). */
const LNA_GAIN_STEPS = [0, 9, 13, 40, 38, 13, 31, 22, 26, 31, 26, 14, 19, 5, 35, 13];
/** Mixer gain steps, tenths of dB. */
const MIXER_GAIN_STEPS = [0, 5, 10, 10, 19, 9, 10, 25, 17, 10, 8, 16, 13, 6, 3, -8];
/** VGA gain steps, tenths of dB, on top of VGA_BASE. */
const VGA_GAIN_STEPS = [0, 26, 26, 30, 42, 35, 24, 13, 14, 32, 36, 34, 35, 37, 35, 36];
const VGA_BASE_TENTHS_DB = -47;

/** Cumulative tables: gain in tenths of dB at each index. */
function cumulative(steps: readonly number[], base = 0): Int16Array {
  const out = new Int16Array(steps.length);
  let acc = base;
  for (let i = 0; i < steps.length; i++) {
    acc += steps[i] ?? 0;
    out[i] = acc;
  }
  return out;
}
const LNA_CUM = cumulative(LNA_GAIN_STEPS);
const MIXER_CUM = cumulative(MIXER_GAIN_STEPS);
const VGA_CUM = cumulative(VGA_GAIN_STEPS, VGA_BASE_TENTHS_DB);

/**
 * VCO range over which the model's PLL locks, Hz. librtlsdr picks dividers for 1.77–3.54 GHz; the chip is
 * reported (extended-range driver experiments) to lock up to about 4.4 GHz, and it must lock at the driver's
 * power-on register values (VCO 4.25 GHz) because the reference traces read the lock bit set there.
 */
export const R82XX_VCO_LOCK_MIN_HZ = 1_720_000_000;
export const R82XX_VCO_LOCK_MAX_HZ = 4_400_000_000;

/**
 * AGC model: in auto mode LNA and mixer are taken to settle at these steps (15.7 dB; with the 26.5 dB auto VGA,
 * 2 dB under the scenes' reference gain). There is no input-power model.
 */
const AGC_SETTLED_LNA_INDEX = 5;
const AGC_SETTLED_MIXER_INDEX = 4;

/** Filter calibration code the chip reports in r04[3:0] (the traces' dongle reads 8). */
const FILTER_CAL_CODE = 8;

/** Tuner state derived from the register file. */
export interface R82xxDerived {
  /** Mixer divider from r10[7:5]. */
  mixDiv: number;
  /** Integer part of the PLL N (r14). */
  nint: number;
  /** Sigma-delta fraction, 0..65535 (r16:r15), 0 when pw_sdm (r12 bit 3) turns the SDM off. */
  sdm: number;
  /** PLL reference, Hz (crystal, halved when refdiv2 r10 bit 4 is set). */
  pllRefHz: number;
  /** VCO frequency, Hz. */
  vcoHz: number;
  /** Local oscillator = VCO / mixDiv, Hz. */
  loHz: number;
  locked: boolean;
  lnaIndex: number;
  mixerIndex: number;
  vgaIndex: number;
  lnaAuto: boolean;
  mixerAuto: boolean;
  /** LNA + mixer gain in tenths of dB (what librtlsdr's gain table counts). */
  lnaMixerGainTenthsDb: number;
  /** VGA gain, tenths of dB. */
  vgaGainTenthsDb: number;
}

/** Reverses the bit order of a byte (the R82xx shifts read data out LSB first). */
export function bitReverse8(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  return r;
}

/** The R82xx I2C slave: a 32-byte register file, r00..r04 read-only and computed. */
export class R82xxModel {
  readonly chip: R82xxChip;
  readonly i2cAddress: number;
  /** Nominal tuner crystal, Hz (28.8 MHz shared with the RTL; R828D sticks use 16 MHz). */
  readonly nominalXtalHz: number;
  /** Actual crystal frequency, Hz (nominal with the dongle's ppm error). */
  readonly xtalHz: number;
  /** Logical register values (r00..r04 are recomputed on read). */
  readonly regs = new Uint8Array(NUM_REGS);
  /** Count of I2C write transactions, for tests. */
  writes = 0;

  /** @param xtalErrorPpm crystal error of the dongle, ppm (the tuner shares its error with the RTL). */
  constructor(chip: R82xxChip = 'R820T', xtalErrorPpm = 0) {
    this.chip = chip;
    this.i2cAddress = R82XX_I2C_ADDRESS[chip];
    this.nominalXtalHz = chip === 'R828D' ? 16_000_000 : 28_800_000;
    this.xtalHz = this.nominalXtalHz * (1 + xtalErrorPpm / 1e6);
    this.powerOn();
  }

  /** Back to power-on register values (replug, USB reset). */
  powerOn(): void {
    this.regs.fill(0);
    this.regs.set(POWER_ON_R05_TO_R1F, 5);
    this.writes = 0;
  }

  /**
   * An I2C write: byte 0 is the start register, the rest are values for consecutive registers. A 1-byte write only
   * sets the read pointer (which the R82xx ignores: reads always start at r00). Writes to r00..r04 are ignored.
   */
  i2cWrite(data: Uint8Array): void {
    if (data.length === 0) return;
    this.writes++;
    let reg = data[0] ?? 0;
    for (let i = 1; i < data.length; i++, reg++) {
      if (reg >= 5 && reg < NUM_REGS) this.regs[reg] = data[i] ?? 0;
    }
  }

  /** An I2C read of `length` bytes: r00 onwards, each byte bit-reversed on the wire as the chip sends it. */
  i2cRead(length: number): Uint8Array {
    const d = this.derive();
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = bitReverse8(this.logicalRead(i, d));
    return out;
  }

  /** Logical value of a register as the chip would report it (before the wire bit reversal). */
  logicalRead(reg: number, d: R82xxDerived = this.derive()): number {
    switch (reg) {
      case 0:
        return R82XX_CHIP_ID;
      case 1:
        return 0x00;
      case 2:
        // bit 6: PLL lock; bits 5:0 VCO band (not modelled: 0, which the xtal check accepts)
        return d.locked ? 0x40 : 0x00;
      case 3:
        // RF power / AGC read-back: the traces' dongle (no antenna) reads 0; no input-power model here.
        return 0x00;
      case 4: {
        // vco_fine_tune equals the driver's vco_power_ref (2 for R820T, 1 for R828D) so it keeps the divider it chose
        const fineTune = this.chip === 'R828D' ? 1 : 2;
        return (fineTune << 4) | FILTER_CAL_CODE;
      }
      default:
        return reg < NUM_REGS ? (this.regs[reg] ?? 0) : 0;
    }
  }

  /** Derives PLL, lock and gain state from the register file. */
  derive(): R82xxDerived {
    const r = this.regs;
    const r10 = r[0x10] ?? 0;
    const r12 = r[0x12] ?? 0;
    const r14 = r[0x14] ?? 0;
    const mixDiv = 2 << ((r10 >> 5) & 0x07);
    const pllRefHz = r10 & 0x10 ? this.xtalHz / 2 : this.xtalHz;
    const nint = 4 * (r14 & 0x3f) + (r14 >> 6) + 13;
    const sdm = r12 & 0x08 ? 0 : ((r[0x16] ?? 0) << 8) | (r[0x15] ?? 0);
    const vcoHz = 2 * pllRefHz * (nint + sdm / 65536);
    const loHz = vcoHz / mixDiv;
    const locked = vcoHz >= R82XX_VCO_LOCK_MIN_HZ && vcoHz <= R82XX_VCO_LOCK_MAX_HZ;
    const r05 = r[0x05] ?? 0;
    const r07 = r[0x07] ?? 0;
    const r0c = r[0x0c] ?? 0;
    const lnaAuto = (r05 & 0x10) === 0;
    const mixerAuto = (r07 & 0x10) !== 0;
    const lnaIndex = lnaAuto ? AGC_SETTLED_LNA_INDEX : r05 & 0x0f;
    const mixerIndex = mixerAuto ? AGC_SETTLED_MIXER_INDEX : r07 & 0x0f;
    const vgaIndex = r0c & 0x0f;
    return {
      mixDiv,
      nint,
      sdm,
      pllRefHz,
      vcoHz,
      loHz,
      locked,
      lnaIndex,
      mixerIndex,
      vgaIndex,
      lnaAuto,
      mixerAuto,
      lnaMixerGainTenthsDb: (LNA_CUM[lnaIndex] ?? 0) + (MIXER_CUM[mixerIndex] ?? 0),
      vgaGainTenthsDb: VGA_CUM[vgaIndex] ?? 0,
    };
  }
}
