/**
 * Builds a running Monitor from a MonitorConfig: picks the plan, opens the sources (explicit sensors, an
 * `--input`, real dongles when present, else the simulated venue with virtual dongles dwelling on the venue
 * clusters), opens storage.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MonitorConfig, SensorConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { loadPlanFile } from '../plan/index.ts';
import { planSensors } from '../scheduler/plan-sensors.ts';
import { planHops } from '../scheduler/sweep.ts';
import { openLiveInput, DEFAULT_SAMPLE_RATE_HZ } from '../sources/open.ts';
import { listUsbDongles } from '../sources/usb.ts';
import { openStore } from '../storage/openStore.ts';
import type { FrequencyPlan } from '../types.ts';
import { Monitor, type SensorSpec } from './monitor.ts';
import { VENUE_CLUSTERS } from '../../dsp/synth/venue.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const VENUE_PLAN_PATH = resolve(here, '..', '..', 'examples', 'venue-plan.json');

export interface SetupResult {
  monitor: Monitor;
  plan: FrequencyPlan;
  planFile?: string;
  /** What was chosen and why (printed at start). */
  summary: string[];
}

export interface SetupOverrides {
  input?: string;
  centerHz?: number;
  sampleRateHz?: number;
  gain?: number | 'auto';
  sweep?: { startHz: number; stopHz: number }[];
  log?: (line: string) => void;
}

export async function setupMonitor(cfg: MonitorConfig, ov: SetupOverrides = {}): Promise<SetupResult> {
  const summary: string[] = [];
  let sensorsCfg: SensorConfig[] = cfg.sensors;
  let simulated = false;
  if (ov.input) {
    sensorsCfg = [
      {
        id: 'sensor1',
        input: ov.input,
        centerHz: ov.centerHz,
        sampleRateHz: ov.sampleRateHz,
        gain: ov.gain,
        mode: ov.sweep ? 'sweep' : 'dwell',
        sweep: ov.sweep,
      },
    ];
  } else if (sensorsCfg.length === 0) {
    const dongles = await listUsbDongles();
    if (dongles.length) {
      summary.push(`found ${dongles.length} RTL-SDR dongle(s)`);
      sensorsCfg = dongles.map((d, i) => ({
        id: `usb${i + 1}`,
        input: d.serialNumber ? `usb:${d.serialNumber}` : 'usb',
        gain: ov.gain,
        sweep: ov.sweep,
        mode: ov.sweep ? 'sweep' : undefined,
      }));
    } else {
      simulated = true;
      summary.push(`no dongle found: running the simulated venue with ${cfg.venue.sensors} virtual dongle(s)`);
    }
  }
  const planFile = cfg.plan ?? (simulated || (ov.input?.startsWith('virtual') ?? false) ? VENUE_PLAN_PATH : undefined);
  const plan: FrequencyPlan = planFile ? await loadPlanFile(planFile) : { name: 'no plan', assignments: [] };
  summary.push(
    planFile
      ? `plan '${plan.name}' (${plan.assignments.length} assignments) from ${planFile}`
      : 'no plan: every emission is reported as unlicensed',
  );

  const rate = ov.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ;
  if (simulated) {
    const clusters = VENUE_CLUSTERS.slice(0, Math.max(1, Math.min(cfg.venue.sensors, VENUE_CLUSTERS.length)));
    sensorsCfg = clusters.map((c) => ({
      id: `venue-${c.id}`,
      name: `virtual ${c.name}`,
      input: 'virtual:venue',
      centerHz: c.centerHz,
      sampleRateHz: c.sampleRateHz,
    }));
    // Extra sensors beyond the clusters sweep the whole plan span.
    if (cfg.venue.sensors > clusters.length && plan.assignments.length) {
      const lo = Math.min(...plan.assignments.map((a) => a.centerHz - a.bandwidthHz));
      const hi = Math.max(...plan.assignments.map((a) => a.centerHz + a.bandwidthHz));
      sensorsCfg.push({
        id: 'venue-sweep',
        input: 'virtual:venue',
        mode: 'sweep',
        sweep: [{ startHz: lo, stopHz: hi }],
      });
    }
  } else {
    // Dongles without a frequency get roles from the plan: critical clusters dwell, the rest sweep.
    const unplaced = sensorsCfg.filter((s) => s.centerHz === undefined && !s.sweep?.length);
    if (unplaced.length) {
      const roles = planSensors(plan, unplaced.length, rate);
      unplaced.forEach((s, i) => {
        const r = roles[i];
        if (!r) return;
        if (r.mode === 'sweep') {
          s.mode = 'sweep';
          s.sweep = r.ranges;
        } else s.centerHz = r.centerHz;
      });
    }
  }

  const specs: SensorSpec[] = [];
  let port = 1;
  for (const s of sensorsCfg) {
    const sweepRanges = s.sweep?.length ? s.sweep : undefined;
    const centerHz =
      s.centerHz ?? (sweepRanges ? planHops(sweepRanges, s.sampleRateHz ?? rate)[0]!.centerHz : undefined);
    if (centerHz === undefined && !s.input.startsWith('virtual') && !s.input.endsWith('.sigmf-meta')) {
      throw new ConfigError(
        'BW_ERR_CONFIG',
        `sensor '${s.id}' has no centre frequency: give centerHz, a sweep, or a plan`,
        { field: `sensors.${s.id}.centerHz` },
      );
    }
    const cluster = VENUE_CLUSTERS.find((c) => c.centerHz === centerHz)?.id;
    const source = await openLiveInput(s.input, {
      id: s.id,
      centerHz,
      sampleRateHz: s.sampleRateHz ?? rate,
      gain: s.gain,
      ppm: s.ppm,
      timeScale: cfg.venue.timeScale,
      cluster,
      serial: s.input.startsWith('virtual') ? String(port).padStart(8, '0') : undefined,
      port: port++,
    });
    specs.push({ id: s.id, name: s.name ?? s.id, source, mode: sweepRanges ? 'sweep' : 'dwell', ranges: sweepRanges });
    summary.push(
      `sensor ${s.id}: ${source.description}, ${sweepRanges ? `sweeping ${sweepRanges.map((r) => `${(r.startHz / 1e6).toFixed(3)}-${(r.stopHz / 1e6).toFixed(3)} MHz`).join(', ')}` : `dwelling at ${(source.getCenterHz() / 1e6).toFixed(4)} MHz`}`,
    );
  }
  const store = await openStore({ dataDir: cfg.dataDir, influx: cfg.storage.influx });
  summary.push(
    `storage: ${store.kind}${cfg.storage.influx ? ` (${cfg.storage.influx.url})` : ` under ${join(cfg.dataDir, 'measurements')}`}`,
  );
  const monitor = await Monitor.create({
    dataDir: cfg.dataDir,
    plan,
    planFile: planFile && existsSync(planFile) ? planFile : undefined,
    store,
    sensors: specs,
    workers: cfg.pipeline.workers,
    pipeline: {
      fftSize: cfg.pipeline.fftSize,
      pfa: cfg.pipeline.pfa,
      ...(cfg.pipeline.averages !== undefined ? { averages: cfg.pipeline.averages } : {}),
    },
    alarms: {
      escalateAfterS: cfg.alarms.escalateAfterS,
      clearAfterS: cfg.alarms.clearAfterS,
      maxRaisesPerMinute: cfg.alarms.maxRaisesPerMinute,
      webhooks: cfg.alarms.webhooks,
    },
    storageIntervalS: cfg.storage.intervalS,
    spectrumHistory: { keepDays: cfg.history.keepDays },
    log: ov.log,
  });
  return { monitor, plan, planFile, summary };
}
