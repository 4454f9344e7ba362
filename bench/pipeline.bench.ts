/**
 * `npm run bench pipeline`: `analyze` speed in multiples of real time for a 2.4 MS/s cu8 recording (one core,
 * in-process, the same pipeline as live monitoring), and alarm latency from an emitter's first sample in the IQ
 * to its alarm (unlicensed emitters, CW and barrage jammers). Inputs are synthesised outside the timed code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRecording, type AlarmRecord } from '../src/pipeline/analyze.ts';
import { writeSigmf, synthesize, type SynthEmitter } from '../test/pipeline/synthetic.ts';
import { SpectralPipeline } from '../src/pipeline/spectral.ts';

export const name = 'pipeline';

const FS = 2.4e6;
const FC = 446.2e6;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-'));
  try {
    // 1) Speed: 30 s with licensed-looking traffic (a few NFM carriers and bursts).
    const durationS = 30;
    const traffic: SynthEmitter[] = [];
    for (let k = 0; k < 8; k++)
      traffic.push({
        kind: 'fm',
        offsetHz: -800000 + k * 200000,
        snrDbPerBin: 12 + k,
        widthHz: 2500,
        fromS: k,
        toS: k + 12,
      });
    const speedMeta = writeSigmf(join(dir, 'speed'), {
      sampleRateHz: FS,
      centerHz: FC,
      durationS,
      seed: 1,
      emitters: traffic,
    });
    const runs: number[] = [];
    let spectra = 0;
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      const s = await analyzeRecording(speedMeta, {}, () => {});
      runs.push((performance.now() - t) / 1000);
      spectra = s.spectra;
    }
    const best = Math.min(...runs);
    const speed = durationS / best;

    // 2) Latency: 24 unlicensed emitters appearing at known times and frequencies, 10 dB per bin, 1.2 s each.
    const onsets: { t: number; f: number }[] = [];
    const ems: SynthEmitter[] = [];
    for (let k = 0; k < 24; k++) {
      const t = 1 + k * 1.37 + (k % 5) * 0.011;
      const off = -900000 + ((k * 377777) % 1800000);
      onsets.push({ t, f: FC + off });
      ems.push({ kind: 'fm', offsetHz: off, snrDbPerBin: 10, widthHz: 2500, fromS: t, toS: t + 1.2 });
    }
    const latMeta = writeSigmf(join(dir, 'lat'), {
      sampleRateHz: FS,
      centerHz: FC,
      durationS: 36,
      seed: 2,
      emitters: ems,
    });
    const alarms: AlarmRecord[] = [];
    await analyzeRecording(
      latMeta,
      { plan: { name: 'empty', assignments: [] } },
      (r) => r.type === 'alarm' && alarms.push(r),
    );
    const lat: number[] = [];
    let missed = 0;
    for (const o of onsets) {
      const a = alarms.find((x) => x.kind === 'unlicensed-emitter' && Math.abs(x.centerHz! - o.f) < 5000 && x.t >= o.t);
      if (a) lat.push(a.t - o.t);
      else missed++;
    }
    lat.sort((a, b) => a - b);

    // 3) Jammer latency: CW and barrage switching on after the baseline is learnt.
    const jam: Record<string, number> = {};
    for (const [kind, scene] of [
      ['cw', { emitters: [{ kind: 'tone', offsetHz: 250000, snrDbPerBin: 25, fromS: 3 }] as SynthEmitter[] }],
      ['barrage', { emitters: [] as SynthEmitter[], barrage: { fromS: 3, toS: 9, riseDb: 6 } }],
      [
        'sweep',
        {
          emitters: [
            { kind: 'tone', offsetHz: 0, snrDbPerBin: 25, fromS: 3, sweepHzPerS: 300000, sweepSpanHz: 1.2e6 },
          ] as SynthEmitter[],
        },
      ],
    ] as const) {
      const m = writeSigmf(join(dir, `jam-${kind}`), {
        sampleRateHz: FS,
        centerHz: FC,
        durationS: 5,
        seed: 3,
        ...scene,
      });
      const out: AlarmRecord[] = [];
      await analyzeRecording(m, { pipeline: { floorLearnS: 2 } }, (r) => r.type === 'alarm' && out.push(r));
      const a = out.find((x) => x.kind === 'jamming');
      jam[kind] = a ? a.t - 3 : NaN;
    }

    // 4) False alarms on noise only: raw per-spectrum candidates (fast CFAR and slow path) and confirmed emissions.
    const noiseS = 60;
    const noise = synthesize({ sampleRateHz: FS, centerHz: FC, durationS: noiseS, seed: 77, dc: 0.02, emitters: [] });
    const pipe = new SpectralPipeline({ sensorId: 'noise', centerHz: FC, sampleRateHz: FS, lineIntervalMs: 1e12 });
    let raw = 0;
    let confirmed = 0;
    let nSpectra = 0;
    const chunk = 2 * 262144;
    for (let off = 0; off < noise.length; off += chunk) {
      const bytes = noise.subarray(off, Math.min(noise.length, off + chunk));
      for (const f of pipe.push({
        format: 'cu8',
        bytes,
        sampleIndex: off / 2,
        timeMs: (off / 2 / FS) * 1000,
        centerHz: FC,
        sampleRateHz: FS,
      })) {
        if (f.durationMs > 0) nSpectra++;
        raw += f.emissions.length;
        confirmed += f.events.filter((e) => e.phase === 'start').length;
      }
    }
    const rawPerSpectrum = raw / Math.max(1, nSpectra);
    const results = {
      recording: { sampleRateHz: FS, durationS, format: 'cu8', fftSize: 2048, averages: 32 },
      analyzeSeconds: runs,
      spectra,
      realTimeMultiple: speed,
      unlicensedLatencyS: {
        n: lat.length,
        missed,
        p50: pct(lat, 50),
        p90: pct(lat, 90),
        p99: pct(lat, 99),
        max: lat[lat.length - 1],
      },
      jammerLatencyS: jam,
      noiseOnly: {
        seconds: noiseS,
        spectra: nSpectra,
        rawCandidates: raw,
        rawPerSpectrum,
        confirmedEmissions: confirmed,
      },
    };
    const table = [
      `analyze speed: ${speed.toFixed(1)}× real time (${durationS} s of 2.4 MS/s cu8 in ${best.toFixed(2)} s, best of 3; ${spectra} spectra)`,
      `unlicensed-emitter alarm latency (first sample → alarm), ${lat.length} emitters, ${missed} missed: p50 ${pct(lat, 50).toFixed(3)} s, p90 ${pct(lat, 90).toFixed(3)} s, p99 ${pct(lat, 99).toFixed(3)} s, max ${(lat[lat.length - 1] ?? NaN).toFixed(3)} s`,
      `noise only, ${noiseS} s (${nSpectra} spectra): ${raw} raw candidates (${rawPerSpectrum.toExponential(2)} per spectrum), ${confirmed} confirmed emissions`,
      `jamming alarm latency: ${Object.entries(jam)
        .map(([k, v]) => `${k} ${v.toFixed(3)} s`)
        .join(', ')}`,
    ].join('\n');
    return { table, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
