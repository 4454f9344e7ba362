/**
 * Bridge capacity: how many virtual dongles at 2.4 MS/s, paced in real time, the bridge sustains into a consumer
 * with no drops, and the CPU each costs. Path: the real driver (RtlSdr: control transfers, 15 bulk transfers in
 * flight, IqChunks) over VirtualRtlSdr devices rendering the demo venue (dsp/synth venueScene) with the
 * gate-aware loop cache. Dongles are spread over eight centres (the three venue clusters and quieter bands).
 *
 * For each N: open N dongles, stream WARMUP_S, then measure MEASURE_S: CPU (process.cpuUsage, user + system) per
 * wall second, and per dongle the samples delivered against rate × time, device FIFO drops and driver
 * samples-lost events. N is "sustained" with zero drops/losses and every dongle ≥ 95 % of real time (one 64 ms transfer of 5 s is 1.3 %; timers run late on a loaded host).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { RtlSdr } from '../firmware-bridge/rtlsdr.ts';
import { VirtualRtlSdr } from '../firmware-bridge/virtual/virtual-dongle.ts';
import { defaultVenueSource } from '../firmware-bridge/virtual/scene-source.ts';

export const name = 'bridge';

const RATE_HZ = 2_400_000;
const WARMUP_S = 1.5;
const MEASURE_S = 5;
const COUNTS = [4, 8, 16, 24, 32, 48, 64];
/** Dongles for the comparison run without the loop cache (every sample rendered by the synth). */
const NO_CACHE_DONGLES = 4;
const CENTRES_HZ = [471e6, 446.1e6, 98.5e6, 433.92e6, 1090e6, 868e6, 162e6, 145e6];

interface Trial {
  dongles: number;
  sustained: boolean;
  /** Worst dongle's delivered samples / (rate × time). */
  minRealtime: number;
  droppedSamples: number;
  lostEvents: number;
  /** Process CPU, % of one core. */
  cpuPct: number;
  cpuPerDonglePct: number;
  loopRenders: number;
  /** Worst event-loop delay during the measurement, ms (drops need a stall longer than the driver's 15 transfers). */
  maxLoopDelayMs: number;
  /** 1-minute load average of the host at the end (other jobs share the 2 cores). */
  hostLoad: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function trial(n: number, loopSamples?: number): Promise<Trial> {
  const source = defaultVenueSource();
  const devs: VirtualRtlSdr[] = [];
  const sdrs: RtlSdr[] = [];
  const delivered = new Float64Array(n);
  let lostEvents = 0;
  for (let i = 0; i < n; i++) {
    const dev = new VirtualRtlSdr({ serial: String(i + 1).padStart(8, '0'), ports: [i + 1], source, loopSamples });
    const sdr = await RtlSdr.open(dev);
    await sdr.setSampleRate(RATE_HZ);
    await sdr.setCenterFrequency(CENTRES_HZ[i % CENTRES_HZ.length] as number);
    await sdr.setGain(280);
    devs.push(dev);
    sdrs.push(sdr);
  }
  for (let i = 0; i < n; i++) {
    await (sdrs[i] as RtlSdr).startStream(
      (c) => {
        delivered[i] = (delivered[i] as number) + c.data.length / 2;
      },
      (e) => {
        if (e.type === 'samples-lost') lostEvents++;
      },
    );
  }
  await sleep(WARMUP_S * 1000);
  const d0 = Float64Array.from(delivered);
  const drop0 = devs.reduce((a, d) => a + d.streamStats.droppedSamples, 0);
  const lost0 = lostEvents;
  const renders0 = devs.reduce((a, d) => a + d.streamStats.loopRenders, 0);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(MEASURE_S * 1000);
  lag.disable();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const droppedSamples = devs.reduce((a, d) => a + d.streamStats.droppedSamples, 0) - drop0;
  const loopRenders = devs.reduce((a, d) => a + d.streamStats.loopRenders, 0) - renders0;
  let minRealtime = Infinity;
  for (let i = 0; i < n; i++) {
    minRealtime = Math.min(minRealtime, ((delivered[i] as number) - (d0[i] as number)) / (RATE_HZ * wallS));
  }
  for (const s of sdrs) await s.close();
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
  const lost = lostEvents - lost0;
  return {
    dongles: n,
    sustained: droppedSamples === 0 && lost === 0 && minRealtime >= 0.95,
    minRealtime,
    droppedSamples,
    lostEvents: lost,
    cpuPct,
    cpuPerDonglePct: cpuPct / n,
    loopRenders,
    maxLoopDelayMs: lag.max / 1e6,
    hostLoad: loadavg()[0] ?? 0,
  };
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const trials: Trial[] = [];
  for (const n of COUNTS) {
    const t = await trial(n);
    trials.push(t);
    if (!t.sustained) break;
    await sleep(300);
  }
  const noCache = await trial(NO_CACHE_DONGLES, 0);
  const ok = trials.filter((t) => t.sustained);
  const best = ok[ok.length - 1];
  const lines = [
    'dongles  sustained  min realtime  dropped  lost ev  CPU %core  CPU/dongle %  loop renders  max lag ms  host load',
    ...trials.map(
      (t) =>
        `${String(t.dongles).padStart(7)}  ${String(t.sustained).padStart(9)}  ${t.minRealtime.toFixed(3).padStart(12)}  ` +
        `${String(t.droppedSamples).padStart(7)}  ${String(t.lostEvents).padStart(7)}  ${t.cpuPct.toFixed(1).padStart(9)}  ` +
        `${t.cpuPerDonglePct.toFixed(2).padStart(12)}  ${String(t.loopRenders).padStart(12)}  ` +
        `${t.maxLoopDelayMs.toFixed(0).padStart(10)}  ${t.hostLoad.toFixed(1).padStart(9)}`,
    ),
    `path: RtlSdr driver over VirtualRtlSdr (venue scene, loop cache), ${RATE_HZ / 1e6} MS/s paced, ${MEASURE_S} s per step`,
    `without loop cache (synth renders every sample): ${noCache.dongles} dongles, sustained ${noCache.sustained}, ` +
      `CPU/dongle ${noCache.cpuPerDonglePct.toFixed(1)} %, min realtime ${noCache.minRealtime.toFixed(3)}`,
  ];
  return {
    table: lines.join('\n'),
    results: {
      virtualDongles: {
        sustained: best?.dongles ?? 0,
        cpuPerDonglePct: best ? Number(best.cpuPerDonglePct.toFixed(2)) : null,
        path: 'RtlSdr+virtual',
        sampleRateHz: RATE_HZ,
        testedUpTo: COUNTS[COUNTS.length - 1],
      },
      withoutLoopCache: noCache,
      trials,
    },
  };
}
