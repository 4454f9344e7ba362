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
  /** In channels at least 20 bins wide, emissions narrower than this many bins are not judged. Default 5. */
  minWideChannelBins?: number;
  /** In wide channels, a second emission is interference only within this many dB of the user's power. Default 3. */
  wideInterferenceDb?: number;
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
    // Inside a wide channel (≥ 20 bins, e.g. a 200 kHz microphone), narrow lines are the user's own spectral lines
    // far more often than anything else: they are left to the CW-jammer detector instead of the mask rules.
    if (a.bandwidthHz >= 20 * ctx.binHz && em.bandwidthHz < (ctx.minWideChannelBins ?? 5) * ctx.binHz) continue;
    const list = byAssignment.get(a.id) ?? [];
    list.push({ em, offset: Math.abs(m.offsetHz), ok: m.relation === 'ok' });
    byAssignment.set(a.id, list);
  }
  for (const [id, list] of byAssignment) {
    const a = active.find((x) => x.id === id)!;
    const wide = a.bandwidthHz >= 20 * ctx.binHz;
    // The licensed user: in a narrow channel the in-mask emission nearest the assigned centre; in a wide channel
    // the strongest (its own spectral fragments are weaker and must not count as interference).
    if (wide) list.sort((x, y) => y.em.channelPowerDbfs - x.em.channelPowerDbfs);
    else
      list.sort(
        (x, y) => Number(y.ok) - Number(x.ok) || x.offset - y.offset || y.em.channelPowerDbfs - x.em.channelPowerDbfs,
      );
    list.forEach((entry, i) => {
      const em = entry.em;
      if (i > 0) {
        // In a wide channel only an emission nearly as strong as the user is called interference.
        if (wide && em.channelPowerDbfs < list[0]!.em.channelPowerDbfs - (ctx.wideInterferenceDb ?? 3)) return;
        // A second track centred inside the user's occupied band is the same emitter seen twice, not interference.
        const user = list[0]!.em;
        const overlapHz =
          Math.min(em.centerHz + em.bandwidthHz / 2, user.centerHz + user.bandwidthHz / 2) -
          Math.max(em.centerHz - em.bandwidthHz / 2, user.centerHz - user.bandwidthHz / 2);
        if (overlapHz > 0.25 * Math.min(em.bandwidthHz, user.bandwidthHz)) return;
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
