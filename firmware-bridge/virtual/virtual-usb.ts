/**
 * A WebUSB `USB`-shaped registry of virtual dongles (getDevices, requestDevice, connect/disconnect events), shaped
 * like the `usb` package's `WebUSB` object so discovery code can run against it instead of the real bus.
 */
import { VirtualRtlSdr, type VirtualDongleOptions } from './virtual-dongle.ts';

/** Event carrying the device, like the usb package's USBConnectionEvent. */
export class VirtualUsbConnectionEvent extends Event {
  readonly device: VirtualRtlSdr;
  constructor(type: 'connect' | 'disconnect', device: VirtualRtlSdr) {
    super(type);
    this.device = device;
  }
}

export class VirtualUsb extends EventTarget {
  private readonly devices: VirtualRtlSdr[] = [];
  private readonly unsubscribe = new Map<VirtualRtlSdr, () => void>();
  private _onconnect: ((ev: VirtualUsbConnectionEvent) => void) | null = null;
  private _ondisconnect: ((ev: VirtualUsbConnectionEvent) => void) | null = null;

  /**
   * Creates and plugs in `count` dongles with serials 00000001, 00000002, ... on ports 1-1, 1-2, ...
   * (or pass explicit options per dongle).
   */
  static withDongles(count: number, common: VirtualDongleOptions = {}): VirtualUsb {
    const usb = new VirtualUsb();
    for (let i = 0; i < count; i++) {
      usb.add(new VirtualRtlSdr({ serial: String(i + 1).padStart(8, '0'), ports: [i + 1], ...common }));
    }
    return usb;
  }

  /** Registers a dongle; it is "plugged in" when connected and fires connect. */
  add(device: VirtualRtlSdr): VirtualRtlSdr {
    if (this.devices.includes(device)) return device;
    this.devices.push(device);
    this.unsubscribe.set(
      device,
      device.onConnection((ev) => this.dispatchEvent(new VirtualUsbConnectionEvent(ev, device))),
    );
    if (device.connected) this.dispatchEvent(new VirtualUsbConnectionEvent('connect', device));
    return device;
  }

  /** Unregisters a dongle (it stays usable on its own). */
  remove(device: VirtualRtlSdr): void {
    const i = this.devices.indexOf(device);
    if (i < 0) return;
    this.devices.splice(i, 1);
    this.unsubscribe.get(device)?.();
    this.unsubscribe.delete(device);
  }

  /** All dongles currently plugged in. */
  async getDevices(): Promise<VirtualRtlSdr[]> {
    return this.devices.filter((d) => d.connected);
  }

  /** First plugged-in dongle matching a filter (vendorId/productId/serialNumber); NotFoundError like WebUSB. */
  async requestDevice(options?: USBDeviceRequestOptions): Promise<VirtualRtlSdr> {
    if (!options || !Array.isArray(options.filters)) {
      throw new TypeError('requestDevice error: required member filters is undefined');
    }
    const match = (d: VirtualRtlSdr) =>
      options.filters.length === 0 ||
      options.filters.some(
        (f) =>
          (f.vendorId === undefined || f.vendorId === d.vendorId) &&
          (f.productId === undefined || f.productId === d.productId) &&
          (f.serialNumber === undefined || f.serialNumber === d.serialNumber),
      );
    const dev = this.devices.find((d) => d.connected && match(d));
    if (!dev) {
      const e = new Error("Failed to execute 'requestDevice' on 'USB': No device selected.");
      e.name = 'NotFoundError';
      throw e;
    }
    return dev;
  }

  set onconnect(fn: ((ev: VirtualUsbConnectionEvent) => void) | null) {
    if (this._onconnect) this.removeEventListener('connect', this._onconnect as EventListener);
    this._onconnect = fn;
    if (fn) this.addEventListener('connect', fn as EventListener);
  }

  set ondisconnect(fn: ((ev: VirtualUsbConnectionEvent) => void) | null) {
    if (this._ondisconnect) this.removeEventListener('disconnect', this._ondisconnect as EventListener);
    this._ondisconnect = fn;
    if (fn) this.addEventListener('disconnect', fn as EventListener);
  }
}
