/**
 * A small register-level fake RTL2832U for unit tests: it stores block, demod and tuner register writes,
 * answers I2C reads from a configurable R82xx status (r00..r04, returned bit-reversed like the chip) and
 * an EEPROM, NAKs absent I2C addresses, and can be "unplugged". It implements the WebUSB subset the
 * driver uses, so tests drive the real RtlSdr against it.
 */
const bitrev = (b: number): number => {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 0x80 >> i;
  return r;
};

export interface LoggedTransfer {
  dir: 'in' | 'out';
  value: number;
  index: number;
  data: Uint8Array;
}

export interface FakeRtlOptions {
  tunerAddr?: number;
  /** Logical R82xx status registers r00..r04 (default as in librtlsdr's traces: 96 00 40 00 28). */
  status?: number[] | ((readNo: number) => number[]);
  manufacturer?: string;
  product?: string;
  serial?: string;
  bus?: string;
  eeprom?: Uint8Array;
}

export class FakeRtlDevice {
  vendorId = 0x0bda;
  productId = 0x2838;
  manufacturerName: string;
  productName: string;
  serialNumber: string;
  bus: string;
  opened = false;
  configuration: USBConfiguration | null = null;
  gone = false;
  readonly log: LoggedTransfer[] = [];
  /** SYS/USB block registers by address. */
  readonly block = new Map<number, number>();
  /** Demod registers "page:reg" → bytes written. */
  readonly demod = new Map<string, number[]>();
  /** Tuner registers (logical values as written). */
  readonly tuner = new Map<number, number>();
  /** Every tuner register write in order: [reg, value]. */
  readonly tunerWrites: [number, number][] = [];
  readonly eeprom: Uint8Array;
  statusReads = 0;
  bulkRequests = 0;
  private tunerPtr = 0;
  private eepromPtr = 0;
  private readonly tunerAddr: number;
  private readonly status: FakeRtlOptions['status'];

  constructor(opts: FakeRtlOptions = {}) {
    this.tunerAddr = opts.tunerAddr ?? 0x34;
    this.status = opts.status ?? [0x96, 0x00, 0x40, 0x00, 0x28];
    this.manufacturerName = opts.manufacturer ?? 'Realtek';
    this.productName = opts.product ?? 'RTL2838UHIDIR';
    this.serialNumber = opts.serial ?? '00000001';
    this.bus = opts.bus ?? '1-1.2';
    this.eeprom = opts.eeprom ?? new Uint8Array(256).fill(0xff);
  }

  demodValue(page: number, reg: number): number[] | undefined {
    return this.demod.get(`${page}:${reg}`);
  }

  async open(): Promise<void> {
    this.assertPresent();
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }
  async selectConfiguration(): Promise<void> {
    this.configuration = { configurationValue: 1 } as USBConfiguration;
  }
  async claimInterface(): Promise<void> {
    this.assertPresent();
  }
  async releaseInterface(): Promise<void> {}

  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    this.assertPresent();
    const d = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
      : new Uint8Array(0);
    this.log.push({ dir: 'out', value: setup.value, index: setup.index, data: d });
    const { value, index } = setup;
    if ((value & 0xff) === 0x20 && index >> 8 === 0) {
      this.demod.set(`${index & 0x0f}:${value >> 8}`, [...d]);
    } else if (index >> 8 === 6) {
      const addr = value & 0xff;
      if (addr === this.tunerAddr) {
        this.tunerPtr = d[0] ?? 0;
        for (let i = 1; i < d.length; i++) {
          const reg = this.tunerPtr + i - 1;
          this.tuner.set(reg, d[i] ?? 0);
          this.tunerWrites.push([reg, d[i] ?? 0]);
        }
      } else if (addr === 0xa0) {
        if (d.length === 1) this.eepromPtr = d[0] ?? 0;
        else if (d.length === 2) this.eeprom[d[0] ?? 0] = d[1] ?? 0;
      } else {
        return { status: 'stall', bytesWritten: 0 };
      }
    } else {
      this.block.set(value, d.length === 1 ? (d[0] ?? 0) : ((d[0] ?? 0) << 8) | (d[1] ?? 0));
    }
    return { status: 'ok', bytesWritten: d.length };
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.assertPresent();
    const { value, index } = setup;
    let out = new Uint8Array(length);
    if (index >> 8 === 6) {
      const addr = value & 0xff;
      if (addr === this.tunerAddr) {
        const st = typeof this.status === 'function' ? this.status(this.statusReads) : (this.status ?? []);
        this.statusReads++;
        for (let i = 0; i < length; i++) out[i] = bitrev(st[this.tunerPtr + i] ?? 0);
      } else if (addr === 0xa0) {
        for (let i = 0; i < length; i++) out[i] = this.eeprom[this.eepromPtr++ & 0xff] ?? 0;
      } else {
        return { status: 'stall' };
      }
    } else if (!((value & 0xff) === 0x20 && index >> 8 === 0)) {
      out = Uint8Array.of(this.block.get(value) ?? 0, 0).slice(0, length);
    }
    this.log.push({ dir: 'in', value, index, data: out });
    return { status: 'ok', data: new DataView(out.buffer) };
  }

  async transferIn(_ep: number, length: number): Promise<USBInTransferResult> {
    this.bulkRequests++;
    await new Promise((r) => setTimeout(r, 1));
    this.assertPresent();
    return { status: 'ok', data: new DataView(new Uint8Array(length).fill(128).buffer) };
  }

  private assertPresent(): void {
    if (this.gone) throw new Error('LIBUSB_ERROR_NO_DEVICE: No such device (it may have been disconnected)');
  }
}
