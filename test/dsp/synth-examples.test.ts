import { describe, expect, it } from 'vitest';
import { EXAMPLE_KINDS, makeExample } from '../../dsp/synth/index.ts';
import { db, meanPower, occupiedBandwidth, peak, welch } from './synth-helpers.ts';

describe('makeExample', () => {
  it('renders every kind deterministically from its seed', () => {
    for (const kind of EXAMPLE_KINDS) {
      const a = makeExample(kind, { count: 2048 }, 11);
      const b = makeExample(kind, { count: 2048 }, 11);
      const c = makeExample(kind, { count: 2048 }, 12);
      expect(a.re.length).toBe(2048);
      expect(a.kind).toBe(kind);
      expect(Buffer.from(a.re.buffer).equals(Buffer.from(b.re.buffer)), kind).toBe(true);
      expect(Buffer.from(a.re.buffer).equals(Buffer.from(c.re.buffer)), kind).toBe(false);
      expect(a.re.every(Number.isFinite)).toBe(true);
    }
  });

  it('total power is signal plus noise as implied by the SNR (occupied-bandwidth convention)', () => {
    for (const kind of ['nfm', 'fsk4', 'ofdm', 'mic', 'wfm', 'jam-barrage', 'cw', 'am'] as const) {
      for (const snr of [0, 15]) {
        const ex = makeExample(kind, { snrDb: snr, count: 16_384, levelDbfs: -20 }, 5);
        const noise = 10 ** (ex.noiseDbfsPerHz / 10) * ex.sampleRateHz;
        const sig = 10 ** (-20 / 10);
        expect(Math.abs(db(meanPower(ex.re, ex.im)) - db(sig + noise)), `${kind} @ ${snr} dB`).toBeLessThan(0.7);
        const inBandNoise = 10 ** (ex.noiseDbfsPerHz / 10) * Math.min(ex.sampleRateHz, ex.occupiedBandwidthHz);
        expect(db(sig / inBandNoise)).toBeCloseTo(snr, 6);
      }
    }
  });

  it('puts a CW carrier at the reported offset, and a wideband signal at the reported width', () => {
    for (const seed of [1, 2, 3]) {
      const ex = makeExample('cw', { snrDb: 20, count: 8192 }, seed);
      const p = welch(ex.re, ex.im, 8192);
      expect(Math.abs(peak(p, ex.sampleRateHz).hz - ex.offsetHz)).toBeLessThan(ex.sampleRateHz / 8192);
    }
    const ofdm = makeExample('ofdm', { snrDb: 40, count: 65_536 }, 4);
    const obw = occupiedBandwidth(welch(ofdm.re, ofdm.im, 2048), ofdm.sampleRateHz);
    expect(Math.abs(obw / ofdm.occupiedBandwidthHz - 1)).toBeLessThan(0.1);
  });

  it('jammer snippets always show their jammer: the sweep crosses the band, the pulses switch', () => {
    for (let seed = 0; seed < 8; seed++) {
      const sw = makeExample('jam-sweep', { snrDb: 20, snrBandwidth: 'full' }, seed);
      const noise = 10 ** (sw.noiseDbfsPerHz / 10) * sw.sampleRateHz;
      expect(meanPower(sw.re, sw.im) / noise, `sweep seed ${seed}`).toBeGreaterThan(3);
      const pu = makeExample('jam-pulse', { snrDb: 25, snrBandwidth: 'full', levelDbfs: -20 }, seed);
      const spec = pu.spec!;
      expect(spec.kind).toBe('pulse');
      // count samples near the pulse level (noise sits 25 dB lower) and compare with the duty cycle
      const thr = 10 ** (-26 / 10);
      let on = 0;
      for (let i = 0; i < pu.re.length; i++) if (pu.re[i]! ** 2 + pu.im[i]! ** 2 > thr) on++;
      const duty = spec.kind === 'pulse' ? spec.dutyCycle : 0;
      expect(on / pu.re.length, `pulse seed ${seed}`).toBeGreaterThan(0.3 * duty);
      expect(on / pu.re.length, `pulse seed ${seed}`).toBeLessThan(Math.min(1, 1.6 * duty + 0.05));
    }
  });

  it('noise-only examples have the requested level and no SNR', () => {
    const ex = makeExample('noise', { levelDbfs: -30, count: 32_768 }, 3);
    expect(ex.snrDb).toBe(-Infinity);
    expect(ex.spec).toBeNull();
    expect(db(meanPower(ex.re, ex.im))).toBeCloseTo(-30, 1);
  });

  it('quantised examples are 8-bit values', () => {
    const ex = makeExample('nfm', { quantize: true, impairments: true, count: 1024 }, 9);
    const levels = new Set(Array.from(ex.re, (v) => Math.round(v * 127.5 + 127.5)));
    for (const l of levels) expect(Math.abs(l - Math.round(l))).toBe(0);
    expect(ex.re.every((v) => Math.abs(v * 127.5 + 127.5 - Math.round(v * 127.5 + 127.5)) < 1e-4)).toBe(true);
    expect(() => makeExample('bogus' as never)).toThrow(/unknown kind/);
  });
});
