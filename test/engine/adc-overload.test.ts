import { describe, expect, it } from 'vitest';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { ToneTestSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import { AlarmManager } from '../../src/alarms/manager.ts';
import { ADC_OVERLOAD_KEY } from '../../src/engine/adc-overload.ts';
import { SensorNode } from '../../src/engine/sensor-node.ts';
import { DeviceSource } from '../../src/sources/device-source.ts';
import { HeuristicClassifier } from '../../src/tracking/classifier.ts';
import type { AlarmEvent, IqBlock, SensorStatus, Source, SourceEvent } from '../../src/types.ts';

const FS = 250_000;
const T0 = Date.parse('2026-05-01T09:00:00Z');

/**
 * A synthetic cu8 source: mid-scale noise (never at a rail) with exactly `fraction` of each 0.1 s block's samples
 * pinned to 255, per a schedule of [untilS, fraction]. Time is the sample clock from T0; `afterBlock` runs after each
 * block with its end time (the test ticks the alarm manager there, as the Monitor's clock does).
 */
class ClippingSource implements Source {
  readonly id = 'syn';
  readonly kind = 'sigmf' as const;
  readonly description = 'synthetic clipping schedule';
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly schedule: [untilS: number, fraction: number][],
    private readonly afterBlock: (endMs: number) => void,
  ) {}

  getCenterHz(): number {
    return 433.92e6;
  }
  getSampleRateHz(): number {
    return FS;
  }
  tune(): Promise<void> {
    return Promise.reject(new Error('fixed'));
  }

  start(onBlock: (b: IqBlock) => void, onEvent: (e: SourceEvent) => void): Promise<void> {
    const n = FS / 10;
    const bytes = new Uint8Array(2 * n);
    let seed = 7;
    this.loop = (async () => {
      let index = 0;
      for (const [untilS, fraction] of this.schedule) {
        while (index < untilS * FS && !this.stopped) {
          for (let i = 0; i < bytes.length; i++) {
            seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
            bytes[i] = 108 + (seed >>> 27); // 108..139: noise, far from the rails
          }
          const k = Math.round(fraction * n);
          // Spread the clipped samples over the block (I at the top rail).
          for (let j = 0; j < k; j++) bytes[2 * Math.floor((j * n) / k)] = 255;
          const timeMs = T0 + (index / FS) * 1000;
          onBlock({ format: 'cu8', bytes, sampleIndex: index, timeMs, centerHz: 433.92e6, sampleRateHz: FS });
          index += n;
          this.afterBlock(T0 + (index / FS) * 1000);
          await new Promise((r) => setImmediate(r));
        }
      }
      onEvent({ type: 'end' });
    })();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

function nodeWith(source: Source, alarms: AlarmManager, statuses: SensorStatus[], id = 's1'): SensorNode {
  return new SensorNode({
    id,
    name: id,
    source,
    mode: 'dwell',
    alarms,
    classifier: new HeuristicClassifier(),
    getPlan: () => ({ name: 'none', assignments: [] }),
    pipeline: {},
    useWorker: false,
    onEmission: () => undefined,
    onLine: () => undefined,
    onStatus: (s) => statuses.push(s),
  });
}

/** Statuses whose overload flag differs from the previous status's (absent = false). */
function flipsOf(statuses: SensorStatus[]): SensorStatus[] {
  let prev = false;
  return statuses.filter((s) => {
    const now = s.adcOverload ?? false;
    const flip = now !== prev;
    prev = now;
    return flip;
  });
}

const isOverloadAlarm = (e: AlarmEvent) => e.alarm.kind === 'sensor-fault' && e.alarm.detail.key === ADC_OVERLOAD_KEY;

describe('ADC overload → sensor-fault alarm (sensor node)', () => {
  it('raises after 2 s over 1 %, holds in the 0.1–1 % band, clears after 5 s under 0.1 %', async () => {
    const alarms = await AlarmManager.create({ escalateAfterMs: 0 });
    let tickMs = 0;
    const events: { type: AlarmEvent['type']; atTickMs: number; alarm: AlarmEvent['alarm'] }[] = [];
    alarms.on((e) => isOverloadAlarm(e) && events.push({ type: e.type, atTickMs: tickMs, alarm: e.alarm }));
    const source = new ClippingSource(
      [
        [1, 0], // clean
        [4, 0.05], // 5 % clipped for 3 s
        [6, 0.005], // 0.5 %: between the thresholds
        [14, 0], // clean
      ],
      (endMs) => {
        tickMs = endMs;
        alarms.tick(endMs);
      },
    );
    const statuses: SensorStatus[] = [];
    const node = nodeWith(source, alarms, statuses);
    const ended = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (node.status.state === 'stopped') {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    await node.start();
    await ended;
    await node.stop();

    const raised = events.filter((e) => e.type === 'raised');
    expect(raised).toHaveLength(1);
    const a = raised[0]!.alarm;
    // Windows [1, 2) and [2, 3) s are over 1 %: raised at the end of the second, 3 s after the start.
    expect(a.raisedMs).toBe(T0 + 3000);
    expect(a.severity).toBe('major');
    expect(a.detail).toMatchObject({ fault: 'overload', clippedFraction: 0.05, key: ADC_OVERLOAD_KEY });
    expect(String(a.detail.reason)).toContain('5.0 % of samples at the ADC limits');
    expect(String(a.detail.advice)).toMatch(/Lower the gain/);
    expect(String(a.detail.reasonVi)).toContain('Quá tải ADC: 5,0 %');
    expect(String(a.detail.adviceVi)).toMatch(/giảm độ khuếch đại/);

    const cleared = events.filter((e) => e.type === 'cleared');
    expect(cleared).toHaveLength(1);
    // Clean from 6 s; five clean windows end at 11 s: cleared then (not during the 0.5 % stretch, not earlier),
    // dated when the overload ended.
    expect(cleared[0]!.atTickMs).toBe(T0 + 11_000);
    expect(cleared[0]!.alarm.clearedMs).toBe(T0 + 6000);

    // The console is told at once: one status when it began, one when it ended.
    expect(flipsOf(statuses).map((s) => [s.adcOverload, s.clippedFraction])).toEqual([
      [true, 0.05],
      [false, 0],
    ]);
    // While overloaded the figure follows each window (here the 0.5 % stretch), for the sensors panel.
    expect(statuses.filter((s) => s.adcOverload).map((s) => s.clippedFraction)).toEqual([
      0.05, 0.05, 0.005, 0.005, 0, 0, 0, 0,
    ]);
    expect(node.status.clippedFraction).toBe(0);
    expect(node.status.adcOverload).toBe(false);
  }, 30_000);

  it('a clean source never raises it', async () => {
    const alarms = await AlarmManager.create({ escalateAfterMs: 0 });
    const source = new ClippingSource([[4, 0.001]], (t) => alarms.tick(t));
    const node = nodeWith(source, alarms, []);
    await node.start();
    while (node.status.state !== 'stopped') await new Promise((r) => setTimeout(r, 20));
    await node.stop();
    expect(alarms.list({ kind: 'sensor-fault' }).filter((x) => x.detail.key === ADC_OVERLOAD_KEY)).toEqual([]);
    expect(node.status.clippedFraction).toBe(0.001);
    expect(node.status.adcOverload).toBe(false);
  }, 30_000);

  it('a virtual dongle with its gain too high for a strong carrier raises it; lowering the gain clears it', async () => {
    // −30 dBm at the antenna: at 49.6 dB of gain ≈ +30 dBFS (pinned to the rails), at 0 dB ≈ −20 dBFS (clean).
    const dongle = new VirtualRtlSdr({
      paced: false,
      serial: '00000078',
      ports: [78],
      source: new ToneTestSource([{ freqHz: 100.15e6, levelDbm: -30 }]),
    });
    const device = await RtlSdr.open(dongle);
    const source = await DeviceSource.create(device, {
      id: 'hot',
      kind: 'virtual',
      centerHz: 100.1e6,
      sampleRateHz: FS,
      gain: 49.6,
    });
    const alarms = await AlarmManager.create({ escalateAfterMs: 0 });
    const statuses: SensorStatus[] = [];
    const node = nodeWith(source, alarms, statuses, 'hot');
    node.tap((b) => alarms.tick(b.timeMs + (b.bytes.length / 2 / b.sampleRateHz) * 1000));
    const events: AlarmEvent[] = [];
    const lowering: Promise<void>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not cleared: ${JSON.stringify(events)}`)), 25_000);
      alarms.on((e) => {
        if (!isOverloadAlarm(e)) return;
        events.push(e);
        if (e.type === 'raised') lowering.push(device.setGain(0));
        if (e.type === 'cleared') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await node.start();
    try {
      await done;
      await Promise.all(lowering);
    } finally {
      await node.stop();
    }
    const raised = events.find((e) => e.type === 'raised')!.alarm;
    expect(raised.detail.fault).toBe('overload');
    expect(raised.detail.clippedFraction as number).toBeGreaterThan(0.95);
    const cleared = events.find((e) => e.type === 'cleared')!.alarm;
    // At least the 5 s clean hysteresis (sample time) between the raise and the clear.
    expect(cleared.updatedMs - raised.raisedMs).toBeGreaterThanOrEqual(5000);
    expect(events.filter((e) => e.type === 'raised')).toHaveLength(1);
    expect(flipsOf(statuses).map((s) => s.adcOverload)).toEqual([true, false]);
    expect(node.status.clippedFraction).toBe(0);
  }, 40_000);
});
