/**
 * Seeded synthetic cu8 IQ for pipeline tests and the bench: white noise plus emitters (tones, FM, band noise,
 * gated bursts) at levels stated per 2048-bin FFT bin, and a SigMF writer for them.
 */
import { writeFileSync } from 'node:fs';

export interface SynthEmitter {
  /** `ppm`: Mode S-like replies, 120 µs bursts of 1 Mbit/s pulse-position pulses (0.5 µs), at random times. */
  kind: 'tone' | 'fm' | 'noise' | 'ppm';
  /** Offset from the centre, Hz. */
  offsetHz: number;
  /** Level over the noise in one 2048-bin FFT bin, dB (signal power per bin / noise power per bin). */
  snrDbPerBin: number;
  /** FM peak deviation, Hz (fm), or noise bandwidth, Hz (noise). */
  widthHz?: number;
  /** FM modulating tone, Hz. Default 1000. */
  modHz?: number;
  /** On between these times, s (default always). */
  fromS?: number;
  toS?: number;
  /** Linear sweep rate, Hz/s (chirp-like drift of a tone), wrapped inside ±sweepSpanHz/2. */
  sweepHzPerS?: number;
  sweepSpanHz?: number;
  /** Pulse gating: period and on-time, s. */
  pulsePeriodS?: number;
  pulseOnS?: number;
  /** ppm: mean replies per second (Poisson). Default 300. */
  burstsPerS?: number;
}

export interface SynthScene {
  sampleRateHz: number;
  centerHz: number;
  durationS: number;
  /** Noise RMS per I/Q component, full-scale units. Default 0.05. */
  noiseRms?: number;
  /** Extra noise (barrage) between these times: multiplies noise power by 10^(riseDb/10). */
  barrage?: { fromS: number; toS: number; riseDb: number };
  /** DC offset added to I and Q, full scale (the RTL spike). Default 0.01. */
  dc?: number;
  emitters: SynthEmitter[];
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the scene as cu8 bytes. */
export function synthesize(scene: SynthScene): Uint8Array {
  const fs = scene.sampleRateHz;
  const n = Math.round(scene.durationS * fs);
  const out = new Uint8Array(2 * n);
  const rnd = mulberry32(scene.seed ?? 1);
  const sigma = scene.noiseRms ?? 0.05;
  const noiseTotal = 2 * sigma * sigma;
  const binHz = fs / 2048;
  const dc = scene.dc ?? 0.01;
  const em = scene.emitters.map((e) => {
    // ppm: the level is stated for the pulses while on (about 2 MHz wide), not averaged over the gaps.
    const spread =
      e.kind === 'ppm'
        ? 2e6 / binHz
        : e.kind === 'tone'
          ? 1
          : Math.max(
              1,
              (e.kind === 'fm' ? 2 * (e.widthHz ?? 3000) + 2 * (e.modHz ?? 1000) : (e.widthHz ?? 10000)) / binHz,
            );
    const amp = Math.sqrt((noiseTotal / 2048) * 10 ** (e.snrDbPerBin / 10) * spread);
    return { e, amp, phase: rnd() * 2 * Math.PI, lpI: 0, lpQ: 0, burstAt: -1, bits: new Uint8Array(120) };
  });
  const barrage = scene.barrage;
  const barrageGain = barrage ? Math.sqrt(10 ** (barrage.riseDb / 10) - 1) : 0;
  // Gaussian table + xorshift index: fast and seeded (tests synthesise tens of millions of samples).
  const G = new Float32Array(1 << 16);
  for (let k = 0; k < G.length; k += 2) {
    const r = Math.sqrt(-2 * Math.log(rnd() || 1e-12));
    const a = 2 * Math.PI * rnd();
    G[k] = r * Math.cos(a);
    G[k + 1] = r * Math.sin(a);
  }
  let xs = (scene.seed ?? 1) * 2654435761 || 1;
  const gauss = (): number => {
    xs ^= xs << 13;
    xs ^= xs >>> 17;
    xs ^= xs << 5;
    return G[(xs >>> 7) & 0xffff]!;
  };
  for (let k = 0; k < n; k++) {
    const t = k / fs;
    let i = gauss() * sigma + dc;
    let q = gauss() * sigma + dc;
    if (barrage && t >= barrage.fromS && t < barrage.toS) {
      i += gauss() * sigma * barrageGain;
      q += gauss() * sigma * barrageGain;
    }
    for (const s of em) {
      const e = s.e;
      if ((e.fromS !== undefined && t < e.fromS) || (e.toS !== undefined && t >= e.toS)) continue;
      if (e.pulsePeriodS && (t - (e.fromS ?? 0)) % e.pulsePeriodS >= (e.pulseOnS ?? e.pulsePeriodS / 2)) continue;
      let f = e.offsetHz;
      if (e.sweepHzPerS) {
        const span = e.sweepSpanHz ?? 1e6;
        f += ((((t * e.sweepHzPerS) % span) + span) % span) - span / 2;
      }
      if (e.kind === 'fm') f += (e.widthHz ?? 3000) * Math.sin(2 * Math.PI * (e.modHz ?? 1000) * t);
      s.phase += (2 * Math.PI * f) / fs;
      if (s.phase > Math.PI) s.phase -= 2 * Math.PI;
      else if (s.phase < -Math.PI) s.phase += 2 * Math.PI;
      const c = Math.cos(s.phase);
      const sn = Math.sin(s.phase);
      if (e.kind === 'ppm') {
        if (s.burstAt < 0) {
          if (rnd() >= (e.burstsPerS ?? 300) / fs) continue;
          s.burstAt = t;
          for (let b = 0; b < s.bits.length; b++) s.bits[b] = rnd() < 0.5 ? 1 : 0;
        }
        const us = (t - s.burstAt) * 1e6;
        if (us >= 120) {
          s.burstAt = -1;
          continue;
        }
        const bit = s.bits[Math.floor(us)]!;
        if ((us % 1 < 0.5 ? 1 : 0) !== bit) continue;
        i += s.amp * c;
        q += s.amp * sn;
        continue;
      }
      if (e.kind === 'noise') {
        // One-pole low-passed complex noise, shifted to the offset: a noise-like emitter about widthHz wide.
        const a = Math.exp((-2 * Math.PI * (e.widthHz ?? 10000)) / 2 / fs);
        const g = Math.sqrt(1 - a * a);
        s.lpI = a * s.lpI + g * gauss();
        s.lpQ = a * s.lpQ + g * gauss();
        const amp = s.amp / Math.SQRT2;
        i += amp * (s.lpI * c - s.lpQ * sn);
        q += amp * (s.lpI * sn + s.lpQ * c);
        continue;
      }
      i += s.amp * c;
      q += s.amp * sn;
    }
    out[2 * k] = clamp(Math.round(i * 127.5 + 127.5));
    out[2 * k + 1] = clamp(Math.round(q * 127.5 + 127.5));
  }
  return out;
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

/** Writes `<base>.sigmf-meta` and `<base>.sigmf-data`; returns the meta path. */
export function writeSigmf(
  base: string,
  scene: SynthScene,
  data = synthesize(scene),
  startIso = '2026-05-01T09:00:00.000Z',
): string {
  writeFileSync(`${base}.sigmf-data`, data);
  const meta = {
    global: {
      'core:datatype': 'cu8',
      'core:version': '1.2.0',
      'core:sample_rate': scene.sampleRateHz,
      'core:recorder': 'bandwatch test synth',
    },
    captures: [{ 'core:sample_start': 0, 'core:frequency': scene.centerHz, 'core:datetime': startIso }],
    annotations: [],
  };
  writeFileSync(`${base}.sigmf-meta`, JSON.stringify(meta, null, 2));
  return `${base}.sigmf-meta`;
}
