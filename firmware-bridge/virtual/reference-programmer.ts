/**
 * A minimal register programmer with librtlsdr 0.6.0 semantics, over any WebUSB `USBDevice`: it writes the same
 * register values librtlsdr would for init, tuning (R82xx PLL incl. 0.6.0's SDM approximation), sample rate
 * (resampler ratio, IF filter and IF shift), gain, ppm, test mode and FIFO reset. It exists so the virtual dongle
 * can be checked (tests) and driven (bench) without the real driver; it is not a driver (no probing, no error
 * recovery, no streaming). Register values follow osmocom librtlsdr.c / tuner_r82xx.c; the code is ours.
 */

const XTAL_HZ = 28_800_000;
const TWO_POW_22 = 4194304;
const I2C_ADDR = 0x34;

/** Demod FIR coefficients as librtlsdr packs them (fir_default, 8 × int8 then 8 × int12). */
const FIR_BYTES = [
  0xca, 0xdc, 0xd7, 0xd8, 0xe0, 0xf2, 0x0e, 0x35, 0x06, 0x50, 0x9c, 0x0d, 0x71, 0x11, 0x14, 0x71, 0x74, 0x19, 0x41,
  0xa5,
];

/** R82xx r05..r1f after librtlsdr's r82xx_init (init table, TV-standard setup, filter calibration, sysfreq_sel). */
const R82XX_AFTER_INIT = [
  0x03, 0x12, 0x75, 0xc0, 0x40, 0xd8, 0x6b, 0xf0, 0x53, 0x75, 0x68, 0x8c, 0xbb, 0x80, 0x31, 0x84, 0x72, 0x1c, 0x30,
  0x48, 0xec, 0x68, 0x00, 0x24, 0xdd, 0x6e, 0x40,
];

const LNA_STEPS = [0, 9, 13, 40, 38, 13, 31, 22, 26, 31, 26, 14, 19, 5, 35, 13];
const MIXER_STEPS = [0, 5, 10, 10, 19, 9, 10, 25, 17, 10, 8, 16, 13, 6, 3, -8];
const IF_LOW_PASS_BW = [1700000, 1600000, 1550000, 1450000, 1200000, 900000, 700000, 550000, 450000, 350000];

export class ReferenceProgrammer {
  private readonly dev: USBDevice;
  /** Shadow of r05..r1f (librtlsdr keeps one to do masked writes). */
  private readonly shadow = new Uint8Array(32);
  private ifHz = 3_570_000;
  private freqHz = 0;
  private rateHz = 0;
  private ppm = 0;

  constructor(dev: USBDevice) {
    this.dev = dev;
  }

  private async out(value: number, index: number, data: number[]): Promise<void> {
    const r = await this.dev.controlTransferOut(
      { requestType: 'vendor', recipient: 'device', request: 0, value, index },
      Uint8Array.from(data),
    );
    if (r.status !== 'ok') throw new Error(`control OUT ${value.toString(16)}/${index.toString(16)} stalled`);
  }

  private async demod(page: number, reg: number, bytes: number[]): Promise<void> {
    await this.out((reg << 8) | 0x20, 0x10 | page, bytes);
    // librtlsdr's dummy read after every demod write
    await this.dev.controlTransferIn(
      { requestType: 'vendor', recipient: 'device', request: 0, value: 0x0120, index: 0x0a },
      1,
    );
  }

  private async block(block: number, addr: number, bytes: number[]): Promise<void> {
    await this.out(addr, (block << 8) | 0x10, bytes);
  }

  private repeater(on: boolean): Promise<void> {
    return this.demod(1, 0x01, [on ? 0x18 : 0x10]);
  }

  private async tunerWrite(reg: number, vals: number[]): Promise<void> {
    for (let i = 0; i < vals.length; i++) this.shadow[reg + i] = vals[i] ?? 0;
    // 8-byte I2C messages: register + 7 values
    for (let i = 0; i < vals.length; i += 7) await this.block(6, I2C_ADDR, [reg + i, ...vals.slice(i, i + 7)]);
  }

  private tunerMask(reg: number, val: number, mask: number): Promise<void> {
    return this.tunerWrite(reg, [((this.shadow[reg] ?? 0) & ~mask) | (val & mask)]);
  }

  /** rtlsdr_open after the tuner probe: baseband init, R820T selected, tuner initialised. */
  async init(): Promise<void> {
    await this.block(1, 0x2000, [0x09]);
    await this.block(1, 0x2158, [0x00, 0x02]);
    await this.block(1, 0x2148, [0x10, 0x02]);
    await this.block(2, 0x300b, [0x22]);
    await this.block(2, 0x3000, [0xe8]);
    await this.demod(1, 0x01, [0x14]);
    await this.demod(1, 0x01, [0x10]);
    await this.demod(1, 0x15, [0x00]);
    await this.demod(1, 0x16, [0x00, 0x00]);
    for (let i = 0; i < 6; i++) await this.demod(1, 0x16 + i, [0x00]);
    for (let i = 0; i < FIR_BYTES.length; i++) await this.demod(1, 0x1c + i, [FIR_BYTES[i] ?? 0]);
    await this.demod(0, 0x19, [0x05]);
    await this.demod(1, 0x93, [0xf0]);
    await this.demod(1, 0x94, [0x0f]);
    await this.demod(1, 0x11, [0x00]);
    await this.demod(1, 0x04, [0x00]);
    await this.demod(0, 0x61, [0x60]);
    await this.demod(0, 0x06, [0x80]);
    await this.demod(1, 0xb1, [0x1b]);
    await this.demod(0, 0x0d, [0x83]);
    await this.repeater(true);
    await this.demod(1, 0xb1, [0x1a]);
    await this.demod(0, 0x08, [0x4d]);
    await this.setIf(3_570_000);
    await this.demod(1, 0x15, [0x01]);
    await this.tunerWrite(5, R82XX_AFTER_INIT);
    await this.repeater(false);
  }

  private async setIf(hz: number): Promise<void> {
    const xtal = Math.trunc(XTAL_HZ * (1 + this.ppm / 1e6));
    const v = Math.trunc(-((hz * TWO_POW_22) / xtal));
    await this.demod(1, 0x19, [(v >> 16) & 0x3f]);
    await this.demod(1, 0x1a, [(v >> 8) & 0xff]);
    await this.demod(1, 0x1b, [v & 0xff]);
  }

  /** r82xx_set_pll of librtlsdr 0.6.0 (approximate SDM search). */
  private async setPll(loHz: number): Promise<void> {
    const pllRef = Math.trunc(XTAL_HZ * (1 + this.ppm / 1e6));
    const pllRefKhz = Math.trunc((pllRef + 500) / 1000);
    const freqKhz = Math.trunc((loHz + 500) / 1000);
    await this.tunerMask(0x10, 0, 0x10);
    await this.tunerMask(0x1a, 0, 0x0c);
    await this.tunerMask(0x12, 0x80, 0xe0);
    let mixDiv = 2;
    let divNum = 0;
    while (mixDiv <= 64) {
      if (freqKhz * mixDiv >= 1770000 && freqKhz * mixDiv < 3540000) {
        let b = mixDiv;
        while (b > 2) {
          b >>= 1;
          divNum++;
        }
        break;
      }
      mixDiv <<= 1;
    }
    // the virtual tuner reports vco_fine_tune == vco_power_ref, so the divider needs no adjustment
    await this.tunerMask(0x10, divNum << 5, 0xe0);
    const vco = loHz * mixDiv;
    const nint = Math.floor(vco / (2 * pllRef));
    let vcoFra = Math.floor((vco - 2 * pllRef * nint) / 1000);
    if (nint > 63) throw new RangeError(`no valid PLL values for ${loHz} Hz`);
    const ni = Math.floor((nint - 13) / 4);
    const si = nint - 4 * ni - 13;
    await this.tunerWrite(0x14, [(ni + (si << 6)) & 0xff]);
    await this.tunerMask(0x12, vcoFra ? 0x00 : 0x08, 0x08);
    let nSdm = 2;
    let sdm = 0;
    while (vcoFra > 1) {
      if (vcoFra > Math.floor((2 * pllRefKhz) / nSdm)) {
        sdm += Math.floor(32768 / (nSdm / 2));
        vcoFra -= Math.floor((2 * pllRefKhz) / nSdm);
        if (nSdm >= 0x8000) break;
      }
      nSdm <<= 1;
    }
    await this.tunerWrite(0x16, [(sdm >> 8) & 0xff]);
    await this.tunerWrite(0x15, [sdm & 0xff]);
    await this.tunerMask(0x1a, 0x08, 0x08);
  }

  async setCenterFrequency(hz: number): Promise<void> {
    await this.repeater(true);
    await this.setPll(hz + this.ifHz);
    await this.repeater(false);
    this.freqHz = hz;
  }

  /** rtlsdr_set_sample_rate: IF filter + IF shift for the new bandwidth, retune, resampler ratio, correction. */
  async setSampleRate(hz: number): Promise<void> {
    if (hz <= 225000 || hz > 3200000 || (hz > 300000 && hz <= 900000)) throw new RangeError(`invalid rate ${hz}`);
    let ratio = Math.trunc((XTAL_HZ * TWO_POW_22) / hz);
    ratio = ratio & 0x0ffffffc;
    const realRatio = ratio | ((ratio & 0x08000000) << 1);
    this.rateHz = Math.trunc((XTAL_HZ * TWO_POW_22) / realRatio);
    await this.repeater(true);
    await this.setBandwidth(this.rateHz);
    await this.repeater(false);
    await this.demod(1, 0x9f, [(ratio >> 24) & 0xff, (ratio >> 16) & 0xff]);
    await this.demod(1, 0xa1, [(ratio >> 8) & 0xff, ratio & 0xff]);
    await this.setSampleFreqCorrection(this.ppm);
    await this.demod(1, 0x01, [0x14]);
    await this.demod(1, 0x01, [0x10]);
  }

  /** r82xx_set_bandwidth + rtlsdr_set_if_freq + retune (what r820t_set_bw does). */
  private async setBandwidth(bwIn: number): Promise<void> {
    let bw = bwIn;
    let reg0a: number;
    let reg0b: number;
    if (bw > 7000000) {
      reg0a = 0x10;
      reg0b = 0x0b;
      this.ifHz = 4570000;
    } else if (bw > 6000000) {
      reg0a = 0x10;
      reg0b = 0x2a;
      this.ifHz = 4570000;
    } else if (bw > 1700000 + 350000 + 380000) {
      reg0a = 0x10;
      reg0b = 0x6b;
      this.ifHz = 3570000;
    } else {
      reg0a = 0x00;
      reg0b = 0x80;
      this.ifHz = 2300000;
      let realBw = 0;
      if (bw > 1700000 + 350000) {
        bw -= 380000;
        this.ifHz += 380000;
        realBw += 380000;
      } else reg0b |= 0x20;
      if (bw > 1700000) {
        bw -= 350000;
        this.ifHz += 350000;
        realBw += 350000;
      } else reg0b |= 0x40;
      let i = 0;
      for (; i < IF_LOW_PASS_BW.length; i++) if (bw > (IF_LOW_PASS_BW[i] ?? 0)) break;
      i--;
      reg0b |= 15 - i;
      realBw += IF_LOW_PASS_BW[i] ?? 0;
      this.ifHz -= Math.trunc(realBw / 2);
    }
    await this.tunerMask(0x0a, reg0a, 0x10);
    await this.tunerMask(0x0b, reg0b, 0xef);
    await this.setIf(this.ifHz);
    await this.setCenterFrequency(this.freqHz);
  }

  private async setSampleFreqCorrection(ppm: number): Promise<void> {
    const offs = Math.trunc((-ppm * 16777216) / 1e6);
    await this.demod(1, 0x3f, [offs & 0xff]);
    await this.demod(1, 0x3e, [(offs >> 8) & 0x3f]);
  }

  /** rtlsdr_set_freq_correction: sample-rate correction, corrected tuner crystal, retune. */
  async setFrequencyCorrection(ppm: number): Promise<void> {
    this.ppm = ppm;
    await this.setSampleFreqCorrection(ppm);
    if (this.freqHz) await this.setCenterFrequency(this.freqHz);
  }

  /** Manual gain (tenths of dB, librtlsdr's LNA/mixer step search) or 'auto'. */
  async setGain(gain: number | 'auto'): Promise<void> {
    await this.repeater(true);
    if (gain === 'auto') {
      await this.tunerMask(0x05, 0, 0x10);
      await this.tunerMask(0x07, 0x10, 0x10);
      await this.tunerMask(0x0c, 0x0b, 0x9f);
    } else {
      await this.tunerMask(0x05, 0x10, 0x10);
      await this.tunerMask(0x07, 0, 0x10);
      await this.tunerMask(0x0c, 0x08, 0x9f);
      let total = 0;
      let lna = 0;
      let mix = 0;
      for (let i = 0; i < 15; i++) {
        if (total >= gain) break;
        total += LNA_STEPS[++lna] ?? 0;
        if (total >= gain) break;
        total += MIXER_STEPS[++mix] ?? 0;
      }
      await this.tunerMask(0x05, lna, 0x0f);
      await this.tunerMask(0x07, mix, 0x0f);
    }
    await this.repeater(false);
  }

  async setTestMode(on: boolean): Promise<void> {
    await this.demod(0, 0x19, [on ? 0x03 : 0x05]);
  }

  async setAgcMode(on: boolean): Promise<void> {
    await this.demod(0, 0x19, [on ? 0x25 : 0x05]);
  }

  /** rtlsdr_reset_buffer: FIFO reset then release; streaming starts here. */
  async resetBuffer(): Promise<void> {
    await this.block(1, 0x2148, [0x10, 0x02]);
    await this.block(1, 0x2148, [0x00, 0x00]);
  }

  /** The programmed rate as librtlsdr reports it, S/s. */
  get sampleRateHz(): number {
    return this.rateHz;
  }
}
