import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/virtual/clock.ts';
import { ReferenceProgrammer } from '../../firmware-bridge/virtual/reference-programmer.ts';
import { ToneTestSource, type IqSignalSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { VirtualRtlSdr, type VirtualDongleOptions } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import { VirtualUsb, type VirtualUsbConnectionEvent } from '../../firmware-bridge/virtual/virtual-usb.ts';
import { SceneSource } from '../../firmware-bridge/virtual/scene-source.ts';

async function streaming(opts: VirtualDongleOptions, rate = 2_048_000, centerHz = 100e6) {
  const dev = new VirtualRtlSdr(opts);
  await dev.open();
  await dev.claimInterface(0);
  const prog = new ReferenceProgrammer(dev);
  await prog.init();
  await prog.setSampleRate(rate);
  await prog.setCenterFrequency(centerHz);
  await prog.setGain(280);
  return { dev, prog };
}

const bytesOf = (r: USBInTransferResult) => new Uint8Array(r.data!.buffer, r.data!.byteOffset, r.data!.byteLength);

/** Power of one DFT bin (naive DFT at bin k of n samples), cu8 centred at 127.5. */
function binPower(iq: Uint8Array, n: number, k: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const x = (iq[2 * i] as number) - 127.5;
    const y = (iq[2 * i + 1] as number) - 127.5;
    const a = (-2 * Math.PI * k * i) / n;
    const c = Math.cos(a);
    const s = Math.sin(a);
    re += x * c - y * s;
    im += x * s + y * c;
  }
  return re * re + im * im;
}

function peakBin(iq: Uint8Array, n: number): number {
  let best = 0;
  let bestP = -1;
  for (let k = 0; k < n; k++) {
    const p = binPower(iq, n, k);
    if (p > bestP) {
      bestP = p;
      best = k;
    }
  }
  return best > n / 2 ? best - n : best;
}

describe('virtual dongle: streaming', () => {
  it('a transfer resolves only once its samples exist on the clock', async () => {
    const clock = new ManualClock();
    const { dev, prog } = await streaming({ clock });
    await prog.resetBuffer();
    let done = false;
    const p = dev.transferIn(0x81, 16384).then((r) => {
      done = true;
      return r;
    });
    // 8192 samples at 2.048 MS/s = 4 ms
    clock.advance(3.9);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    clock.advance(0.2);
    const r = await p;
    expect(done).toBe(true);
    expect(r.data!.byteLength).toBe(16384);
  });

  it('a rate change while streaming re-paces the next transfers at the new rate', async () => {
    const clock = new ManualClock();
    const { dev, prog } = await streaming({ clock }, 2_048_000);
    await prog.resetBuffer();
    const first = dev.transferIn(1, 20480); // 10240 samples = 5 ms at 2.048 MS/s
    clock.advance(5);
    await first;
    await prog.setSampleRate(250_000); // 10240 samples now take 40.96 ms
    let done = false;
    const second = dev.transferIn(1, 20480).then(() => (done = true));
    clock.advance(30);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    clock.advance(12);
    await second;
    expect(done).toBe(true);
    expect(dev.radioState().sampleRateHz).toBeCloseTo(250_000, 2); // the resampler ratio gives 250000.0004
  });

  it('no FIFO release (reset_buffer not called): transfers wait', async () => {
    const clock = new ManualClock();
    const { dev } = await streaming({ clock });
    let done = false;
    const p = dev.transferIn(1, 512).then(() => (done = true));
    clock.advance(100);
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    dev.unplug();
    await expect(p).rejects.toThrow(/device disconnected/);
  });

  it('keeps the test-mode counter continuous while transfers are always pending', async () => {
    const clock = new ManualClock();
    const { dev, prog } = await streaming({ clock });
    await prog.setTestMode(true);
    await prog.resetBuffer();
    const got: Uint8Array[] = [];
    const inflight = [0, 1, 2, 3].map(() => dev.transferIn(1, 32768));
    for (let i = 0; i < 20; i++) {
      clock.advance(8);
      const r = await inflight.shift()!;
      got.push(bytesOf(r));
      inflight.push(dev.transferIn(1, 32768));
    }
    const all = Buffer.concat(got);
    let breaks = 0;
    for (let i = 1; i < all.length; i++) if (all[i] !== ((all[i - 1]! + 1) & 0xff)) breaks++;
    expect(breaks).toBe(0);
    expect(dev.streamStats.droppedSamples).toBe(0);
    dev.unplug();
    await Promise.allSettled(inflight);
  });

  it('drops what overflows the FIFO when the consumer is slow, counts it, and the counter shows the gap', async () => {
    const clock = new ManualClock();
    const fifoBytes = 64 * 1024;
    const { dev, prog } = await streaming({ clock, fifoBytes });
    await prog.setTestMode(true);
    await prog.resetBuffer();
    const first = dev.transferIn(1, 4096);
    clock.advance(1);
    const a = bytesOf(await first);
    // nothing pending for 100 ms: 204800 samples produced, FIFO keeps 32768 of them
    clock.advance(100);
    const second = dev.transferIn(1, 4096);
    clock.advance(0);
    const b = bytesOf(await second);
    const produced = Math.floor(101 * 2048);
    const expectedDrop = produced - 2048 - fifoBytes / 2;
    expect(dev.streamStats.droppedSamples).toBe(expectedDrop);
    expect(dev.streamStats.overflows).toBe(1);
    const jump = (b[0]! - a[a.length - 1]! - 1 + 256) & 0xff;
    expect(jump).toBe((2 * expectedDrop) & 0xff);
  });

  it('fast mode resolves without waiting for a clock and never drops', async () => {
    const { dev, prog } = await streaming({ paced: false });
    await prog.resetBuffer();
    const rs = await Promise.all([0, 1, 2, 3, 4, 5].map(() => dev.transferIn(1, 262144)));
    expect(rs.every((r) => r.data!.byteLength === 262144)).toBe(true);
    expect(dev.streamStats).toMatchObject({ droppedSamples: 0, deliveredSamples: 6 * 131072 });
  });

  it('a tone 100 kHz above the centre lands in bin +50 of a 1024-point DFT at 2.048 MS/s; mirrored without inversion', async () => {
    const source = new ToneTestSource([{ freqHz: 100.1e6, levelDbm: -60 }]);
    const { dev, prog } = await streaming({ paced: false, source });
    await prog.resetBuffer();
    const iq = bytesOf(await dev.transferIn(1, 2048));
    expect(peakBin(iq, 1024)).toBe(50);
    // demod spectrum inversion off (p1 r15 = 0): the R82xx's mirrored IF comes out mirrored
    await dev.controlTransferOut(
      { requestType: 'vendor', recipient: 'device', request: 0, value: 0x1520, index: 0x11 },
      Uint8Array.from([0]),
    );
    const mirrored = bytesOf(await dev.transferIn(1, 2048));
    expect(peakBin(mirrored, 1024)).toBe(-50);
  });

  it('the default ToneTestSource puts its strong tone 100 kHz above 100.1 MHz', async () => {
    const { dev, prog } = await streaming({ paced: false, source: new ToneTestSource() }, 2_048_000, 100.1e6);
    await prog.resetBuffer();
    expect(peakBin(bytesOf(await dev.transferIn(1, 2048)), 1024)).toBe(50);
  });

  it('the programmed gain scales the signal before quantisation', async () => {
    const source = new ToneTestSource([{ freqHz: 100.1e6, levelDbm: -50 }], { noiseDbmPerHz: -200 });
    const { dev, prog } = await streaming({ paced: false, source });
    await prog.resetBuffer();
    const level = async () => binPower(bytesOf(await dev.transferIn(1, 2048)), 1024, 50);
    await prog.setGain(0);
    const low = await level();
    await prog.setGain(166);
    const high = await level();
    // 16.6 dB more tuner gain → 16.6 dB more tone power (±0.5 dB for quantisation)
    expect(10 * Math.log10(high / low)).toBeGreaterThan(16.1);
    expect(10 * Math.log10(high / low)).toBeLessThan(17.1);
  });

  it('with the loop cache a scheduled emitter switches on at the exact sample', async () => {
    const clock = new ManualClock();
    // tone switches on at t = 10 ms (sample 20480 at 2.048 MS/s); no noise so silence is exactly 127/128
    const source = new ToneTestSource([{ freqHz: 100.2e6, levelDbm: -50, onS: 0.01 }], { noiseDbmPerHz: -300 });
    const { dev, prog } = await streaming({ clock, source, loopSamples: 8192 });
    await prog.resetBuffer(); // FIFO starts at t = 0 on the manual clock
    const p = dev.transferIn(1, 2 * 40960);
    clock.advance(25);
    const iq = bytesOf(await p);
    let firstLoud = -1;
    for (let i = 0; i < 40960; i++) {
      if (Math.abs(iq[2 * i]! - 127.5) > 5 || Math.abs(iq[2 * i + 1]! - 127.5) > 5) {
        firstLoud = i;
        break;
      }
    }
    expect(firstLoud).toBeGreaterThanOrEqual(20480);
    expect(firstLoud).toBeLessThan(20480 + 4);
    expect(dev.streamStats.loopRenders).toBeGreaterThanOrEqual(2);
  });

  it('renders a dsp/synth scene through SceneSource at the derived tuning', async () => {
    const source: IqSignalSource = new SceneSource({
      seed: 1,
      noiseDbfsPerHz: -110,
      emitters: [{ id: 'c', kind: 'tone', centerHz: 99.9e6, levelDbfs: -20 }],
    });
    const { dev, prog } = await streaming({ paced: false, source });
    await prog.resetBuffer();
    expect(peakBin(bytesOf(await dev.transferIn(1, 2048)), 1024)).toBe(-50);
  });
});

describe('virtual dongle: unplug / replug and the VirtualUsb registry', () => {
  it('pending and new transfers reject like the usb package; replug comes back at power-on state', async () => {
    const clock = new ManualClock();
    const { dev, prog } = await streaming({ clock, serial: '00000007', ports: [1, 4] });
    await prog.resetBuffer();
    const pending = dev.transferIn(1, 262144);
    dev.unplug();
    await expect(pending).rejects.toMatchObject({
      message: 'transferIn error: device disconnected',
      code: 'GenericFailure',
    });
    await expect(
      dev.controlTransferIn({ requestType: 'vendor', recipient: 'device', request: 0, value: 0, index: 0 }, 1),
    ).rejects.toThrow(/controlTransferIn error: device disconnected/);
    expect(dev.opened).toBe(false);
    dev.replug();
    expect(dev.serialNumber).toBe('00000007');
    expect(dev.path).toBe('1-1.4');
    expect(dev.radioState().sampleRateHz).toBe(0);
    await dev.open();
    await dev.claimInterface(0);
    const again = new ReferenceProgrammer(dev);
    await again.init();
    await again.setSampleRate(1_024_000);
    await again.setCenterFrequency(433.92e6);
    await again.resetBuffer();
    const p = dev.transferIn(1, 1024);
    clock.advance(1);
    expect((await p).data!.byteLength).toBe(1024);
  });

  it('lists, requests and reports connect/disconnect like the usb WebUSB object', async () => {
    const usb = VirtualUsb.withDongles(3, { paced: false });
    const devices = await usb.getDevices();
    expect(devices.map((d) => d.serialNumber)).toEqual(['00000001', '00000002', '00000003']);
    expect(devices.map((d) => d.path)).toEqual(['1-1', '1-2', '1-3']);
    const events: string[] = [];
    usb.addEventListener('disconnect', (e) => events.push(`-${(e as VirtualUsbConnectionEvent).device.serialNumber}`));
    usb.onconnect = (e) => events.push(`+${e.device.serialNumber}`);
    const second = await usb.requestDevice({ filters: [{ vendorId: 0x0bda, serialNumber: '00000002' }] });
    second.unplug();
    expect((await usb.getDevices()).length).toBe(2);
    await expect(usb.requestDevice({ filters: [{ serialNumber: '00000002' }] })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    second.replug();
    expect(events).toEqual(['-00000002', '+00000002']);
    expect((await usb.getDevices()).length).toBe(3);
  });
});

describe('virtual dongle: SceneSource gate-aware looping', () => {
  it('a scheduled and a PTT emitter switch on the same samples with the loop cache as in a direct scene render', async () => {
    const { Scene } = await import('../../dsp/synth/index.ts');
    const spec = {
      seed: 5,
      emitters: [
        {
          id: 'sched',
          kind: 'tone' as const,
          centerHz: 100.3e6,
          levelDbfs: -10,
          schedule: { windows: [{ fromS: 0.013, toS: 0.021 }] },
        },
        {
          id: 'ptt',
          kind: 'tone' as const,
          centerHz: 99.6e6,
          // 10 dB under the other tone so their sum never cancels to silence
          levelDbfs: -20,
          ptt: { slotS: 0.01, minOnS: 0.002, maxOnS: 0.006, activity: 0.7 },
        },
        // far away: its PTT must not force re-renders for a receiver at 100 MHz
        {
          id: 'far',
          kind: 'tone' as const,
          centerHz: 446e6,
          levelDbfs: -10,
          ptt: { slotS: 0.001, minOnS: 0.0002, maxOnS: 0.0005, activity: 0.9 },
        },
      ],
    };
    const clock = new ManualClock();
    const source = new SceneSource(spec);
    const { dev, prog } = await streaming({ clock, source, loopSamples: 4096 }, 2_048_000, 100e6);
    await prog.setGain(280);
    await prog.resetBuffer(); // t = 0 on the manual clock = sample 0 of the scene
    const n = 2048 * 40; // 40 ms at 2.048 MS/s
    const p = dev.transferIn(1, 2 * n);
    clock.advance(45);
    const looped = bytesOf(await p);
    const st = dev.radioState();
    const direct = new Uint8Array(2 * n);
    new Scene(spec).renderCu8(
      { centerHz: st.centerHz, sampleRateHz: st.sampleRateHz, startSample: 0, count: n },
      direct,
      st.totalGainDb - source.referenceGainDb,
    );
    // on/off pattern per sample: silent (no noise in this scene) = both bytes at 127/128
    const onOff = (b: Uint8Array) => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.abs(b[2 * i]! - 127.5) + Math.abs(b[2 * i + 1]! - 127.5) > 2 ? '1' : '0';
      return s;
    };
    const a = onOff(looped);
    const b = onOff(direct);
    expect(a.includes('1') && a.includes('0')).toBe(true);
    // the first sample of every on/off run agrees (inside a run, looped content differs from a direct render)
    const edges = (s: string) => [...s].flatMap((c, i) => (i > 0 && c !== s[i - 1] ? [i] : []));
    expect(edges(a)).toEqual(edges(b));
    expect(edges(a).length).toBeGreaterThan(3);
    // one loop per in-band state; the far emitter's 1 ms PTT slots (≈ 70 changes) cause none
    expect(dev.streamStats.loopRenders).toBeLessThanOrEqual(edges(a).length + 3);
  });
});
