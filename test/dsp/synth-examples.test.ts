import { describe, expect, it } from 'vitest';
import { EXAMPLE_KINDS, makeExample } from '../../dsp/synth/index.ts';
import { db, meanPower, occupiedBandwidth, peak, welch } from './synth-helpers.ts';
import { Xoshiro128ss } from '../../dsp/synth/prng.ts';
import { modeACPulses, modeSPulses, onTimeS, tddWindows, WindowListGate } from '../../dsp/synth/emitters/bursty.ts';

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

describe('makeExample: benign bursty kinds (ook, tdma, pulse-pos)', () => {
  const FS = 2_400_000;
  const N = 32_768;
  const opts = { sampleRateHz: FS, count: N, maxOffsetHz: 0.2 * FS, levelDbfs: -20 };

  it('the emitter is on in the snippet, and on exactly when its activity says (power inside ≫ outside)', () => {
    const variants = new Set<string>();
    for (const kind of ['ook', 'tdma', 'pulse-pos'] as const) {
      for (let seed = 0; seed < 12; seed++) {
        const ex = makeExample(kind, { ...opts, snrDb: 30, snrBandwidth: 'full' }, seed);
        variants.add(ex.variant ?? '?');
        const t0 = ex.startSample / FS;
        const act = ex.activity ?? [];
        expect(onTimeS(act, t0, t0 + N / FS), `${ex.variant} seed ${seed}`).toBeGreaterThan(0);
        const gate = new WindowListGate(act);
        let pin = 0;
        let nin = 0;
        let pout = 0;
        let nout = 0;
        for (let i = 0; i < N; i++) {
          const p = ex.re[i]! ** 2 + ex.im[i]! ** 2;
          if (gate.at(ex.startSample + i, FS)) {
            pin += p;
            nin++;
          } else {
            pout += p;
            nout++;
          }
        }
        if (nin > 50 && nout > 50) expect(pin / nin, `${ex.variant} seed ${seed}`).toBeGreaterThan(10 * (pout / nout));
      }
    }
    // every variant family shows up in a dozen seeds
    for (const v of ['ook-', 'tdma-', 'pulse-pos'])
      expect(
        [...variants].some((x) => x.startsWith(v)),
        v,
      ).toBe(true);
  });

  it('the SNR refers to the average power: more noise for the same SNR when the emitter is on less', () => {
    for (const kind of ['ook', 'tdma', 'pulse-pos'] as const) {
      const ex = makeExample(kind, { ...opts, snrDb: 10, snrBandwidth: 'full' }, 3);
      const noise = 10 ** (ex.noiseDbfsPerHz / 10) * FS;
      // signal (average) = total - noise, and it is the SNR over the noise (full-band convention here)
      const sig = meanPower(ex.re, ex.im) - noise;
      // sparse replies: the SNR refers to no less than 5 % of the on-power (-20 dBFS), so they stand out more
      const floor = 0.05 * 10 ** (-20 / 10);
      expect(Math.abs(db(sig / noise) - (10 + db(sig / Math.max(sig, floor)))), kind).toBeLessThan(1);
      expect(ex.snrDb).toBe(10);
    }
  });

  it('OOK data is irregular: its on-runs in the snippet do not all have the same length', () => {
    let irregular = 0;
    for (let seed = 0; seed < 10; seed++) {
      const ex = makeExample('ook', { ...opts, snrDb: 20 }, seed);
      const t0 = ex.startSample / FS;
      const inside = (ex.activity ?? []).filter(([a, b]) => a >= t0 && b <= t0 + N / FS);
      const lengthsUs = new Set(inside.map(([a, b]) => Math.round((b - a) * 1e7)));
      if (lengthsUs.size >= 2) irregular++;
    }
    expect(irregular).toBeGreaterThanOrEqual(8);
  });

  it('Mode S replies: 8 µs preamble of four 0.5 µs pulses, one 0.5 µs pulse per 1 µs bit; Mode A/C framing 20.3 µs', () => {
    const rng = new Xoshiro128ss(7);
    const long = modeSPulses(112, rng);
    expect(long.slice(0, 4)).toEqual([
      [0, 0.5],
      [1, 1.5],
      [3.5, 4],
      [4.5, 5],
    ]);
    expect(long).toHaveLength(4 + 112);
    for (const [i, [a, b]] of long.slice(4).entries()) {
      expect(b - a).toBeCloseTo(0.5, 9);
      expect(a === 8 + i || a === 8.5 + i).toBe(true);
    }
    expect(modeSPulses(56, rng).at(-1)![1]).toBeLessThanOrEqual(64);
    const ac = modeACPulses(rng);
    expect(ac[0]).toEqual([0, 0.45]);
    expect(ac.at(-1)).toEqual([20.3, 20.75]);
  });

  it('TD-LTE-like downlink repeats with the 5 ms half-frame', () => {
    const { dl } = tddWindows(new Xoshiro128ss(3), 0.0012, 0, 0.05);
    const starts = dl.map(([a]) => a).filter((a) => a > 0.001);
    // subframe 0 of every half-frame is downlink
    for (let k = 1; k < 9; k++)
      expect(
        starts.some((a) => Math.abs(a - (0.0012 + k * 0.005)) < 1e-9),
        `half-frame ${k}`,
      ).toBe(true);
  });
});
