/**
 * The RTL2832U demodulator/USB bridge: baseband init, the digital down-converter (IF), the resampler
 * (sample rate) and its ppm correction, AGC and test modes, direct sampling, GPIOs (bias tee) and the
 * EEPROM. Register values and the order of writes follow librtlsdr 0.6 (see docs/firmware-bridge-driver.md).
 */
import { DriverError } from '../errors.ts';
import { Block, RegisterAccess, SysReg, UsbReg } from '../usb/registers.ts';

/** Nominal RTL2832U crystal, Hz. */
export const DEFAULT_RTL_XTAL_HZ = 28_800_000;
/** librtlsdr accepts a crystal override within ±1000 Hz of nominal. */
export const RTL_XTAL_TOLERANCE_HZ = 1000;

/** The resampler's valid input windows, Hz (inclusive). */
export const SAMPLE_RATE_WINDOWS_HZ: readonly (readonly [number, number])[] = [
  [225_001, 300_000],
  [900_001, 3_200_000],
];

/**
 * Default 32-tap symmetric FIR (first half; outer tap first) of the Windows DAB/FM driver. The first 8 taps
 * are int8, the last 8 int12.
 */
export const DEFAULT_FIR: readonly number[] = [
  -54, -36, -41, -40, -32, -14, 14, 53, 101, 156, 215, 273, 327, 372, 404, 421,
];

const EEPROM_I2C_ADDR = 0xa0;
/** EEPROM size, bytes (24C02). */
export const EEPROM_SIZE = 256;

const TWO_POW_22 = 4194304;
const TWO_POW_24 = 16777216;

/** Resampler ratio for a sample rate and the real rate it gives (librtlsdr rtlsdr_set_sample_rate). */
export function resamplerRatio(
  sampleRateHz: number,
  rtlXtalHz = DEFAULT_RTL_XTAL_HZ,
): { ratio: number; realRateHz: number } {
  assertSampleRate(sampleRateHz);
  // 28-bit ratio in 22-bit fixed point; the two low bits are not implemented by the hardware.
  const ratio = (Math.floor((rtlXtalHz * TWO_POW_22) / sampleRateHz) & 0x0ffffffc) >>> 0;
  const realRatio = (ratio | ((ratio & 0x08000000) << 1)) >>> 0;
  return { ratio, realRateHz: (rtlXtalHz * TWO_POW_22) / realRatio };
}

/** Throw a typed error unless `hz` lies in one of the resampler windows. */
export function assertSampleRate(hz: number): void {
  const ok = Number.isFinite(hz) && SAMPLE_RATE_WINDOWS_HZ.some(([lo, hi]) => hz >= lo && hz <= hi);
  if (!ok) {
    throw new DriverError(
      'BW_ERR_SAMPLE_RATE',
      `invalid sample rate ${hz} Hz: the RTL2832U resampler accepts ` +
        SAMPLE_RATE_WINDOWS_HZ.map(([lo, hi]) => `${lo}–${hi} Hz`).join(' or '),
    );
  }
}

/** IF (DDC) register value for an IF in Hz: -(if · 2^22 / xtal), truncated, 22-bit two's complement. */
export function ifFrequencyWord(ifHz: number, xtalHz: number): number {
  return Math.trunc(((ifHz * TWO_POW_22) / xtalHz) * -1);
}

/** Sample-clock correction word for a ppm value (int16, librtlsdr rtlsdr_set_sample_freq_correction). */
export function sampleFreqCorrectionWord(ppm: number): number {
  const w = Math.trunc((ppm * -1 * TWO_POW_24) / 1_000_000);
  return (w << 16) >> 16;
}

/** Crystal frequency with a ppm correction applied, as librtlsdr's APPLY_PPM_CORR (truncated to Hz). */
export function correctedXtalHz(xtalHz: number, ppm: number): number {
  return Math.floor(xtalHz * (1.0 + ppm / 1e6));
}

/** Parsed RTL2832U EEPROM (rtl_eeprom layout). */
export interface EepromConfig {
  vendorId: number;
  productId: number;
  manufacturer: string;
  product: string;
  serial: string;
  haveSerial: boolean;
  remoteWakeup: boolean;
  enableIr: boolean;
  /** False when the 0x28 0x32 header is missing (blank or foreign EEPROM). */
  validHeader: boolean;
}

export class Rtl2832u {
  /** Crystal of the RTL2832U, Hz (uncorrected). */
  rtlXtalHz = DEFAULT_RTL_XTAL_HZ;
  /** Frequency correction, ppm. */
  ppm = 0;

  constructor(readonly regs: RegisterAccess) {}

  /** Crystal with the ppm correction applied, Hz. */
  get correctedRtlXtalHz(): number {
    return correctedXtalHz(this.rtlXtalHz, this.ppm);
  }

  /**
   * librtlsdr's "dummy write" to USB_SYSCTL right after claiming: a failure means the device needs a USB
   * reset. Returns false instead of throwing so the caller can reset and carry on.
   */
  async probeWrite(): Promise<boolean> {
    try {
      const n = await this.regs.writeArray(Block.USB, UsbReg.SYSCTL, Uint8Array.of(0x09));
      return n === 1;
    } catch {
      return false;
    }
  }

  /** Power up and configure the baseband for SDR use (librtlsdr rtlsdr_init_baseband). */
  async initBaseband(fir: readonly number[] = DEFAULT_FIR): Promise<void> {
    const r = this.regs;
    // USB: full-speed FIFO handling (SYSCTL 0x09), 512-byte bulk packets, EPA reset + stall clear.
    await r.writeReg(Block.USB, UsbReg.SYSCTL, 0x09, 1);
    await r.writeReg(Block.USB, UsbReg.EPA_MAXPKT, 0x0002, 2);
    await r.writeReg(Block.USB, UsbReg.EPA_CTL, 0x1002, 2);
    // Power on the demod: DEMOD_CTL_1 0x22 (IR wake-up off), DEMOD_CTL 0xe8 (ADC_I/ADC_Q on, PLL on, demod on).
    await r.writeReg(Block.SYS, SysReg.DEMOD_CTL_1, 0x22, 1);
    await r.writeReg(Block.SYS, SysReg.DEMOD_CTL, 0xe8, 1);
    await this.softReset();
    // Spectrum inversion and adjacent-channel rejection off (p1 0x15, p1 0x16 as a 16-bit write).
    await r.demodWrite(1, 0x15, 0x00, 1);
    await r.demodWrite(1, 0x16, 0x0000, 2);
    // Clear the DDC shift and IF frequency registers p1 0x16..0x1b.
    for (let i = 0; i < 6; i++) await r.demodWrite(1, 0x16 + i, 0x00, 1);
    await this.setFir(fir);
    // p0 0x19: SDR mode on, DAGC (bit 5) off.
    await r.demodWrite(0, 0x19, 0x05, 1);
    // FSM state-holding registers.
    await r.demodWrite(1, 0x93, 0xf0, 1);
    await r.demodWrite(1, 0x94, 0x0f, 1);
    // en_dagc (p1 0x11 bit 0) off; RF and IF AGC loops (p1 0x04) off.
    await r.demodWrite(1, 0x11, 0x00, 1);
    await r.demodWrite(1, 0x04, 0x00, 1);
    // PID filter off (p0 0x61 enable_PID = 0); opt_adc_iq = 0 (p0 0x06), default ADC_I/ADC_Q datapath.
    await r.demodWrite(0, 0x61, 0x60, 1);
    await r.demodWrite(0, 0x06, 0x80, 1);
    // p1 0xb1: Zero-IF (en_bbin), DC cancellation (en_dc_est), IQ estimation/compensation.
    await r.demodWrite(1, 0xb1, 0x1b, 1);
    // p0 0x0d: 4.096 MHz clock output on TP_CK0 off.
    await r.demodWrite(0, 0x0d, 0x83, 1);
  }

  /** Demod soft reset: p1 0x01 bit 2 (soft_rst) pulsed with the I2C repeater off. */
  async softReset(): Promise<void> {
    await this.regs.demodWrite(1, 0x01, 0x14, 1);
    await this.regs.demodWrite(1, 0x01, 0x10, 1);
  }

  /** Load the 32-tap FIR (16 given, mirrored): 8 int8 taps then 8 int12 taps packed in 12 bytes. */
  async setFir(fir: readonly number[]): Promise<void> {
    if (fir.length !== 16)
      throw new DriverError('BW_ERR_INVALID_ARGUMENT', `FIR needs 16 coefficients, got ${fir.length}`);
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 8; i++) {
      const v = fir[i] ?? 0;
      if (v < -128 || v > 127) throw new DriverError('BW_ERR_INVALID_ARGUMENT', `FIR tap ${i} = ${v} is not int8`);
      bytes[i] = v & 0xff;
    }
    for (let i = 0; i < 8; i += 2) {
      const v0 = fir[8 + i] ?? 0;
      const v1 = fir[8 + i + 1] ?? 0;
      if (v0 < -2048 || v0 > 2047 || v1 < -2048 || v1 > 2047) {
        throw new DriverError('BW_ERR_INVALID_ARGUMENT', `FIR taps ${8 + i}/${9 + i} are not int12`);
      }
      const o = 8 + (i * 3) / 2;
      bytes[o] = (v0 >> 4) & 0xff;
      bytes[o + 1] = ((v0 << 4) | ((v1 >> 8) & 0x0f)) & 0xff;
      bytes[o + 2] = v1 & 0xff;
    }
    for (let i = 0; i < bytes.length; i++) await this.regs.demodWrite(1, 0x1c + i, bytes[i] ?? 0, 1);
  }

  /** Power the demodulator and ADCs down (SYS DEMOD_CTL = 0x20). */
  async powerDown(): Promise<void> {
    await this.regs.writeReg(Block.SYS, SysReg.DEMOD_CTL, 0x20, 1);
  }

  /** Set the DDC's IF (Hz) using the ppm-corrected crystal: p1 0x19 (6 bits), 0x1a, 0x1b. */
  async setIfFrequency(ifHz: number): Promise<void> {
    const w = ifFrequencyWord(ifHz, this.correctedRtlXtalHz);
    await this.regs.demodWrite(1, 0x19, (w >> 16) & 0x3f, 1);
    await this.regs.demodWrite(1, 0x1a, (w >> 8) & 0xff, 1);
    await this.regs.demodWrite(1, 0x1b, w & 0xff, 1);
  }

  /** Write the resampler ratio (p1 0x9f high 16 bits, p1 0xa1 low 16 bits). */
  async writeResamplerRatio(ratio: number): Promise<void> {
    await this.regs.demodWrite(1, 0x9f, (ratio >>> 16) & 0xffff, 2);
    await this.regs.demodWrite(1, 0xa1, ratio & 0xffff, 2);
  }

  /** Sample-clock ppm correction: p1 0x3f low byte, p1 0x3e high 6 bits. */
  async setSampleFreqCorrection(ppm: number): Promise<void> {
    const w = sampleFreqCorrectionWord(ppm);
    await this.regs.demodWrite(1, 0x3f, w & 0xff, 1);
    await this.regs.demodWrite(1, 0x3e, (w >> 8) & 0x3f, 1);
  }

  /** Configure the demod for a low-IF tuner (R82xx): real IF sampled on ADC I, mixed down digitally. */
  async configureLowIf(ifHz: number): Promise<void> {
    // p1 0xb1 0x1a: Zero-IF off (DC/IQ estimation stay on); p0 0x08 0x4d: only the in-phase ADC input.
    await this.regs.demodWrite(1, 0xb1, 0x1a, 1);
    await this.regs.demodWrite(0, 0x08, 0x4d, 1);
    await this.setIfFrequency(ifHz);
    // p1 0x15 0x01: spectrum inversion on (the R82xx IF is inverted).
    await this.regs.demodWrite(1, 0x15, 0x01, 1);
  }

  /** Test mode: the stream carries an 8-bit counter instead of samples (p0 0x19 = 0x03; 0x05 normal). */
  async setTestMode(on: boolean): Promise<void> {
    await this.regs.demodWrite(0, 0x19, on ? 0x03 : 0x05, 1);
  }

  /** Digital AGC of the RTL2832U (p0 0x19 bit 5: 0x25 on, 0x05 off). */
  async setAgc(on: boolean): Promise<void> {
    await this.regs.demodWrite(0, 0x19, on ? 0x25 : 0x05, 1);
  }

  /** Direct-sampling demod settings: mode 1 = I ADC, mode 2 = Q ADC (p0 0x06 swaps I and Q). */
  async enterDirectSampling(mode: 1 | 2): Promise<void> {
    await this.regs.demodWrite(1, 0xb1, 0x1a, 1); // Zero-IF off
    await this.regs.demodWrite(1, 0x15, 0x00, 1); // spectrum inversion off
    await this.regs.demodWrite(0, 0x08, 0x4d, 1); // in-phase ADC only
    await this.regs.demodWrite(0, 0x06, mode === 2 ? 0x90 : 0x80, 1);
  }

  /** Default ADC datapath (opt_adc_iq = 0). */
  async defaultAdcPath(): Promise<void> {
    await this.regs.demodWrite(0, 0x06, 0x80, 1);
  }

  /** Make a GPIO an output: clear its GPD bit, set its GPOE bit (read-modify-write). */
  async setGpioOutput(gpio: number): Promise<void> {
    const bit = 1 << gpio;
    const gpd = await this.regs.readReg(Block.SYS, SysReg.GPD, 1);
    await this.regs.writeReg(Block.SYS, SysReg.GPD, gpd & ~bit & 0xff, 1);
    const gpoe = await this.regs.readReg(Block.SYS, SysReg.GPOE, 1);
    await this.regs.writeReg(Block.SYS, SysReg.GPOE, (gpoe | bit) & 0xff, 1);
  }

  /** Drive a GPIO output high or low (read-modify-write of GPO). */
  async setGpioBit(gpio: number, on: boolean): Promise<void> {
    const bit = 1 << gpio;
    const gpo = await this.regs.readReg(Block.SYS, SysReg.GPO, 1);
    await this.regs.writeReg(Block.SYS, SysReg.GPO, (on ? gpo | bit : gpo & ~bit) & 0xff, 1);
  }

  /** Flush the bulk FIFO: EPA_CTL stall+reset then release (librtlsdr rtlsdr_reset_buffer). */
  async resetBuffer(): Promise<void> {
    await this.regs.writeReg(Block.USB, UsbReg.EPA_CTL, 0x1002, 2);
    await this.regs.writeReg(Block.USB, UsbReg.EPA_CTL, 0x0000, 2);
  }

  /** Read `length` EEPROM bytes from `offset` (pointer write, then one-byte reads like librtlsdr). */
  async readEeprom(offset = 0, length = EEPROM_SIZE): Promise<Uint8Array> {
    checkEepromSpan(offset, length);
    const w = await this.regs.writeArray(Block.IIC, EEPROM_I2C_ADDR, Uint8Array.of(offset));
    if (w === null) throw new DriverError('BW_ERR_EEPROM', 'no EEPROM answered at I2C 0xa0');
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const b = await this.regs.readArray(Block.IIC, EEPROM_I2C_ADDR, 1);
      if (b === null || b.length !== 1)
        throw new DriverError('BW_ERR_EEPROM', `EEPROM read failed at byte ${offset + i}`);
      out[i] = b[0] ?? 0;
    }
    return out;
  }

  /**
   * Write bytes to the EEPROM from `offset`, skipping bytes that already hold the value, with a pause
   * after each write (some 24LC02 parts need ~5 ms). Returns how many bytes were actually written.
   */
  async writeEeprom(data: Uint8Array, offset = 0, pauseMs = 5): Promise<number> {
    checkEepromSpan(offset, data.length);
    let written = 0;
    for (let i = 0; i < data.length; i++) {
      const addr = offset + i;
      await this.regs.writeArray(Block.IIC, EEPROM_I2C_ADDR, Uint8Array.of(addr));
      const cur = await this.regs.readArray(Block.IIC, EEPROM_I2C_ADDR, 1);
      const want = data[i] ?? 0;
      if (cur !== null && cur[0] === want) continue;
      const n = await this.regs.writeArray(Block.IIC, EEPROM_I2C_ADDR, Uint8Array.of(addr, want));
      if (n !== 2)
        throw new DriverError('BW_ERR_EEPROM', `EEPROM write failed at byte ${addr} (0x${addr.toString(16)})`);
      written++;
      if (pauseMs > 0) await new Promise((res) => setTimeout(res, pauseMs));
    }
    return written;
  }
}

function checkEepromSpan(offset: number, length: number): void {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > EEPROM_SIZE
  ) {
    throw new DriverError('BW_ERR_INVALID_ARGUMENT', `EEPROM span ${offset}+${length} exceeds ${EEPROM_SIZE} bytes`);
  }
}
