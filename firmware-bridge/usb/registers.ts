/**
 * Register access to the RTL2832U over a UsbTransport: USB/SYS blocks, demodulator pages and the I2C
 * bus (tuner behind the demod's I2C repeater, EEPROM directly). Byte order and the demod "dummy read"
 * follow librtlsdr 0.6 so that the transfers match its traces one for one.
 */
import { UsbTransferError, isDeviceGoneError } from '../errors.ts';
import { describeSetup } from './decode.ts';
import type { ControlSetup, UsbTransport } from './transport.ts';

/** RTL2832U register blocks (wIndex high byte). */
export const Block = { DEMOD: 0, USB: 1, SYS: 2, TUN: 3, ROM: 4, IR: 5, IIC: 6 } as const;
export type BlockId = (typeof Block)[keyof typeof Block];

/** USB block registers. */
export const UsbReg = {
  SYSCTL: 0x2000,
  CTRL: 0x2010,
  STAT: 0x2014,
  EPA_CFG: 0x2144,
  EPA_CTL: 0x2148,
  EPA_MAXPKT: 0x2158,
  EPA_MAXPKT_2: 0x215a,
  EPA_FIFO_CFG: 0x2160,
} as const;

/** SYS block registers. */
export const SysReg = {
  DEMOD_CTL: 0x3000,
  GPO: 0x3001,
  GPI: 0x3002,
  GPOE: 0x3003,
  GPD: 0x3004,
  SYSINTE: 0x3005,
  SYSINTS: 0x3006,
  GP_CFG0: 0x3007,
  GP_CFG1: 0x3008,
  SYSINTE_1: 0x3009,
  SYSINTS_1: 0x300a,
  DEMOD_CTL_1: 0x300b,
  IR_SUSPEND: 0x300c,
} as const;

const READ = 0x00;
const WRITE = 0x10;

/** Register-level access. Every method awaits its transfer; failures are typed with coordinates. */
export class RegisterAccess {
  constructor(readonly transport: UsbTransport) {}

  /** Raw block read; `null` when the device stalls (an I2C NAK on the IIC block). */
  async readArray(block: number, addr: number, length: number): Promise<Uint8Array | null> {
    return this.transport.controlIn({ request: 0, value: addr, index: (block << 8) | READ }, length);
  }

  /** Raw block write; returns bytes written or `null` on stall. */
  async writeArray(block: number, addr: number, data: Uint8Array): Promise<number | null> {
    return this.transport.controlOut({ request: 0, value: addr, index: (block << 8) | WRITE }, data);
  }

  /** Block register read, little-endian like librtlsdr's rtlsdr_read_reg. */
  async readReg(block: number, addr: number, length: 1 | 2): Promise<number> {
    const setup = { request: 0, value: addr, index: (block << 8) | READ };
    const d = await this.mustIn(setup, length);
    return length === 1 ? (d[0] ?? 0) : ((d[1] ?? 0) << 8) | (d[0] ?? 0);
  }

  /** Block register write; 2-byte values go MSB first (librtlsdr rtlsdr_write_reg). */
  async writeReg(block: number, addr: number, value: number, length: 1 | 2): Promise<void> {
    const setup = { request: 0, value: addr, index: (block << 8) | WRITE };
    await this.mustOut(setup, encode(value, length));
  }

  async demodRead(page: number, reg: number, length: 1 | 2): Promise<number> {
    const setup = { request: 0, value: (reg << 8) | 0x20, index: page };
    const d = await this.mustIn(setup, length);
    return length === 1 ? (d[0] ?? 0) : ((d[1] ?? 0) << 8) | (d[0] ?? 0);
  }

  /**
   * Demodulator register write. Like librtlsdr we follow every write with a read of page 0x0a reg 0x01:
   * the demod latches the write on that access (and the traces show it after every demod write).
   */
  async demodWrite(page: number, reg: number, value: number, length: 1 | 2): Promise<void> {
    const setup = { request: 0, value: (reg << 8) | 0x20, index: WRITE | page };
    await this.mustOut(setup, encode(value, length));
    await this.mustIn({ request: 0, value: (0x01 << 8) | 0x20, index: 0x0a }, 1);
  }

  /** I2C write (first byte is the chip's register pointer); throws on NAK or a short write. */
  async i2cWrite(i2cAddr: number, data: Uint8Array): Promise<void> {
    await this.mustOut({ request: 0, value: i2cAddr, index: (Block.IIC << 8) | WRITE }, data);
  }

  /** I2C read of `length` bytes from the chip's current register pointer; throws on NAK. */
  async i2cRead(i2cAddr: number, length: number): Promise<Uint8Array> {
    return this.mustIn({ request: 0, value: i2cAddr, index: Block.IIC << 8 }, length);
  }

  /**
   * Probe-style register read (librtlsdr rtlsdr_i2c_read_reg): set the pointer, then read one byte; both
   * transfers are made even if the first NAKs. Returns `null` when no chip answers.
   */
  async i2cProbeReg(i2cAddr: number, reg: number): Promise<number | null> {
    const w = await this.writeArray(Block.IIC, i2cAddr, Uint8Array.of(reg));
    const r = await this.readArray(Block.IIC, i2cAddr, 1);
    if (w === null || r === null || r.length < 1) return null;
    return r[0] ?? null;
  }

  /** Switch the demod's I2C repeater (page 1 reg 0x01 bit 3) so the host can reach the tuner. */
  async setI2cRepeater(on: boolean): Promise<void> {
    // 0x10 keeps the demod running; bit 3 (0x08) passes I2C through to the tuner.
    await this.demodWrite(1, 0x01, on ? 0x18 : 0x10, 1);
  }

  /**
   * Run `fn` with the I2C repeater on and always switch it off afterwards, even when `fn` fails, so the
   * tuner never stays on the bus (it would pick up demod I2C traffic). When the device is gone the
   * switch-off is skipped and the original error wins.
   */
  async withI2cRepeater<T>(fn: () => Promise<T>): Promise<T> {
    await this.setI2cRepeater(true);
    let failed: unknown = undefined;
    try {
      return await fn();
    } catch (e) {
      failed = e;
      throw e;
    } finally {
      if (!(failed && isDeviceGoneError(failed))) {
        try {
          await this.setI2cRepeater(false);
        } catch (offError) {
          // Only surface the switch-off failure when the body succeeded.
          if (failed === undefined) throw offError;
        }
      }
    }
  }

  private async mustIn(setup: ControlSetup, length: number): Promise<Uint8Array> {
    const d = await this.transport.controlIn(setup, length);
    if (d === null) {
      throw new UsbTransferError('device stalled the control IN (I2C NAK or bad register)', {
        register: describeSetup('in', setup, length),
      });
    }
    if (d.length !== length) {
      throw new UsbTransferError(`short control IN: ${d.length} of ${length} bytes`, {
        register: describeSetup('in', setup, length),
      });
    }
    return d;
  }

  private async mustOut(setup: ControlSetup, data: Uint8Array): Promise<void> {
    const n = await this.transport.controlOut(setup, data);
    if (n === null) {
      throw new UsbTransferError('device stalled the control OUT (I2C NAK or bad register)', {
        register: describeSetup('out', setup, data.length),
      });
    }
    if (n !== data.length) {
      throw new UsbTransferError(`short control OUT: ${n} of ${data.length} bytes`, {
        register: describeSetup('out', setup, data.length),
      });
    }
  }
}

function encode(value: number, length: 1 | 2): Uint8Array {
  return length === 1 ? Uint8Array.of(value & 0xff) : Uint8Array.of((value >> 8) & 0xff, value & 0xff);
}
