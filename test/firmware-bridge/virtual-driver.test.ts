/**
 * The driver against the other half of the bridge: the register-level virtual dongle. Whatever the virtual
 * dongle derives from the registers our driver wrote (centre, rate, gain, lock) must be what was asked.
 */
import { describe, expect, it } from 'vitest';
import { VirtualRtlSdr, VirtualUsb } from '../../firmware-bridge/virtual/index.ts';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import {
  DongleWatcher,
  ReattachingRtlSdr,
  type DongleEvent,
  type UsbBackend,
} from '../../firmware-bridge/discovery.ts';
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

  it('ReattachingRtlSdr restores the settings after a replug and keeps the sample counter continuous', async () => {
    const usb = new VirtualUsb();
    const dev = usb.add(new VirtualRtlSdr({ paced: false, serial: 'SITE-B', bus: '1', ports: [5] }));
    const watcher = await DongleWatcher.create(() => undefined, {
      hasUsbBus: () => true,
      loadBackend: async () => usb as unknown as UsbBackend,
    });
    const found = watcher.list()[0];
    if (!found) throw new Error('virtual dongle not listed');
    const r = await ReattachingRtlSdr.open(watcher, found);
    await r.setSampleRate(1_024_000);
    await r.setCenterFrequency(433_920_000);
    await r.setGain(280);
    const chunks: IqChunk[] = [];
    const events: StreamEvent[] = [];
    await r.startStream(
      (c) => chunks.push({ ...c, data: c.data.subarray(0, 2) }),
      (e) => events.push(e),
    );
    while (chunks.length < 10) await sleep(2);
    dev.unplug();
    while (!events.some((e) => e.type === 'disconnected')) await sleep(2);
    expect(r.attached).toBe(false);
    await expect(r.setCenterFrequency(434_000_000)).rejects.toMatchObject({ code: 'BW_ERR_USB_DISCONNECTED' });
    const before = chunks.length;
    const lastBefore = chunks[before - 1] as IqChunk;
    await sleep(30);
    dev.replug();
    while (!events.some((e) => e.type === 'reconnected') || chunks.length < before + 10) await sleep(2);
    expect(r.attached).toBe(true);
    // The setting asked for while unplugged was applied on reattach.
    const st = dev.radioState();
    expect(Math.abs(st.centerHz - 434_000_000)).toBeLessThan(2000);
    expect(st.tunerGainTenthsDb).toBe(280);
    expect(st.sampleRateHz).toBeCloseTo(1_024_000, 3);
    const gap = events.find((e) => e.type === 'samples-lost' && e.reason === 'gap');
    expect(gap).toBeDefined();
    const firstAfter = chunks[before] as IqChunk;
    expect(firstAfter.sampleIndex).toBeGreaterThan(lastBefore.sampleIndex + 1);
    for (let i = before + 1; i < chunks.length; i++) {
      expect((chunks[i] as IqChunk).sampleIndex).toBeGreaterThan((chunks[i - 1] as IqChunk).sampleIndex);
    }
    await r.close();
    watcher.close();
  });
});
