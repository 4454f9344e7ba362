/**
 * Finding dongles: list RTL2832U devices (known VID:PID only) through the `usb` package's WebUSB with
 * `allowAllDevices`, and follow hot-plug. On a machine without a USB bus the `usb` package rejects
 * getDevices() and its connect/disconnect listeners crash Node with an unhandled rejection, so nothing
 * touches it unless /sys/bus/usb/devices exists (the check is injectable for tests).
 */
import { existsSync } from 'node:fs';
import type { DongleInfo } from './types.ts';
import { DriverError } from './errors.ts';
import { findKnownDongle } from './device-table.ts';
import { dongleInfoOf } from './rtlsdr.ts';
import type { UsbDeviceLike } from './usb/transport.ts';

/** What discovery needs from a WebUSB implementation (node `usb`'s WebUSB, `navigator.usb`, a fake). */
export interface UsbBackend {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
}

export interface DiscoveryOptions {
  /** Whether a USB bus exists (default: /sys/bus/usb/devices exists). */
  hasUsbBus?: () => boolean;
  /** The WebUSB backend (default: `new WebUSB({ allowAllDevices: true })` from the `usb` package). */
  loadBackend?: () => Promise<UsbBackend>;
}

/** A dongle on the bus, not yet opened (tuner unknown until RtlSdr.open). */
export interface FoundDongle {
  device: UsbDeviceLike;
  info: DongleInfo;
  /** Identity across re-plugs: serial + USB path (serials clash on cheap dongles; paths tell them apart). */
  key: string;
}

export interface DongleList {
  dongles: FoundDongle[];
  /** Why the list is empty (no USB bus, nothing plugged in, enumeration failed). */
  reason?: string;
}

export const NO_USB_BUS_REASON =
  'this machine has no USB bus (/sys/bus/usb/devices is missing), so no dongle can be attached';
export const NO_DONGLE_REASON = 'no RTL2832U dongle is plugged in';

const defaultHasUsbBus = (): boolean => existsSync('/sys/bus/usb/devices');

async function defaultBackend(): Promise<UsbBackend> {
  const { WebUSB } = await import('usb');
  return new WebUSB({ allowAllDevices: true }) as unknown as UsbBackend;
}

/** Identity key of a dongle: serial + USB path. */
export function dongleKey(info: Pick<DongleInfo, 'serial' | 'path'>): string {
  return `${info.serial}@${info.path}`;
}

function toFound(device: UsbDeviceLike): FoundDongle | undefined {
  if (!findKnownDongle(device.vendorId, device.productId)) return undefined;
  const info = dongleInfoOf(device);
  return { device, info, key: dongleKey(info) };
}

/** List the RTL2832U dongles on the bus. Never throws: an empty list carries the reason. */
export async function listDongles(opts: DiscoveryOptions = {}): Promise<DongleList> {
  if (!(opts.hasUsbBus ?? defaultHasUsbBus)()) return { dongles: [], reason: NO_USB_BUS_REASON };
  let devices: UsbDeviceLike[];
  try {
    const backend = await (opts.loadBackend ?? defaultBackend)();
    devices = await backend.getDevices();
  } catch (e) {
    return { dongles: [], reason: `USB enumeration failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const dongles = devices.map(toFound).filter((d): d is FoundDongle => d !== undefined);
  dongles.sort((a, b) => a.info.path.localeCompare(b.info.path));
  return dongles.length ? { dongles } : { dongles, reason: NO_DONGLE_REASON };
}

/**
 * Pick a dongle by USB path (exact) or serial. A serial shared by several dongles is ambiguous: the error
 * lists their paths so the user can choose.
 */
export function selectDongle(dongles: readonly FoundDongle[], spec: string): FoundDongle {
  const byPath = dongles.find((d) => d.info.path === spec);
  if (byPath) return byPath;
  const bySerial = dongles.filter((d) => d.info.serial === spec);
  if (bySerial.length === 1) return bySerial[0] as FoundDongle;
  if (bySerial.length > 1) {
    throw new DriverError(
      'BW_ERR_DEVICE_AMBIGUOUS',
      `${bySerial.length} dongles have serial '${spec}' (at ${bySerial.map((d) => d.info.path).join(', ')}); select one by USB path or give them distinct serials with 'bandwatch eeprom --write-serial'`,
    );
  }
  const avail = dongles.map((d) => `${d.info.serial || '(no serial)'} at ${d.info.path || '?'}`).join('; ');
  throw new DriverError(
    'BW_ERR_DEVICE_NOT_FOUND',
    `no dongle with serial or USB path '${spec}'` + (avail ? ` (found: ${avail})` : ' (no dongle found)'),
  );
}

export type DongleEvent =
  | { type: 'attached'; dongle: FoundDongle }
  /** A dongle was pulled. Never thrown: the owner stops using it and may wait for it to come back. */
  | { type: 'disconnected'; info: DongleInfo; key: string }
  /** A dongle seen before (same serial + path) is back; `dongle.device` is the new USBDevice to open. */
  | { type: 'reattached'; dongle: FoundDongle };

/** Follows hot-plug and keeps the current dongle list. */
export class DongleWatcher {
  private readonly present = new Map<string, FoundDongle>();
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, ((d: FoundDongle) => void)[]>();
  private readonly onConnect = (ev: { device: UsbDeviceLike }): void => this.handleConnect(ev.device);
  private readonly onDisconnect = (ev: { device: UsbDeviceLike }): void => this.handleDisconnect(ev.device);
  private closed = false;

  private constructor(
    private readonly backend: UsbBackend | undefined,
    private readonly onEvent: (ev: DongleEvent) => void,
    /** Why hot-plug is not followed (no USB bus, enumeration failed). */
    readonly reason: string | undefined,
  ) {}

  /**
   * Start watching. Without a USB bus it adds no listener (the `usb` package would crash Node) and
   * `watching` is false with a `reason`.
   */
  static async create(onEvent: (ev: DongleEvent) => void, opts: DiscoveryOptions = {}): Promise<DongleWatcher> {
    if (!(opts.hasUsbBus ?? defaultHasUsbBus)()) return new DongleWatcher(undefined, onEvent, NO_USB_BUS_REASON);
    let backend: UsbBackend;
    let devices: UsbDeviceLike[];
    try {
      backend = await (opts.loadBackend ?? defaultBackend)();
      devices = await backend.getDevices();
    } catch (e) {
      return new DongleWatcher(
        undefined,
        onEvent,
        `USB enumeration failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const w = new DongleWatcher(backend, onEvent, undefined);
    for (const d of devices) {
      const f = toFound(d);
      if (f) {
        w.present.set(f.key, f);
        w.seen.add(f.key);
      }
    }
    backend.addEventListener('connect', w.onConnect);
    backend.addEventListener('disconnect', w.onDisconnect);
    return w;
  }

  get watching(): boolean {
    return this.backend !== undefined && !this.closed;
  }

  /** Dongles present now. */
  list(): FoundDongle[] {
    return [...this.present.values()];
  }

  /** Resolve when the dongle with this key is (or comes back) on the bus; rejects when `signal` aborts. */
  waitFor(key: string, signal?: AbortSignal): Promise<FoundDongle> {
    const now = this.present.get(key);
    if (now) return Promise.resolve(now);
    return new Promise<FoundDongle>((resolve, reject) => {
      const list = this.waiters.get(key) ?? [];
      const done = (d: FoundDongle): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(d);
      };
      const onAbort = (): void => {
        this.waiters.set(
          key,
          (this.waiters.get(key) ?? []).filter((f) => f !== done),
        );
        reject(new DriverError('BW_ERR_DEVICE_NOT_FOUND', `stopped waiting for dongle ${key}`));
      };
      list.push(done);
      this.waiters.set(key, list);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stop following hot-plug. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backend?.removeEventListener('connect', this.onConnect);
    this.backend?.removeEventListener('disconnect', this.onDisconnect);
  }

  private handleConnect(device: UsbDeviceLike): void {
    const f = toFound(device);
    if (!f || this.closed) return;
    const again = this.seen.has(f.key);
    this.present.set(f.key, f);
    this.seen.add(f.key);
    this.emit(again ? { type: 'reattached', dongle: f } : { type: 'attached', dongle: f });
    const waiting = this.waiters.get(f.key);
    this.waiters.delete(f.key);
    for (const w of waiting ?? []) w(f);
  }

  private handleDisconnect(device: UsbDeviceLike): void {
    if (this.closed || !findKnownDongle(device.vendorId, device.productId)) return;
    const info = dongleInfoOf(device);
    const key = dongleKey(info);
    // A disconnected device may no longer report its path: fall back to the entry holding this object.
    const entry = this.present.get(key) ?? [...this.present.values()].find((d) => d.device === device);
    if (!entry) return;
    this.present.delete(entry.key);
    this.emit({ type: 'disconnected', info: entry.info, key: entry.key });
  }

  private emit(ev: DongleEvent): void {
    try {
      this.onEvent(ev);
    } catch {
      // A listener's bug must not escape into the usb package's native callback (it would kill Node).
    }
  }
}
