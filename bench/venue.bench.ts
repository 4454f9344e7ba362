/**
 * `npm run bench venue`: a shorter venue evaluation (scripts/venue-eval.ts) — all three clusters over one full
 * jammer rotation of a 0.1× schedule (96 s each, 3 s events), 30 s noise-only and licensed-only controls per
 * cluster. Alarm precision / recall per kind, latency, false alarms. The full figures come from
 * `node --import tsx scripts/venue-eval.ts` (0.25× schedule, 240 s per cluster).
 */
import { evaluateVenue, formatReport } from '../scripts/venue-eval.ts';

export const name = 'venue';

export async function run(): Promise<{ table: string; results: unknown }> {
  const t = performance.now();
  const report = await evaluateVenue({ timeScale: 0.1, durationS: 96, controlS: 30, warmupS: 10 });
  const wallS = (performance.now() - t) / 1000;
  return { table: `${formatReport(report)}\n(wall time ${wallS.toFixed(1)} s)`, results: { ...report, wallS } };
}
