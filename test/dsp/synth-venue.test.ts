import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  VENUE_CLUSTERS,
  venueAssignments,
  venueEvents,
  venuePlan,
  venuePlanCsv,
  venueScene,
  venueSceneSpec,
  Scene,
} from '../../dsp/synth/index.ts';
import { db, welch } from './synth-helpers.ts';

const root = new URL('../../', import.meta.url);
const FS = 2_400_000;

/** Necessary bandwidth of an ITU emission designator ("11K0F3E" → 11000 Hz). */
function designatorHz(em: string): number {
  const m = /^(\d+)([HKMG])(\d*)/.exec(em);
  if (!m) throw new Error(`bad designator ${em}`);
  const mult = { H: 1, K: 1e3, M: 1e6, G: 1e9 }[m[2] as 'H' | 'K' | 'M' | 'G'];
  return Number(`${m[1]}.${m[3] || '0'}`) * mult;
}

describe('venue frequency plan', () => {
  it('examples/venue-plan.json and .csv are exactly the generated plan', () => {
    const json = JSON.parse(readFileSync(new URL('examples/venue-plan.json', root), 'utf8'));
    expect(json).toEqual(venuePlan());
    expect(readFileSync(new URL('examples/venue-plan.csv', root), 'utf8')).toBe(venuePlanCsv());
    const csv = venuePlanCsv().trim().split('\n');
    expect(csv[0]).toBe('id,centerHz,bandwidthHz,emission,service,licensee,maxLevelDbfs');
    expect(csv.length - 1).toBe(json.assignments.length);
  });

  it('lists every licensed emitter once, with designators that fit their bandwidths', () => {
    const plan = venueAssignments();
    const ids = plan.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const licensed = venueSceneSpec().emitters.filter((e) => e.label === 'licensed');
    expect(licensed.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const e of licensed) {
      const a = plan.find((x) => x.id === e.id)!;
      expect(e.centerHz).toBe(a.centerHz);
      expect(e.levelDbfs).toBeLessThanOrEqual(a.maxLevelDbfs - 3);
    }
    for (const a of plan) {
      const nb = designatorHz(a.emission);
      expect(nb).toBeLessThanOrEqual(a.bandwidthHz);
      expect(nb).toBeGreaterThanOrEqual(0.5 * a.bandwidthHz);
    }
    for (const k of ['MIC-01', 'PMR-01', 'DMR-01', 'FM-985']) expect(ids).toContain(k);
  });

  it('staged emitters sit where their event says: unlicensed outside every assignment, interference inside one', () => {
    const plan = venueAssignments();
    const events = venueEvents(0, 4 * 240);
    const inside = (hz: number) => plan.filter((a) => Math.abs(hz - a.centerHz) < a.bandwidthHz / 2).map((a) => a.id);
    const unl = events.find((e) => e.kind === 'unlicensed-emitter')!;
    expect(inside(unl.centerHz)).toEqual([]);
    expect(plan.every((a) => Math.abs(unl.centerHz - a.centerHz) >= a.bandwidthHz / 2 + unl.bandwidthHz / 2)).toBe(
      true,
    );
    const intf = events.find((e) => e.kind === 'interference')!;
    expect(inside(intf.centerHz)).toEqual([intf.assignmentId]);
    const over = events.find((e) => e.kind === 'over-power')!;
    const a = plan.find((x) => x.id === over.assignmentId)!;
    expect(over.centerHz).toBe(a.centerHz);
    expect(over.levelDbfs).toBeGreaterThan(a.maxLevelDbfs + 3);
    const oom = events.find((e) => e.kind === 'out-of-mask')!;
    const lmr = plan.find((x) => x.id === oom.assignmentId)!;
    expect(oom.centerHz).toBe(lmr.centerHz);
    expect(oom.bandwidthHz).toBeGreaterThan(1.3 * lmr.bandwidthHz);
    expect(new Set(events.filter((e) => e.kind === 'jamming').map((e) => e.jammerType))).toEqual(
      new Set(['cw', 'barrage', 'sweep', 'pulse']),
    );
  });
});

describe('venue schedule', () => {
  it('the first event starts within 20 s (scaled) and events repeat every cycle', () => {
    for (const ts of [1, 0.1]) {
      const ev = venueEvents(0, 1000 * ts, { timeScale: ts });
      expect(ev[0]!.startS).toBeLessThanOrEqual(20 * ts);
      const unl = ev.filter((e) => e.kind === 'unlicensed-emitter');
      expect(unl[1]!.startS - unl[0]!.startS).toBeCloseTo(240 * ts, 9);
      expect(venueEvents(0, 1000, { quiet: true })).toEqual([]);
    }
  });

  it('each event emitter is on exactly during its listed window (checked in the rendered spectrum)', () => {
    const ts = 0.01; // cycle 2.4 s
    const scene = venueScene({ timeScale: ts, impairments: {} });
    const events = venueEvents(0, 4 * 2.4, { timeScale: ts });
    expect(events.length).toBe(20); // 4 cycles × (unlicensed, interference, jammer, over-power, out-of-mask)
    const n = 32_768; // 13.7 ms: a whole sweep period
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    /** Power (dB) in ±bw/2 around hz at time t, on the cluster's dongle. */
    const powerAt = (t: number, cluster: string, hz: number, bw: number, count = n) => {
      const c = VENUE_CLUSTERS.find((x) => x.id === cluster)!;
      scene.render({ centerHz: c.centerHz, sampleRateHz: FS, startSample: Math.round(t * FS), count, re, im });
      const p = welch(re.subarray(0, count), im.subarray(0, count), 1024);
      const k0 = 512 + Math.round(((hz - c.centerHz - Math.max(bw, 4000) / 2) / FS) * 1024);
      const k1 = 512 + Math.round(((hz - c.centerHz + Math.max(bw, 4000) / 2) / FS) * 1024);
      let s = 0;
      for (let k = k0; k <= k1; k++) s += p[k]!;
      return db(s);
    };
    for (const e of events) {
      const bw = Math.min(e.bandwidthHz, 200_000);
      // the pulsed jammer is on for the first 2 ms of every 10 ms: look inside one pulse
      const pulse = e.jammerType === 'pulse';
      const count = pulse ? 4096 : n;
      const mid = pulse ? Math.round((e.startS + e.endS) / 2 / 0.01) * 0.01 : (e.startS + e.endS) / 2;
      // the over-deviating radio replaces its channel's user: look where only it reaches, beyond the 25 kHz channel
      const [hz, w] = e.kind === 'out-of-mask' ? [e.centerHz + 17_500, 8000] : [e.centerHz, bw];
      // ...in the middle of a syllable: the voice envelope ramps to nothing at every 0.25 s segment boundary
      const at = e.kind === 'out-of-mask' ? Math.floor(mid / 0.25) * 0.25 + 0.125 : mid;
      const during = powerAt(at, e.cluster, hz, w, count);
      const before = powerAt(e.startS - 0.05, e.cluster, hz, w, count);
      const after = powerAt(e.endS + 0.01, e.cluster, hz, w, count);
      expect(during - before, `${e.emitterId} at ${e.startS}`).toBeGreaterThan(6);
      expect(during - after, `${e.emitterId} at ${e.endS}`).toBeGreaterThan(6);
    }
  });
});

describe('venue levels', () => {
  it('with every licensed emitter keyed at once: 10-40 dB above the per-bin floor (2048 bins at 2.4 MS/s), no clipping', () => {
    // worst case: strip PTT and schedules so everything licensed transmits together
    const spec = venueSceneSpec({ quiet: true, impairments: {} });
    for (const e of spec.emitters) {
      delete e.ptt;
      delete e.schedule;
    }
    const scene = new Scene(spec);
    const n = 2048 * 48;
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    const out = new Uint8Array(2 * n);
    const plan = venueAssignments();
    const checked = new Set<string>();
    for (const c of VENUE_CLUSTERS) {
      scene.renderCu8({ centerHz: c.centerHz, sampleRateHz: FS, startSample: 2 * FS, count: n }, out, 0);
      let clipped = 0;
      for (const v of out) if (v === 0 || v === 255) clipped++;
      expect(clipped, c.id).toBe(0);
      scene.render({ centerHz: c.centerHz, sampleRateHz: FS, startSample: 2 * FS, count: n, re, im });
      const p = welch(re, im, 2048);
      const sorted = Array.from(p).sort((a, b) => a - b);
      const floor = sorted[Math.floor(sorted.length * 0.2)]!;
      // 20th percentile of a 48-average periodogram sits ≈ 0.5 dB under the mean density
      expect(Math.abs(db(floor / (FS / 2048)) + 100.5)).toBeLessThan(0.5);
      for (const a of plan) {
        const off = a.centerHz - c.centerHz;
        if (Math.abs(off) > FS / 2 - a.bandwidthHz) continue;
        const k = 1024 + Math.round((off / FS) * 2048);
        const w = Math.ceil((a.bandwidthHz / 2 / FS) * 2048);
        let pk = 0;
        for (let i = k - w; i <= k + w; i++) pk = Math.max(pk, p[i]!);
        const snr = db(pk / floor);
        expect(snr, a.id).toBeGreaterThan(10);
        expect(snr, a.id).toBeLessThan(40);
        checked.add(a.id);
      }
    }
    expect([...checked].sort()).toEqual(plan.map((a) => a.id).sort());
  });

  it('nothing clips at 0 dB gain during any staged event', () => {
    const scene = venueScene({ impairments: {} });
    const n = 65_536;
    const out = new Uint8Array(2 * n);
    for (const e of venueEvents(0, 4 * 240)) {
      const c = VENUE_CLUSTERS.find((x) => x.id === e.cluster)!;
      scene.renderCu8(
        { centerHz: c.centerHz, sampleRateHz: FS, startSample: Math.round((e.startS + 1) * FS), count: n },
        out,
        0,
      );
      let clipped = 0;
      for (const v of out) if (v === 0 || v === 255) clipped++;
      expect(clipped, e.emitterId).toBe(0);
    }
  });
});

describe('scene activity (ground truth for licensed traffic)', () => {
  it('reports on-intervals that match the rendered samples exactly', () => {
    const ts = 0.01;
    const scene = venueScene({ timeScale: ts, impairments: {} });
    const spec = venueSceneSpec({ timeScale: ts });
    const fs = 240_000;
    for (const id of ['PMR-01', 'DMR-02', 'MIC-05', 'EV-OVERPOWER-MIC05', 'MIC-07']) {
      const em = spec.emitters.find((e) => e.id === id)!;
      const alone = new Scene({ seed: 2026, emitters: [em] });
      const n = Math.round(2.4 * fs); // one cycle
      const re = new Float32Array(n);
      const im = new Float32Array(n);
      alone.render({ centerHz: em.centerHz, sampleRateHz: fs, startSample: 0, count: n, re, im });
      const iv = alone.activity(id, 0, 2.4, fs);
      expect(iv).toEqual(scene.activity(id, 0, 2.4, fs));
      let mismatches = 0;
      let onCount = 0;
      for (let i = 0; i < n; i++) {
        const t = i / fs;
        const on = iv.some(([a, b]) => t >= a - 1e-12 && t < b - 1e-12);
        if (on) onCount++;
        if (on !== (re[i] !== 0 || im[i] !== 0)) mismatches++;
      }
      expect(mismatches, id).toBe(0);
      expect(onCount, id).toBeGreaterThan(0);
    }
    expect(() => scene.activity('nope', 0, 1)).toThrow(/no emitter/);
  });
});
