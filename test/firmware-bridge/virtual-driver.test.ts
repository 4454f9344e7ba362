/**
 * The driver against the other half of the bridge: the register-level virtual dongle. Whatever the virtual
 * dongle derives from the registers our driver wrote (centre, rate, gain, lock) must be what was asked.
 */
import { describe, expect, it } from 'vitest';
import { VirtualRtlSdr, VirtualUsb } from '../../firmware-bridge/virtual/index.ts';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { DongleWatcher, type DongleEvent, type UsbBackend } from '../../firmware-bridge/discovery.ts';
import type { IqChunk, StreamEvent } from '../../firmware-bridge/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RtlSdr on the virtual dongle', () => {
  it('tunes, sets rate and gain, and the virtual dongle derives the same radio state', async () => {
    const dev = new VirtualRtlSdr({ paced: false });
    const sdr = await RtlSdr.open(dev);
    expect(sdr.tunerType).toBe('R820T');
    await sdr.setSampleRate(2_400_000);
    await sdr.setCenterFrequency(433_920_000);
    await sdr.setGain(280);
    const st = dev.radioState();
    expect(st.pllLocked).toBe(true);
    expect(Math.abs(st.centerHz - 433_920_000)).toBeLessThan(2000);
    expect(st.sampleRateHz).toBeCloseTo(2_400_000, 3);
    expect(st.tunerGainTenthsDb).toBe(280);
    await sdr.close();
    expect(dev.radioState().demodPowered).toBe(false);
  });

  it('ppm correction cancels a crystal error', async () => {
    const dev = new VirtualRtlSdr({ paced: false, xtalErrorPpm: 40 });
    const sdr = await RtlSdr.open(dev);
    await sdr.setSampleRate(2_048_000);
    await sdr.setCenterFrequency(1_090_000_000);
    const before = Math.abs(dev.radioState().centerHz - 1_090_000_000);
    await sdr.setFrequencyCorrection(40);
    const after = Math.abs(dev.radioState().centerHz - 1_090_000_000);
    expect(before).toBeGreaterThan(20_000); // 40 ppm of 1.09 GHz ≈ 43.6 kHz
    expect(after).toBeLessThan(before / 10);
    await sdr.close();
  });

  it('streams, and a pulled dongle becomes a disconnected event; the watcher reattaches it', async () => {
    const usb = new VirtualUsb();
    const dev = usb.add(new VirtualRtlSdr({ paced: false, serial: 'SITE-A', bus: '1', ports: [4] }));
    const dongleEvents: DongleEvent[] = [];
    const watcher = await DongleWatcher.create((e) => dongleEvents.push(e), {
      hasUsbBus: () => true,
      loadBackend: async () => usb as unknown as UsbBackend,
    });
    const [found] = watcher.list();
    expect(found?.key).toBe('SITE-A@1-4');
    const sdr = await RtlSdr.open(found!.device);
    await sdr.setSampleRate(1_024_000);
    await sdr.setCenterFrequency(100_000_000);
    const chunks: IqChunk[] = [];
    const events: StreamEvent[] = [];
    await sdr.startStream(
      (c) => chunks.push(c),
      (e) => events.push(e),
    );
    while (chunks.length < 20) await sleep(2);
    for (let i = 1; i < chunks.length; i++) {
      const a = chunks[i - 1] as IqChunk;
      expect((chunks[i] as IqChunk).sampleIndex).toBe(a.sampleIndex + a.data.length / 2);
    }
    dev.unplug();
    await sleep(20);
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
    expect(dongleEvents.some((e) => e.type === 'disconnected' && e.key === 'SITE-A@1-4')).toBe(true);
    await sdr.close();
    const back = watcher.waitFor('SITE-A@1-4');
    dev.replug();
    const again = await back;
    expect(dongleEvents.at(-1)?.type).toBe('reattached');
    const sdr2 = await RtlSdr.open(again.device);
    expect(sdr2.tunerType).toBe('R820T');
    await sdr2.close();
    watcher.close();
  });
});
