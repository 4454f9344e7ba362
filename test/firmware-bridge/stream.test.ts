import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IqStream, transferBytesFor, MIN_TRANSFERS } from '../../firmware-bridge/stream.ts';
import type { UsbTransport } from '../../firmware-bridge/usb/transport.ts';
import type { IqChunk, StreamEvent } from '../../firmware-bridge/types.ts';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { FakeRtlDevice } from './helpers/fake-rtl.ts';

interface Pending {
  length: number;
  resolve: (d: Uint8Array) => void;
  reject: (e: unknown) => void;
}

/** A transport whose bulk transfers complete only when the test says so. */
class ManualBulk implements UsbTransport {
  readonly pending: Pending[] = [];
  submitted = 0;
  closed = false;
  async controlIn(): Promise<Uint8Array | null> {
    return new Uint8Array(1);
  }
  async controlOut(_s: unknown, d: Uint8Array): Promise<number | null> {
    return d.length;
  }
  lastTimeoutMs: number | undefined;
  bulkIn(_ep: number, length: number, timeoutMs?: number): Promise<Uint8Array> {
    this.submitted++;
    this.lastTimeoutMs = timeoutMs;
    return new Promise((resolve, reject) => this.pending.push({ length, resolve, reject }));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** Complete the oldest transfer with `bytes` bytes (default: full). */
  complete(bytes?: number): void {
    const p = this.pending.shift();
    if (!p) throw new Error('no transfer in flight');
    p.resolve(new Uint8Array(bytes ?? p.length).fill(127));
  }
  fail(err: unknown): void {
    const p = this.pending.shift();
    if (!p) throw new Error('no transfer in flight');
    p.reject(err);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RATE = 2_048_000;
const tuning = { centerHz: () => 100e6, sampleRateHz: () => RATE };

let unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

function startStream(t: ManualBulk, opts: ConstructorParameters<typeof IqStream>[2] = {}) {
  const chunks: IqChunk[] = [];
  const events: StreamEvent[] = [];
  const s = new IqStream(t, tuning, { transferBytes: 4096, ...opts });
  s.start(
    (c) => chunks.push({ ...c, data: c.data.slice() }),
    (e) => events.push(e),
  );
  return { s, chunks, events };
}

describe('IqStream', () => {
  it('keeps 15 transfers in flight by default and refuses fewer than 8', async () => {
    const t = new ManualBulk();
    const { s } = startStream(t);
    expect(s.inFlight).toBe(15);
    expect(t.pending.length).toBe(15);
    t.complete();
    await tick();
    expect(t.pending.length).toBe(15); // resubmitted
    expect(s.getCounters().maxInFlight).toBeGreaterThanOrEqual(MIN_TRANSFERS);
    // node-usb's 1000 ms default would expire while a transfer waits its turn in the queue.
    expect(t.lastTimeoutMs).toBeGreaterThanOrEqual(5000);
    expect(() => new IqStream(t, tuning, { transfers: 4 })).toThrow(/at least 8/);
    expect(() => new IqStream(t, tuning, { transferBytes: 1000 })).toThrow(/multiple of 512/);
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
  });

  it('numbers samples continuously and timestamps them from the rate', async () => {
    const t = new ManualBulk();
    let now = 1_000_000;
    const { s, chunks } = startStream(t, { now: () => now });
    for (let i = 0; i < 5; i++) {
      now += 1;
      t.complete();
      await tick();
    }
    expect(chunks.map((c) => c.sampleIndex)).toEqual([0, 2048, 4096, 6144, 8192]);
    const dt = (2048 / RATE) * 1000;
    for (let i = 1; i < chunks.length; i++)
      expect((chunks[i]?.timeMs ?? 0) - (chunks[i - 1]?.timeMs ?? 0)).toBeCloseTo(dt, 9);
    expect(chunks[0]?.centerHz).toBe(100e6);
    expect(s.getCounters()).toMatchObject({
      transfers: 5,
      samplesDelivered: 10240,
      sampleIndex: 10240,
      lostSamples: 0,
    });
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
  });

  it('a short transfer reports the missing samples as a gap and keeps the counter continuous', async () => {
    const t = new ManualBulk();
    const { s, chunks, events } = startStream(t);
    t.complete();
    t.complete(1024);
    t.complete();
    await tick();
    expect(events).toContainEqual({ type: 'samples-lost', lostSamples: 1536, atSampleIndex: 2560, reason: 'gap' });
    expect(chunks.map((c) => c.sampleIndex)).toEqual([0, 2048, 4096]);
    expect(s.getCounters()).toMatchObject({ shortTransfers: 1, lostSamples: 1536, sampleIndex: 6144 });
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
  });

  it('a failed transfer loses one transfer of samples and is resubmitted', async () => {
    const t = new ManualBulk();
    const { s, chunks, events } = startStream(t);
    t.complete();
    t.fail(new Error('LIBUSB_ERROR_IO'));
    t.complete();
    await tick();
    expect(events).toEqual([{ type: 'samples-lost', lostSamples: 2048, atSampleIndex: 2048, reason: 'gap' }]);
    expect(chunks.map((c) => c.sampleIndex)).toEqual([0, 4096]);
    expect(t.pending.length).toBe(15);
    expect(s.getCounters().failedTransfers).toBe(1);
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
    expect(unhandled).toEqual([]);
  });

  it('no data for longer than the stall timeout raises one stalled event, then the stall span is lost', async () => {
    const t = new ManualBulk();
    const { s, events, chunks } = startStream(t, { stallTimeoutMs: 30 });
    await sleep(100);
    const stalls = events.filter((e) => e.type === 'stalled');
    expect(stalls.length).toBe(1);
    expect(s.getCounters().stalls).toBe(1);
    t.complete();
    await tick();
    const lost = events.find((e) => e.type === 'samples-lost');
    // The stall's span precedes the data that ended it: ~100 ms at 2.048 MS/s ≈ 205k samples, less the 2048 delivered.
    expect(lost).toMatchObject({ type: 'samples-lost', reason: 'stall', atSampleIndex: 0 });
    const n = (lost as { lostSamples: number }).lostSamples;
    expect(n).toBeGreaterThan(150_000);
    expect(chunks[0]?.sampleIndex).toBe(n);
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
  });

  it('a transfer rejected because the device is gone gives one disconnected event, never an unhandled rejection', async () => {
    const t = new ManualBulk();
    const { s, events } = startStream(t);
    const gone = new Error('LIBUSB_ERROR_NO_DEVICE');
    t.fail(gone);
    while (t.pending.length) t.fail(gone);
    await sleep(5);
    expect(events.filter((e) => e.type === 'disconnected')).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'disconnected' });
    expect(s.state).toBe('failed');
    expect(t.submitted).toBe(15); // nothing resubmitted after the loss
    await s.stop();
    expect(unhandled).toEqual([]);
  });

  it('ends the stream after as many consecutive errors as transfers (librtlsdr rule)', async () => {
    const t = new ManualBulk();
    const { s, events } = startStream(t, { transfers: 8 });
    for (let i = 0; i < 8; i++) t.fail(new Error('LIBUSB_ERROR_IO'));
    await sleep(5);
    expect(events.at(-1)).toMatchObject({ type: 'disconnected' });
    expect(s.state).toBe('failed');
    t.pending.splice(0).forEach((p) => p.resolve(new Uint8Array(0)));
    await s.stop();
  });

  it('stop waits for the transfers in flight, delivers their data, and submits no more', async () => {
    const t = new ManualBulk();
    const { s, chunks } = startStream(t);
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await sleep(5);
    expect(stopped).toBe(false);
    expect(s.state).toBe('stopping');
    while (t.pending.length) t.complete();
    await stopping;
    expect(stopped).toBe(true);
    expect(chunks.length).toBe(15);
    expect(t.submitted).toBe(15);
    expect(s.state).toBe('stopped');
  });

  it('stop gives up after stopTimeoutMs when the device never completes', async () => {
    const t = new ManualBulk();
    const { s } = startStream(t, { stopTimeoutMs: 20 });
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.state).toBe('stopped');
  });
});

describe('WebUsbTransport bulk IN', () => {
  it('passes the timeout to node-usb style transferIn and maps a gone device to a typed error', async () => {
    const { WebUsbTransport } = await import('../../firmware-bridge/usb/transport.ts');
    const dev = new FakeRtlDevice();
    const seen: unknown[] = [];
    const orig = dev.transferIn.bind(dev);
    (dev as unknown as { transferIn: (...a: unknown[]) => Promise<USBInTransferResult> }).transferIn = (
      ep,
      len,
      timeout,
    ) => {
      seen.push(timeout);
      return orig(ep as number, len as number);
    };
    const t = await WebUsbTransport.open(dev);
    expect((await t.bulkIn(1, 512, 7000)).length).toBe(512);
    expect(seen).toEqual([7000]);
    dev.gone = true;
    await expect(t.bulkIn(1, 512)).rejects.toMatchObject({ code: 'BW_ERR_USB_DISCONNECTED' });
    await t.close();
    await expect(t.bulkIn(1, 512)).rejects.toMatchObject({ code: 'BW_ERR_DEVICE_CLOSED' });
  });
});

describe('transfer sizing', () => {
  it('is 256 KiB at 2.048 MS/s like librtlsdr and holds 50–100 ms at every rate', () => {
    expect(transferBytesFor(2_048_000)).toBe(262_144);
    for (const rate of [250_000, 300_000, 1_024_000, 1_400_000, 2_048_000, 2_400_000, 2_880_000, 3_200_000]) {
      const b = transferBytesFor(rate);
      expect(b % 512).toBe(0);
      const ms = (b / 2 / rate) * 1000;
      expect(ms).toBeGreaterThanOrEqual(50);
      expect(ms).toBeLessThanOrEqual(100);
    }
  });
});

describe('RtlSdr streaming', () => {
  it('streams, reports retunes at the current sample index, and stops cleanly', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setSampleRate(250_000);
    await sdr.setCenterFrequency(100e6);
    const chunks: IqChunk[] = [];
    const events: StreamEvent[] = [];
    await sdr.startStream(
      (c) => chunks.push(c),
      (e) => events.push(e),
    );
    expect(dev.block.get(0x2148)).toBe(0x0000); // FIFO reset before streaming
    await expect(sdr.startStream(() => undefined)).rejects.toMatchObject({ code: 'BW_ERR_STREAM_STATE' });
    while (chunks.length < 3) await sleep(2);
    await sdr.setCenterFrequency(433.92e6);
    while (!chunks.some((c) => c.centerHz === 433.92e6)) await sleep(2);
    await sdr.stopStream();
    const retune = events.find((e) => e.type === 'retuned');
    expect(retune).toMatchObject({ type: 'retuned', centerHz: 433.92e6 });
    expect(chunks.some((c) => c.centerHz === 433.92e6)).toBe(true);
    expect(chunks[0]?.data.length).toBe(32_768);
    const n = dev.bulkRequests;
    await sleep(10);
    expect(dev.bulkRequests).toBe(n);
    expect(sdr.getStreamCounters()?.transfers).toBe(chunks.length);
    await sdr.close();
  });

  it('a dongle pulled while streaming becomes a disconnected event and a gone device', async () => {
    const dev = new FakeRtlDevice();
    const sdr = await RtlSdr.open(dev);
    await sdr.setSampleRate(2_048_000);
    const events: StreamEvent[] = [];
    await sdr.startStream(
      () => undefined,
      (e) => events.push(e),
    );
    await sleep(5);
    dev.gone = true;
    while (!events.some((e) => e.type === 'disconnected')) await sleep(2);
    expect(sdr.state).toBe('gone');
    await expect(sdr.setCenterFrequency(100e6)).rejects.toMatchObject({ code: 'BW_ERR_USB_DISCONNECTED' });
    await sdr.close();
    expect(unhandled).toEqual([]);
  });
});
