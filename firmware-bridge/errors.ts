/**
 * Typed errors of the USB driver. Every error carries a stable `code` (documented in
 * docs/firmware-bridge-driver.md) and, for register access, the register coordinates in hex so a field
 * engineer can compare with a USB capture or librtlsdr's traces.
 */
import { BridgeError } from './bridge-error.ts';

/** Stable codes of the driver's errors. */
export const DRIVER_ERROR_CODES = {
  BW_ERR_USB_TRANSFER: 'a USB control or bulk transfer failed or was short',
  BW_ERR_USB_DISCONNECTED: 'the dongle was unplugged (or the host lost it) during an operation',
  BW_ERR_USB_OPEN: 'the dongle could not be opened or its interface claimed (permissions, kernel driver, busy)',
  BW_ERR_USB_NO_BUS: 'this machine has no USB bus (/sys/bus/usb/devices is missing)',
  BW_ERR_DEVICE_NOT_FOUND: 'no dongle matches the requested serial or USB path',
  BW_ERR_DEVICE_AMBIGUOUS: 'several dongles match the requested serial; select one by USB path',
  BW_ERR_DEVICE_CLOSED: 'the device was used after close()',
  BW_ERR_TUNER_NOT_FOUND: 'no known tuner answered on the I2C bus',
  BW_ERR_TUNER_UNSUPPORTED: 'a tuner was found that this driver does not drive (E4000, FC0012, FC0013, FC2580)',
  BW_ERR_TUNER_RANGE: 'the requested centre frequency is outside the tuner range',
  BW_ERR_TUNER_PLL: 'the tuner PLL has no valid divider for the frequency',
  BW_ERR_SAMPLE_RATE: 'the sample rate is outside the RTL2832U resampler windows',
  BW_ERR_INVALID_ARGUMENT: 'an argument is out of range (gain, ppm, direct-sampling mode, EEPROM offset)',
  BW_ERR_EEPROM: 'the EEPROM is missing, unreadable or its contents are malformed',
  BW_ERR_STREAM_STATE: 'a stream operation was called in the wrong state (already streaming, not streaming)',
} as const;

export type DriverErrorCode = keyof typeof DRIVER_ERROR_CODES;

/** Where in the RTL2832U register space an operation failed (all numbers are printed in hex). */
export interface RegisterCoordinates {
  /** Human decode such as `DEMOD p1 r0x19`, `USB[0x2148]`, `I2C 0x34 r0x05`. */
  decoded: string;
  direction: 'in' | 'out';
  request: number;
  value: number;
  index: number;
  length: number;
}

export function hex(n: number, digits = 2): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

export function formatCoordinates(c: RegisterCoordinates): string {
  return (
    `${c.decoded} (${c.direction.toUpperCase()} bRequest ${hex(c.request)} wValue ${hex(c.value, 4)} ` +
    `wIndex ${hex(c.index, 4)} wLength ${c.length})`
  );
}

/** Base class of every driver error. */
export class DriverError extends BridgeError {
  declare readonly code: DriverErrorCode;
  readonly register?: RegisterCoordinates;
  constructor(code: DriverErrorCode, message: string, opts: { register?: RegisterCoordinates; cause?: unknown } = {}) {
    super(code, opts.register ? `${message} at ${formatCoordinates(opts.register)}` : message, undefined, {
      cause: opts.cause,
    });
    this.register = opts.register;
  }
}

/** A transfer failed (stall, timeout, short transfer, I/O error). */
export class UsbTransferError extends DriverError {
  constructor(message: string, opts: { register?: RegisterCoordinates; cause?: unknown } = {}) {
    super('BW_ERR_USB_TRANSFER', message, opts);
  }
}

/** The device went away: the caller should treat the dongle as unplugged, not retry. */
export class DeviceGoneError extends DriverError {
  constructor(message: string, opts: { register?: RegisterCoordinates; cause?: unknown } = {}) {
    super('BW_ERR_USB_DISCONNECTED', message, opts);
  }
}

/**
 * True when an error from WebUSB / node-usb / libusb means the device is gone. Browsers reject with a
 * DOMException `NotFoundError` ("The device was disconnected"); node-usb with "<op> error: device
 * disconnected", LIBUSB_ERROR_NO_DEVICE (-4), ENODEV or "No such device".
 */
export function isDeviceGoneError(e: unknown): boolean {
  if (e instanceof DeviceGoneError) return true;
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: unknown; message?: unknown; code?: unknown; errno?: unknown };
  if (err.name === 'NotFoundError') return true;
  if (err.code === 'BW_ERR_USB_DISCONNECTED' || err.code === 'ENODEV' || err.errno === -4) return true;
  const msg = typeof err.message === 'string' ? err.message : '';
  return /LIBUSB_ERROR_NO_DEVICE|no such device|disconnected|device gone|ENODEV/i.test(msg);
}
