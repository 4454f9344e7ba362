import { describe, expect, it } from 'vitest';
import { Scene, SynthSpecError, imageRejectionDb, type EmitterSpec, type SceneSpec } from '../../dsp/synth/index.ts';
import { bandPower, db, meanPower, occupiedBandwidth, peak, welch } from './synth-helpers.ts';

const FS = 2_400_000;
const CENTER = 446_100_000;

function render(scene: Scene, count: number, opts: { centerHz?: number; fs?: number; start?: number } = {}) {
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  scene.render({
    centerHz: opts.centerHz ?? CENTER,
    sampleRateHz: opts.fs ?? FS,
    startSample: opts.start ?? 0,
    count,
    re,
    im,
  });
  return { re, im };
}

const busy: SceneSpec = {
  seed: 42,
  noiseDbfsPerHz: -100,
  emitters: [
    { id: 'tone', kind: 'tone', centerHz: CENTER + 300_000, levelDbfs: -40 },
    {
      id: 'nfm',
      kind: 'nfm',
      centerHz: CENTER - 200_000,
      levelDbfs: -45,
      ptt: { slotS: 0.01, minOnS: 0.002, maxOnS: 0.006, activity: 0.7 },
    },
    { id: 'dmr', kind: 'fsk4', centerHz: CENTER + 100_000, levelDbfs: -45 },
    { id: 'ofdm', kind: 'ofdm', centerHz: CENTER - 600_000, levelDbfs: -40, bandwidthHz: 200_000 },
    { id: 'bar', kind: 'barrage', centerHz: CENTER + 700_000, levelDbfs: -40, bandwidthHz: 300_000 },
    { id: 'sw', kind: 'sweep', centerHz: CENTER, levelDbfs: -40, spanHz: 4e6, rateHzPerS: 2e9 },
    {
      id: 'pl',
      kind: 'pulse',
      centerHz: CENTER + 500_000,
      levelDbfs: -40,
      bandwidthHz: 50_000,
      periodS: 0.003,
      dutyCycle: 0.3,
    },
    { id: 'mic', kind: 'mic', centerHz: CENTER - 900_000, levelDbfs: -40 },
    { id: 'am', kind: 'am', centerHz: CENTER + 900_000, levelDbfs: -40 },
    { id: 'wfm', kind: 'wfm', centerHz: CENTER + 1_500_000, levelDbfs: -30 },
  ],
  impairments: { dcOffsetI: 0.01, dcOffsetQ: -0.005, iqGainDb: 0.2, iqPhaseDeg: 1, ppm: 12 },
};

describe('Scene determinism', () => {
  it('same seed gives identical cu8 bytes, a different seed different bytes', () => {
    const n = 50_000;
    const a = new Uint8Array(2 * n);
    const b = new Uint8Array(2 * n);
    const c = new Uint8Array(2 * n);
    new Scene(busy).renderCu8({ centerHz: CENTER, sampleRateHz: FS, startSample: 1234, count: n }, a, 10);
    new Scene(busy).renderCu8({ centerHz: CENTER, sampleRateHz: FS, startSample: 1234, count: n }, b, 10);
    new Scene({ ...busy, seed: 43 }).renderCu8(
      { centerHz: CENTER, sampleRateHz: FS, startSample: 1234, count: n },
      c,
      10,
    );
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) diff++;
    expect(diff).toBeGreaterThan(n / 2);
  });

  it('output does not depend on chunk sizes (every emitter kind, gates switching inside chunks)', () => {
    const total = 3 * 65_536 + 777;
    const ref = render(new Scene(busy), total, { start: 5000 });
    const scene = new Scene(busy);
    const re = new Float32Array(total);
    const im = new Float32Array(total);
    const chunk = new Float32Array(40_000);
    const chunkIm = new Float32Array(40_000);
    const sizes = [1, 7, 4096, 333, 40_000, 12_345, 65_536, 2];
    let off = 0;
    let k = 0;
    while (off < total) {
      const n = Math.min(sizes[k++ % sizes.length]!, total - off, chunk.length);
      scene.render({ centerHz: CENTER, sampleRateHz: FS, startSample: 5000 + off, count: n, re: chunk, im: chunkIm });
      re.set(chunk.subarray(0, n), off);
      im.set(chunkIm.subarray(0, n), off);
      off += n;
    }
    expect(Buffer.from(re.buffer).equals(Buffer.from(ref.re.buffer))).toBe(true);
    expect(Buffer.from(im.buffer).equals(Buffer.from(ref.im.buffer))).toBe(true);
  });

  it('render(start, n) twice equals render(start, 2n), also after seeking backwards', () => {
    const n = 30_000;
    const whole = render(new Scene(busy), 2 * n, { start: 10 });
    const s = new Scene(busy);
    render(s, 1000, { start: 9_000_000 }); // unrelated position first: caches must not leak
    const a = render(s, n, { start: 10 });
    const b = render(s, n, { start: 10 + n });
    expect(Buffer.from(a.re.buffer).equals(Buffer.from(whole.re.slice(0, n).buffer))).toBe(true);
    expect(Buffer.from(b.im.buffer).equals(Buffer.from(whole.im.slice(n).buffer))).toBe(true);
  });
});

describe('Scene streaming robustness', () => {
  it('a week into the stream, chunked rendering still equals one-shot rendering and stays finite', () => {
    const start = 2_400_000 * 86_400 * 7 + 123; // > 2^40
    const n = 20_000;
    const whole = render(new Scene(busy), 2 * n, { start });
    const s = new Scene(busy);
    const a = render(s, n, { start });
    const b = render(s, n, { start: start + n });
    expect(Buffer.from(a.re.buffer).equals(Buffer.from(whole.re.slice(0, n).buffer))).toBe(true);
    expect(Buffer.from(b.im.buffer).equals(Buffer.from(whole.im.slice(n).buffer))).toBe(true);
    expect(whole.re.every(Number.isFinite) && whole.im.every(Number.isFinite)).toBe(true);
    expect(meanPower(whole.re, whole.im)).toBeGreaterThan(0);
  });

  it('one scene shared by dongles at different centres and rates gives what separate scenes give', () => {
    const bands = [
      { centerHz: CENTER, fs: FS },
      { centerHz: CENTER + 900_000, fs: 2_048_000 },
      { centerHz: CENTER - 500_000, fs: FS },
    ];
    const shared = new Scene(busy);
    const own = bands.map(() => new Scene(busy));
    for (let step = 0; step < 3; step++) {
      bands.forEach((b, i) => {
        const start = 1000 + step * 16_384;
        const x = render(shared, 16_384, { centerHz: b.centerHz, fs: b.fs, start });
        const y = render(own[i]!, 16_384, { centerHz: b.centerHz, fs: b.fs, start });
        expect(Buffer.from(x.re.buffer).equals(Buffer.from(y.re.buffer)), `band ${i} step ${step}`).toBe(true);
      });
    }
  });
});

describe('Scene levels and frequencies', () => {
  it('puts a tone at the right offset and level', () => {
    const off = 234_375; // on a bin centre of a 1024-point FFT at 2.4 MS/s
    const scene = new Scene({ seed: 1, emitters: [{ id: 't', kind: 'tone', centerHz: CENTER + off, levelDbfs: -23 }] });
    const { re, im } = render(scene, 1024 * 32);
    const p = welch(re, im, 1024);
    const pk = peak(p, FS);
    expect(pk.hz).toBeCloseTo(off, 0);
    expect(db(bandPower(p, pk.bin, 2))).toBeCloseTo(-23, 1);
    expect(db(meanPower(re, im))).toBeCloseTo(-23, 2);
  });

  it('noise density matches the requested dBFS/Hz within 0.3 dB, flat across the band', () => {
    for (const [dens, fs] of [
      [-100, 2_400_000],
      [-85, 1_024_000],
    ] as const) {
      const scene = new Scene({ seed: 7, noiseDbfsPerHz: dens, emitters: [] });
      const { re, im } = render(scene, 2048 * 64, { fs });
      expect(Math.abs(db(meanPower(re, im) / fs) - dens)).toBeLessThan(0.3);
      const p = welch(re, im, 2048);
      const binHz = fs / 2048;
      const lowHalf = p.slice(0, 1024).reduce((a, b) => a + b, 0) / 1024;
      const highHalf = p.slice(1024).reduce((a, b) => a + b, 0) / 1024;
      // Hann ENBW 1.5 bins: density = bin power / (1.5 · binHz) → here Σ over bins already removes ENBW
      expect(Math.abs(db(lowHalf / binHz) - dens)).toBeLessThan(0.3);
      expect(Math.abs(db(highHalf / lowHalf))).toBeLessThan(0.2);
    }
  });

  const obwCases: { name: string; spec: EmitterSpec; fs: number; seconds: number; design: number }[] = [
    {
      name: 'NFM 12.5 kHz (11K0F3E)',
      spec: { id: 'x', kind: 'nfm', centerHz: 1e8, levelDbfs: -10, deviationHz: 2500 },
      fs: 48_000,
      seconds: 30,
      design: 11_000,
    },
    {
      name: 'DMR-like 4FSK (7K60FXE)',
      spec: { id: 'x', kind: 'fsk4', centerHz: 1e8, levelDbfs: -10, tdma: false },
      fs: 48_000,
      seconds: 10,
      design: 7_600,
    },
    {
      name: 'OFDM 500 kHz',
      spec: { id: 'x', kind: 'ofdm', centerHz: 1e8, levelDbfs: -10, bandwidthHz: 500_000 },
      fs: 2_400_000,
      seconds: 0.2,
      design: 500_000,
    },
    {
      name: 'WFM broadcast (200 kHz)',
      spec: { id: 'x', kind: 'wfm', centerHz: 1e8, levelDbfs: -10 },
      fs: 480_000,
      seconds: 20,
      design: 200_000,
    },
    {
      name: 'barrage 1 MHz',
      spec: { id: 'x', kind: 'barrage', centerHz: 1e8, levelDbfs: -10, bandwidthHz: 1e6 },
      fs: 2_400_000,
      seconds: 0.1,
      design: 1e6,
    },
  ];
  for (const c of obwCases) {
    it(`99 % occupied bandwidth of ${c.name} is within 10 % of design`, () => {
      const scene = new Scene({ seed: 3, emitters: [c.spec] });
      const n = Math.floor((c.fs * c.seconds) / 4096) * 4096;
      const { re, im } = render(scene, n, { centerHz: 1e8, fs: c.fs });
      const obw = occupiedBandwidth(welch(re, im, 4096), c.fs);
      expect(Math.abs(obw / c.design - 1)).toBeLessThan(0.1);
      expect(db(meanPower(re, im))).toBeCloseTo(-10, 1);
    });
  }
});

describe('Scene schedules and gates', () => {
  it('switches a scheduled emitter at exactly the first sample of its window', () => {
    const fs = 1_000_000;
    const scene = new Scene({
      seed: 5,
      emitters: [
        {
          id: 't',
          kind: 'tone',
          centerHz: 1e8 + 1e5,
          levelDbfs: -6,
          schedule: { windows: [{ fromS: 0.0123456, toS: 0.0200001 }], repeatS: 0.05 },
        },
      ],
    });
    const on = (s: number) => {
      const re = new Float32Array(1);
      const im = new Float32Array(1);
      scene.render({ centerHz: 1e8, sampleRateHz: fs, startSample: s, count: 1, re, im });
      return re[0]! ** 2 + im[0]! ** 2 > 0;
    };
    const first = Math.ceil(0.0123456 * fs);
    const last = Math.ceil(0.0200001 * fs) - 1;
    expect([on(first - 1), on(first), on(last), on(last + 1)]).toEqual([false, true, true, false]);
    // repeated one period later
    expect([on(first + 50_000 - 1), on(first + 50_000)]).toEqual([false, true]);
    // and the same inside one long chunk
    const { re, im } = render(scene, 60_000, { centerHz: 1e8, fs });
    let firstOn = -1;
    let lastOn = -1;
    for (let i = 0; i < 30_000; i++) {
      if (re[i]! ** 2 + im[i]! ** 2 > 0) {
        if (firstOn < 0) firstOn = i;
        lastOn = i;
      }
    }
    expect([firstOn, lastOn]).toEqual([first, last]);
  });

  it('PTT spurts are seeded, lie within their slots and respect durations and activity', () => {
    const fs = 100_000;
    const spec: SceneSpec = {
      seed: 9,
      emitters: [
        {
          id: 'p',
          kind: 'tone',
          centerHz: 1e8,
          levelDbfs: -6,
          ptt: { slotS: 1, minOnS: 0.2, maxOnS: 0.5, activity: 0.5 },
        },
      ],
    };
    const { re } = render(new Scene(spec), fs * 200, { centerHz: 1e8, fs });
    let slotsOn = 0;
    for (let slot = 0; slot < 200; slot++) {
      let on = 0;
      for (let i = slot * fs; i < (slot + 1) * fs; i++) if (re[i] !== 0) on++;
      if (on > 0) {
        slotsOn++;
        expect(on / fs).toBeGreaterThanOrEqual(0.2 - 1e-4);
        expect(on / fs).toBeLessThanOrEqual(0.5 + 1e-4);
      }
    }
    expect(slotsOn).toBeGreaterThan(70);
    expect(slotsOn).toBeLessThan(130);
  });

  it('pulsed jammer has the requested duty cycle', () => {
    const fs = 1_000_000;
    const scene = new Scene({
      seed: 2,
      emitters: [
        { id: 'p', kind: 'pulse', centerHz: 1e8, levelDbfs: -10, bandwidthHz: 0, periodS: 0.001, dutyCycle: 0.25 },
      ],
    });
    const { re, im } = render(scene, 100_000, { centerHz: 1e8, fs });
    let on = 0;
    for (let i = 0; i < re.length; i++) if (re[i]! ** 2 + im[i]! ** 2 > 0) on++;
    expect(on / re.length).toBeCloseTo(0.25, 3);
  });

  it('swept jammer crosses the band at the configured rate', () => {
    const fs = 2_000_000;
    const rate = 1e9; // 1 MHz per ms
    const scene = new Scene({
      seed: 2,
      emitters: [{ id: 's', kind: 'sweep', centerHz: 1e8, levelDbfs: -10, spanHz: 10e6, rateHzPerS: rate }],
    });
    const { re, im } = render(scene, 40_000, { centerHz: 1e8, fs });
    // instantaneous frequency from the phase difference, where the carrier is present
    const fAt = (i: number) =>
      (Math.atan2(im[i]! * re[i - 1]! - re[i]! * im[i - 1]!, re[i]! * re[i - 1]! + im[i]! * im[i - 1]!) * fs) /
      (2 * Math.PI);
    const pts: [number, number][] = [];
    for (let i = 1; i < re.length; i++) if (re[i] !== 0 && re[i - 1] !== 0 && i % 50 === 0) pts.push([i / fs, fAt(i)]);
    expect(pts.length).toBeGreaterThan(100);
    // sweep period is 10 ms; the in-band pass lasts fs/rate = 2 ms around 5 ms
    const inBand = pts.filter(([t]) => t > 4.2e-3 && t < 5.8e-3);
    const [t0, f0] = inBand[0]!;
    const [t1, f1] = inBand[inBand.length - 1]!;
    expect((f1 - f0) / (t1 - t0)).toBeGreaterThan(0.97 * rate);
    expect((f1 - f0) / (t1 - t0)).toBeLessThan(1.03 * rate);
  });
});

describe('Scene impairments and tuning', () => {
  it('DC offset appears at DC', () => {
    const scene = new Scene({
      seed: 1,
      noiseDbfsPerHz: -100,
      emitters: [],
      impairments: { dcOffsetI: 0.02, dcOffsetQ: -0.01 },
    });
    const { re, im } = render(scene, 1024 * 16);
    const p = welch(re, im, 1024);
    expect(peak(p, FS).bin).toBe(512);
    expect(db(bandPower(p, 512, 2))).toBeCloseTo(db(0.02 ** 2 + 0.01 ** 2), 1);
  });

  it('IQ imbalance creates the mirror image at −f with the expected rejection', () => {
    const gainDb = 0.5;
    const phaseDeg = 3;
    const off = 300_000;
    const scene = new Scene({
      seed: 1,
      emitters: [{ id: 't', kind: 'tone', centerHz: CENTER + off, levelDbfs: -10 }],
      impairments: { iqGainDb: gainDb, iqPhaseDeg: phaseDeg },
    });
    const { re, im } = render(scene, 1024 * 16);
    const p = welch(re, im, 1024);
    const k = 512 + Math.round((off / FS) * 1024);
    const kImg = 512 - Math.round((off / FS) * 1024);
    const measured = db(bandPower(p, k, 3) / bandPower(p, kImg, 3));
    // independent derivation: y = I + j g (Q cos φ − I sin φ) for I + jQ = e^{jωt}
    const g = 10 ** (gainDb / 20);
    const ph = (phaseDeg * Math.PI) / 180;
    const wantRe = (1 + g * Math.cos(ph)) / 2;
    const wantIm = (-g * Math.sin(ph)) / 2;
    const imgRe = (1 - g * Math.cos(ph)) / 2;
    const imgIm = (-g * Math.sin(ph)) / 2;
    const expected = db((wantRe ** 2 + wantIm ** 2) / (imgRe ** 2 + imgIm ** 2));
    expect(measured).toBeCloseTo(expected, 1);
    expect(imageRejectionDb(gainDb, phaseDeg)).toBeCloseTo(expected, 6);
    expect(expected).toBeGreaterThan(20);
    expect(expected).toBeLessThan(40);
  });

  it('ppm error shifts an emitter by f·ppm·1e-6', () => {
    const f = 1_000_000_000;
    const ppm = 50; // 50 kHz at 1 GHz
    const fs = 1_024_000; // 1 kHz bins at 1024 points
    const tone: EmitterSpec = { id: 't', kind: 'tone', centerHz: f + 100_000, levelDbfs: -10 };
    const clean = welch(...vals(render(new Scene({ seed: 1, emitters: [tone] }), 1024 * 8, { centerHz: f, fs })), 1024);
    const off = welch(
      ...vals(render(new Scene({ seed: 1, emitters: [tone], impairments: { ppm } }), 1024 * 8, { centerHz: f, fs })),
      1024,
    );
    const shift = peak(off, fs).hz - peak(clean, fs).hz;
    expect(shift).toBeCloseTo((f + 100_000) * ppm * 1e-6, -3);
    expect(Math.abs(shift - 50_005)).toBeLessThan(1000);
  });

  it('clips at full scale in cu8 and scales with gain', () => {
    const scene = new Scene({ seed: 1, emitters: [{ id: 't', kind: 'tone', centerHz: 1e8 + 1e5, levelDbfs: 0 }] });
    const n = 4096;
    const out = new Uint8Array(2 * n);
    scene.renderCu8({ centerHz: 1e8, sampleRateHz: FS, startSample: 0, count: n }, out, 0);
    let mn = 255;
    let mx = 0;
    for (const v of out) {
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    expect([mn, mx]).toEqual([0, 255]);
    scene.renderCu8({ centerHz: 1e8, sampleRateHz: FS, startSample: 0, count: n }, out, 6);
    let clipped = 0;
    for (const v of out) if (v === 0 || v === 255) clipped++;
    expect(clipped / out.length).toBeGreaterThan(0.3);
    scene.renderCu8({ centerHz: 1e8, sampleRateHz: FS, startSample: 0, count: n }, out, -20);
    mn = 255;
    mx = 0;
    for (const v of out) {
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    expect(mx).toBe(Math.round(0.1 * 127.5 + 127.5));
    expect(mn).toBe(Math.round(-0.1 * 127.5 + 127.5));
  });

  it('retuning shows the same emitter at the new offset; out-of-band emitters vanish', () => {
    const fEm = 470_300_000;
    const scene = new Scene({ seed: 4, emitters: [{ id: 't', kind: 'tone', centerHz: fEm, levelDbfs: -20 }] });
    for (const c of [470_000_000, 470_800_000, 469_500_000]) {
      const p = welch(...vals(render(scene, 1024 * 8, { centerHz: c })), 1024);
      const pk = peak(p, FS);
      expect(Math.abs(pk.hz - (fEm - c))).toBeLessThan(FS / 1024);
      expect(db(bandPower(p, pk.bin, 3))).toBeCloseTo(-20, 0);
    }
    const far = render(scene, 4096, { centerHz: 480_000_000 });
    expect(meanPower(far.re, far.im)).toBe(0);
  });

  it('rejects bad specs and requests with a typed error naming the field', () => {
    expect(
      () =>
        new Scene({
          seed: 1,
          emitters: [{ id: 'a', kind: 'nope', centerHz: 1, levelDbfs: 0 } as unknown as EmitterSpec],
        }),
    ).toThrow(/emitters\[0\]\(a\)\.kind/);
    try {
      new Scene({ seed: 1, emitters: [{ id: 'b', kind: 'barrage', centerHz: 1e8, levelDbfs: -10, bandwidthHz: -5 }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SynthSpecError);
      expect((e as SynthSpecError).code).toBe('BW_ERR_SYNTH_SPEC');
      expect((e as SynthSpecError).location).toContain('bandwidthHz');
    }
    const s = new Scene({ seed: 1, emitters: [] });
    expect(() =>
      s.render({
        centerHz: 1e8,
        sampleRateHz: FS,
        startSample: -1,
        count: 4,
        re: new Float32Array(4),
        im: new Float32Array(4),
      }),
    ).toThrow(SynthSpecError);
    expect(() =>
      s.render({
        centerHz: 1e8,
        sampleRateHz: FS,
        startSample: 0,
        count: 8,
        re: new Float32Array(4),
        im: new Float32Array(4),
      }),
    ).toThrow(/buffers/);
  });
});

function vals(x: { re: Float32Array; im: Float32Array }): [Float32Array, Float32Array] {
  return [x.re, x.im];
}

describe('Scene spec validation (scene files are untrusted JSON)', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', null, /scene: must be an object/],
    ['seed missing', { emitters: [] }, /scene\.seed/],
    ['emitter null', { seed: 1, emitters: [null] }, /emitters\[0\]/],
    [
      'NaN level',
      { seed: 1, emitters: [{ id: 'a', kind: 'tone', centerHz: 1e8, levelDbfs: NaN }] },
      /\(a\)\.levelDbfs/,
    ],
    [
      'string deviation',
      { seed: 1, emitters: [{ id: 'a', kind: 'nfm', centerHz: 1e8, levelDbfs: -10, deviationHz: '5k' }] },
      /\(a\)\.deviationHz/,
    ],
    [
      'zero symbol rate',
      { seed: 1, emitters: [{ id: 'a', kind: 'fsk4', centerHz: 1e8, levelDbfs: -10, symbolRateHz: 0 }] },
      /\(a\)\.symbolRateHz/,
    ],
    [
      'schedule not object',
      { seed: 1, emitters: [{ id: 'a', kind: 'tone', centerHz: 1e8, levelDbfs: -10, schedule: 5 }] },
      /\(a\)\.schedule/,
    ],
    [
      'window outside repeat',
      {
        seed: 1,
        emitters: [
          {
            id: 'a',
            kind: 'tone',
            centerHz: 1e8,
            levelDbfs: -10,
            schedule: { windows: [{ fromS: 1, toS: 12 }], repeatS: 10 },
          },
        ],
      },
      /windows\[0\]\.toS/,
    ],
    [
      'duty > 1',
      {
        seed: 1,
        emitters: [{ id: 'a', kind: 'pulse', centerHz: 1e8, levelDbfs: -10, bandwidthHz: 0, periodS: 1, dutyCycle: 2 }],
      },
      /\(a\)\.dutyCycle/,
    ],
    [
      'duplicate id',
      {
        seed: 1,
        emitters: [
          { id: 'a', kind: 'tone', centerHz: 1e8, levelDbfs: -10 },
          { id: 'a', kind: 'tone', centerHz: 2e8, levelDbfs: -10 },
        ],
      },
      /emitters\[1\]\.id/,
    ],
    ['impairments not object', { seed: 1, emitters: [], impairments: 'x' }, /scene\.impairments/],
  ];
  for (const [name, spec, where] of bad) {
    it(`rejects ${name} with a SynthSpecError naming the place`, () => {
      let err: unknown;
      try {
        new Scene(spec as SceneSpec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SynthSpecError);
      expect(String((err as Error).message)).toMatch(where);
    });
  }

  it('accepts the venue spec after a JSON round trip and renders the same bytes', async () => {
    const { venueSceneSpec } = await import('../../dsp/synth/index.ts');
    const spec = venueSceneSpec({ timeScale: 0.1 });
    const a = new Uint8Array(8192);
    const b = new Uint8Array(8192);
    new Scene(spec).renderCu8({ centerHz: 446.1e6, sampleRateHz: FS, startSample: 99, count: 4096 }, a);
    new Scene(JSON.parse(JSON.stringify(spec)) as SceneSpec).renderCu8(
      { centerHz: 446.1e6, sampleRateHz: FS, startSample: 99, count: 4096 },
      b,
    );
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
