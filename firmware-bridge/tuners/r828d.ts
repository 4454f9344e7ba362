/**
 * Rafael Micro R828D at I2C 0x74. Generic boards clock it from its own 16 MHz crystal and switch between
 * the Cable-1 and Air-In inputs at 345 MHz (librtlsdr 0.6). The RTL-SDR Blog V4 clocks it from the
 * 28.8 MHz crystal, up-converts HF by 28.8 MHz, and has three inputs and notch filters; that variant follows
 * librtlsdr 2.0's V4 support (0.6 predates the V4), on top of 0.6's register write pattern.
 */
import { R82xx } from './r82xx.ts';
import type { TunerHost } from './tuner.ts';

export const R828D_I2C_ADDR = 0x74;
/** Crystal of generic R828D boards, Hz. */
export const R828D_XTAL_HZ = 16_000_000;
/** Air-In above, Cable-1 at or below this RF frequency, Hz (generic R828D boards). */
export const R828D_INPUT_SWITCH_HZ = 345_000_000;

export class R828d extends R82xx {
  constructor(host: TunerHost, xtalHz = R828D_XTAL_HZ) {
    super(
      host,
      {
        type: 'R828D',
        name: 'Rafael Micro R828D',
        i2cAddress: R828D_I2C_ADDR,
        vcoPowerRef: 1,
        ownXtalHz: R828D_XTAL_HZ,
        minFrequencyHz: 24_000_000,
        maxFrequencyHz: 1_766_000_000,
      },
      xtalHz,
    );
  }

  protected override async afterTune(rfHz: number): Promise<void> {
    // r05 bits 6:5: 0x00 Air-In (UHF), 0x60 Cable-1 (lower noise floor below ~345 MHz).
    const sel = rfHz > R828D_INPUT_SWITCH_HZ ? 0x00 : 0x60;
    if (sel !== this.input) {
      this.input = sel;
      await this.writeMask(0x05, sel, 0x60);
    }
  }
}

/** HF up-conversion offset of the RTL-SDR Blog V4, Hz. */
export const BLOG_V4_UPCONVERT_HZ = 28_800_000;
const BAND_HF = 1;
const BAND_VHF = 2;
const BAND_UHF = 3;

/** RTL-SDR Blog V4: R828D on the 28.8 MHz crystal with HF up-converter, band inputs and notches. */
export class R828dBlogV4 extends R82xx {
  constructor(host: TunerHost, rtlXtalHz: number) {
    super(
      host,
      {
        type: 'R828D',
        name: 'Rafael Micro R828D (RTL-SDR Blog V4)',
        i2cAddress: R828D_I2C_ADDR,
        vcoPowerRef: 1,
        ownXtalHz: undefined,
        minFrequencyHz: 500_000,
        maxFrequencyHz: 1_766_000_000,
      },
      rtlXtalHz,
    );
  }

  protected override tunedFrequencyHz(rfHz: number): number {
    return rfHz < BLOG_V4_UPCONVERT_HZ ? rfHz + BLOG_V4_UPCONVERT_HZ : rfHz;
  }

  protected override async afterTune(rfHz: number): Promise<void> {
    // Notches (FM and DAB/VHF broadcast) are off when tuned inside their band, on elsewhere (r17 bit 3).
    const inNotchBand =
      rfHz <= 2_200_000 || (rfHz >= 85_000_000 && rfHz <= 112_000_000) || (rfHz >= 172_000_000 && rfHz <= 242_000_000);
    await this.writeMask(0x17, inNotchBand ? 0x00 : 0x08, 0x08);
    const band = rfHz <= BLOG_V4_UPCONVERT_HZ ? BAND_HF : rfHz < 250_000_000 ? BAND_VHF : BAND_UHF;
    if (band === this.input) return;
    this.input = band;
    const cable2 = band === BAND_HF ? 0x08 : 0x00;
    await this.writeMask(0x06, cable2, 0x08); // cable-2 (HF) input
    await this.host.setGpio(5, cable2 === 0); // up-converter switch on newer batches
    await this.writeMask(0x05, band === BAND_VHF ? 0x40 : 0x00, 0x40); // cable-1 (VHF) input
    await this.writeMask(0x05, band === BAND_UHF ? 0x00 : 0x20, 0x20); // air-in (UHF) input
  }
}

/** True for the USB strings of an RTL-SDR Blog V4. */
export function isBlogV4(manufacturer: string, product: string): boolean {
  return manufacturer === 'RTLSDRBlog' && product === 'Blog V4';
}
