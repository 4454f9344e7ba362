/**
 * Compliance rules: tracked emissions + the plan in force → alarm conditions.
 * - outside every active assignment → unlicensed-emitter
 * - inside an assignment but too wide or off-centre → out-of-mask
 * - channel power above the assignment's maxLevelDbfs → over-power (clears 1 dB below, hysteresis)
 * - a second emission inside an assignment that already has its licensed user → interference
 * Shared bands (Assignment.shared: SRD/ISM bands, a PMR446 block) have no licensed user: every emission inside is
 * judged on its own — out-of-mask only when it reaches past the band's edges, over-power against the band's
 * maxLevelDbfs, never interference — and each gets its own alarm (keyed by emission). Outside its time windows a
 * shared band is not active, so its emissions are unlicensed like any other.
 * Wide emissions inside a range the jamming detector already alarms on are left to the jamming alarm.
 */
import { matchAssignment, type AssignmentMatch } from '../plan/match.ts';
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
  /**
   * Whether the alarm with this de-duplication key (AlarmCondition.key, kept in the alarm's `detail.key`) is active.
   * In a shared band over-power is per emission (key `over-power|<assignment>|<emission>`), so its clearing
   * hysteresis is too; without this callback {@link overPowerActive} of the band is used (any emission over the
   * limit then lowers the limit of all others in the band by the hysteresis).
   */
  alarmActive?: (key: string) => boolean;
  /**
   * Whether an interference alarm is active on this assignment. In a wide channel the user's centre and width are
   * then measured on a spectrum that may still hold the interferer (merged into one piece while it is not reported
   * apart), so the mask is not judged: the interference alarm already names the cause.
   */
  interferenceActive?: (assignmentId: string) => boolean;
  /** Over-power clears only this far below the limit, dB. Default 1. */
  overPowerHysteresisDb?: number;
  /** In channels at least 20 bins wide, emissions narrower than this many bins are not judged. Default 5. */
  minWideChannelBins?: number;
  /** In wide channels, a second emission is interference only within this many dB of the user's power. Default 6. */
  wideInterferenceDb?: number;
  /** ...and only with at least this SNR, dB (a microphone's own weak Bessel lines are not). Default 10. */
  minWideInterferenceSnrDb?: number;
  /**
   * Emission alarms (unlicensed, out-of-mask, over-power on a new emission, interference) wait until the emission
   * has been tracked this long, ms, so that a jammer's own energy is reported as jamming first (the jamming
   * detector needs ~0.5 s) and a piece of a moving spectrum is not judged on a glimpse. Default 450.
   */
  holdMs?: number;
  /**
   * Over-power waits this long after the emission appeared or its power stepped up (TrackedEmission.powerStepMs),
   * ms: a CW jammer parked on a channel or a barrage lifting it needs ~0.6 s to be reported as jamming. Default 700.
   */
  powerStepHoldMs?: number;
  /** `unlicensed-emitter` needs at least this SNR, dB (skirts and lines of licensed users are 1-5 dB). Default 6. */
  minUnlicensedSnrDb?: number;
  /**
   * At least this many unlicensed pieces lying close together (see {@link pieceGroups}) are one emitter cut into
   * pieces, and raise one alarm over their span when any of them is alarmable. Fewer keep their own alarms (an
   * emitter and its two skirts must not widen its alarm). Default 4.
   */
  minGroupPieces?: number;
}

export function evaluateEmissions(emissions: readonly TrackedEmission[], ctx: RuleContext): AlarmCondition[] {
  const active = activeAssignments(ctx.plan, ctx.timeMs);
  const out: AlarmCondition[] = [];
  const byAssignment = new Map<string, { em: TrackedEmission; offset: number; ok: boolean; fit: number }[]>();
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
  const holdMs = ctx.holdMs ?? 450;
  const held = (em: TrackedEmission) => ctx.timeMs - em.firstSeenMs < holdMs;
  const unmatched: TrackedEmission[] = [];
  for (const em of emissions) {
    if (em.endedMs !== undefined) continue;
    if (insideJammed(em, ctx.jammedRanges)) continue;
    const m = matchAssignment(em.centerHz, em.bandwidthHz, active, { resolutionHz: ctx.binHz });
    if (!m.assignment) {
      unmatched.push(em);
      continue;
    }
    const a = m.assignment;
    if (a.shared) {
      out.push(...sharedBandConditions(em, a, m.relation, ctx, base(em), held(em)));
      continue;
    }
    // Inside a wide channel (≥ 20 bins, e.g. a 200 kHz microphone), narrow lines are the user's own spectral lines
    // far more often than anything else: they are left to the CW-jammer detector instead of the mask rules.
    if (a.bandwidthHz >= 20 * ctx.binHz && em.bandwidthHz < (ctx.minWideChannelBins ?? 5) * ctx.binHz) continue;
    const list = byAssignment.get(a.id) ?? [];
    list.push({ em, offset: Math.abs(m.offsetHz), ok: m.relation === 'ok', fit: fit(a, em, ctx.timeMs) });
    byAssignment.set(a.id, list);
  }
  const alarmable = (em: TrackedEmission) => !held(em) && em.snrDb >= (ctx.minUnlicensedSnrDb ?? 6);
  for (const group of pieceGroups(unmatched, ctx.binHz)) {
    const loud = group.filter(alarmable);
    if (loud.length === 0) continue;
    if (group.length < (ctx.minGroupPieces ?? 4)) {
      for (const em of loud)
        out.push({
          ...base(em),
          kind: 'unlicensed-emitter',
          severity: 'major',
          assignmentId: null,
          detail: { snrDb: round(em.snrDb), peakDbfs: round(em.peakDbfs) },
        });
      continue;
    }
    out.push(groupCondition(group, loud, ctx));
  }
  for (const [id, list] of byAssignment) {
    const a = active.find((x) => x.id === id)!;
    const wide = a.bandwidthHz >= 20 * ctx.binHz;
    // The licensed user: in a narrow channel the in-mask emission nearest the assigned centre; in a wide channel
    // the best fit to the assignment (centre, width, age), never simply the strongest: an interferer may well be
    // stronger than the microphone it sits on.
    if (wide) list.sort((x, y) => x.fit - y.fit);
    else
      list.sort(
        (x, y) => Number(y.ok) - Number(x.ok) || x.offset - y.offset || y.em.channelPowerDbfs - x.em.channelPowerDbfs,
      );
    list.forEach((entry, i) => {
      const em = entry.em;
      if (i > 0) {
        const user = list[0]!.em;
        // In a wide channel the pipeline has already required the piece to persist in place (PersistentPieces):
        // a shorter hold there keeps the alarm within 1 s of the interferer's onset.
        if (ctx.timeMs - em.firstSeenMs < (wide ? 0.45 * holdMs : holdMs)) return;
        if (wide) {
          // The pipeline keeps a wide channel's user in one piece and lets only a separate, persistent band stand
          // apart; still, a far weaker one or one sitting on the user's own centre is not called interference.
          if (em.channelPowerDbfs < user.channelPowerDbfs - (ctx.wideInterferenceDb ?? 6)) return;
          if (em.snrDb < (ctx.minWideInterferenceSnrDb ?? 10)) return;
          // A user that is itself just starting (a PTT microphone keying up) still scatters stable-looking pieces.
          if (ctx.timeMs - user.firstSeenMs < 1000) return;
          if (Math.abs(em.centerHz - user.centerHz) < user.bandwidthHz / 4) return;
          // As wide as the user: the user seen twice (a track of its merged spectrum), not a separate band.
          if (em.bandwidthHz > 0.5 * user.bandwidthHz) return;
        } else {
          // A second track centred inside the user's occupied band is the same emitter seen twice, not interference.
          const overlapHz =
            Math.min(em.centerHz + em.bandwidthHz / 2, user.centerHz + user.bandwidthHz / 2) -
            Math.max(em.centerHz - em.bandwidthHz / 2, user.centerHz - user.bandwidthHz / 2);
          if (overlapHz > 0.25 * Math.min(em.bandwidthHz, user.bandwidthHz)) return;
        }
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
      // The mask is judged on the tracker's smoothed centre and bandwidth, once they have had time to settle.
      // In a wide channel, another emission lying inside the user's band (an interferer reported on its own) pulls a
      // merged measurement of the user off-centre: that is the interference alarm's business, not a mask breach.
      const pulled =
        wide &&
        ((m.relation === 'off-centre' &&
          list.some((o, k) => k > 0 && Math.abs(o.em.centerHz - em.centerHz) <= em.bandwidthHz / 2)) ||
          ctx.interferenceActive?.(a.id) === true);
      if (!held(em) && !pulled && (m.relation === 'too-wide' || m.relation === 'off-centre')) {
        out.push({
          ...base(em),
          kind: 'out-of-mask',
          severity: a.critical ? 'major' : 'minor',
          assignmentId: a.id,
          detail: maskDetail(a, em, m.relation, m.offsetHz),
        });
      }
      if (overPower(em, a, ctx, ctx.overPowerActive?.(a.id) === true)) {
        out.push({
          ...base(em),
          kind: 'over-power',
          severity: a.critical ? 'critical' : 'major',
          assignmentId: a.id,
          detail: { maxLevelDbfs: a.maxLevelDbfs, excessDb: round(em.channelPowerDbfs - a.maxLevelDbfs!) },
        });
      }
    });
  }
  return out;
}

/**
 * Whether an emission's channel power is over its assignment's `maxLevelDbfs` (less the hysteresis while the alarm
 * stands), once it has been on (and steady in power) long enough.
 */
function overPower(em: TrackedEmission, a: Assignment, ctx: RuleContext, standing: boolean): boolean {
  if (a.maxLevelDbfs === undefined) return false;
  const limit = standing ? a.maxLevelDbfs - (ctx.overPowerHysteresisDb ?? 1) : a.maxLevelDbfs;
  // A sudden rise waits a little longer than the other holds: a barrage lifting every microphone channel or a
  // CW jammer on a PMR channel needs ~0.6 s to be reported as jamming, and its energy must not be called
  // over-power first.
  const stepHold = ctx.powerStepHoldMs ?? 700;
  const stepped = ctx.timeMs - (em.powerStepMs ?? -Infinity) < stepHold || ctx.timeMs - em.firstSeenMs < stepHold;
  return em.channelPowerDbfs > limit && !stepped;
}

/**
 * One emission inside a shared band: any number of emitters may use the band at once, each at its own frequency and
 * width, so there is no licensed user to compare with (no interference) and no channel centre to be off (the mask
 * is the band's edges only). Conditions carry a key per emission, so two emitters spilling over the edges or over
 * the limit are two alarms, not one alarm per band.
 */
function sharedBandConditions(
  em: TrackedEmission,
  a: Assignment,
  relation: AssignmentMatch['relation'],
  ctx: RuleContext,
  base: Omit<AlarmCondition, 'kind' | 'severity' | 'assignmentId' | 'detail'>,
  held: boolean,
): AlarmCondition[] {
  const out: AlarmCondition[] = [];
  if (relation === 'beyond-edges' && !held) {
    const bandLoHz = a.centerHz - a.bandwidthHz / 2;
    const bandHiHz = a.centerHz + a.bandwidthHz / 2;
    const loHz = em.centerHz - em.bandwidthHz / 2;
    const hiHz = em.centerHz + em.bandwidthHz / 2;
    out.push({
      ...base,
      kind: 'out-of-mask',
      severity: a.critical ? 'major' : 'minor',
      assignmentId: a.id,
      key: `out-of-mask|${a.id}|${em.id}`,
      detail: {
        reason: 'beyond-edges',
        shared: true,
        assignedCenterHz: a.centerHz,
        assignedBandwidthHz: a.bandwidthHz,
        measuredBandwidthHz: Math.round(em.bandwidthHz),
        beyondLowHz: Math.round(Math.max(0, bandLoHz - loHz)),
        beyondHighHz: Math.round(Math.max(0, hiHz - bandHiHz)),
      },
    });
  }
  const key = `over-power|${a.id}|${em.id}`;
  const standing = ctx.alarmActive ? ctx.alarmActive(key) : ctx.overPowerActive?.(a.id) === true;
  if (overPower(em, a, ctx, standing)) {
    out.push({
      ...base,
      kind: 'over-power',
      severity: a.critical ? 'critical' : 'major',
      assignmentId: a.id,
      key,
      detail: { shared: true, maxLevelDbfs: a.maxLevelDbfs, excessDb: round(em.channelPowerDbfs - a.maxLevelDbfs!) },
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

/**
 * Fit of an emission to a wide assignment as its licensed user (lower is better): centre offset in half-channels,
 * plus a penalty for being much narrower than a typical user (half the channel), minus a bonus for age (the
 * incumbent, tracked ≥ 1 s, beats a newcomer).
 */
function fit(a: Assignment, em: TrackedEmission, timeMs: number): number {
  const offset = Math.abs(em.centerHz - a.centerHz) / (a.bandwidthHz / 2);
  const narrow = Math.max(0, 1 - em.bandwidthHz / (0.5 * a.bandwidthHz));
  const age = timeMs - em.firstSeenMs >= 1000 ? 0.2 : 0;
  return offset + 0.5 * narrow - age;
}

/**
 * Whether an emission is the jammer's own energy: it overlaps a jammed range by at least half of the narrower of
 * the two (a CW line inside a channel, a barrage or sweep smear spanning several channels).
 */
function insideJammed(em: TrackedEmission, ranges: { startHz: number; stopHz: number }[] | undefined): boolean {
  if (!ranges) return false;
  const lo = em.centerHz - em.bandwidthHz / 2;
  const hi = em.centerHz + em.bandwidthHz / 2;
  return ranges.some((r) => {
    const overlap = Math.min(hi, r.stopHz) - Math.max(lo, r.startHz);
    const narrower = Math.max(Math.min(hi - lo, r.stopHz - r.startHz), 1);
    return overlap >= 0.5 * narrower || (em.centerHz >= r.startHz && em.centerHz <= r.stopHz);
  });
}

/**
 * Unlicensed emissions that lie close together, in frequency order: each piece joins the previous one when the gap
 * between them is at most three times the wider one's width (at least 3 bins). An OFDM carrier wider than the capture
 * shows as a comb of pilot lines (real TD-LTE: 12-16 kHz lines every 45 kHz, 9 alarms in one second); a bursty wide
 * emission as scattered bumps. Separate emitters are rarely that close and, in groups smaller than
 * {@link RuleContext.minGroupPieces}, keep their own alarms anyway.
 */
export function pieceGroups(ems: readonly TrackedEmission[], binHz: number): TrackedEmission[][] {
  const sorted = [...ems].sort((a, b) => a.centerHz - b.centerHz);
  const groups: TrackedEmission[][] = [];
  let cur: TrackedEmission[] = [];
  let curHi = -Infinity;
  let prevBw = 0;
  for (const em of sorted) {
    const lo = em.centerHz - em.bandwidthHz / 2;
    const gap = lo - curHi;
    const hi = em.centerHz + em.bandwidthHz / 2;
    if (cur.length && gap <= Math.max(3 * Math.max(prevBw, em.bandwidthHz), 3 * binHz)) {
      cur.push(em);
      curHi = Math.max(curHi, hi);
    } else {
      if (cur.length) groups.push(cur);
      cur = [em];
      curHi = hi;
    }
    prevBw = em.bandwidthHz;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

/** One unlicensed-emitter condition over a group's span, named after its oldest alarmable piece. */
function groupCondition(group: TrackedEmission[], loud: TrackedEmission[], ctx: RuleContext): AlarmCondition {
  let lo = Infinity;
  let hi = -Infinity;
  let powerLin = 0;
  for (const em of group) {
    lo = Math.min(lo, em.centerHz - em.bandwidthHz / 2);
    hi = Math.max(hi, em.centerHz + em.bandwidthHz / 2);
    powerLin += 10 ** (em.channelPowerDbfs / 10);
  }
  const oldest = loud.reduce((a, b) => (b.firstSeenMs < a.firstSeenMs ? b : a));
  const strongest = loud.reduce((a, b) => (b.snrDb > a.snrDb ? b : a));
  return {
    sensorId: ctx.sensorId,
    timeMs: ctx.timeMs,
    centerHz: (lo + hi) / 2,
    bandwidthHz: hi - lo,
    levelDbfs: round(10 * Math.log10(powerLin)),
    emissionId: oldest.id,
    className: oldest.className,
    confidence: oldest.confidence,
    kind: 'unlicensed-emitter',
    severity: 'major',
    assignmentId: null,
    detail: { snrDb: round(strongest.snrDb), peakDbfs: round(strongest.peakDbfs), pieces: group.length },
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
