import { describe, expect, it } from 'vitest';
import { Scene, type EmitterSpec, type ImpairmentSpec } from '../../dsp/synth/index.ts';
import { bandPower, db, meanPower, occupiedBandwidth, peak, welch } from './synth-helpers.ts';

function render(
  spec: EmitterSpec[],
  fs: number,
  count: number,
  opts: { noise?: number; imp?: ImpairmentSpec; start?: number } = {},
) {
  const scene = new Scene({ seed: 17, noiseDbfsPerHz: opts.noise, emitters: spec, impairments: opts.imp });
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  scene.render({ centerHz: 1e8, sampleRateHz: fs, startSample: opts.start ?? 0, count, re, im });
  return { re, im };
}

describe('signal models', () => {
  it('barrage noise is flat-topped, steep-edged and Gaussian', () => {
    const fs = 2_400_000;
    const { re, im } = render(
      [{ id: 'b', kind: 'barrage', centerHz: 1e8 + 200_000, levelDbfs: -20, bandwidthHz: 1e6 }],
      fs,
      1024 * 256,
    );
    const p = welch(re, im, 1024);
    const binHz = fs / 1024;
    const kc = 512 + Math.round(200_000 / binHz);
    const half = Math.round(500_000 / binHz);
    const inner: number[] = [];
    for (let k = kc - Math.round(0.8 * half); k <= kc + Math.round(0.8 * half); k++) inner.push(db(p[k]!));
    const mean = inner.reduce((a, b) => a + b, 0) / inner.length;
    for (const v of inner) expect(Math.abs(v - mean)).toBeLessThan(1);
    // 30 kHz outside the edges it is > 30 dB down
    expect(db(p[kc + half + Math.ceil(30_000 / binHz)]!) - mean).toBeLessThan(-30);
    expect(db(p[kc - half - Math.ceil(30_000 / binHz)]!) - mean).toBeLessThan(-30);
    // complex Gaussian: E|x|⁴ / (E|x|²)² = 2
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < re.length; i++) {
      const q = re[i]! ** 2 + im[i]! ** 2;
      m2 += q;
      m4 += q * q;
    }
    m2 /= re.length;
    m4 /= re.length;
    expect(m4 / (m2 * m2)).toBeGreaterThan(1.9);
    expect(m4 / (m2 * m2)).toBeLessThan(2.1);
    expect(db(m2)).toBeCloseTo(-20, 1);
  });

  it('OFDM shows its cyclic prefix: autocorrelation peak at the FFT length with height cp/(1+cp)', () => {
    const fs = 2_400_000;
    const { re, im } = render(
      [{ id: 'o', kind: 'ofdm', centerHz: 1e8 - 300_000, levelDbfs: -20, bandwidthHz: 600_000, cyclicPrefix: 0.25 }],
      fs,
      50_000,
    );
    let e = 0;
    for (let i = 0; i < re.length; i++) e += re[i]! ** 2 + im[i]! ** 2;
    let best = 0;
    let bestLag = 0;
    for (let lag = 16; lag <= 2048; lag++) {
      let cr = 0;
      let ci = 0;
      for (let i = 0; i + lag < re.length; i++) {
        cr += re[i]! * re[i + lag]! + im[i]! * im[i + lag]!;
        ci += im[i]! * re[i + lag]! - re[i]! * im[i + lag]!;
      }
      const r = Math.hypot(cr, ci) / e;
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    expect(Math.log2(bestLag) % 1).toBe(0);
    expect(best).toBeGreaterThan(0.2 - 0.03);
    expect(best).toBeLessThan(0.2 + 0.03);
  });

  it('4FSK instantaneous frequency clusters at ±648 and ±1944 Hz at the symbol centres', () => {
    const fs = 48_000; // 10 samples per symbol; frames (and symbol 0) start on whole seconds
    const { re, im } = render([{ id: 'd', kind: 'fsk4', centerHz: 1e8, levelDbfs: -10, tdma: false }], fs, fs);
    const levels = [-1944, -648, 648, 1944];
    const counts = [0, 0, 0, 0];
    const sums = [0, 0, 0, 0];
    for (let j = 8; j < 4700; j++) {
      const i = 10 * j + 5;
      const f =
        (Math.atan2(im[i]! * re[i - 1]! - re[i]! * im[i - 1]!, re[i]! * re[i - 1]! + im[i]! * im[i - 1]!) * fs) /
        (2 * Math.PI);
      let c = 0;
      for (let k = 1; k < 4; k++) if (Math.abs(f - levels[k]!) < Math.abs(f - levels[c]!)) c = k;
      counts[c]!++;
      sums[c]! += f;
    }
    for (let k = 0; k < 4; k++) {
      expect(counts[k]! / 4692).toBeGreaterThan(0.18);
      expect(Math.abs(sums[k]! / counts[k]! / levels[k]! - 1)).toBeLessThan(0.15);
    }
  });

  it('DMR-like TDMA bursts are on 27.5 ms of every 60 ms', () => {
    const fs = 96_000;
    const { re } = render([{ id: 'd', kind: 'fsk4', centerHz: 1e8 + 10_000, levelDbfs: -10 }], fs, fs * 3);
    let on = 0;
    for (let i = 0; i < re.length; i++) if (re[i] !== 0) on++;
    expect(on / re.length).toBeCloseTo(27.5 / 60, 3);
    expect(re[Math.round(0.01 * fs)]).not.toBe(0);
    expect(re[Math.round(0.04 * fs)]).toBe(0);
  });

  it('AM: level, carrier share and 6 kHz occupied bandwidth', () => {
    const fs = 48_000;
    const { re, im } = render(
      [{ id: 'a', kind: 'am', centerHz: 1e8, levelDbfs: -10, modulationDepth: 0.9 }],
      fs,
      4096 * 200,
    );
    expect(db(meanPower(re, im))).toBeCloseTo(-10, 0);
    const p = welch(re, im, 4096);
    const carrier = bandPower(p, 2048, 2);
    const tot = p.reduce((a, b) => a + b, 0);
    expect(carrier / tot).toBeGreaterThan(0.6);
    expect(carrier / tot).toBeLessThan(0.99);
    expect(occupiedBandwidth(p, fs)).toBeLessThan(6600);
  });

  it('wireless microphone 99 % bandwidth is within 10 % of Carson 2·(45 + 15) kHz', () => {
    const fs = 480_000;
    const { re, im } = render([{ id: 'm', kind: 'mic', centerHz: 1e8, levelDbfs: -10 }], fs, 4096 * 1200);
    const obw = occupiedBandwidth(welch(re, im, 4096), fs);
    expect(Math.abs(obw / 120_000 - 1)).toBeLessThan(0.1);
  });

  it('passband roll-off attenuates emitters near the band edge by the cosine taper', () => {
    const fs = 2_048_000;
    const edge = 0.95 * (fs / 2);
    const mk = (off: number): EmitterSpec => ({ id: `t${off}`, kind: 'tone', centerHz: 1e8 + off, levelDbfs: -10 });
    const { re, im } = render([mk(edge), mk(-0.5 * (fs / 2))], fs, 2048 * 16, { imp: { rollOffDb: 6 } });
    const p = welch(re, im, 2048);
    const kEdge = 1024 + Math.round(edge / 1000);
    const kMid = 1024 - 512;
    const expected = -6 * (0.5 - 0.5 * Math.cos(Math.PI * 0.75));
    expect(db(bandPower(p, kEdge, 3)) + 10).toBeCloseTo(expected, 1);
    expect(db(bandPower(p, kMid, 3))).toBeCloseTo(-10, 1);
  });

  it('noise emitters add to the floor', () => {
    const fs = 1_000_000;
    const { re, im } = render(
      [{ id: 'n', kind: 'noise', centerHz: 0, levelDbfs: 0, densityDbfsPerHz: -100 }],
      fs,
      1 << 17,
      { noise: -100 },
    );
    expect(db(meanPower(re, im) / fs)).toBeCloseTo(-100 + db(2), 1);
    expect(peak(welch(re, im, 1024), fs).power).toBeLessThan(10 ** (-100 / 10) * 1000 * 4);
  });
});
