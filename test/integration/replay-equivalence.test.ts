/**
 * Issue requirement: "replaying a recording made live gives the same detections and alarms as the live run did".
 * A live run of the engine (Monitor, in-process pipeline) on a paced source playing the venue scene (the PMR cluster,
 * schedule 20× faster), recorded to SigMF block by block while it runs; then `analyze` of that recording; both sets
 * compared. (A paced file source rather than the virtual dongle: on a loaded 2-core CI box the virtual dongle's
 * real-time rendering can stall and lose samples, which makes "the same blocks" a different stream to compare.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor.ts';
import { VENUE_PLAN_PATH } from '../../src/engine/setup.ts';
import { analyzeRecording, type AlarmRecord, type DetectionRecord } from '../../src/pipeline/analyze.ts';
import { loadPlanFile } from '../../src/plan/index.ts';
import { SigmfWriter } from '../../src/recording/sigmfWriter.ts';
import { SigmfSource } from '../../src/sources/sigmf-source.ts';
import { renderVenue, writeRecording } from './scene.ts';
import { EmbeddedStore } from '../../src/storage/embeddedStore.ts';
import type { Alarm, IqBlock, Source, SourceEvent, TrackedEmission } from '../../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Passes every block of `inner` on after writing it to `writer` (a recorder tapping the live stream). */
class RecordingSource implements Source {
  firstTimeMs = NaN;
  constructor(
    private readonly inner: Source,
    private readonly writer: SigmfWriter,
  ) {}
  get id() {
    return this.inner.id;
  }
  get kind() {
    return this.inner.kind;
  }
  get description() {
    return this.inner.description;
  }
  getCenterHz() {
    return this.inner.getCenterHz();
  }
  getSampleRateHz() {
    return this.inner.getSampleRateHz();
  }
  tune(hz: number) {
    return this.inner.tune(hz);
  }
  start(onBlock: (b: IqBlock) => void, onEvent: (e: SourceEvent) => void) {
    return this.inner.start((b) => {
      if (Number.isNaN(this.firstTimeMs)) this.firstTimeMs = b.timeMs;
      this.writer.write(b);
      onBlock(b);
    }, onEvent);
  }
  stop() {
    return this.inner.stop();
  }
}

const PMR_HZ = 446_100_000;
const BIN_HZ = 2_400_000 / 2048;
const SPECTRUM_S = 65536 / 2_400_000;

describe('replay equivalence', () => {
  it('analyze of a recording made live gives the live run’s detections and alarms', async () => {
    const plan = await loadPlanFile(VENUE_PLAN_PATH);
    // The PMR cluster at 20× schedule speed: talkers key up and down, unlicensed emitters come and go.
    const scene = writeRecording(join(dir, 'scene'), renderVenue(PMR_HZ, 8, 0.05), undefined, PMR_HZ);
    // Paced at 2× real time: a live-like source (blocks arrive over time, the monitor's timers run meanwhile).
    const live = await SigmfSource.create('live', scene, 2);
    const writer = await SigmfWriter.create({ basePath: join(dir, 'live'), sensorId: 'live', reason: 'manual' });
    const source = new RecordingSource(live, writer);
    const store = await EmbeddedStore.create({ dir: join(dir, 'measurements') });
    const monitor = await Monitor.create({
      dataDir: dir,
      plan,
      store,
      sensors: [{ id: 'live', source }],
      workers: false,
      evidence: false,
      spectrumHistory: false,
      // As analyze: no rate limit on new alarms.
      alarms: { maxRaisesPerMinute: 1000 },
    });
    const ended: TrackedEmission[] = [];
    const raised: Alarm[] = [];
    monitor.on('emission', (e) => e.phase === 'end' && ended.push(e.emission));
    monitor.on('alarm', (e) => e.type === 'raised' && e.alarm.kind !== 'sensor-fault' && raised.push(e.alarm));
    const ended0 = new Promise<void>((resolve) => monitor.on('sensor', (s) => s.state === 'stopped' && resolve()));
    await monitor.start();
    await ended0;
    await monitor.stop();
    const lost = monitor.sensors()[0]!.samplesLost;
    await store.close();
    await writer.close();

    const rel = (ms: number) => (ms - source.firstTimeMs) / 1000;
    const liveDet = ended.map((e) => ({
      t0: rel(e.firstSeenMs),
      t1: rel(e.endedMs ?? e.lastSeenMs),
      centerHz: e.centerHz,
      bandwidthHz: e.bandwidthHz,
      class: e.className,
      assignment: e.assignmentId,
    }));
    const liveAlarms = raised.map((a) => ({
      kind: a.kind,
      t: rel(a.raisedMs),
      centerHz: a.centerHz,
      assignment: a.assignmentId,
    }));

    const dets: DetectionRecord[] = [];
    const alarms: AlarmRecord[] = [];
    await analyzeRecording(writer.metaPath, { plan }, (r) => (r.type === 'detection' ? dets.push(r) : alarms.push(r)));

    console.log(
      `live: ${liveDet.length} detections, ${liveAlarms.length} alarms; classes ${[...new Set(liveDet.map((d) => d.class))].join(',')}; alarms ${liveAlarms.map((a) => a.kind).join(',')}; ${lost} samples lost live`,
    );
    expect(liveDet.length).toBeGreaterThan(2);
    expect(liveAlarms.length).toBeGreaterThan(0);

    // Same alarms: kind, assignment, centre within a bin, raise time within one spectrum.
    expect(alarms.length).toBe(liveAlarms.length);
    const sortA = <T extends { t: number; centerHz: number | null }>(l: T[]) =>
      [...l].sort((x, y) => x.t - y.t || (x.centerHz ?? 0) - (y.centerHz ?? 0));
    const la = sortA(liveAlarms);
    const ra = sortA(alarms);
    la.forEach((a, i) => {
      const r = ra[i]!;
      const what = `alarm ${i}: live ${JSON.stringify(a)} replay ${JSON.stringify(r)}`;
      expect(r.kind, what).toBe(a.kind);
      expect(r.assignment, what).toBe(a.assignment);
      expect(Math.abs(r.t - a.t), what).toBeLessThanOrEqual(SPECTRUM_S + 0.002);
      if (a.centerHz !== null) expect(Math.abs(r.centerHz! - a.centerHz), what).toBeLessThanOrEqual(BIN_HZ);
    });

    // Same detections: start/end within a spectrum, centre within a bin, same assignment and class.
    expect(dets.length).toBe(liveDet.length);
    const sortD = <T extends { t0: number; centerHz: number }>(l: T[]) =>
      [...l].sort((x, y) => x.t0 - y.t0 || x.centerHz - y.centerHz);
    const ld = sortD(liveDet);
    const rd = sortD(dets);
    ld.forEach((d, i) => {
      const r = rd[i]!;
      const what = `detection ${i}: live ${JSON.stringify(d)} replay ${JSON.stringify(r)}`;
      expect(Math.abs(r.t0 - d.t0), what).toBeLessThanOrEqual(SPECTRUM_S + 0.002);
      expect(Math.abs(r.t1 - d.t1), what).toBeLessThanOrEqual(SPECTRUM_S + 0.002);
      expect(Math.abs(r.centerHz - d.centerHz), what).toBeLessThanOrEqual(BIN_HZ);
      expect(r.assignment, what).toBe(d.assignment);
      expect(r.class, what).toBe(d.class);
    });
  }, 30_000);
});
