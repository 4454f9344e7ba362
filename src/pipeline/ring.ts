/**
 * Single-producer single-consumer ring of IQ blocks in a SharedArrayBuffer: the main thread (USB, sockets)
 * writes, the sensor's worker reads. Preallocated once; a full ring drops the block (counted) instead of
 * blocking the event loop. Each record: 48-byte header (length, format, sampleIndex, timeMs, centerHz,
 * sampleRateHz) + payload, 8-byte aligned; a record that does not fit before the end wraps to 0 behind a marker.
 */
import type { IqBlock } from '../types.ts';

const CTRL_WRITE = 0;
const CTRL_READ = 1;
const CTRL_SIGNAL = 2;
const CTRL_DROPPED_BLOCKS = 3;
const CTRL_DROPPED_LO = 4;
const CTRL_CLOSED = 5;
const HEADER = 48;
const WRAP = 0xffffffff;
const FORMATS: IqBlock['format'][] = ['cu8', 'ci8', 'ci16_le', 'cf32_le'];

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function createRingBuffers(capacityBytes: number): RingBuffers {
  const cap = Math.ceil(capacityBytes / 8) * 8;
  return { control: new SharedArrayBuffer(8 * 4), data: new SharedArrayBuffer(cap) };
}

export class IqRing {
  private readonly ctrl: Int32Array;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly cap: number;

  constructor(readonly buffers: RingBuffers) {
    this.ctrl = new Int32Array(buffers.control);
    this.view = new DataView(buffers.data);
    this.bytes = new Uint8Array(buffers.data);
    this.cap = buffers.data.byteLength;
  }

  /** Producer: copy a block in. False (and counted as dropped) when the consumer is too far behind. */
  write(b: IqBlock): boolean {
    const len = b.bytes.length;
    const need = HEADER + Math.ceil(len / 8) * 8;
    if (need > this.cap / 2) throw new RangeError(`block of ${len} bytes is too large for a ${this.cap}-byte ring`);
    const w = Atomics.load(this.ctrl, CTRL_WRITE);
    const r = Atomics.load(this.ctrl, CTRL_READ);
    const free = (r - w - 8 + this.cap) % this.cap;
    let at = w;
    let cost = need;
    if (this.cap - w < need) cost += this.cap - w;
    if (free < cost) {
      Atomics.add(this.ctrl, CTRL_DROPPED_BLOCKS, 1);
      Atomics.add(this.ctrl, CTRL_DROPPED_LO, len);
      return false;
    }
    if (this.cap - w < need) {
      this.view.setUint32(w, WRAP, true);
      at = 0;
    }
    const v = this.view;
    v.setUint32(at, len, true);
    v.setUint32(at + 4, FORMATS.indexOf(b.format), true);
    v.setFloat64(at + 8, b.sampleIndex, true);
    v.setFloat64(at + 16, b.timeMs, true);
    v.setFloat64(at + 24, b.centerHz, true);
    v.setFloat64(at + 32, b.sampleRateHz, true);
    this.bytes.set(b.bytes, at + HEADER);
    Atomics.store(this.ctrl, CTRL_WRITE, (at + need) % this.cap);
    Atomics.add(this.ctrl, CTRL_SIGNAL, 1);
    Atomics.notify(this.ctrl, CTRL_SIGNAL);
    return true;
  }

  /** Consumer: hand every available block to `onBlock` (bytes are a view into the ring, valid during the call). */
  read(onBlock: (b: IqBlock) => void, max = Infinity): number {
    let n = 0;
    while (n < max) {
      let r = Atomics.load(this.ctrl, CTRL_READ);
      const w = Atomics.load(this.ctrl, CTRL_WRITE);
      if (r === w) break;
      if (this.cap - r < HEADER || this.view.getUint32(r, true) === WRAP) r = 0;
      const v = this.view;
      const len = v.getUint32(r, true);
      const block: IqBlock = {
        format: FORMATS[v.getUint32(r + 4, true)] ?? 'cu8',
        bytes: this.bytes.subarray(r + HEADER, r + HEADER + len),
        sampleIndex: v.getFloat64(r + 8, true),
        timeMs: v.getFloat64(r + 16, true),
        centerHz: v.getFloat64(r + 24, true),
        sampleRateHz: v.getFloat64(r + 32, true),
      };
      onBlock(block);
      Atomics.store(this.ctrl, CTRL_READ, (r + HEADER + Math.ceil(len / 8) * 8) % this.cap);
      n++;
    }
    return n;
  }

  /** Consumer: wait (without blocking the thread's event loop) until something is written or closed. */
  async waitForData(timeoutMs = 1000): Promise<void> {
    const seen = Atomics.load(this.ctrl, CTRL_SIGNAL);
    if (Atomics.load(this.ctrl, CTRL_READ) !== Atomics.load(this.ctrl, CTRL_WRITE)) return;
    // Atomics.waitAsync is in Node 20 but not in the ES2023 lib typings this project compiles against.
    const waitAsync = (
      Atomics as unknown as {
        waitAsync: (
          a: Int32Array,
          i: number,
          v: number,
          t: number,
        ) => { async: boolean; value: Promise<string> | string };
      }
    ).waitAsync;
    const res = waitAsync(this.ctrl, CTRL_SIGNAL, seen, timeoutMs);
    if (res.async) await res.value;
  }

  close(): void {
    Atomics.store(this.ctrl, CTRL_CLOSED, 1);
    Atomics.add(this.ctrl, CTRL_SIGNAL, 1);
    Atomics.notify(this.ctrl, CTRL_SIGNAL);
  }

  get closed(): boolean {
    return Atomics.load(this.ctrl, CTRL_CLOSED) === 1;
  }

  /** Blocks and bytes dropped because the ring was full. */
  dropped(): { blocks: number; bytes: number } {
    return { blocks: Atomics.load(this.ctrl, CTRL_DROPPED_BLOCKS), bytes: Atomics.load(this.ctrl, CTRL_DROPPED_LO) };
  }
}
