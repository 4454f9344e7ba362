import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { run as devices } from '../../src/cli/commands/devices.ts';
import { run as eeprom } from '../../src/cli/commands/eeprom.ts';
import { main } from '../../src/cli/main.ts';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { dongleKey, NO_USB_BUS_REASON, type FoundDongle } from '../../firmware-bridge/discovery.ts';
import { dongleInfoOf } from '../../firmware-bridge/rtlsdr.ts';
import { buildEeprom, parseEeprom } from '../../firmware-bridge/rtl2832u/eeprom.ts';
import type { UsbDeviceLike } from '../../firmware-bridge/usb/transport.ts';
import { FakeRtlDevice } from './helpers/fake-rtl.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-eeprom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function found(dev: FakeRtlDevice): FoundDongle {
  const info = dongleInfoOf(dev as unknown as UsbDeviceLike);
  return { device: dev as unknown as UsbDeviceLike, info, key: dongleKey(info) };
}

const realtekImage = () =>
  buildEeprom({
    vendorId: 0x0bda,
    productId: 0x2838,
    manufacturer: 'Realtek',
    product: 'RTL2838UHIDIR',
    serial: '00000001',
    haveSerial: true,
    enableIr: true,
    remoteWakeup: false,
    validHeader: true,
  });

describe('bandwatch devices', () => {
  it('says clearly that the machine has no USB bus (exit 1), in text and JSON', async () => {
    const io = memoryIo();
    expect(
      await devices([], io, {
        list: async () => ({ dongles: [], reason: NO_USB_BUS_REASON }),
        probeTuner: async () => 'x',
      }),
    ).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/No RTL-SDR dongle found: this machine has no USB bus/);
    const j = memoryIo();
    await devices(['--json'], j, {
      list: async () => ({ dongles: [], reason: NO_USB_BUS_REASON }),
      probeTuner: async () => 'x',
    });
    expect(JSON.parse(j.stdout.join('\n'))).toEqual({ dongles: [], reason: NO_USB_BUS_REASON });
  });

  it('lists dongles with tuner, serial and path, and flags clashing serials', async () => {
    const a = new FakeRtlDevice({ bus: '1-1.2' });
    const b = new FakeRtlDevice({ bus: '1-1.3', tunerAddr: 0x74 });
    const io = memoryIo();
    const code = await devices([], io, {
      list: async () => ({ dongles: [found(a), found(b)] }),
      probeTuner: async (d) => {
        const sdr = await RtlSdr.open(d.device);
        await sdr.close();
        return sdr.tunerType;
      },
    });
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/0: Generic RTL2832U OEM \[0bda:2838\]\s+tuner R820T\s+serial 00000001\s+path 1-1.2/);
    expect(text).toMatch(/1: .*tuner R828D.*path 1-1.3/);
    expect(text).toMatch(/share a serial/);
  });

  it('is wired into the CLI dispatcher (no USB bus here → exit 1 with the reason)', async () => {
    const io = memoryIo();
    const code = await main(['devices', '--no-probe'], io);
    if (!existsSync('/sys/bus/usb/devices')) {
      expect(code).toBe(1);
      expect(io.stdout.join('\n')).toMatch(/no USB bus/);
    } else expect([0, 1]).toContain(code);
  });
});

describe('bandwatch eeprom', () => {
  it('prints the configuration and a hex dump', async () => {
    const dev = new FakeRtlDevice({ eeprom: realtekImage() });
    const io = memoryIo();
    const code = await eeprom(['--device', '00000001', '--dump'], io, {
      list: async () => ({ dongles: [found(dev)] }),
      open: (d) => RtlSdr.open(d.device),
      now: () => new Date(0),
    });
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/Serial number:\s+00000001/);
    expect(text).toMatch(/00: 28 32 da 0b 38 28 a5 16 02/);
  });

  it('refuses to write without --yes-i-know', async () => {
    const io = memoryIo();
    const code = await eeprom(['--device', '1-1.2', '--write-serial', 'SITE-A'], io, {
      list: async () => {
        throw new Error('must not enumerate');
      },
      open: async () => {
        throw new Error('must not open');
      },
      now: () => new Date(0),
    });
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--yes-i-know/);
  });

  it('backs up the old EEPROM, writes the new serial, verifies it, and never overwrites a backup', async () => {
    const original = realtekImage();
    const dev = new FakeRtlDevice({ eeprom: original.slice(), bus: '1-1.2' });
    const backup = join(dir, 'old.bin');
    const deps = {
      list: async () => ({ dongles: [found(dev)] }),
      open: (d: FoundDongle) => RtlSdr.open(d.device),
      now: () => new Date(0),
    };
    const io = memoryIo();
    const code = await eeprom(
      ['--device', '1-1.2', '--write-serial', 'SITE-A', '--yes-i-know', '--backup', backup],
      io,
      deps,
    );
    expect(code).toBe(0);
    expect(Buffer.from(readFileSync(backup)).equals(Buffer.from(original))).toBe(true);
    expect(parseEeprom(dev.eeprom).serial).toBe('SITE-A');
    expect(parseEeprom(dev.eeprom).product).toBe('RTL2838UHIDIR');
    expect(io.stdout.join('\n')).toMatch(/Serial changed from '00000001' to 'SITE-A'/);
    // A second run with the same backup path must fail before writing anything.
    await expect(
      eeprom(['--device', '1-1.2', '--write-serial', 'SITE-B', '--yes-i-know', '--backup', backup], memoryIo(), deps),
    ).rejects.toThrow(/EEXIST/);
    expect(parseEeprom(dev.eeprom).serial).toBe('SITE-A');
  });

  it('refuses to write into a blank EEPROM', async () => {
    const dev = new FakeRtlDevice();
    await expect(
      eeprom(['--write-serial', 'X', '--yes-i-know', '--backup', join(dir, 'blank.bin')], memoryIo(), {
        list: async () => ({ dongles: [found(dev)] }),
        open: (d) => RtlSdr.open(d.device),
        now: () => new Date(0),
      }),
    ).rejects.toMatchObject({ code: 'BW_ERR_EEPROM' });
  });
});
