/**
 * RTL2832U EEPROM layout (as rtl_eeprom reads and writes it):
 *   0-1 header 0x28 0x32, 2-3 VID (LE), 4-5 PID (LE), 6 0xa5 = serial enabled, 7 config bits
 *   (bit 0 remote wake-up, bit 1 IR endpoint; 0x14 base), 8 = 0x02, then from byte 9 three USB string
 *   descriptors (manufacturer, product, serial: length, 0x03, UTF-16LE) that must end before byte 78;
 *   byte 78 is the IR config length. rtl_eeprom rewrites only the first 128 bytes.
 */
import { DriverError } from '../errors.ts';
import type { EepromConfig } from './rtl2832u.ts';
import { EEPROM_SIZE } from './rtl2832u.ts';

const STR_OFFSET = 0x09;
const STR_END = 78;
/** Bytes rtl_eeprom writes back when changing strings. */
export const EEPROM_CONFIG_BYTES = 128;

function readString(data: Uint8Array, pos: number): { text: string; next: number; ok: boolean } {
  const len = data[pos] ?? 0;
  const ok = data[pos + 1] === 0x03 && len >= 2 && pos + len <= data.length;
  let text = '';
  let i = 2;
  for (; i < len && pos + i < data.length; i += 2) text += String.fromCharCode(data[pos + i] ?? 0);
  return { text, next: pos + Math.max(i, 2), ok };
}

/** Parse an EEPROM image. Never throws: a blank/foreign EEPROM gives `validHeader: false`. */
export function parseEeprom(data: Uint8Array): EepromConfig {
  const m = readString(data, STR_OFFSET);
  const p = readString(data, m.next);
  const s = readString(data, p.next);
  return {
    validHeader: data[0] === 0x28 && data[1] === 0x32,
    vendorId: (data[2] ?? 0) | ((data[3] ?? 0) << 8),
    productId: (data[4] ?? 0) | ((data[5] ?? 0) << 8),
    haveSerial: data[6] === 0xa5,
    remoteWakeup: ((data[7] ?? 0) & 0x01) !== 0,
    enableIr: ((data[7] ?? 0) & 0x02) !== 0,
    manufacturer: m.ok ? m.text : '',
    product: p.ok ? p.text : '',
    serial: s.ok ? s.text : '',
  };
}

/**
 * Build a new EEPROM image from `base` (bytes after the strings are kept) and a config. Throws a typed
 * error when the three strings do not fit before byte 78 or are not printable ASCII.
 */
export function buildEeprom(conf: EepromConfig, base: Uint8Array = new Uint8Array(EEPROM_SIZE)): Uint8Array {
  const out = Uint8Array.from(base.length === EEPROM_SIZE ? base : new Uint8Array(EEPROM_SIZE));
  out[0] = 0x28;
  out[1] = 0x32;
  out[2] = conf.vendorId & 0xff;
  out[3] = (conf.vendorId >> 8) & 0xff;
  out[4] = conf.productId & 0xff;
  out[5] = (conf.productId >> 8) & 0xff;
  out[6] = conf.haveSerial ? 0xa5 : 0x00;
  out[7] = 0x14 | (conf.remoteWakeup ? 0x01 : 0) | (conf.enableIr ? 0x02 : 0);
  out[8] = 0x02;
  let pos = STR_OFFSET;
  for (const [field, text] of [
    ['manufacturer', conf.manufacturer],
    ['product', conf.product],
    ['serial', conf.serial],
  ] as const) {
    if (!/^[\x20-\x7e]*$/.test(text)) {
      throw new DriverError('BW_ERR_INVALID_ARGUMENT', `EEPROM ${field} '${text}' must be printable ASCII`);
    }
    const len = 2 + text.length * 2;
    if (pos + len > STR_END) {
      throw new DriverError(
        'BW_ERR_INVALID_ARGUMENT',
        `EEPROM strings too long: ${field} '${text}' ends at byte ${pos + len}, limit ${STR_END}`,
      );
    }
    out[pos] = len;
    out[pos + 1] = 0x03;
    for (let i = 0; i < text.length; i++) {
      out[pos + 2 + i * 2] = text.charCodeAt(i);
      out[pos + 3 + i * 2] = 0;
    }
    pos += len;
  }
  out[STR_END] = 0x00;
  return out;
}
