/**
 * Human decode of an RTL2832U vendor control request, shared by error messages and the trace replay test.
 * Addressing (librtlsdr): block registers use wValue = address, wIndex = block << 8 (| 0x10 to write);
 * demodulator registers use wValue = (reg << 8) | 0x20, wIndex = page (| 0x10 to write).
 */
import type { RegisterCoordinates } from '../errors.ts';
import { hex } from '../errors.ts';
import type { ControlSetup } from './transport.ts';

const BLOCK_NAMES: Record<number, string> = { 0: 'DEMODB', 1: 'USB', 2: 'SYS', 3: 'TUN', 4: 'ROM', 5: 'IR', 6: 'I2C' };

export function decodeSetup(setup: ControlSetup): string {
  const { value, index } = setup;
  if ((value & 0xff) === 0x20 && index >> 8 === 0) {
    return `DEMOD p${index & 0x0f} r${hex(value >> 8)}`;
  }
  const block = index >> 8;
  if (block === 6) return `I2C ${hex(value & 0xff)}`;
  return `${BLOCK_NAMES[block] ?? `block${block}`}[${hex(value, 4)}]`;
}

export function describeSetup(direction: 'in' | 'out', setup: ControlSetup, length: number): RegisterCoordinates {
  return {
    decoded: decodeSetup(setup),
    direction,
    request: setup.request,
    value: setup.value,
    index: setup.index,
    length,
  };
}
