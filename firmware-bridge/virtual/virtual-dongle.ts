/**
 * A register-level virtual RTL-SDR (RTL2832U + R820T/R828D) behind the WebUSB `USBDevice` interface, so the real
 * driver runs against it unmodified. Control transfers hit the register models; bulk IN on endpoint 1 (0x81)
 * streams cu8 IQ rendered from a signal source at the centre, rate and gain DERIVED from the registers.
 *
 * Errors follow the `usb` package (node-usb 3.x, nusb): transfers on a gone device reject with
 * `Error('<op> error: device disconnected')` and `code: 'GenericFailure'`; an I2C NAK is a control-transfer
 * stall (`status: 'stall'`, as WebUSB reports a stalled control pipe).
 */
import { realClock, type VirtualClock } from './clock.ts';
import { buildEeprom, EepromModel, parseEeprom } from './eeprom.ts';
import { R82xxModel, type R82xxChip } from './r82xx-model.ts';
import { Rtl2832uModel, type VirtualRadioState } from './rtl2832u-model.ts';
import type { IqSignalSource } from './signal-source.ts';
import { defaultVenueSource } from './scene-source.ts';
import { StreamEngine, type StreamStats } from './stream-engine.ts';

export interface VirtualDongleOptions {
  /** Serial in the EEPROM (and so the USB string descriptor). Default "00000001". */
  serial?: string;
  /** Tuner chip. Default R820T (I2C 0x34); R828D answers at 0x74 with a 16 MHz crystal. */
  tuner?: R82xxChip;
  /** Crystal error, ppm: physical truth the driver's ppm correction has to cancel. Default 0. */
  xtalErrorPpm?: number;
  /** What the antenna hears. Default: the demo venue (dsp/synth venueScene), shared by all dongles. */
  source?: IqSignalSource;
  /** Real-time pacing (default true); false = transfers resolve as fast as they are asked for. */
  paced?: boolean;
  /** Device FIFO, bytes (default 256 KiB ≈ 55 ms at 2.4 MS/s). */
  fifoBytes?: number;
  /** Render-cache loop length, complex samples; 0 disables looping (default 2^20). */
  loopSamples?: number;
  clock?: VirtualClock;
  /** USB bus and port path, e.g. bus "1", ports [1, 4] → path "1-1.4". */
  bus?: string;
  ports?: number[];
  vendorId?: number;
  productId?: number;
}

/** Bulk endpoint number (0x81 with the direction bit). */
export const RTL_BULK_ENDPOINT = 1;

/** Error as the `usb` package raises it (napi GenericFailure). */
export class UsbTransferError extends Error {
  readonly code = 'GenericFailure';
  constructor(op: string, reason: string) {
    super(`${op} error: ${reason}`);
    this.name = 'Error';
  }
}

type Listener = (ev: 'connect' | 'disconnect') => void;

function endpointNumberOf(ep: number): number {
  return ep & 0x0f;
}

export class VirtualRtlSdr implements USBDevice {
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 0;
  readonly usbVersionSubminor = 0;
  readonly deviceClass = 0;
  readonly deviceSubclass = 0;
  readonly deviceProtocol = 0;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor = 1;
  readonly deviceVersionMinor = 0;
  readonly deviceVersionSubminor = 0;
  readonly bus: string;
  readonly ports: number[];
  readonly address: number;
  readonly rtl: Rtl2832uModel;
  readonly engine: StreamEngine;
  readonly configurations: USBConfiguration[];
  private _opened = false;
  private _configuration: USBConfiguration | null;
  private readonly claimed = new Set<number>();
  private _connected = true;
  private strings: { manufacturer: string; product: string; serial: string };
  private readonly listeners = new Set<Listener>();

  constructor(opts: VirtualDongleOptions = {}) {
    this.vendorId = opts.vendorId ?? 0x0bda;
    this.productId = opts.productId ?? 0x2838;
    this.bus = opts.bus ?? '1';
    this.ports = opts.ports ?? [1];
    this.address = 2 + (this.ports[this.ports.length - 1] ?? 0);
    const eeprom = new EepromModel(
      buildEeprom({
        vendorId: this.vendorId,
        productId: this.productId,
        manufacturer: 'Realtek',
        product: 'RTL2838UHIDIR',
        serial: opts.serial ?? '00000001',
      }),
    );
    const tuner = new R82xxModel(opts.tuner ?? 'R820T', opts.xtalErrorPpm ?? 0);
    this.rtl = new Rtl2832uModel({ tuner, eeprom, xtalErrorPpm: opts.xtalErrorPpm });
    this.strings = this.readStrings();
    const endpoint = { endpointNumber: RTL_BULK_ENDPOINT, direction: 'in', type: 'bulk', packetSize: 512 };
    const alternate = {
      alternateSetting: 0,
      interfaceClass: 0xff,
      interfaceSubclass: 0xff,
      interfaceProtocol: 0xff,
      interfaceName: null,
      endpoints: [endpoint],
    };
    const iface = { interfaceNumber: 0, alternate, alternates: [alternate], claimed: false };
    const config = { configurationValue: 1, configurationName: null, interfaces: [iface] };
    this.configurations = [config as unknown as USBConfiguration];
    this._configuration = this.configurations[0] ?? null;
    this.engine = new StreamEngine(() => this.rtl.derive(), opts.source ?? defaultVenueSource(), {
      clock: opts.clock ?? realClock,
      paced: opts.paced ?? true,
      fifoBytes: opts.fifoBytes ?? 256 * 1024,
      loopSamples: opts.loopSamples ?? 1 << 20,
    });
    this.rtl.onChange = () => this.engine.reconfigure();
  }

  /** "1-1.4" style path (bus, then ports joined by dots). */
  get path(): string {
    return `${this.bus}-${this.ports.join('.')}`;
  }

  get manufacturerName(): string | null {
    return this.strings.manufacturer;
  }
  get productName(): string | null {
    return this.strings.product;
  }
  get serialNumber(): string | null {
    return this.strings.serial || null;
  }
  get opened(): boolean {
    return this._opened;
  }
  get configuration(): USBConfiguration | null {
    return this._configuration;
  }
  /** False between unplug() and replug(). */
  get connected(): boolean {
    return this._connected;
  }

  /** Radio state derived from the registers the driver wrote. */
  radioState(): VirtualRadioState {
    return this.rtl.derive();
  }

  /** Streaming counters (delivered, dropped, overflows). */
  get streamStats(): Readonly<StreamStats> {
    return this.engine.stats;
  }

  /** Swaps what the antenna hears (takes effect at the next transfer). */
  setSource(source: IqSignalSource): void {
    this.engine.source = source;
  }

  /** Connect/disconnect notifications (the VirtualUsb registry listens here). */
  onConnection(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Pulls the dongle out: pending and new transfers reject as the usb package does; emits disconnect. */
  unplug(): void {
    if (!this._connected) return;
    this._connected = false;
    this._opened = false;
    this.claimed.clear();
    this.engine.abortAll(() => new UsbTransferError('transferIn', 'device disconnected'));
    this.engine.reset();
    for (const l of [...this.listeners]) l('disconnect');
  }

  /** Plugs it back: same serial and path, registers at power-on values (the driver must initialise again). */
  replug(): void {
    if (this._connected) return;
    this.rtl.powerOn();
    this.engine.reset();
    this.strings = this.readStrings();
    this._connected = true;
    for (const l of [...this.listeners]) l('connect');
  }

  private readStrings(): { manufacturer: string; product: string; serial: string } {
    const c = parseEeprom(this.rtl.eeprom.data);
    // a blank or corrupt EEPROM leaves the chip's built-in strings and no serial
    return c ?? { manufacturer: 'Realtek', product: 'RTL2838UHIDIR', serial: '' };
  }

  private ensure(op: string, needOpen = true): void {
    if (!this._connected) throw new UsbTransferError(op, 'device disconnected');
    if (needOpen && !this._opened) throw new UsbTransferError(op, 'invalid state');
  }

  async open(): Promise<void> {
    this.ensure('open', false);
    this._opened = true;
  }

  async close(): Promise<void> {
    if (!this._opened) return;
    this._opened = false;
    this.claimed.clear();
    this.engine.abortAll(() => new UsbTransferError('transferIn', 'transfer was cancelled'));
  }

  async forget(): Promise<void> {
    await this.close();
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.ensure('selectConfiguration');
    const c = this.configurations.find((x) => x.configurationValue === configurationValue);
    if (!c) throw new UsbTransferError('selectConfiguration', 'invalid configuration');
    this._configuration = c;
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.ensure('claimInterface');
    if (interfaceNumber !== 0) throw new UsbTransferError('claimInterface', 'interface not found');
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.ensure('releaseInterface');
    if (!this.claimed.delete(interfaceNumber)) throw new UsbTransferError('releaseInterface', 'not claimed');
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.ensure('selectAlternateInterface');
    if (interfaceNumber !== 0 || alternateSetting !== 0) {
      throw new UsbTransferError('selectAlternateInterface', 'alternate setting not found');
    }
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.ensure('controlTransferIn');
    if (setup.requestType === 'standard' && setup.request === 6) {
      const desc = this.descriptor(setup.value >> 8, setup.value & 0xff);
      if (!desc) return { status: 'stall' } as USBInTransferResult;
      const buf = desc.slice(0, length);
      return { status: 'ok', data: new DataView(buf.buffer) } as USBInTransferResult;
    }
    if (setup.requestType !== 'vendor' || setup.request !== 0) return { status: 'stall' } as USBInTransferResult;
    const r = this.rtl.controlIn(setup.value, setup.index, length);
    if (r.status === 'stall') return { status: 'stall' } as USBInTransferResult;
    const buf = r.data.slice();
    return { status: 'ok', data: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) } as USBInTransferResult;
  }

  /** Standard GET_DESCRIPTOR answers: device (1) and string (3) descriptors; strings come from the EEPROM. */
  private descriptor(type: number, index: number): Uint8Array | undefined {
    if (type === 1) {
      const d = new Uint8Array(18);
      d.set([18, 1, 0x00, 0x02, 0, 0, 0, 64]);
      d[8] = this.vendorId & 0xff;
      d[9] = this.vendorId >> 8;
      d[10] = this.productId & 0xff;
      d[11] = this.productId >> 8;
      d.set([0x00, 0x01, 1, 2, this.strings.serial ? 3 : 0, 1], 12);
      return d;
    }
    if (type !== 3) return undefined;
    if (index === 0) return Uint8Array.from([4, 3, 0x09, 0x04]);
    const s = [this.strings.manufacturer, this.strings.product, this.strings.serial][index - 1];
    if (!s) return undefined;
    const d = new Uint8Array(2 + 2 * s.length);
    d[0] = d.length;
    d[1] = 3;
    for (let i = 0; i < s.length; i++) d[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    return d;
  }

  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    this.ensure('controlTransferOut');
    const bytes = toBytes(data);
    if (setup.requestType !== 'vendor' || setup.request !== 0) {
      return { status: 'stall', bytesWritten: 0 } as USBOutTransferResult;
    }
    const r = this.rtl.controlOut(setup.value, setup.index, bytes);
    if (r.status === 'stall') return { status: 'stall', bytesWritten: 0 } as USBOutTransferResult;
    return { status: 'ok', bytesWritten: bytes.length } as USBOutTransferResult;
  }

  async clearHalt(_direction: USBDirection, endpointNumber: number): Promise<void> {
    this.ensure('clearHalt');
    if (endpointNumberOf(endpointNumber) !== RTL_BULK_ENDPOINT) {
      throw new UsbTransferError('clearHalt', 'endpoint not found');
    }
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    this.ensure('transferIn');
    if (endpointNumberOf(endpointNumber) !== RTL_BULK_ENDPOINT) {
      throw new UsbTransferError('transferIn', 'endpoint not found');
    }
    if (!this.claimed.has(0)) throw new UsbTransferError('transferIn', 'invalid state');
    const data = await this.engine.transferIn(length);
    return { status: 'ok', data: new DataView(data.buffer, data.byteOffset, data.byteLength) } as USBInTransferResult;
  }

  async transferOut(_endpointNumber: number, _data: BufferSource): Promise<USBOutTransferResult> {
    this.ensure('transferOut');
    throw new UsbTransferError('transferOut', 'endpoint not found');
  }

  async isochronousTransferIn(_e: number, _p: number[]): Promise<USBIsochronousInTransferResult> {
    throw new UsbTransferError('isochronousTransferIn', 'method not implemented');
  }

  async isochronousTransferOut(_e: number, _d: BufferSource, _p: number[]): Promise<USBIsochronousOutTransferResult> {
    throw new UsbTransferError('isochronousTransferOut', 'method not implemented');
  }

  /** USB port reset: the chip comes back at power-on register values; the handle stays open. */
  async reset(): Promise<void> {
    this.ensure('reset');
    this.engine.abortAll(() => new UsbTransferError('transferIn', 'transfer was cancelled'));
    this.rtl.powerOn();
    this.engine.reset();
  }
}

function toBytes(data?: BufferSource): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
