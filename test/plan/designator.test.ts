import { describe, expect, it } from 'vitest';
import { formatDesignatorBandwidth, parseEmissionDesignator } from '../../src/plan/designator.ts';

describe('ITU emission designators', () => {
  it.each([
    ['16K0F3E', 16000, 'F', '3', 'E'],
    ['8K50F1E', 8500, 'F', '1', 'E'],
    ['200KF8E', 200000, 'F', '8', 'E'],
    ['7K60FXE', 7600, 'F', 'X', 'E'],
    ['400HA1A', 400, 'A', '1', 'A'],
    ['6M00C3F', 6e6, 'C', '3', 'F'],
    ['12K5F3EJN', 12500, 'F', '3', 'E'],
  ])('%s → %d Hz', (text, hz, m, s, i) => {
    const d = parseEmissionDesignator(text);
    expect(typeof d).toBe('object');
    if (typeof d === 'string') return;
    expect(d.bandwidthHz).toBe(hz);
    expect([d.modulation, d.signal, d.information]).toEqual([m, s, i]);
  });

  it.each([
    ['16K0', 'must be 4 bandwidth'],
    ['16KKF3E', 'one of H, K, M, G'],
    ['016KF3E', 'must not start with 0'],
    ['16K0Z3E', "'Z'"],
    ['16K0F5E', "'5'"],
    ['16K0F3Q', "'Q'"],
    ['16K0F3EZ', "'Z'"],
  ])('rejects %s with a reason', (text, why) => {
    const d = parseEmissionDesignator(text);
    expect(typeof d).toBe('string');
    expect(d).toContain(why);
  });

  it('formats bandwidths back to designator prefixes', () => {
    expect(formatDesignatorBandwidth(16000)).toBe('16K0');
    expect(formatDesignatorBandwidth(8500)).toBe('8K50');
    expect(formatDesignatorBandwidth(200000)).toBe('200K');
    expect(formatDesignatorBandwidth(2.5e6)).toBe('2M50');
  });
});
