/**
 * Classifier costs per emission: IqHistory.pushBlock (per cu8 block), extractChannel (per request) at several
 * bandwidths, computeFeatures, and the tfjs network on the WASM backend (one thread). Inputs are built outside
 * the timed loops.
 */
import { makeExample } from '../dsp/synth/examples.ts';
import { IqHistory, extractChannel } from '../models/iq-history.ts';
import { computeFeatures } from '../models/features.ts';
import { TfjsClassifier } from '../models/classifier.ts';

export const name = 'classifier';

function stats(ts: number[]): { medianMs: number; p99Ms: number } {
  const s = ts.slice().sort((a, b) => a - b);
  return {
    medianMs: Math.round((s[s.length >> 1] as number) * 1000) / 1000,
    p99Ms: Math.round((s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] as number) * 1000) / 1000,
  };
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const fs = 2_400_000;
  const ex = makeExample('nfm', { sampleRateHz: fs, count: 65536, quantize: true }, 1);
  const bytes = new Uint8Array(2 * 16384);
  for (let i = 0; i < 16384; i++) {
    bytes[2 * i] = Math.max(0, Math.min(255, Math.round((ex.re[i] as number) * 127.5 + 127.5)));
    bytes[2 * i + 1] = Math.max(0, Math.min(255, Math.round((ex.im[i] as number) * 127.5 + 127.5)));
  }
  const h = new IqHistory(1 << 16);
  const push: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    h.pushBlock({ format: 'cu8', bytes, sampleIndex: i * 16384, timeMs: 0, centerHz: 433e6, sampleRateHz: fs });
    push.push(performance.now() - t);
  }
  const clf = await TfjsClassifier.create({ backend: 'wasm' });
  const rows: Record<string, unknown>[] = [];
  for (const bw of [3_000, 12_500, 100_000, 200_000, 1_000_000]) {
    const ext: number[] = [];
    const feat: number[] = [];
    const net: number[] = [];
    for (let i = 0; i < 60; i++) {
      let t = performance.now();
      const s = extractChannel(h, 20_000, bw);
      ext.push(performance.now() - t);
      if (!s) throw new Error('history too short');
      t = performance.now();
      const f = computeFeatures(s);
      feat.push(performance.now() - t);
      t = performance.now();
      await clf.predict(f);
      net.push(performance.now() - t);
    }
    rows.push({ bandwidthHz: bw, extract: stats(ext), features: stats(feat), network: stats(net) });
  }
  clf.dispose();
  const pushStats = stats(push);
  const lines = [
    `IqHistory.pushBlock, 16384 cu8 samples: median ${pushStats.medianMs} ms, p99 ${pushStats.p99Ms} ms`,
    'bandwidth Hz | extract ms (median/p99) | features ms | network ms (wasm, 1 thread)',
    ...rows.map((r) => {
      const e = r.extract as ReturnType<typeof stats>;
      const f = r.features as ReturnType<typeof stats>;
      const n = r.network as ReturnType<typeof stats>;
      return `${String(r.bandwidthHz).padStart(9)} | ${e.medianMs}/${e.p99Ms} | ${f.medianMs}/${f.p99Ms} | ${n.medianMs}/${n.p99Ms}`;
    }),
  ];
  return { table: lines.join('\n'), results: { pushBlock: pushStats, perBandwidth: rows } };
}
