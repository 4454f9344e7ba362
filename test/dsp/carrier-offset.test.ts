import { describe, expect, it } from 'vitest';
import {
  CarrierAverager,
  carrierFftSize,
  findCarrierLine,
  lineUncertaintyBins,
  type CarrierSearchResult,
} from '../../dsp/carrier-offset.ts';
import { Scene, type EmitterSpec, type ImpairmentSpec } from '../../dsp/synth/index.ts';
import { makeWindow } from '../../dsp/window.ts';

const FS = 2_400_000;
const FC = 446_000_000;
const N = 8192;
const BIN_HZ = FS / N;
const NOISE_DBFS_PER_HZ = -100;
/** Hann peak-bin SNR → tone level at NOISE_DBFS_PER_HZ (noise per bin = density · ENBW · binHz). */
const levelFor = (snrDb: number) => snrDb + NOISE_DBFS_PER_HZ + 10 * Math.log10(1.5 * BIN_HZ);

/** Renders a scene at FC/FS and averages it with a CarrierAverager of `fftSize`. */
function averaged(
  emitters: EmitterSpec[],
  o: { seed?: number; frames?: number; fftSize?: number; impairments?: ImpairmentSpec } = {},
): CarrierAverager {
  const n = o.fftSize ?? N;
  const count = (n / 2) * ((o.frames ?? 16) + 1);
  const scene = new Scene({
    seed: o.seed ?? 1,
    noiseDbfsPerHz: NOISE_DBFS_PER_HZ,
    emitters,
    impairments: o.impairments,
  });
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  scene.render({ centerHz: FC, sampleRateHz: FS, startSample: 0, count, re, im });
  const av = new CarrierAverager({ fftSize: n });
  av.pushComplex(re, im, 0, count);
  return av;
}

/** Searches ±halfHz around `aroundHz` (absolute) in the averager's spectrum. */
function search(av: CarrierAverager, aroundHz: number, halfHz: number): CarrierSearchResult {
  const binHz = FS / av.fftSize;
  const c = av.fftSize / 2 + (aroundHz - FC) / binHz;
  return findCarrierLine(av.spectrum(), {
    loBin: c - halfHz / binHz,
    hiBin: c + halfHz / binHz,
    window: av.window,
    effectiveFrames: av.effectiveFrames(av.totalFrames),
  });
}

const hzOf = (bin: number, fftSize = N) => FC + (bin - fftSize / 2) * (FS / fftSize);

describe('findCarrierLine on a clean carrier', () => {
  it.each([-0.5, -0.37, -0.2, 0, 0.13, 0.31, 0.49])(
    'locates a carrier %s bins off a bin centre within its stated uncertainty',
    (frac) => {
      const toneHz = FC + (300 + frac) * BIN_HZ;
      const av = averaged([{ id: 'T', kind: 'tone', centerHz: toneHz, levelDbfs: levelFor(25) }], { seed: 7 });
      const r = search(av, toneHz + 1234, 3000);
      expect(r.found).toBe(true);
      if (!r.found) return;
      const errBins = r.line.bin - (N / 2 + 300 + frac);
      expect(r.line.kind).toBe('cw');
      expect(r.line.snrDb).toBeGreaterThan(23);
      expect(r.line.snrDb).toBeLessThan(27);
      expect(r.line.sigmaBins).toBeLessThan(0.02);
      expect(Math.abs(errBins)).toBeLessThan(4 * r.line.sigmaBins);
      // the raw peak bin alone would be off by up to half a bin
      expect(Math.abs(errBins)).toBeLessThan(0.05);
    },
  );

  it('states an uncertainty that matches the scatter over noise realisations (Monte Carlo, 15 dB)', () => {
    const errs: number[] = [];
    const sigmas: number[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const frac = ((seed * 0.379) % 1) - 0.5;
      const toneHz = FC + (-700 + frac) * BIN_HZ;
      const av = averaged([{ id: 'T', kind: 'tone', centerHz: toneHz, levelDbfs: levelFor(15) }], { seed });
      const r = search(av, toneHz, 2000);
      if (!r.found) throw new Error(`seed ${seed}: no line`);
      errs.push(r.line.bin - (N / 2 - 700 + frac));
      sigmas.push(r.line.sigmaBins);
    }
    const rms = Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / errs.length);
    const meanSigma = sigmas.reduce((a, s) => a + s, 0) / sigmas.length;
    // neither optimistic (rms ≫ σ) nor uselessly pessimistic (rms ≪ σ)
    expect(rms / meanSigma).toBeGreaterThan(0.7);
    expect(rms / meanSigma).toBeLessThan(1.35);
    expect(Math.abs(errs.reduce((a, e) => a + e, 0) / errs.length)).toBeLessThan(
      2 * (rms / Math.sqrt(errs.length)) + 0.005,
    );
  });

  it('measures a synthesised crystal error (synth ppm impairment) to a few thousandths of a ppm', () => {
    const refHz = 446_250_000;
    const av = averaged([{ id: 'T', kind: 'tone', centerHz: refHz, levelDbfs: -40 }], {
      fftSize: 65536,
      frames: 8,
      impairments: { ppm: -37.5 },
    });
    const r = search(av, refHz, 45_000);
    expect(r.found).toBe(true);
    if (!r.found) return;
    const offsetPpm = ((hzOf(r.line.bin, 65536) - refHz) / refHz) * 1e6;
    expect(offsetPpm).toBeCloseTo(-37.5, 2);
  });
});

describe('findCarrierLine with company in the window', () => {
  it('takes the stronger of two lines and reports the weaker one', () => {
    const strong = FC + 100_000 + 0.3 * BIN_HZ;
    const weak = FC + 96_000;
    const av = averaged([
      { id: 'S', kind: 'tone', centerHz: strong, levelDbfs: levelFor(30) },
      { id: 'W', kind: 'tone', centerHz: weak, levelDbfs: levelFor(22) },
    ]);
    const r = search(av, FC + 100_000, 10_000);
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(Math.abs(hzOf(r.line.bin) - strong)).toBeLessThan(4 * r.line.sigmaBins * BIN_HZ);
    expect(r.line.second).toBeDefined();
    expect(Math.abs(hzOf(r.line.second!.bin) - weak)).toBeLessThan(BIN_HZ);
    expect(r.line.second!.snrDb).toBeGreaterThan(19);
    expect(r.line.second!.snrDb).toBeLessThan(25);
  });

  it('finds the carrier beside a modulated signal of the same power', () => {
    const carrier = FC - 250_000 + 0.4 * BIN_HZ;
    const av = averaged([
      { id: 'C', kind: 'tone', centerHz: carrier, levelDbfs: levelFor(20) },
      // NFM with continuous speech 6 kHz away, as strong in total power as the carrier
      { id: 'M', kind: 'nfm', centerHz: carrier + 6_000, levelDbfs: levelFor(20), voicePause: 0 },
    ]);
    const r = search(av, FC - 250_000, 12_000);
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.line.kind).toBe('cw');
    expect(Math.abs(hzOf(r.line.bin) - carrier)).toBeLessThan(4 * r.line.sigmaBins * BIN_HZ + 0.5);
  });

  it('reports no line on noise alone, with the strongest bin well under 10 dB', () => {
    const av = averaged([], { frames: 32 });
    const r = search(av, FC + 300_000, 20_000);
    expect(r.found).toBe(false);
    if (r.found) return;
    expect(r.bestSnrDb).toBeLessThan(8);
    expect(r.bestSnrDb).toBeGreaterThan(0);
  });

  it('a carrier 8 dB over the floor is refused at the default 10 dB and found at 6 dB', () => {
    const toneHz = FC + 200_000;
    const av = averaged([{ id: 'T', kind: 'tone', centerHz: toneHz, levelDbfs: levelFor(8) }], { frames: 64 });
    expect(search(av, toneHz, 5000).found).toBe(false);
    const c = N / 2 + 200_000 / BIN_HZ;
    const r = findCarrierLine(av.spectrum(), {
      loBin: c - 50,
      hiBin: c + 50,
      window: av.window,
      effectiveFrames: av.effectiveFrames(av.totalFrames),
      minSnrDb: 6,
    });
    expect(r.found).toBe(true);
  });

  it('locates a line wider than a carrier by its centroid and calls it resolved', () => {
    const centre = FC + 150_000 + 0.5 * BIN_HZ;
    // a 3 kHz flat-topped noise band: ~10 bins wide, no carrier in it
    const av = averaged([{ id: 'B', kind: 'barrage', centerHz: centre, levelDbfs: -45, bandwidthHz: 3000 }], {
      frames: 64,
    });
    const r = search(av, FC + 150_000, 20_000);
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.line.kind).toBe('resolved');
    expect(r.line.widthBins * BIN_HZ).toBeGreaterThan(2000);
    expect(r.line.widthBins * BIN_HZ).toBeLessThan(4000);
    expect(Math.abs(hzOf(r.line.bin) - centre)).toBeLessThan(Math.max(4 * r.line.sigmaBins * BIN_HZ, 30));
    expect(r.line.sigmaBins).toBeGreaterThan(0.05);
  });
});

describe('CarrierAverager', () => {
  it('gives the same spectrum whatever the chunking', () => {
    const count = 4096 * 9;
    const scene = new Scene({
      seed: 3,
      noiseDbfsPerHz: -100,
      emitters: [{ id: 'T', kind: 'tone', centerHz: FC + 50_000, levelDbfs: -50 }],
    });
    const re = new Float32Array(count);
    const im = new Float32Array(count);
    scene.render({ centerHz: FC, sampleRateHz: FS, startSample: 0, count, re, im });
    const a = new CarrierAverager({ fftSize: 4096 });
    a.pushComplex(re, im, 0, count);
    const b = new CarrierAverager({ fftSize: 4096 });
    for (let i = 0, step = 1; i < count; i += step, step = (step * 7 + 3) % 5000) {
      b.pushComplex(re, im, i, Math.min(step, count - i));
    }
    expect(b.totalFrames).toBe(a.totalFrames);
    expect(a.totalFrames).toBe(17);
    expect(Array.from(b.spectrum())).toEqual(Array.from(a.spectrum()));
  });

  it('keeps segments apart and drops the partial frame at a discontinuity', () => {
    const av = new CarrierAverager({ fftSize: 1024, segments: 3 });
    const re = new Float32Array(3000).fill(0.1);
    const im = new Float32Array(3000);
    av.pushComplex(re, im, 0, 1500, 0); // 1024 → frame; fill 512 + 476 = 988
    av.pushComplex(re, im, 0, 100, 2); // 1088 ≥ 1024 → one frame in segment 2
    expect(Array.from(av.frames)).toEqual([1, 0, 1]);
    av.breakContinuity();
    av.pushComplex(re, im, 0, 1000, 1);
    expect(av.frames[1]).toBe(0);
    expect(av.spectrum(1).every((v) => v === 0)).toBe(true);
  });

  it("removes the dongle's DC offset but not a carrier two bins from the centre", () => {
    const toneHz = FC + 2 * BIN_HZ;
    const av = averaged([{ id: 'T', kind: 'tone', centerHz: toneHz, levelDbfs: levelFor(25) }], {
      frames: 24,
      impairments: { dcOffsetI: 0.05, dcOffsetQ: -0.03 },
    });
    const p = av.spectrum();
    const floor = p[N / 2 + 200]!;
    // a DC offset of 0.058 FS would stand ~50 dB over this floor without the blocker
    expect(10 * Math.log10(p[N / 2]! / floor)).toBeLessThan(10);
    const r = search(av, FC, 10 * BIN_HZ);
    expect(r.found).toBe(true);
    if (r.found) expect(Math.abs(r.line.bin - (N / 2 + 2))).toBeLessThan(0.05);
  });

  it('rejects bad parameters with a typed error', () => {
    expect(() => new CarrierAverager({ fftSize: 1000 })).toThrow(/fftSize/);
    expect(() => new CarrierAverager({ fftSize: 1024, hopSamples: 0 })).toThrow(/hopSamples/);
    const av = new CarrierAverager({ fftSize: 1024, segments: 2 });
    const x = new Float32Array(10);
    expect(() => av.pushComplex(x, x, 0, 10, 2)).toThrow(expect.objectContaining({ code: 'BW_ERR_DSP_PARAM' }));
    expect(() => av.pushComplex(x, x, 5, 10)).toThrow(/overrun/);
    expect(() =>
      findCarrierLine(new Float64Array(64), {
        loBin: 40,
        hiBin: 30,
        window: makeWindow('hann', 64),
        effectiveFrames: 1,
      }),
    ).toThrow(/empty search window/);
  });
});

describe('uncertainty and sizing rules', () => {
  it('σ falls as 1/√(SNR·K) for a carrier and grows with the width of a resolved line', () => {
    const a = lineUncertaintyBins('cw', 100, 10, 1.5, 1.4);
    const b = lineUncertaintyBins('cw', 400, 40, 1.5, 1.4);
    expect(a).toBeGreaterThan(0.01);
    expect(b).toBeLessThan(a / 2);
    expect(lineUncertaintyBins('resolved', 100, 10, 1.5, 40)).toBeGreaterThan(
      (3 * lineUncertaintyBins('resolved', 100, 10, 1.5, 4)) / 2,
    );
  });

  it('sizes the FFT for at least ~15 frames within 1024–65536', () => {
    expect(carrierFftSize(100)).toBe(1024);
    expect(carrierFftSize(356_868)).toBe(32768);
    expect(carrierFftSize(24_000_000)).toBe(65536);
  });
});

describe('findCarrierLine on carriers that are not alone', () => {
  it('measures a carrier riding on modulation against the pedestal beside it', () => {
    const toneHz = FC + 80_000 + 0.25 * BIN_HZ;
    const av = averaged(
      [
        { id: 'T', kind: 'tone', centerHz: toneHz, levelDbfs: levelFor(25) },
        // a 6 kHz noise band 12 dB over the noise floor per bin, centred on the carrier
        {
          id: 'M',
          kind: 'barrage',
          centerHz: toneHz,
          levelDbfs: levelFor(12) + 10 * Math.log10(6000 / BIN_HZ / 1.5),
          bandwidthHz: 6000,
        },
      ],
      { frames: 48 },
    );
    const r = search(av, FC + 80_000, 40_000);
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.line.kind).toBe('cw');
    expect(r.line.pedestalDb).toBeGreaterThan(10);
    expect(r.line.pedestalDb).toBeLessThan(14);
    // 25 dB over the noise is ~13 dB over a 12 dB pedestal
    expect(r.line.snrDb).toBeGreaterThan(11);
    expect(r.line.snrDb).toBeLessThan(15);
    expect(Math.abs(hzOf(r.line.bin) - toneHz)).toBeLessThan(4 * r.line.sigmaBins * BIN_HZ);
  });

  it.each([30, 65])('a clean carrier %s dB over the noise has no pedestal (its own window skirt is not one)', (snr) => {
    const av = averaged([{ id: 'T', kind: 'tone', centerHz: FC + 1000 + 0.4 * BIN_HZ, levelDbfs: levelFor(snr) }]);
    const r = search(av, FC + 1000, 5000);
    expect(r.found).toBe(true);
    if (r.found) expect(r.line.pedestalDb).toBe(undefined);
  });

  it('follows a wide line over a given region (as the drift thirds do)', () => {
    const centre = FC - 150_000;
    const av = averaged([{ id: 'B', kind: 'barrage', centerHz: centre, levelDbfs: -45, bandwidthHz: 3000 }], {
      frames: 32,
    });
    const whole = search(av, centre, 20_000);
    expect(whole.found).toBe(true);
    if (!whole.found) return;
    const c = N / 2 + (centre - FC) / BIN_HZ;
    const r = findCarrierLine(av.spectrum(), {
      loBin: c - 60,
      hiBin: c + 60,
      window: av.window,
      effectiveFrames: av.effectiveFrames(av.totalFrames),
      region: { lo: whole.line.regionLo, hi: whole.line.regionHi, widthBins: whole.line.widthBins },
    });
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.line.kind).toBe('resolved');
    expect(r.line.regionLo).toBe(whole.line.regionLo);
    expect(r.line.bin).toBeCloseTo(whole.line.bin, 2);
    // nothing there: the same region on noise alone is refused
    const empty = averaged([], { frames: 32 });
    const none = findCarrierLine(empty.spectrum(), {
      loBin: c - 60,
      hiBin: c + 60,
      window: empty.window,
      effectiveFrames: empty.effectiveFrames(empty.totalFrames),
      region: { lo: whole.line.regionLo, hi: whole.line.regionHi, widthBins: whole.line.widthBins },
    });
    expect(none.found).toBe(false);
  });
});
