import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DongleWatcher,
  NO_DONGLE_REASON,
  NO_USB_BUS_REASON,
  listDongles,
  selectDongle,
  type DongleEvent,
  type UsbBackend,
} from '../../firmware-bridge/discovery.ts';
import type { UsbDeviceLike } from '../../firmware-bridge/usb/transport.ts';
import { FakeRtlDevice } from './helpers/fake-rtl.ts';

type Listener = (ev: { device: UsbDeviceLike }) => void;

class FakeBackend implements UsbBackend {
  devices: UsbDeviceLike[] = [];
  readonly listeners = new Map<string, Set<Listener>>();
  getDevicesCalls = 0;
  async getDevices(): Promise<UsbDeviceLike[]> {
    this.getDevicesCalls++;
    return this.devices;
  }
  addEventListener(type: string, l: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(l);
  }
  removeEventListener(type: string, l: Listener): void {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: 'connect' | 'disconnect', device: UsbDeviceLike): void {
    for (const l of this.listeners.get(type) ?? []) l({ device });
  }
  count(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

const dongle = (serial: string, bus: string) => new FakeRtlDevice({ serial, bus }) as unknown as UsbDeviceLike;
const hub = {
  vendorId: 0x1d6b,
  productId: 0x0002,
  manufacturerName: 'Linux',
  productName: 'hub',
  serialNumber: 'x',
  bus: '1-0',
} as unknown as UsbDeviceLike;

describe('discovery without a USB bus', () => {
  it('returns an empty list with the reason and never loads the usb backend', async () => {
    let loaded = 0;
    const r = await listDongles({
      hasUsbBus: () => false,
      loadBackend: async () => {
        loaded++;
        return new FakeBackend();
      },
    });
    expect(r).toEqual({ dongles: [], reason: NO_USB_BUS_REASON });
    expect(loaded).toBe(0);
  });

  it('the watcher adds no hot-plug listener and says why', async () => {
    const backend = new FakeBackend();
    const w = await DongleWatcher.create(() => undefined, { hasUsbBus: () => false, loadBackend: async () => backend });
    expect(w.watching).toBe(false);
    expect(w.reason).toBe(NO_USB_BUS_REASON);
    expect(backend.count()).toBe(0);
    w.close();
  });

  it('the default check on this machine is safe (real usb package)', async () => {
    const r = await listDongles();
    if (!existsSync('/sys/bus/usb/devices')) expect(r.reason).toBe(NO_USB_BUS_REASON);
    else expect(Array.isArray(r.dongles)).toBe(true);
  });
});

describe('discovery with a bus', () => {
  it('lists only known dongles, sorted by path, with identity from serial and path', async () => {
    const backend = new FakeBackend();
    backend.devices = [dongle('00000001', '1-1.4'), hub, dongle('00000001', '1-1.2')];
    const r = await listDongles({ hasUsbBus: () => true, loadBackend: async () => backend });
    expect(r.reason).toBeUndefined();
    expect(r.dongles.map((d) => d.info.path)).toEqual(['1-1.2', '1-1.4']);
    expect(r.dongles.map((d) => d.key)).toEqual(['00000001@1-1.2', '00000001@1-1.4']);
    expect(r.dongles[0]?.info.name).toBe('Generic RTL2832U OEM');
  });

  it('says when no dongle is plugged in, and when enumeration fails', async () => {
    const backend = new FakeBackend();
    backend.devices = [hub];
    expect((await listDongles({ hasUsbBus: () => true, loadBackend: async () => backend })).reason).toBe(
      NO_DONGLE_REASON,
    );
    const failing = await listDongles({
      hasUsbBus: () => true,
      loadBackend: async () => {
        throw new Error('getDevices error: boom');
      },
    });
    expect(failing.reason).toMatch(/USB enumeration failed: getDevices error: boom/);
  });

  it('selects by path or unique serial; clashing serials need a path', async () => {
    const backend = new FakeBackend();
    backend.devices = [dongle('00000001', '1-1.4'), dongle('00000001', '1-1.2'), dongle('SITE-A', '2-1')];
    const { dongles } = await listDongles({ hasUsbBus: () => true, loadBackend: async () => backend });
    expect(selectDongle(dongles, '1-1.4').info.path).toBe('1-1.4');
    expect(selectDongle(dongles, 'SITE-A').info.path).toBe('2-1');
    expect(() => selectDongle(dongles, '00000001')).toThrow(/2 dongles have serial '00000001' \(at 1-1.2, 1-1.4\)/);
    try {
      selectDongle(dongles, 'nope');
    } catch (e) {
      expect((e as { code: string }).code).toBe('BW_ERR_DEVICE_NOT_FOUND');
    }
  });
});

describe('hot-plug', () => {
  it('reports attach, a typed disconnect, and reattaches the same dongle (serial + path)', async () => {
    const backend = new FakeBackend();
    const a = dongle('SITE-A', '1-1.2');
    backend.devices = [a];
    const events: DongleEvent[] = [];
    const w = await DongleWatcher.create((e) => events.push(e), {
      hasUsbBus: () => true,
      loadBackend: async () => backend,
    });
    expect(w.watching).toBe(true);
    expect(w.list().map((d) => d.key)).toEqual(['SITE-A@1-1.2']);

    backend.fire('disconnect', a);
    expect(events).toEqual([
      { type: 'disconnected', info: expect.objectContaining({ serial: 'SITE-A' }), key: 'SITE-A@1-1.2' },
    ]);
    expect(w.list()).toEqual([]);

    const waiting = w.waitFor('SITE-A@1-1.2');
    const again = dongle('SITE-A', '1-1.2');
    backend.fire('connect', again);
    const back = await waiting;
    expect(back.device).toBe(again);
    expect(events.at(-1)).toMatchObject({ type: 'reattached', dongle: { key: 'SITE-A@1-1.2' } });

    // Same serial in another port is another dongle.
    backend.fire('connect', dongle('SITE-A', '1-1.3'));
    expect(events.at(-1)).toMatchObject({ type: 'attached', dongle: { key: 'SITE-A@1-1.3' } });
    // Unknown devices are ignored.
    backend.fire('connect', hub);
    expect(events).toHaveLength(3);

    w.close();
    expect(backend.count()).toBe(0);
  });

  it('a throwing listener never escapes into the usb callback; waitFor can be aborted', async () => {
    const backend = new FakeBackend();
    const w = await DongleWatcher.create(
      () => {
        throw new Error('listener bug');
      },
      { hasUsbBus: () => true, loadBackend: async () => backend },
    );
    expect(() => backend.fire('connect', dongle('X', '3-1'))).not.toThrow();
    const ac = new AbortController();
    const p = w.waitFor('Y@3-2', ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'BW_ERR_DEVICE_NOT_FOUND' });
    w.close();
  });
});
