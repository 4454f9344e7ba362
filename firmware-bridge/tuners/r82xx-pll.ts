/**
 * R82xx PLL and filter maths as pure functions (librtlsdr 0.6 tuner_r82xx.c, r82xx_set_pll and
 * r82xx_set_bandwidth), so the register values can be checked without a device. Integer widths of the C
 * code (uint8 nint/ni/si, uint16 sdm) are reproduced with explicit masks.
 */
import { DriverError } from '../errors.ts';

/** VCO range, kHz. */
export const VCO_MIN_KHZ = 1_770_000;
export const VCO_MAX_KHZ = VCO_MIN_KHZ * 2;

/**
 * When the LO is so low that even /64 leaves the VCO below its minimum, librtlsdr's divider search falls
 * through (mixer divider 128, divider register 0 = /2: the LO lands near 1.7 GHz). For LOs within this
 * fraction below the /64 limit (the 24–24.2 MHz corner of the band) we use /64 instead and let the VCO run
 * slightly low, which tunes the right frequency. Further below (librtlsdr's 0 Hz retune when the rate is
 * set before any frequency) we keep librtlsdr's values, which the next real tune overwrites.
 */
export const LOW_LO_CLAMP_FRACTION = 0.9;

export interface PllDivider {
  /** Mixer divider 2..64 (128 = librtlsdr's fall-through). */
  mixDiv: number;
  /** Divider register value before the VCO fine-tune adjustment (r10 bits 7:5). */
  divNum: number;
  /** True when we deliberately differ from librtlsdr (see LOW_LO_CLAMP_FRACTION). */
  clamped: boolean;
}

/** Pick the mixer divider that puts the VCO in [VCO_MIN, VCO_MAX). */
export function pllDivider(loHz: number): PllDivider {
  const freqKhz = Math.floor((loHz + 500) / 1000);
  for (let mixDiv = 2, divNum = 0; mixDiv <= 64; mixDiv <<= 1, divNum++) {
    const vco = freqKhz * mixDiv;
    if (vco >= VCO_MIN_KHZ && vco < VCO_MAX_KHZ) return { mixDiv, divNum, clamped: false };
  }
  if (freqKhz * 64 < VCO_MIN_KHZ && freqKhz * 64 >= VCO_MIN_KHZ * LOW_LO_CLAMP_FRACTION) {
    return { mixDiv: 64, divNum: 5, clamped: true };
  }
  return { mixDiv: 128, divNum: 0, clamped: false };
}

export interface PllSettings {
  mixDiv: number;
  /** r10 bits 7:5 after the fine-tune adjustment. */
  divNum: number;
  nint: number;
  /** r14 = ni + (si << 6). */
  r14: number;
  /** Sigma-delta fraction, r16 (high) r15 (low). */
  sdm: number;
  /** r12 bit 3 (pw_sdm): 0x08 when the fraction is zero (SDM powered down). */
  pwSdm: 0x00 | 0x08;
  /** The VCO frequency the registers ask for, Hz. */
  vcoHz: number;
}

/**
 * PLL register values for an LO frequency.
 * @param loHz LO frequency, Hz (RF + IF)
 * @param xtalHz tuner reference crystal with ppm applied, Hz
 * @param vcoPowerRef 2 for R820T, 1 for R828D
 * @param vcoFineTune r04 bits 5:4 read back from the tuner just before
 */
export function pllSettings(loHz: number, xtalHz: number, vcoPowerRef: 1 | 2, vcoFineTune: number): PllSettings {
  const { mixDiv, divNum: div0 } = pllDivider(loHz);
  let divNum = div0;
  if (vcoFineTune > vcoPowerRef) divNum = (divNum - 1) & 0xff;
  else if (vcoFineTune < vcoPowerRef) divNum = (divNum + 1) & 0xff;

  const vcoHz = loHz * mixDiv;
  const nintFull = Math.floor(vcoHz / (2 * xtalHz));
  const maxNint = 128 / vcoPowerRef - 1;
  if (nintFull > maxNint) {
    throw new DriverError(
      'BW_ERR_TUNER_PLL',
      `no valid PLL values for LO ${loHz} Hz (N=${nintFull} > ${maxNint} with a ${xtalHz} Hz reference)`,
    );
  }
  const nint = nintFull & 0xff;
  // uint32 arithmetic of the C code for 2·ref·N.
  const vcoFraKhz = Math.floor((vcoHz - ((2 * xtalHz * nint) % 4294967296)) / 1000);
  const ni = Math.trunc((nint - 13) / 4) & 0xff;
  const si = (nint - 4 * ni - 13) & 0xff;
  const r14 = (ni + (si << 6)) & 0xff;

  // Successive approximation of the fraction in 1/65536 steps, as librtlsdr 0.6 does it.
  const refKhz = Math.floor((xtalHz + 500) / 1000);
  let fra = vcoFraKhz;
  let nSdm = 2;
  let sdm = 0;
  while (fra > 1) {
    const step = Math.floor((2 * refKhz) / nSdm);
    if (fra > step) {
      sdm = (sdm + Math.floor(32768 / (nSdm / 2))) & 0xffff;
      fra -= step;
      if (nSdm >= 0x8000) break;
    }
    nSdm = (nSdm << 1) & 0xffff;
    if (nSdm === 0) break; // unreachable with a positive reference; guards the division
  }
  return { mixDiv, divNum, nint, r14, sdm, pwSdm: vcoFraKhz === 0 ? 0x08 : 0x00, vcoHz };
}

/** IF low-pass filter corners, Hz (r0b bits 3:0 = 15 - index). */
export const IF_LOW_PASS_BW_HZ = [
  1_700_000, 1_600_000, 1_550_000, 1_450_000, 1_200_000, 900_000, 700_000, 550_000, 450_000, 350_000,
];
const FILT_HP_BW1 = 350_000;
const FILT_HP_BW2 = 380_000;

/** Filter registers and IF for a bandwidth (librtlsdr r82xx_set_bandwidth). */
export function bandwidthSettings(bandwidthHz: number): { reg0a: number; reg0b: number; ifHz: number } {
  let bw = bandwidthHz;
  if (bw > 7_000_000) return { reg0a: 0x10, reg0b: 0x0b, ifHz: 4_570_000 };
  if (bw > 6_000_000) return { reg0a: 0x10, reg0b: 0x2a, ifHz: 4_570_000 };
  if (bw > (IF_LOW_PASS_BW_HZ[0] ?? 0) + FILT_HP_BW1 + FILT_HP_BW2)
    return { reg0a: 0x10, reg0b: 0x6b, ifHz: 3_570_000 };
  let reg0b = 0x80;
  let ifHz = 2_300_000;
  let realBw = 0;
  const widest = IF_LOW_PASS_BW_HZ[0] ?? 0;
  if (bw > widest + FILT_HP_BW1) {
    bw -= FILT_HP_BW2;
    ifHz += FILT_HP_BW2;
    realBw += FILT_HP_BW2;
  } else {
    reg0b |= 0x20;
  }
  if (bw > widest) {
    bw -= FILT_HP_BW1;
    ifHz += FILT_HP_BW1;
    realBw += FILT_HP_BW1;
  } else {
    reg0b |= 0x40;
  }
  let i = 0;
  for (; i < IF_LOW_PASS_BW_HZ.length; i++) if (bw > (IF_LOW_PASS_BW_HZ[i] ?? 0)) break;
  i = Math.max(0, i - 1);
  reg0b |= 15 - i;
  realBw += IF_LOW_PASS_BW_HZ[i] ?? 0;
  ifHz -= Math.floor(realBw / 2);
  return { reg0a: 0x00, reg0b, ifHz };
}
