import { describe, expect, it } from 'vitest';
import { JammingDetector, isLicensedPeriod } from '../../dsp/jamming.ts';
import { NoiseFloorEstimator } from '../../dsp/noise-floor.ts';
import { noiseFlatness } from '../../dsp/stats.ts';
import { Rng, addRect, dbToLin, sampleSpectrum } from './detect-fixtures.ts';
import {
  SCENE_CENTER_HZ as C,
  SCENE_FS,
  barrage,
  cwJammer,
  dmrTdma,
  fsk4,
  nfm,
  ofdm,
  pulse,
  randomSchedule,
  runScene,
  sweep,
  wirelessMic,
  type Component,
} from './jamming-scenes.ts';

const BIN_HZ = SCENE_FS / 1024;

/** Licensed-looking traffic: PTT NFM, DMR-like 4FSK bursts, an OFDM-like carrier that comes and goes, two mics. */
function licensed(totalS: number, seed = 10): Component[] {
  return [
    nfm(C - 700e3, 25, randomSchedule(seed + 1, [1.5, 8], [0.5, 12], totalS)),
    nfm(C - 650e3, 30, randomSchedule(seed + 2, [1.5, 8], [0.5, 12], totalS)),
    nfm(C + 300e3, 20, randomSchedule(seed + 3, [1.5, 8], [0.5, 12], totalS)),
    fsk4(C - 400e3, 28, randomSchedule(seed + 4, [1, 6], [0.5, 8], totalS)),
    fsk4(C + 500e3, 22, randomSchedule(seed + 5, [1, 6], [0.5, 8], totalS)),
    ofdm(C + 150e3, 200e3, 15, randomSchedule(seed + 6, [3, 20], [1, 10], totalS)),
    wirelessMic(C - 200e3, 35, seed + 7, totalS),
    wirelessMic(C + 800e3, 30, seed + 8, totalS),
  ];
}

describe('jamming features', () => {
  it('flatness of noise matches exp(ψ(M) − ln M), the floor rise follows a barrage, occupancy counts CFAR bins', () => {
    const n = 1024;
    const m = 16;
    const rng = new Rng(1);
    const est = new NoiseFloorEstimator({ fftSize: n, segments: 32 });
    const jam = new JammingDetector({ fftSize: n, tracker: { learnS: 2 } });
    const mean = new Float64Array(n).fill(1e-7);
    const psd = new Float32Array(n);
    const mask = new Uint8Array(n);
    const spectrum = { startHz: C - SCENE_FS / 2, binHz: BIN_HZ, fftSize: n, effectiveFrames: m };
    const step = (t: number) => {
      est.estimate(sampleSpectrum(rng, mean, m, psd), m);
      return jam.update({
        spectrum,
        timeS: t,
        psdLin: psd,
        floor: est,
        detMask: mask,
        emissions: [],
        emissionCount: 0,
      });
    };
    let t = 0;
    for (; t < 5; t += 0.1) step(t);
    expect(Math.abs(jam.features.flatness - noiseFlatness(m))).toBeLessThan(0.01);
    expect(Math.abs(jam.features.floorRiseDb)).toBeLessThan(0.3);
    expect(jam.features.occupiedFraction).toBe(0);
    mean.fill(1e-7 * dbToLin(6));
    for (const end = t + 1; t < end; t += 0.1) step(t);
    expect(Math.abs(jam.features.floorRiseDb - 6)).toBeLessThan(0.5);
    mask.fill(1, 100, 200);
    step(t);
    expect(jam.features.occupiedFraction).toBeCloseTo(100 / (n - 2 * Math.floor(0.05 * n)), 6);
    // A strong flat-topped carrier over a third of the band lowers the flatness well below noise.
    addRect(mean, 512, 340, 1e-4);
    step((t += 0.1));
    expect(jam.features.flatness).toBeLessThan(0.5 * noiseFlatness(m));
  });
});

describe('licensed-looking traffic stays quiet', () => {
  it('bursty NFM, 4FSK, OFDM and wireless mics over 2 minutes: no jammer of any kind', () => {
    const r = runScene(licensed(120), { durationS: 120, seed: 2 });
    expect(r.frames).toBeGreaterThan(1100);
    expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
    expect(r.maxFloorRiseDb).toBeLessThan(1.5);
  });

  it('with latency-tuned settings (CW after 0.6 s, barrage after 0.5 s, 20 spectra/s) a silent mic is not a CW', () => {
    // The mics' silent pauses show a bare carrier for up to 3 s; their 32.768 kHz pilot sidebands (−22 dBc) give
    // them away. This is what the pipeline's alarm-latency settings depend on.
    const jamming = {
      edgeFraction: 0.08,
      barrage: { persistS: 0.5 },
      cw: { minDurationS: 0.6, minFrames: 12 },
      pulse: { minCycles: 3 },
    };
    const r = runScene(licensed(60, 300), { durationS: 60, dtS: 0.05, seed: 300, jamming });
    expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
    const cw = runScene([...licensed(30, 300), cwJammer(15, C + 612e3, 30)], {
      durationS: 30,
      dtS: 0.05,
      seed: 300,
      jamming,
    });
    expect(cw.firstS.cw).toBeLessThan(16);
  });

  it('DMR mobiles in TDMA (27.5 ms every 60 ms) are not pulses, whether the spectra resolve the frame or alias it', () => {
    expect(isLicensedPeriod(0.061, 0.0068, [0.06])).toBe(true);
    expect(isLicensedPeriod(0.3, 0.05, [0.06])).toBe(true); // |1/0.06 − 1/0.05| = 3.33 Hz
    expect(isLicensedPeriod(0.73, 0.1, [0.06])).toBe(false);
    for (const dtS of [0.0068, 0.05]) {
      const comps = [
        dmrTdma(C - 400e3, 30, randomSchedule(5, [3, 10], [1, 4], 20), 0.013),
        dmrTdma(C + 300e3, 25, randomSchedule(6, [3, 10], [1, 4], 20), 0.031),
      ];
      const r = runScene(comps, { durationS: 20, dtS, seed: 3, jamming: { tracker: { learnS: 2 } } });
      expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
    }
  });

  it('a wide OFDM-like carrier (35 % of the band) switching on after learning is not a barrage when its channel is licensed', () => {
    const on = (t: number) => t >= 15 && (t < 40 || t >= 45);
    const comps = [...licensed(60, 30), ofdm(C - 300e3, 800e3, 12, on)];
    const r = runScene(comps, {
      durationS: 60,
      seed: 3,
      jamming: { licensedChannels: [{ startHz: C - 700e3, stopHz: C + 100e3 }] },
    });
    expect(r.framesWith).toEqual({ barrage: 0, cw: 0, sweep: 0, pulse: 0 });
    // Unlisted, a steady 800 kHz flat noise-like block is indistinguishable from a barrage and is reported as one.
    const unlisted = runScene(comps, { durationS: 60, seed: 3 });
    expect(unlisted.framesWith.barrage).toBeGreaterThan(100);
  });
});

describe('jammers are detected', () => {
  it('barrage: +8 dB over 90 % of the band fires after the persistence time, with the rise measured', () => {
    const r = runScene([...licensed(70, 40), barrage(30, 60, C - 1.1e6, C + 1.1e6, 8)], { durationS: 70, seed: 4 });
    expect(r.firstS.barrage).toBeGreaterThanOrEqual(31.9);
    expect(r.firstS.barrage).toBeLessThan(33.5);
    expect(r.framesWith.barrage).toBeGreaterThan(250);
    expect(r.framesWith.barrage).toBeLessThanOrEqual(300);
    expect(Math.abs((r.last.barrage?.detail.riseDb ?? 0) - 8)).toBeLessThan(1);
    expect(r.framesWith.cw + r.framesWith.sweep + r.framesWith.pulse).toBe(0);
  });

  it('CW on a channel: a steady +30 dB line fires after 5 s, at the right frequency; channel filter applies', () => {
    const f = C + 612e3;
    const comps = [...licensed(40, 50), cwJammer(20, f, 30)];
    const r = runScene(comps, { durationS: 40, seed: 5 });
    expect(r.firstS.cw).toBeGreaterThanOrEqual(24.9);
    expect(r.firstS.cw).toBeLessThan(26.5);
    const d = r.last.cw;
    expect(Math.abs((d ? (d.startHz + d.stopHz) / 2 : 0) - f)).toBeLessThan(BIN_HZ);
    expect(Math.abs((d?.detail.snrDb ?? 0) - 30)).toBeLessThan(1.5);
    expect(r.framesWith.barrage + r.framesWith.sweep + r.framesWith.pulse).toBe(0);
    const elsewhere = runScene([...licensed(40, 50), cwJammer(20, f, 30)], {
      durationS: 40,
      seed: 5,
      jamming: { cw: { channels: [{ startHz: C - 100e3, stopHz: C - 50e3 }] } },
    });
    expect(elsewhere.framesWith.cw).toBe(0);
    const onChannel = runScene([...licensed(40, 50), cwJammer(20, f, 30)], {
      durationS: 40,
      seed: 5,
      jamming: { cw: { channels: [{ startHz: f - 6250, stopHz: f + 6250 }] } },
    });
    expect(onChannel.framesWith.cw).toBeGreaterThan(100);
  });

  it('sweep: a slow line (150 kHz/s) and a fast saw-tooth (2 MHz/s over 1.8 MHz) fire with their rates', () => {
    const slow = runScene([...licensed(40, 60), sweep(20, C - 900e3, C + 900e3, 150e3, 25)], {
      durationS: 40,
      seed: 6,
    });
    expect(slow.framesWith.sweep).toBeGreaterThan(120);
    expect(slow.firstS.sweep).toBeLessThan(23);
    expect(Math.abs((slow.last.sweep?.detail.rateHzPerS ?? 0) / 150e3 - 1)).toBeLessThan(0.05);
    const fast = runScene([...licensed(40, 60), sweep(20, C - 900e3, C + 900e3, 2e6, 25)], { durationS: 40, seed: 6 });
    expect(fast.framesWith.sweep).toBeGreaterThan(100);
    expect(Math.abs((fast.last.sweep?.detail.rateHzPerS ?? 0) / 2e6 - 1)).toBeLessThan(0.05);
    expect(Math.abs((fast.last.sweep?.detail.periodS ?? 0) - 0.9)).toBeLessThan(0.1);
    expect(slow.framesWith.barrage + slow.framesWith.cw + fast.framesWith.barrage + fast.framesWith.cw).toBe(0);
  });

  it('a line wandering inside a licensed channel whose user is modulated is not a sweep; one that leaves it is', () => {
    // A wireless mic's FM hump can move like a slow saw-tooth for a while (the venue's MIC-06: −0.3 MHz/s over
    // 80 kHz). Inside its licensed channel, with that user seen modulated, it is the user; beyond the channel it is not.
    const ch = { startHz: C + 200e3, stopHz: C + 400e3 };
    const scene = (toHz: number): Component[] => [
      wirelessMic(C + 300e3, 20, 31, 30),
      sweep(12, C + 225e3, toHz, 300e3, 28),
    ];
    const o = { durationS: 30, seed: 12, jamming: { tracker: { learnS: 3 }, licensedChannels: [ch] } };
    const inside = runScene(scene(C + 375e3), o);
    expect(inside.framesWith.sweep).toBe(0);
    // The same line without the channel plan is a sweep (so the rule is what keeps it quiet) ...
    const unplanned = runScene(scene(C + 375e3), { ...o, jamming: { tracker: { learnS: 3 } } });
    expect(unplanned.framesWith.sweep).toBeGreaterThan(20);
    // ... and one that sweeps beyond the channel is reported with the plan in place.
    const leaving = runScene(scene(C + 825e3), o);
    expect(leaving.framesWith.sweep).toBeGreaterThan(20);
    expect(Math.abs((leaving.last.sweep?.detail.rateHzPerS ?? 0) / 300e3 - 1)).toBeLessThan(0.1);
  });

  it('sweep at a high spectrum rate (100 spectra/s): the tracker steps every 50 ms, so a slow sweep still moves', () => {
    const r = runScene([...licensed(14, 80), sweep(6, C - 900e3, C + 900e3, 150e3, 25)], {
      durationS: 14,
      dtS: 0.01,
      seed: 9,
      jamming: { tracker: { learnS: 3 } },
    });
    expect(r.firstS.sweep).toBeGreaterThan(6);
    expect(r.firstS.sweep).toBeLessThan(8);
    expect(Math.abs((r.last.sweep?.detail.rateHzPerS ?? 0) / 150e3 - 1)).toBeLessThan(0.05);
    expect(r.framesWith.barrage + r.framesWith.cw + r.framesWith.pulse).toBe(0);
  });

  it('pulse: wideband (0.73 s, 40 %) and narrowband (1.3 s, 30 %) on/off with period and duty measured', () => {
    const wide = runScene([...licensed(40, 70), pulse(20, 0.73, 0.4, C - 1e6, C + 1e6, 15)], {
      durationS: 40,
      seed: 7,
    });
    expect(wide.framesWith.pulse).toBeGreaterThan(120);
    const dw = wide.last.pulse;
    expect(Math.abs((dw?.detail.periodS ?? 0) / 0.73 - 1)).toBeLessThan(0.05);
    expect(Math.abs((dw?.detail.dutyCycle ?? 0) - 0.4)).toBeLessThan(0.1);
    expect((dw?.stopHz ?? 0) - (dw?.startHz ?? 0)).toBeGreaterThan(1.5e6);
    const narrow = runScene([...licensed(40, 70), pulse(20, 1.3, 0.3, C + 700e3, C + 725e3, 25)], {
      durationS: 40,
      seed: 8,
    });
    expect(narrow.framesWith.pulse).toBeGreaterThan(100);
    const dn = narrow.last.pulse;
    expect(Math.abs((dn?.detail.periodS ?? 0) / 1.3 - 1)).toBeLessThan(0.05);
    expect(Math.abs((dn?.detail.dutyCycle ?? 0) - 0.3)).toBeLessThan(0.1);
    expect(dn?.startHz).toBeLessThanOrEqual(C + 725e3);
    expect(dn?.stopHz).toBeGreaterThanOrEqual(C + 700e3);
    expect(wide.framesWith.barrage + wide.framesWith.cw + narrow.framesWith.barrage + narrow.framesWith.cw).toBe(0);
  });
});
