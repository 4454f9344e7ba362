import { describe, expect, it } from 'vitest';
import { DcSkirtGuard } from '../../dsp/dc-skirt.ts';
import { Rng, addRect, dbToLin, sampleSpectrum } from './detect-fixtures.ts';

const N = 2048;
const C = N / 2;
const FLOOR = dbToLin(-70);

/** Mean PSD: flat floor plus a zero-IF skirt whose excess falls ~`dbPerOctave` per octave from `peakDb` at 4 bins. */
function skirt(peakDb: number, dbPerOctave: number): Float64Array {
  const m = new Float64Array(N).fill(FLOOR);
  for (let j = 1; j < N / 2; j++) {
    const excessDb = peakDb - dbPerOctave * Math.log2(Math.max(j, 4) / 4);
    if (excessDb <= -30) continue;
    m[C - j]! += FLOOR * dbToLin(excessDb);
    m[C + j]! += FLOOR * dbToLin(excessDb);
  }
  return m;
}

const floor = new Float64Array(N).fill(FLOOR);
const guard = () => new DcSkirtGuard({ fftSize: N, baseHalfWidthBins: 3, maxHalfWidthBins: 200 });

describe('DcSkirtGuard', () => {
  it('follows a zero-IF skirt out to where it fades under ~1 dB', () => {
    const rng = new Rng(21);
    const psd = new Float32Array(N);
    // Like the real E4000 captures: +14 dB next to the spike, falling ~3 dB per octave.
    const mean = skirt(14, 3);
    for (let t = 0; t < 10; t++) {
      sampleSpectrum(rng, mean, 512, psd);
      const k = guard().measure(psd, floor);
      // Excess of (total/floor) reaches 1 dB where the skirt itself is ~-5.9 dB: 4·2^(19.9/3) ≈ 400 bins, capped at 200.
      expect(k).toBeGreaterThan(150);
      expect(k).toBeLessThanOrEqual(200);
    }
    const steep = skirt(14, 6);
    sampleSpectrum(rng, steep, 512, psd);
    // Steeper: 1 dB of excess at 4·2^(19.9/6) ≈ 40 bins.
    const k = guard().measure(psd, floor);
    expect(k).toBeGreaterThan(30);
    expect(k).toBeLessThan(55);
  });

  it('leaves noise, a level emission centred on DC and a one-sided emitter alone', () => {
    const rng = new Rng(22);
    const psd = new Float32Array(N);
    sampleSpectrum(rng, floor, 512, psd);
    expect(guard().measure(psd, floor)).toBe(3);
    // An FM station centred on the tuned frequency: level across ±80 bins.
    const fm = new Float64Array(floor);
    addRect(fm, C, 160, dbToLin(-55));
    sampleSpectrum(rng, fm, 512, psd);
    expect(guard().measure(psd, floor)).toBe(3);
    // A narrow emitter just beside DC, on one side only.
    const side = new Float64Array(floor);
    addRect(side, C + 30, 40, dbToLin(-55));
    sampleSpectrum(rng, side, 512, psd);
    expect(guard().measure(psd, floor)).toBe(3);
  });

  it('checks its options', () => {
    expect(() => new DcSkirtGuard({ fftSize: N, baseHalfWidthBins: 10, maxHalfWidthBins: 5 })).toThrow(RangeError);
    expect(() => new DcSkirtGuard({ fftSize: N, baseHalfWidthBins: 3, maxHalfWidthBins: N })).toThrow(RangeError);
  });
});
