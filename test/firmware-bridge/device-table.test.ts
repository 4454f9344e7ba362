import { describe, expect, it } from 'vitest';
import { KNOWN_DONGLES, findKnownDongle, webUsbFilters } from '../../firmware-bridge/device-table.ts';

describe('known RTL2832U devices', () => {
  it('names the common dongles as librtlsdr does', () => {
    expect(findKnownDongle(0x0bda, 0x2838)?.name).toBe('Generic RTL2832U OEM');
    expect(findKnownDongle(0x0bda, 0x2832)?.name).toBe('Generic RTL2832U');
    expect(findKnownDongle(0x0ccd, 0x00a9)?.name).toBe('Terratec Cinergy T Stick Black (rev 1)');
    expect(findKnownDongle(0x1f4d, 0xd803)?.name).toBe('PROlectrix DV107669');
  });

  it('rejects unknown IDs', () => {
    expect(findKnownDongle(0x0bda, 0x2839)).toBeUndefined();
    expect(findKnownDongle(0x1d6b, 0x0002)).toBeUndefined(); // a Linux root hub
  });

  it('has no duplicate VID:PID and matches librtlsdr 0.6 in size', () => {
    const ids = KNOWN_DONGLES.map((d) => `${d.vendorId}:${d.productId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(KNOWN_DONGLES.length).toBe(42);
    for (const d of KNOWN_DONGLES) {
      expect(d.vendorId).toBeGreaterThan(0);
      expect(d.vendorId).toBeLessThanOrEqual(0xffff);
      expect(d.productId).toBeLessThanOrEqual(0xffff);
      expect(d.name.length).toBeGreaterThan(3);
    }
  });

  it('gives a WebUSB filter per device', () => {
    const f = webUsbFilters();
    expect(f).toHaveLength(KNOWN_DONGLES.length);
    expect(f).toContainEqual({ vendorId: 0x0bda, productId: 0x2838 });
  });
});

describe('driver error codes', () => {
  it('every code is documented in docs/firmware-bridge-driver.md', async () => {
    const { DRIVER_ERROR_CODES } = await import('../../firmware-bridge/errors.ts');
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/firmware-bridge-driver.md', import.meta.url), 'utf8');
    for (const code of Object.keys(DRIVER_ERROR_CODES)) expect(doc).toContain('`' + code + '`');
  });
});
