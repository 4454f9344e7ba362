/**
 * Plain-text tables of scores (./score.ts), shared by the venue evaluation and `bandwatch score`.
 */
import type { EventScore, FalsePositive, KindScore, LatencyStats, Overall } from './score.ts';

/** Two decimals, or an em dash for NaN / undefined figures. */
export const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');
/** Hz as MHz with four decimals (100 Hz), or an em dash. */
export const mhz = (x: number | null): string => (x === null ? '—' : (x / 1e6).toFixed(4));

/** The per-kind table (one header line, one line a kind) and the overall line. */
export function formatKindTable(kinds: Record<string, KindScore>, all: Overall, latencyS: LatencyStats): string[] {
  const L = ['kind                 events  TP  miss  FP  recall  precision  latency p50/p99 (s)'];
  for (const [k, s] of Object.entries(kinds))
    L.push(
      `${k.padEnd(20)} ${String(s.events).padStart(6)} ${String(s.truePositives).padStart(3)} ${String(s.misses).padStart(5)} ${String(s.falsePositives).padStart(3)}  ${f2(s.recall).padStart(6)}  ${f2(s.precision).padStart(9)}  ${f2(s.latencyS.p50)}/${f2(s.latencyS.p99)}`,
    );
  L.push(
    `overall: recall ${f2(all.recall)} (${all.truePositives}/${all.events}), precision ${f2(all.precision)} (${all.truePositives}/${all.alarms}), latency p50 ${f2(latencyS.p50)} s p99 ${f2(latencyS.p99)} s`,
  );
  return L;
}

/** Misses (with the alarms near them), false positives grouped by kind / reason / place, and detection quality. */
export function formatScoreDetails(s: EventScore): string[] {
  const L: string[] = [];
  for (const m of s.misses)
    L.push(
      `   MISS ${m.kind}${m.jammerType ? `/${m.jammerType}` : ''} ${m.emitterId} ${mhz(m.centerHz)} MHz [${f2(m.startS)}, ${f2(m.endS)}) s; near: ${
        m.nearAlarms.map((a) => `${a.kind}@${f2(a.t)}s ${mhz(a.centerHz)} ${JSON.stringify(a.detail)}`).join('; ') ||
        'none'
      }`,
    );
  const groups = new Map<string, FalsePositive[]>();
  for (const fp of s.falsePositives) {
    const key = `${fp.kind}|${fp.reason}|${fp.assignment ?? '-'}|${fp.centerHz === null ? '-' : Math.round(fp.centerHz / 10_000)}`;
    groups.set(key, [...(groups.get(key) ?? []), fp]);
  }
  for (const g of groups.values()) {
    const fp = g[0]!;
    L.push(
      `   FP ×${g.length} ${fp.kind} (${fp.reason}) ${mhz(fp.centerHz)} MHz bw ${fp.bandwidthHz ?? '—'} Hz lvl ${fp.levelDbfs ?? '—'} dBFS in ${fp.assignment ?? 'no assignment'} at ${g
        .slice(0, 6)
        .map((x) => f2(x.t))
        .join(', ')}${g.length > 6 ? ', …' : ''} s ${JSON.stringify(fp.detail)}`,
    );
  }
  for (const q of s.quality)
    L.push(
      `   quality ${q.emitterId}: ${q.detections} detection(s); centre err ${q.centerErrBins ?? '—'} bins, OBW err ${q.obwErrPct ?? '—'} % (truth ${q.truthBandwidthHz} Hz); alarm centre err ${q.alarmCenterErrBins ?? '—'} bins, alarm OBW err ${q.alarmObwErrPct ?? '—'} %`,
    );
  return L;
}
