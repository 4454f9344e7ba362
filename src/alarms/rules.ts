/**
 * Compliance rules: tracked emissions + the plan in force → alarm conditions.
 * - outside every active assignment → unlicensed-emitter
 * - inside an assignment but too wide or off-centre → out-of-mask
 * - channel power above the assignment's maxLevelDbfs → over-power (clears 1 dB below, hysteresis)
 * - a second emission inside an assignment that already has its licensed user → interference
 * Wide emissions inside a range the jamming detector already alarms on are left to the jamming alarm.
 */
import { matchAssignment } from '../plan/match.ts';
import { activeAssignments } from '../plan/windows.ts';
import type { Assignment, FrequencyPlan, TrackedEmission } from '../types.ts';
import type { AlarmCondition } from './condition.ts';

export interface RuleContext {
  sensorId: string;
  timeMs: number;
  plan: FrequencyPlan;
  /** Spectrum bin width, Hz (measurement resolution). */
  binHz: number;
  /** Ranges currently alarmed as jamming, Hz. */
  jammedRanges?: { startHz: number; stopHz: number }[];
  /** Whether an over-power alarm is active on this assignment (for the clearing hysteresis). */
  overPowerActive?: (assignmentId: string) => boolean;
  /** Over-power clears only this far below the limit, dB. Default 1. */
  overPowerHysteresisDb?: number;
}

export function evaluateEmissions(emissions: readonly TrackedEmission[], ctx: RuleContext): AlarmCondition[] {
  const active = activeAssignments(ctx.plan, ctx.timeMs);
  const out: AlarmCondition[] = [];
  const byAssignment = new Map<string, { em: TrackedEmission; offset: number; ok: boolean }[]>();
  const base = (em: TrackedEmission) => ({
    sensorId: ctx.sensorId,
    timeMs: ctx.timeMs,
    centerHz: em.centerHz,
    bandwidthHz: em.bandwidthHz,
    levelDbfs: em.channelPowerDbfs,
    emissionId: em.id,
    className: em.className,
    confidence: em.confidence,
  });
  for (const em of emissions) {
    if (em.endedMs !== undefined) continue;
    if (insideJammed(em, ctx.jammedRanges)) continue;
    const m = matchAssignment(em.centerHz, em.bandwidthHz, active, { resolutionHz: ctx.binHz });
    if (!m.assignment) {
      out.push({
        ...base(em),
        kind: 'unlicensed-emitter',
        severity: 'major',
        assignmentId: null,
        detail: { snrDb: round(em.snrDb), peakDbfs: round(em.peakDbfs) },
      });
      continue;
    }
    const a = m.assignment;
    const list = byAssignment.get(a.id) ?? [];
    list.push({ em, offset: Math.abs(m.offsetHz), ok: m.relation === 'ok' });
    byAssignment.set(a.id, list);
  }
  for (const [id, list] of byAssignment) {
    const a = active.find((x) => x.id === id)!;
    // The licensed user is the in-mask emission nearest the assigned centre, else the strongest one.
    list.sort(
      (x, y) => Number(y.ok) - Number(x.ok) || x.offset - y.offset || y.em.channelPowerDbfs - x.em.channelPowerDbfs,
    );
    list.forEach((entry, i) => {
      const em = entry.em;
      if (i > 0) {
        out.push({
          ...base(em),
          kind: 'interference',
          severity: a.critical ? 'critical' : 'major',
          assignmentId: a.id,
          detail: { assignedCenterHz: a.centerHz, userEmissionId: list[0]!.em.id },
        });
        return;
      }
      const m = matchAssignment(em.centerHz, em.bandwidthHz, [a], { resolutionHz: ctx.binHz });
      if (m.relation === 'too-wide' || m.relation === 'off-centre') {
        out.push({
          ...base(em),
          kind: 'out-of-mask',
          severity: a.critical ? 'major' : 'minor',
          assignmentId: a.id,
          detail: maskDetail(a, em, m.relation, m.offsetHz),
        });
      }
      if (a.maxLevelDbfs !== undefined) {
        const limit = ctx.overPowerActive?.(a.id) ? a.maxLevelDbfs - (ctx.overPowerHysteresisDb ?? 1) : a.maxLevelDbfs;
        if (em.channelPowerDbfs > limit) {
          out.push({
            ...base(em),
            kind: 'over-power',
            severity: a.critical ? 'critical' : 'major',
            assignmentId: a.id,
            detail: { maxLevelDbfs: a.maxLevelDbfs, excessDb: round(em.channelPowerDbfs - a.maxLevelDbfs) },
          });
        }
      }
    });
  }
  return out;
}

function maskDetail(a: Assignment, em: TrackedEmission, relation: string, offsetHz: number): Record<string, unknown> {
  return {
    reason: relation,
    assignedCenterHz: a.centerHz,
    assignedBandwidthHz: a.bandwidthHz,
    measuredBandwidthHz: Math.round(em.bandwidthHz),
    offsetHz: Math.round(offsetHz),
  };
}

function insideJammed(em: TrackedEmission, ranges: { startHz: number; stopHz: number }[] | undefined): boolean {
  if (!ranges) return false;
  const lo = em.centerHz - em.bandwidthHz / 2;
  const hi = em.centerHz + em.bandwidthHz / 2;
  return ranges.some((r) => lo >= r.startHz - 1 && hi <= r.stopHz + 1 && em.bandwidthHz > 0.5 * (r.stopHz - r.startHz));
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
