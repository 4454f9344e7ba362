/**
 * The default demo scene: a provincial party congress venue watched by three dongles (2.4 MS/s each):
 *
 * - UHF wireless microphones, 8 × 200 kHz channels at 470.125 + k·0.25 MHz (centre the dongle on 471.0 MHz),
 * - PMR446 analogue NFM and DMR-like 4FSK channels on the 446.00625 + k·12.5 kHz raster, plus two 25 kHz
 *   business-radio NFM channels nearby (centre on 446.1 MHz),
 * - a broadcast FM station at 98.5 MHz (centre on 98.5 MHz).
 *
 * On a repeating cycle (default 240 s, first event 15 s after start, all times × `timeScale`) the scene stages:
 * an unlicensed NFM talker, interference inside a licensed microphone channel, a jammer whose type rotates
 * (CW on a PMR channel, ~1 MHz barrage over the microphones, a sweep across the PMR band, a pulsed wideband jammer)
 * and an over-power licensed microphone. {@link venueEvents} lists exactly what is on when.
 */
import type { EmitterSpec, ImpairmentSpec, SceneSpec, ScheduleSpec } from './spec.ts';
import { Scene } from './scene.ts';

/** A frequency assignment in the format of examples/venue-plan.json (src/types.ts `Assignment`). */
export interface VenueAssignment {
  id: string;
  centerHz: number;
  bandwidthHz: number;
  emission: string;
  service: string;
  licensee: string;
  maxLevelDbfs: number;
}

export interface VenueOptions {
  /** Scene seed. Default 2026. */
  seed?: number;
  /** Multiplies every schedule time (0.1 = ten times faster). Default 1. */
  timeScale?: number;
  /** Event cycle before scaling, s. Default 240. */
  cycleS?: number;
  /** Receiver noise floor, dBFS/Hz. Default -100. */
  noiseDbfsPerHz?: number;
  /** Receiver impairments. Default: a small DC offset (a real R820T's centre spike), nothing else. */
  impairments?: ImpairmentSpec;
  /** Leave out the staged events (licensed traffic only). Default false. */
  quiet?: boolean;
}

/** Where to centre a 2.4 MS/s dongle to see each cluster. */
export const VENUE_CLUSTERS = [
  { id: 'mic', name: 'UHF wireless microphones', centerHz: 471_000_000, sampleRateHz: 2_400_000 },
  { id: 'pmr', name: 'PMR446 / DMR446 and business radio', centerHz: 446_100_000, sampleRateHz: 2_400_000 },
  { id: 'fm', name: 'FM broadcast', centerHz: 98_500_000, sampleRateHz: 2_400_000 },
] as const;

/** The tuner gain (dB) that corresponds to synth gain 0 dB, i.e. at which the plan's dBFS levels hold. */
export const REFERENCE_TUNER_GAIN_DB = 29.7;

/** The `gainDb` to pass to `Scene.renderCu8` for a tuner gain in tenths of dB (librtlsdr units, e.g. 297). */
export function synthGainDbForTuner(tunerGainTenthsDb: number): number {
  return tunerGainTenthsDb / 10 - REFERENCE_TUNER_GAIN_DB;
}

const ORGANISER = 'Ban Tổ chức Đại hội';
const BROADCASTER = 'Đài Phát thanh và Truyền hình tỉnh';
const SECURITY = 'Công an tỉnh';
const LOGISTICS = 'Văn phòng Tỉnh ủy';

const PMR_BASE_HZ = 446_006_250;
const PMR_STEP_HZ = 12_500;
const pmrHz = (k: number): number => PMR_BASE_HZ + k * PMR_STEP_HZ;
const micHz = (k: number): number => 470_125_000 + k * 250_000;

const LMR02_HZ = 446_625_000;

const MIC_LEVEL_DBFS = -32;
const MIC_MAX_DBFS = -25;
const PMR_LEVEL_DBFS = -42;
const PMR_MAX_DBFS = -35;

/** Every licensed assignment of the venue (examples/venue-plan.json is generated from this list). */
export function venueAssignments(): VenueAssignment[] {
  const out: VenueAssignment[] = [];
  for (let k = 0; k < 8; k++) {
    out.push({
      id: `MIC-0${k + 1}`,
      centerHz: micHz(k),
      bandwidthHz: 200_000,
      emission: '200KF3E',
      service: 'wireless microphone',
      licensee: k < 6 ? ORGANISER : BROADCASTER,
      maxLevelDbfs: MIC_MAX_DBFS,
    });
  }
  [0, 1, 2, 4, 5, 6].forEach((k, i) =>
    out.push({
      id: `PMR-0${i + 1}`,
      centerHz: pmrHz(k),
      bandwidthHz: 12_500,
      emission: '11K0F3E',
      service: 'land mobile (PMR446 analogue)',
      licensee: i < 3 ? ORGANISER : LOGISTICS,
      maxLevelDbfs: PMR_MAX_DBFS,
    }),
  );
  [8, 10, 12].forEach((k, i) =>
    out.push({
      id: `DMR-0${i + 1}`,
      centerHz: pmrHz(k),
      bandwidthHz: 12_500,
      emission: '7K60FXE',
      service: 'land mobile (DMR446 digital)',
      licensee: SECURITY,
      maxLevelDbfs: PMR_MAX_DBFS,
    }),
  );
  out.push(
    {
      id: 'LMR-01',
      centerHz: 445_600_000,
      bandwidthHz: 25_000,
      emission: '16K0F3E',
      service: 'land mobile',
      licensee: SECURITY,
      maxLevelDbfs: PMR_MAX_DBFS,
    },
    {
      id: 'LMR-02',
      centerHz: LMR02_HZ,
      bandwidthHz: 25_000,
      emission: '16K0F3E',
      service: 'land mobile',
      licensee: LOGISTICS,
      maxLevelDbfs: PMR_MAX_DBFS,
    },
    {
      id: 'FM-985',
      centerHz: 98_500_000,
      bandwidthHz: 200_000,
      emission: '200KF8E',
      service: 'FM broadcasting',
      licensee: BROADCASTER,
      maxLevelDbfs: -18,
    },
  );
  return out;
}

/** The plan as written to examples/venue-plan.json. */
export function venuePlan(): { name: string; assignments: VenueAssignment[] } {
  return { name: 'Đại hội Đảng bộ tỉnh — hội trường chính (demo venue)', assignments: venueAssignments() };
}

/** The plan as examples/venue-plan.csv. */
export function venuePlanCsv(): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = ['id,centerHz,bandwidthHz,emission,service,licensee,maxLevelDbfs'];
  for (const a of venueAssignments())
    rows.push([a.id, a.centerHz, a.bandwidthHz, a.emission, q(a.service), q(a.licensee), a.maxLevelDbfs].join(','));
  return rows.join('\n') + '\n';
}

export type VenueEventKind = 'unlicensed-emitter' | 'interference' | 'jamming' | 'over-power' | 'out-of-mask';

/** One staged event: the ground truth the engine's alarms are checked against. */
export interface VenueEvent {
  kind: VenueEventKind;
  /** Emitter id in the scene. */
  emitterId: string;
  /** Emitter kind (synth) and, for jammers, the jammer type of dsp/types.ts. */
  emitterKind: EmitterSpec['kind'];
  jammerType?: 'cw' | 'barrage' | 'sweep' | 'pulse';
  /** True centre and (occupied or swept) bandwidth, Hz. */
  centerHz: number;
  bandwidthHz: number;
  levelDbfs: number;
  /** The licensed assignment concerned (interference, over-power), if any. */
  assignmentId?: string;
  /** Cluster (dongle) that sees it. */
  cluster: (typeof VENUE_CLUSTERS)[number]['id'];
  /** On from startS (inclusive) to endS (exclusive), seconds from scene start. */
  startS: number;
  endS: number;
}

/** Offsets (before scaling) inside the cycle. */
const EV = {
  unlicensed: [15, 45],
  interference: [60, 90],
  jamming: [105, 135],
  overPower: [150, 180],
  outOfMask: [195, 225],
} as const;

interface Staged {
  spec: EmitterSpec;
  event: Omit<VenueEvent, 'startS' | 'endS'>;
  /** Which cycles (k mod every === phase) it runs in, and its window within the cycle (unscaled). */
  every: number;
  phase: number;
  window: readonly [number, number];
}

function staged(o: Required<Pick<VenueOptions, 'timeScale' | 'cycleS'>>): Staged[] {
  const ts = o.timeScale;
  const cyc = o.cycleS;
  const sched = (every: number, phase: number, w: readonly [number, number]) => ({
    windows: [{ fromS: (phase * cyc + w[0]) * ts, toS: (phase * cyc + w[1]) * ts }],
    repeatS: every * cyc * ts,
  });
  const mk = (
    spec: EmitterSpec,
    event: Omit<VenueEvent, 'startS' | 'endS' | 'emitterId' | 'emitterKind' | 'centerHz' | 'levelDbfs'>,
    every: number,
    phase: number,
    window: readonly [number, number],
  ): Staged => {
    const full: EmitterSpec = { ...spec, schedule: sched(every, phase, window) };
    return {
      spec: full,
      event: {
        ...event,
        emitterId: spec.id,
        emitterKind: spec.kind,
        centerHz: spec.centerHz,
        levelDbfs: spec.levelDbfs,
      },
      every,
      phase,
      window,
    };
  };
  const list: Staged[] = [];
  // an unlicensed talker on a free PMR446 channel (k = 14: outside every assignment)
  list.push(
    mk(
      { id: 'EV-UNLIC-NFM', kind: 'nfm', centerHz: pmrHz(14), levelDbfs: -40, deviationHz: 2500, label: 'unlicensed' },
      { kind: 'unlicensed-emitter', bandwidthHz: 11_000, cluster: 'pmr' },
      1,
      0,
      EV.unlicensed,
    ),
  );
  // a narrowband FM carrier inside MIC-02's channel, 60 kHz above its centre, while MIC-02 is on
  list.push(
    mk(
      {
        id: 'EV-INTF-MIC02',
        kind: 'nfm',
        centerHz: micHz(1) + 60_000,
        levelDbfs: -30,
        deviationHz: 2500,
        label: 'interference',
      },
      { kind: 'interference', bandwidthHz: 11_000, cluster: 'mic', assignmentId: 'MIC-02' },
      1,
      0,
      EV.interference,
    ),
  );
  // jammers, one type per cycle in rotation
  list.push(
    mk(
      { id: 'EV-JAM-CW', kind: 'tone', centerHz: pmrHz(2), levelDbfs: -30, label: 'jammer' },
      { kind: 'jamming', jammerType: 'cw', bandwidthHz: 0, cluster: 'pmr', assignmentId: 'PMR-03' },
      4,
      0,
      EV.jamming,
    ),
    mk(
      {
        id: 'EV-JAM-BARRAGE',
        kind: 'barrage',
        centerHz: 471_000_000,
        levelDbfs: -18,
        bandwidthHz: 1_000_000,
        label: 'jammer',
      },
      { kind: 'jamming', jammerType: 'barrage', bandwidthHz: 1_000_000, cluster: 'mic' },
      4,
      1,
      EV.jamming,
    ),
    mk(
      {
        id: 'EV-JAM-SWEEP',
        kind: 'sweep',
        centerHz: 446_100_000,
        levelDbfs: -22,
        spanHz: 1_000_000,
        rateHzPerS: 100_000_000,
        label: 'jammer',
      },
      { kind: 'jamming', jammerType: 'sweep', bandwidthHz: 1_000_000, cluster: 'pmr' },
      4,
      2,
      EV.jamming,
    ),
    mk(
      {
        id: 'EV-JAM-PULSE',
        kind: 'pulse',
        centerHz: 471_500_000,
        levelDbfs: -18,
        bandwidthHz: 500_000,
        periodS: 0.01,
        dutyCycle: 0.2,
        label: 'jammer',
      },
      { kind: 'jamming', jammerType: 'pulse', bandwidthHz: 500_000, cluster: 'mic' },
      4,
      3,
      EV.jamming,
    ),
  );
  // MIC-05 turned up 15 dB over its normal level (8 dB over the plan's maximum)
  list.push(
    mk(
      {
        id: 'EV-OVERPOWER-MIC05',
        kind: 'mic',
        centerHz: micHz(4),
        levelDbfs: MIC_LEVEL_DBFS + 15,
        label: 'licensed-overpower',
      },
      { kind: 'over-power', bandwidthHz: 115_000, cluster: 'mic', assignmentId: 'MIC-05' },
      1,
      0,
      EV.overPower,
    ),
  );
  // LMR-02's radio over-deviating (20 kHz instead of 5 kHz: ≈ 46 kHz Carson bandwidth in its 25 kHz channel)
  list.push(
    mk(
      {
        id: 'EV-OOM-LMR02',
        kind: 'nfm',
        centerHz: LMR02_HZ,
        levelDbfs: -40,
        deviationHz: 20_000,
        // talking without pauses, so that every moment of the event shows the excess width
        voicePause: 0,
        label: 'licensed-out-of-mask',
      },
      { kind: 'out-of-mask', bandwidthHz: 46_000, cluster: 'pmr', assignmentId: 'LMR-02' },
      1,
      0,
      EV.outOfMask,
    ),
  );
  return list;
}

function resolve(options: VenueOptions) {
  return {
    seed: options.seed ?? 2026,
    timeScale: options.timeScale ?? 1,
    cycleS: options.cycleS ?? 240,
    noiseDbfsPerHz: options.noiseDbfsPerHz ?? -100,
    impairments: options.impairments ?? { dcOffsetI: 0.002, dcOffsetQ: -0.0015 },
    quiet: options.quiet ?? false,
  };
}

/**
 * A licensed emitter's schedule that steps aside during one staged window of every cycle (its staged twin on the
 * same channel is on then): on from the cycle start to the window, and from the window's end to the cycle's, s.
 */
function offDuring(window: readonly [number, number], ts: number, cycleS: number): ScheduleSpec {
  return {
    windows: [
      { fromS: 0, toS: window[0] * ts },
      { fromS: window[1] * ts, toS: cycleS },
    ],
    repeatS: cycleS,
  };
}

/** The licensed emitters (ids equal the assignment ids). */
function licensed(o: ReturnType<typeof resolve>): EmitterSpec[] {
  const ts = o.timeScale;
  const cyc = o.cycleS * ts;
  const out: EmitterSpec[] = [];
  for (let k = 0; k < 8; k++) {
    const id = `MIC-0${k + 1}`;
    const base = {
      id,
      kind: 'mic' as const,
      centerHz: micHz(k),
      levelDbfs: MIC_LEVEL_DBFS + (k % 3) * 2 - 2,
      label: 'licensed',
    };
    if (k === 4) {
      // MIC-05 steps aside while its over-power twin (same channel) is on
      out.push({
        ...base,
        levelDbfs: MIC_LEVEL_DBFS,
        schedule: offDuring(EV.overPower, ts, cyc),
      });
    } else if (k >= 5) {
      out.push({ ...base, ptt: { slotS: 60 * ts, minOnS: 20 * ts, maxOnS: 50 * ts, activity: 0.8 } });
    } else {
      out.push(base);
    }
  }
  const pmrPtt = { slotS: 20 * ts, minOnS: 3 * ts, maxOnS: 12 * ts, activity: 0.6 };
  [0, 1, 2, 4, 5, 6].forEach((k, i) =>
    out.push({
      id: `PMR-0${i + 1}`,
      kind: 'nfm',
      centerHz: pmrHz(k),
      levelDbfs: PMR_LEVEL_DBFS + (i % 3) * 3 - 3,
      deviationHz: 2500,
      ctcssHz: i % 2 === 0 ? 88.5 : 0,
      ptt: pmrPtt,
      label: 'licensed',
    }),
  );
  [8, 10, 12].forEach((k, i) =>
    out.push({
      id: `DMR-0${i + 1}`,
      kind: 'fsk4',
      centerHz: pmrHz(k),
      levelDbfs: PMR_LEVEL_DBFS + i * 2 - 2,
      ptt: pmrPtt,
      label: 'licensed',
    }),
  );
  out.push(
    {
      id: 'LMR-01',
      kind: 'nfm',
      centerHz: 445_600_000,
      levelDbfs: -44,
      deviationHz: 5000,
      ptt: pmrPtt,
      label: 'licensed',
    },
    {
      id: 'LMR-02',
      kind: 'nfm',
      centerHz: LMR02_HZ,
      levelDbfs: -40,
      deviationHz: 5000,
      ptt: pmrPtt,
      // LMR-02 steps aside while its over-deviating twin (same channel) is on
      schedule: offDuring(EV.outOfMask, ts, cyc),
      label: 'licensed',
    },
    { id: 'FM-985', kind: 'wfm', centerHz: 98_500_000, levelDbfs: -28, label: 'licensed' },
  );
  return out;
}

/** The venue as a JSON-serialisable scene description. */
export function venueSceneSpec(options: VenueOptions = {}): SceneSpec {
  const o = resolve(options);
  const emitters = licensed(o);
  if (!o.quiet) for (const s of staged(o)) emitters.push(s.spec);
  return { seed: o.seed, noiseDbfsPerHz: o.noiseDbfsPerHz, emitters, impairments: o.impairments };
}

/** The default demo venue scene. */
export function venueScene(options: VenueOptions = {}): Scene {
  return new Scene(venueSceneSpec(options));
}

/**
 * Every staged event overlapping [fromS, toS) (seconds from scene start), in start order: what the alarm engine
 * should report. Licensed traffic (PTT, bursty microphones) is not listed; it must raise nothing.
 */
export function venueEvents(fromS: number, toS: number, options: VenueOptions = {}): VenueEvent[] {
  const o = resolve(options);
  if (o.quiet) return [];
  const ts = o.timeScale;
  const cyc = o.cycleS * ts;
  const out: VenueEvent[] = [];
  for (const s of staged(o)) {
    const period = s.every * cyc;
    const first = Math.max(0, Math.floor((fromS - (s.phase * o.cycleS + s.window[1]) * ts) / period));
    for (let k = first; ; k++) {
      const startS = k * period + (s.phase * o.cycleS + s.window[0]) * ts;
      const endS = k * period + (s.phase * o.cycleS + s.window[1]) * ts;
      if (startS >= toS) break;
      if (endS > fromS) out.push({ ...s.event, startS, endS });
    }
  }
  return out.sort((a, b) => a.startS - b.startS || a.emitterId.localeCompare(b.emitterId));
}
