/**
 * A WebUSB `USBDevice` stand-in that replays librtlsdr's reference traces: each control IN is answered
 * from the trace, each control OUT is checked against it (direction, bmRequestType, bRequest, wValue,
 * wIndex, data). The first mismatch is recorded with its trace file, line and both decodes, and every
 * later transfer fails, so a test sees exactly where the driver diverged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSetup } from '../../../firmware-bridge/usb/decode.ts';

export const TRACE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'rtlsdr-traces');

export interface TraceEntry {
  file: string;
  line: number;
  dir: 'IN' | 'OUT';
  bmRequestType: number;
  bRequest: number;
  wValue: number;
  wIndex: number;
  wLength: number;
  rc: number;
  data: Uint8Array;
  decoded: string;
}

/** Parse one trace file (comment lines start with '#'). */
export function parseTrace(file: string, text = readFileSync(join(TRACE_DIR, file), 'utf8')): TraceEntry[] {
  const out: TraceEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.trim();
    if (!lineText || lineText.startsWith('#')) return;
    const [head, ...rest] = lineText.split(';');
    const f = (head ?? '').trim().split(/\s+/);
    if (f.length < 8) throw new Error(`${file}:${i + 1}: malformed trace line`);
    const hexData = f[7] ?? '-';
    out.push({
      file,
      line: i + 1,
      dir: f[0] === 'IN' ? 'IN' : 'OUT',
      bmRequestType: parseInt(f[1] ?? '', 16),
      bRequest: parseInt(f[2] ?? '', 16),
      wValue: parseInt(f[3] ?? '', 16),
      wIndex: parseInt(f[4] ?? '', 16),
      wLength: parseInt(f[5] ?? '', 10),
      rc: parseInt(f[6] ?? '', 10),
      data: hexData === '-' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(hexData, 'hex')),
      decoded: rest.join(';').trim(),
    });
  });
  return out;
}

const hx = (n: number, d = 2) => '0x' + n.toString(16).padStart(d, '0');
const bytes = (b: Uint8Array) => (b.length ? Buffer.from(b).toString('hex') : '-');

export function formatEntry(
  e: Pick<TraceEntry, 'dir' | 'bmRequestType' | 'bRequest' | 'wValue' | 'wIndex' | 'wLength' | 'data'>,
): string {
  return `${e.dir} ${hx(e.bmRequestType)} ${hx(e.bRequest)} ${hx(e.wValue, 4)} ${hx(e.wIndex, 4)} ${e.wLength} ${e.dir === 'OUT' ? bytes(e.data) : ''}`.trim();
}

/** A documented, deliberate difference: these trace lines are not expected from our driver. */
export interface TraceSkip {
  file: string;
  lines: number[];
  reason: string;
}

function requestTypeByte(setup: USBControlTransferParameters, dirIn: boolean): number {
  const type = { standard: 0, class: 1, vendor: 2 }[setup.requestType] ?? 3;
  const recipient = { device: 0, interface: 1, endpoint: 2, other: 3 }[setup.recipient] ?? 0;
  return (dirIn ? 0x80 : 0) | (type << 5) | recipient;
}

export class TraceReplayDevice {
  readonly vendorId = 0x0bda;
  readonly productId = 0x2838;
  readonly manufacturerName = 'Realtek';
  readonly productName = 'RTL2838UHIDIR';
  readonly serialNumber = '00000001';
  readonly bus = '1-1.4';
  opened = false;
  configuration: USBConfiguration | null = null;
  claimed = false;
  /** First divergence, formatted for a test failure message. */
  mismatch: string | undefined;
  /** Transfers the driver made that matched the trace. */
  matched = 0;
  /** Bulk IN transfers served (streaming). */
  bulkTransfers = 0;
  private cursor = 0;
  private readonly entries: TraceEntry[];

  constructor(files: string[], skips: TraceSkip[] = []) {
    const skip = new Set(skips.flatMap((s) => s.lines.map((l) => `${s.file}:${l}`)));
    this.entries = files.flatMap((f) => parseTrace(f)).filter((e) => !skip.has(`${e.file}:${e.line}`));
  }

  /** Entries of `file` not yet consumed. */
  remaining(file: string): TraceEntry[] {
    return this.entries.slice(this.cursor).filter((e) => e.file === file);
  }

  /** Throws unless every entry of `file` was consumed and no mismatch happened. */
  assertConsumed(file: string): void {
    if (this.mismatch) throw new Error(this.mismatch);
    const left = this.remaining(file);
    if (left.length) {
      const e = left[0] as TraceEntry;
      throw new Error(
        `${file}: ${left.length} transfer(s) not made by the driver, first at line ${e.line}: ${formatEntry(e)} ; ${e.decoded}`,
      );
    }
  }

  async open(): Promise<void> {
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }
  async selectConfiguration(_v: number): Promise<void> {
    this.configuration = { configurationValue: 1 } as USBConfiguration;
  }
  async claimInterface(_n: number): Promise<void> {
    this.claimed = true;
  }
  async releaseInterface(_n: number): Promise<void> {
    this.claimed = false;
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    const e = this.check('IN', requestTypeByte(setup, true), setup, length, new Uint8Array(0));
    if (e.rc < 0) return { status: 'stall' };
    const copy = Uint8Array.from(e.data);
    return { status: 'ok', data: new DataView(copy.buffer) };
  }

  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    const d = data
      ? ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data)
      : new Uint8Array(0);
    const e = this.check('OUT', requestTypeByte(setup, false), setup, d.length, d);
    if (e.rc < 0) return { status: 'stall', bytesWritten: 0 };
    return { status: 'ok', bytesWritten: e.rc };
  }

  /** Streaming: the traces record no control traffic during it; serve silence (cu8 127) promptly. */
  async transferIn(_ep: number, length: number): Promise<USBInTransferResult> {
    this.bulkTransfers++;
    await new Promise((r) => setTimeout(r, 1));
    return { status: 'ok', data: new DataView(new Uint8Array(length).fill(127).buffer) };
  }

  private check(
    dir: 'IN' | 'OUT',
    bm: number,
    setup: USBControlTransferParameters,
    length: number,
    data: Uint8Array,
  ): TraceEntry {
    const got = {
      dir,
      bmRequestType: bm,
      bRequest: setup.request,
      wValue: setup.value,
      wIndex: setup.index,
      wLength: length,
      data,
    };
    const gotText = `${formatEntry(got)} ; ${decodeSetup({ request: setup.request, value: setup.value, index: setup.index })}`;
    if (this.mismatch) throw new Error(`replay already diverged; driver sent ${gotText}`);
    const e = this.entries[this.cursor];
    if (!e) {
      this.mismatch = `driver made a transfer after the end of the traces: ${gotText}`;
      throw new Error(this.mismatch);
    }
    const same =
      e.dir === dir &&
      e.bmRequestType === bm &&
      e.bRequest === setup.request &&
      e.wValue === setup.value &&
      e.wIndex === setup.index &&
      e.wLength === length &&
      (dir === 'IN' || Buffer.from(e.data).equals(Buffer.from(data)));
    if (!same) {
      this.mismatch =
        `first mismatch at ${e.file} line ${e.line}:\n` +
        `  trace : ${formatEntry(e)} ; ${e.decoded}\n` +
        `  driver: ${gotText}`;
      throw new Error(this.mismatch);
    }
    this.cursor++;
    this.matched++;
    return e;
  }
}
