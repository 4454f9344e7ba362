/**
 * The 256-byte I2C EEPROM (24C02-like, address 0xa0) on the RTL2832U's own I2C bus. Layout per osmocom
 * rtl_eeprom: 0x28 0x32 header, VID/PID little-endian, 0xa5 when a serial is present, config bytes, then three USB
 * string descriptors (manufacturer, product, serial) from offset 9, each `len, 0x03, UTF-16LE chars`.
 */

export const EEPROM_I2C_ADDRESS = 0xa0;
export const EEPROM_SIZE = 256;
const STRINGS_OFFSET = 0x09;
/** Strings must end before this offset (the IR config starts at 78). */
const STRINGS_END = 78;

export interface EepromContent {
  vendorId: number;
  productId: number;
  manufacturer: string;
  product: string;
  serial: string;
}

/** Builds an EEPROM image with a valid RTL header. Throws RangeError if the strings do not fit. */
export function buildEeprom(c: EepromContent): Uint8Array {
  const d = new Uint8Array(EEPROM_SIZE).fill(0xff);
  d[0] = 0x28;
  d[1] = 0x32;
  d[2] = c.vendorId & 0xff;
  d[3] = (c.vendorId >> 8) & 0xff;
  d[4] = c.productId & 0xff;
  d[5] = (c.productId >> 8) & 0xff;
  d[6] = c.serial ? 0xa5 : 0x00;
  d[7] = 0x14;
  d[8] = 0x02;
  let pos = STRINGS_OFFSET;
  for (const s of [c.manufacturer, c.product, c.serial]) {
    const len = 2 + 2 * s.length;
    if (pos + len > STRINGS_END) throw new RangeError(`EEPROM strings too long (ends at byte ${pos + len})`);
    d[pos] = len;
    d[pos + 1] = 0x03;
    for (let i = 0; i < s.length; i++) {
      d[pos + 2 + 2 * i] = s.charCodeAt(i) & 0xff;
      d[pos + 3 + 2 * i] = 0;
    }
    pos += len;
  }
  d[STRINGS_END] = 0x00; // no IR config
  return d;
}

/** Parses the header and strings; undefined when the header is not a valid RTL EEPROM. */
export function parseEeprom(d: Uint8Array): EepromContent | undefined {
  if (d[0] !== 0x28 || d[1] !== 0x32) return undefined;
  const strings: string[] = [];
  let pos = STRINGS_OFFSET;
  for (let k = 0; k < 3; k++) {
    const len = d[pos] ?? 0;
    if (d[pos + 1] !== 0x03 || len < 2 || pos + len > STRINGS_END) return undefined;
    let s = '';
    for (let i = 2; i < len; i += 2) s += String.fromCharCode(d[pos + i] ?? 0);
    strings.push(s);
    pos += len;
  }
  return {
    vendorId: (d[2] ?? 0) | ((d[3] ?? 0) << 8),
    productId: (d[4] ?? 0) | ((d[5] ?? 0) << 8),
    manufacturer: strings[0] ?? '',
    product: strings[1] ?? '',
    serial: d[6] === 0xa5 ? (strings[2] ?? '') : '',
  };
}

/** The EEPROM as an I2C slave: a 1-byte write sets the address pointer, longer writes store bytes, reads stream. */
export class EepromModel {
  readonly data: Uint8Array;
  private pointer = 0;

  constructor(image: Uint8Array) {
    this.data = new Uint8Array(EEPROM_SIZE);
    this.data.set(image.subarray(0, EEPROM_SIZE));
  }

  i2cWrite(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pointer = bytes[0] ?? 0;
    for (let i = 1; i < bytes.length; i++) {
      this.data[this.pointer] = bytes[i] ?? 0;
      this.pointer = (this.pointer + 1) & 0xff;
    }
  }

  i2cRead(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.data[this.pointer] ?? 0;
      this.pointer = (this.pointer + 1) & 0xff;
    }
    return out;
  }
}
