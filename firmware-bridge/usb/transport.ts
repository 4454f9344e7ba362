/**
 * UsbTransport: the only layer that touches the WebUSB `USBDevice`. It runs unmodified on the `usb`
 * package (Node), `navigator.usb` (browser) and the virtual dongle. It turns WebUSB results into bytes or
 * typed errors carrying the register coordinates of the failed transfer.
 */
import { DeviceGoneError, UsbTransferError, isDeviceGoneError, DriverError } from '../errors.ts';
import { describeSetup } from './decode.ts';

/** A vendor control request to the RTL2832U (bRequest is always 0 for register access). */
export interface ControlSetup {
  request: number;
  value: number;
  index: number;
}

/** Transfers the driver needs. `null` from control transfers means the device stalled (I2C NAK). */
export interface UsbTransport {
  controlIn(setup: ControlSetup, length: number): Promise<Uint8Array | null>;
  controlOut(setup: ControlSetup, data: Uint8Array): Promise<number | null>;
  /**
   * One bulk IN transfer of up to `length` bytes; resolves with what arrived (may be short). `timeoutMs` is
   * passed to implementations that take one (node-usb; WebUSB in browsers has no bulk timeout).
   */
  bulkIn(endpointNumber: number, length: number, timeoutMs?: number): Promise<Uint8Array>;
  /** Undo open: release the interface and close the device; never throws. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** The subset of WebUSB `USBDevice` the driver uses (so fakes need implement only this). */
export type UsbDeviceLike = Pick<
  USBDevice,
  | 'open'
  | 'close'
  | 'selectConfiguration'
  | 'claimInterface'
  | 'releaseInterface'
  | 'controlTransferIn'
  | 'controlTransferOut'
  | 'transferIn'
  | 'configuration'
  | 'opened'
  | 'vendorId'
  | 'productId'
  | 'manufacturerName'
  | 'productName'
  | 'serialNumber'
> &
  Partial<Pick<USBDevice, 'reset'>> & {
    /** node-usb extras (Linux): bus path and kernel-driver handling. */
    bus?: string;
    ports?: number[];
    detachKernelDriver?: (iface: number) => Promise<void>;
  };

const INTERFACE = 0;

function toBytes(view: DataView | undefined): Uint8Array {
  if (!view) return new Uint8Array(0);
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** UsbTransport over a WebUSB device. Create with {@link WebUsbTransport.open}. */
export class WebUsbTransport implements UsbTransport {
  private isClosed = false;
  private constructor(readonly device: UsbDeviceLike) {}

  /**
   * Open the device, select configuration 1 if none is active and claim interface 0. On Linux the DVB
   * kernel driver (dvb_usb_rtl28xxu) may hold the interface: node-usb can detach it, so we try once.
   */
  static async open(device: UsbDeviceLike): Promise<WebUsbTransport> {
    try {
      if (!device.opened) await device.open();
      if (!device.configuration) await device.selectConfiguration(1);
    } catch (e) {
      throw new DriverError(
        'BW_ERR_USB_OPEN',
        `cannot open USB device ${hexId(device)}: ${String((e as Error).message ?? e)} ` +
          '(on Linux install udev rules for RTL-SDR or run with access to /dev/bus/usb)',
        { cause: e },
      );
    }
    try {
      await device.claimInterface(INTERFACE);
    } catch (first) {
      let claimed = false;
      if (device.detachKernelDriver) {
        try {
          await device.detachKernelDriver(INTERFACE);
          await device.claimInterface(INTERFACE);
          claimed = true;
        } catch {
          claimed = false;
        }
      }
      if (!claimed) {
        await device.close().catch(() => undefined);
        throw new DriverError(
          'BW_ERR_USB_OPEN',
          `cannot claim interface 0 of ${hexId(device)}: ${String((first as Error).message ?? first)} ` +
            '(another program or the dvb_usb_rtl28xxu kernel module holds the dongle)',
          { cause: first },
        );
      }
    }
    return new WebUsbTransport(device);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async controlIn(setup: ControlSetup, length: number): Promise<Uint8Array | null> {
    this.assertOpen();
    let res: USBInTransferResult;
    try {
      res = await this.device.controlTransferIn({ requestType: 'vendor', recipient: 'device', ...setup }, length);
    } catch (e) {
      throw this.wrap(e, 'in', setup, length);
    }
    if (res.status === 'stall') return null;
    if (res.status !== 'ok') {
      throw new UsbTransferError(`control IN returned status '${res.status}'`, {
        register: describeSetup('in', setup, length),
      });
    }
    return toBytes(res.data);
  }

  async controlOut(setup: ControlSetup, data: Uint8Array): Promise<number | null> {
    this.assertOpen();
    let res: USBOutTransferResult;
    try {
      res = await this.device.controlTransferOut(
        { requestType: 'vendor', recipient: 'device', ...setup },
        data as BufferSource,
      );
    } catch (e) {
      throw this.wrap(e, 'out', setup, data.length);
    }
    if (res.status === 'stall') return null;
    return res.bytesWritten;
  }

  async bulkIn(endpointNumber: number, length: number, timeoutMs?: number): Promise<Uint8Array> {
    this.assertOpen();
    let res: USBInTransferResult;
    try {
      // node-usb's transferIn takes a third argument, a timeout of 1000 ms by default. With 15 transfers
      // queued, each one waits ~1 s at 2 MS/s, so the default would expire in normal operation. Other
      // WebUSB implementations ignore the extra argument.
      const transferIn = this.device.transferIn as (
        ep: number,
        len: number,
        timeout?: number,
      ) => Promise<USBInTransferResult>;
      res = await (timeoutMs === undefined
        ? transferIn.call(this.device, endpointNumber, length)
        : transferIn.call(this.device, endpointNumber, length, timeoutMs));
    } catch (e) {
      if (isDeviceGoneError(e))
        throw new DeviceGoneError(`bulk IN on endpoint ${endpointNumber}: device gone`, { cause: e });
      throw new UsbTransferError(`bulk IN on endpoint ${endpointNumber} failed: ${String((e as Error).message ?? e)}`, {
        cause: e,
      });
    }
    if (res.status !== 'ok') {
      throw new UsbTransferError(`bulk IN on endpoint ${endpointNumber} returned status '${res.status}'`);
    }
    return toBytes(res.data);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    // Both steps may fail when the dongle was pulled; closing must still succeed for the caller.
    await this.device.releaseInterface(INTERFACE).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new DriverError('BW_ERR_DEVICE_CLOSED', 'USB transport used after close()');
  }

  private wrap(e: unknown, dir: 'in' | 'out', setup: ControlSetup, length: number): DriverError {
    const register = describeSetup(dir, setup, length);
    if (isDeviceGoneError(e)) return new DeviceGoneError('device gone during control transfer', { register, cause: e });
    return new UsbTransferError(`control ${dir.toUpperCase()} failed: ${String((e as Error).message ?? e)}`, {
      register,
      cause: e,
    });
  }
}

function hexId(d: UsbDeviceLike): string {
  return `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
}
