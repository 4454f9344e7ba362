/**
 * Synthesiser throughput: the default venue scene rendered to cu8 at 2.4 MS/s, one dongle per cluster, in
 * 131 072-sample chunks (one librtlsdr transfer), single thread. Goal: ≥ 40 MS/s per core for a typical band
 * (the virtual dongle needs 2.4 MS/s per dongle in real time). Rates are per CPU-second of this process (user +
 * system), so a busy machine does not distort them much.
 */
import { VENUE_CLUSTERS, venueEvents, venueScene } from '../dsp/synth/index.ts';
import { Scene, type EmitterSpec } from '../dsp/synth/index.ts';

export const name = 'synth';

const FS = 2_400_000;
const CHUNK = 131_072;

function measure(scene: Scene, centerHz: number, startS: number, minMs: number): number {
  const out = new Uint8Array(2 * CHUNK);
  let s = Math.round(startS * FS);
  // warm-up (JIT, block caches)
  for (let i = 0; i < 4; i++)
    scene.renderCu8({ centerHz, sampleRateHz: FS, startSample: s + i * CHUNK, count: CHUNK }, out);
  s += 4 * CHUNK;
  let samples = 0;
  // CPU time of this process, not wall time: the figure is per core, whatever else the machine runs
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    scene.renderCu8({ centerHz, sampleRateHz: FS, startSample: s, count: CHUNK }, out);
    s += CHUNK;
    samples += CHUNK;
  }
  const c = process.cpuUsage(c0);
  return samples / ((c.user + c.system) / 1000) / 1000;
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const scene = venueScene();
  const rows: { case: string; msps: number; realtimeFactor: number }[] = [];
  const add = (label: string, msps: number) =>
    rows.push({ case: label, msps: +msps.toFixed(1), realtimeFactor: +(msps / 2.4).toFixed(1) });
  for (const c of VENUE_CLUSTERS)
    add(`venue ${c.id} @ ${c.centerHz / 1e6} MHz, quiet phase (t=2 s)`, measure(scene, c.centerHz, 2, 1500));
  // each cluster during its busiest staged event
  for (const e of venueEvents(0, 4 * 240)) {
    if (e.kind !== 'jamming') continue;
    const c = VENUE_CLUSTERS.find((x) => x.id === e.cluster)!;
    add(`venue ${c.id} during ${e.jammerType} jammer`, measure(scene, c.centerHz, e.startS + 1, 1000));
  }
  add('noise floor only', measure(new Scene({ seed: 1, noiseDbfsPerHz: -100, emitters: [] }), 1e8, 0, 1000));
  const kinds: EmitterSpec[] = [
    { id: 'x', kind: 'tone', centerHz: 1e8 + 1e5, levelDbfs: -30 },
    { id: 'x', kind: 'nfm', centerHz: 1e8 + 1e5, levelDbfs: -30 },
    { id: 'x', kind: 'fsk4', centerHz: 1e8 + 1e5, levelDbfs: -30, tdma: false },
    { id: 'x', kind: 'mic', centerHz: 1e8 + 1e5, levelDbfs: -30 },
    { id: 'x', kind: 'wfm', centerHz: 1e8 + 1e5, levelDbfs: -30 },
    { id: 'x', kind: 'am', centerHz: 1e8 + 1e5, levelDbfs: -30 },
    { id: 'x', kind: 'ofdm', centerHz: 1e8 + 1e5, levelDbfs: -30, bandwidthHz: 1e6 },
    { id: 'x', kind: 'barrage', centerHz: 1e8 + 1e5, levelDbfs: -30, bandwidthHz: 1e6 },
    { id: 'x', kind: 'sweep', centerHz: 1e8, levelDbfs: -30, spanHz: 2e6, rateHzPerS: 1e8 },
  ];
  for (const k of kinds)
    add(`noise + one ${k.kind}`, measure(new Scene({ seed: 1, noiseDbfsPerHz: -100, emitters: [k] }), 1e8, 0, 700));
  const w = Math.max(...rows.map((r) => r.case.length));
  const table = [
    `${'case'.padEnd(w)}  MS/s   × real time (2.4 MS/s)`,
    ...rows.map((r) => `${r.case.padEnd(w)}  ${String(r.msps).padStart(5)}  ${String(r.realtimeFactor).padStart(5)}`),
  ].join('\n');
  return { table, results: { sampleRateHz: FS, chunkSamples: CHUNK, rows } };
}
