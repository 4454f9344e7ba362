import { describe, expect, it } from 'vitest';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import type { IqChunk, StreamEvent } from '../../firmware-bridge/types.ts';
import { ToneTestSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { VirtualRtlSdr, type VirtualDongleOptions } from '../../firmware-bridge/virtual/virtual-dongle.ts';

/** Power of DFT bin k over the first n samples of cu8 data. */
function binPower(iq: Uint8Array, n: number, k: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const x = (iq[2 * i] as number) - 127.5;
    const y = (iq[2 * i + 1] as number) - 127.5;
    const a = (-2 * Math.PI * k * i) / n;
    re += x * Math.cos(a) - y * Math.sin(a);
    im += x * Math.sin(a) + y * Math.cos(a);
  }
  return re * re + im * im;
}

function peakBin(iq: Uint8Array, n: number): number {
  let best = 0;
  let bestP = -1;
  for (let k = 0; k < n; k++) {
    const p = binPower(iq, n, k);
    if (p > bestP) [best, bestP] = [k, p];
  }
  return best > n / 2 ? best - n : best;
}

async function collect(sdr: RtlSdr, samples: number): Promise<{ chunks: IqChunk[]; events: StreamEvent[] }> {
  const chunks: IqChunk[] = [];
  const events: StreamEvent[] = [];
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    sdr
      .startStream(
        (c) => {
          chunks.push({ ...c, data: c.data.slice() });
          got += c.data.length / 2;
          if (got >= samples) resolve();
        },
        (e) => events.push(e),
      )
      .catch(reject);
  });
  await sdr.stopStream();
  return { chunks, events };
}

async function open(opts: VirtualDongleOptions) {
  const dev = new VirtualRtlSdr(opts);
  const sdr = await RtlSdr.open(dev);
  return { dev, sdr };
}

describe('RtlSdr driver over the virtual dongle', () => {
  it('identifies the dongle and programs frequency, rate and gain the registers then derive', async () => {
    const { dev, sdr } = await open({ serial: '00000005', ports: [2, 3] });
    expect(sdr.tunerType).toBe('R820T');
    expect(sdr.info).toMatchObject({ serial: '00000005', path: '1-2.3', vendorId: 0x0bda, productId: 0x2838 });
    expect(sdr.gainsTenthsDb.length).toBe(29);
    await sdr.setSampleRate(2_400_000);
    await sdr.setCenterFrequency(1090e6);
    await sdr.setGain(372);
    const st = dev.radioState();
    expect(st.sampleRateHz).toBe(2_400_000);
    expect(Math.abs(st.centerHz - 1090e6)).toBeLessThan(1000);
    expect(st.tunerGainTenthsDb).toBe(372);
    expect(st.pllLocked).toBe(true);
    await sdr.setGain('auto');
    expect(dev.radioState().tunerAgc).toBe(true);
    await sdr.close();
  });

  it('cancels a 35 ppm crystal error when told the same ppm', async () => {
    const { dev, sdr } = await open({ xtalErrorPpm: 35, paced: false });
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(433.92e6);
    const off = dev.radioState().centerHz - 433.92e6;
    expect(Math.abs(off)).toBeGreaterThan(10_000); // 35 ppm of 433.92 MHz = 15.2 kHz
    await sdr.setFrequencyCorrection(35);
    expect(Math.abs(dev.radioState().centerHz - 433.92e6)).toBeLessThan(1000);
    expect(Math.abs(dev.radioState().sampleRateHz - 2.048e6)).toBeLessThan(1);
    await sdr.close();
  });

  it('streams a scene tone into the right bin, paced in real time', async () => {
    const source = new ToneTestSource([{ freqHz: 100.1e6, levelDbm: -60 }]);
    const { dev, sdr } = await open({ source });
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(100e6);
    await sdr.setGain(280);
    const { chunks } = await collect(sdr, 400_000);
    expect(chunks.length).toBeGreaterThan(0);
    const c = chunks[0]!;
    expect(c.sampleIndex).toBe(0);
    expect(peakBin(c.data, 1024)).toBe(50); // 100 kHz / 2.048 MS/s · 1024
    // sample counter continuous over chunks
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.sampleIndex).toBe(chunks[i - 1]!.sampleIndex + chunks[i - 1]!.data.length / 2);
    }
    expect(dev.streamStats.droppedSamples).toBe(0);
    await sdr.close();
  });

  it('test mode gives a continuous byte counter through the driver', async () => {
    const { sdr } = await open({ paced: false });
    await sdr.setSampleRate(1_024_000);
    await sdr.setCenterFrequency(100e6);
    await sdr.setTestMode(true);
    const { chunks } = await collect(sdr, 300_000);
    const all = Buffer.concat(chunks.map((c) => c.data));
    let breaks = 0;
    for (let i = 1; i < all.length; i++) if (all[i] !== ((all[i - 1]! + 1) & 0xff)) breaks++;
    expect(breaks).toBe(0);
    await sdr.close();
  });

  it('reports disconnected when the dongle is unplugged mid-stream', async () => {
    const { dev, sdr } = await open({});
    await sdr.setSampleRate(1_024_000);
    await sdr.setCenterFrequency(100e6);
    const events: StreamEvent[] = [];
    let chunks = 0;
    await sdr.startStream(
      () => chunks++,
      (e) => events.push(e),
    );
    await new Promise((r) => setTimeout(r, 150));
    dev.unplug();
    await new Promise((r) => setTimeout(r, 100));
    expect(chunks).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
    await sdr.close().catch(() => undefined);
  });

  it('an R828D stick (I2C 0x74, 16 MHz crystal) tunes; bias tee, direct sampling and RTL AGC land in registers', async () => {
    const { dev, sdr } = await open({ tuner: 'R828D', paced: false });
    expect(sdr.tunerType).toBe('R828D');
    await sdr.setSampleRate(2_400_000);
    await sdr.setCenterFrequency(433.92e6);
    await sdr.setGain(280);
    let st = dev.radioState();
    expect(st.pllLocked).toBe(true);
    expect(Math.abs(st.centerHz - 433.92e6)).toBeLessThan(1000);
    expect(st.tunerGainTenthsDb).toBe(280);
    await sdr.setBiasTee(true);
    expect(dev.radioState().biasTee).toBe(true);
    await sdr.setDirectSampling(2);
    await sdr.setCenterFrequency(7.1e6);
    st = dev.radioState();
    expect(st.directSampling).toBe(2);
    expect(Math.abs(st.centerHz - 7.1e6)).toBeLessThan(10);
    await sdr.setDirectSampling(0);
    await sdr.setCenterFrequency(145e6);
    st = dev.radioState();
    expect(st.directSampling).toBe(0);
    expect(Math.abs(st.centerHz - 145e6)).toBeLessThan(1000);
    await sdr.setAgcMode(true);
    expect(dev.radioState().rtlAgc).toBe(true);
    await sdr.close();
  });
});
