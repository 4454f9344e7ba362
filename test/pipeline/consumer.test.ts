import { describe, expect, it } from 'vitest';
import { AlarmManager } from '../../src/alarms/manager.ts';
import { FrameConsumer } from '../../src/pipeline/consumer.ts';
import type { PipelineFrame } from '../../src/pipeline/spectral.ts';
import type { EmissionClass, FrequencyPlan, TrackedEmission } from '../../src/types.ts';
import type { JammerDetection } from '../../dsp/types.ts';

const PLAN: FrequencyPlan = {
  name: 'pmr',
  assignments: [{ id: 'PMR-03', centerHz: 446.03125e6, bandwidthHz: 12_500, maxLevelDbfs: -35 }],
};
const BIN = 1171.875;
const SPECTRUM_MS = 27.3;

function line(firstSeenMs: number): TrackedEmission {
  return {
    id: 'cw',
    sensorId: 's1',
    firstSeenMs,
    lastSeenMs: firstSeenMs,
    centerHz: 446.03125e6,
    bandwidthHz: 5000,
    peakDbfs: -28,
    channelPowerDbfs: -30,
    snrDb: 40,
    className: 'cw',
    confidence: 1,
    assignmentId: 'PMR-03',
    bursts: 1,
  };
}

function frame(timeMs: number, active: TrackedEmission[], jamming: JammerDetection[]): PipelineFrame {
  return {
    sensorId: 's1',
    timeMs,
    durationMs: SPECTRUM_MS,
    firstSample: 0,
    centerHz: 446.1e6,
    sampleRateHz: 2.4e6,
    binHz: BIN,
    usableStartHz: 445e6,
    usableStopHz: 447.2e6,
    floorDbfs: -100,
    floorRiseDb: 0,
    emissions: [],
    events: [],
    active,
    jamming,
    bands: [],
  };
}

const CW: JammerDetection = {
  type: 'cw',
  startHz: 446.03125e6 - 600,
  stopHz: 446.03125e6 + 600,
  score: 1,
  detail: {},
};

/** A consumer over an in-memory AlarmManager and a classifier that always says `label`; raised alarms listed. */
async function setup(label: EmissionClass) {
  const alarms = await AlarmManager.create({ escalateAfterMs: 0 });
  const consumer = new FrameConsumer({
    sensorId: 's1',
    alarms,
    getPlan: () => PLAN,
    classifier: { name: 'fixed', classify: () => Promise.resolve({ label, confidence: 1 }) },
  });
  const raised: { kind: string; t: number }[] = [];
  alarms.on((ev) => {
    if (ev.type === 'raised') raised.push({ kind: ev.alarm.kind, t: ev.alarm.raisedMs });
  });
  return { consumer, raised };
}

async function run(jammedUntilMs: number, totalMs: number) {
  const { consumer, raised } = await setup('cw');
  const em = line(0);
  for (let t = 0; t < totalMs; t += SPECTRUM_MS) {
    consumer.consume(frame(t, [{ ...em, lastSeenMs: t }], t >= 500 && t < jammedUntilMs ? [CW] : []));
  }
  return raised.map((r) => r.kind);
}

describe('FrameConsumer: a jammer whose report lapses', () => {
  it('keeps its energy the jamming alarm’s while that alarm stands, so the line is not also over-power', async () => {
    // Reported as CW from 0.5 s to 3 s, then the report lapses while the line stays on air for another 1.5 s.
    expect(await run(3000, 4500)).toEqual(['jamming']);
  });
  it('the line is judged as an emission again once the jamming alarm has cleared', async () => {
    // The jamming alarm clears 3 s after its last report (AlarmManager default): the line is then over-power.
    expect(await run(3000, 9000)).toEqual(['jamming', 'over-power']);
  });
});

describe('FrameConsumer: out-of-mask must persist', () => {
  async function oom(onMs: number, flipIds = false) {
    const { consumer, raised } = await setup('nfm');
    // A user 5 kHz off its 12.5 kHz channel's centre (tolerance ≈ 3 kHz), well under the channel's power limit.
    const user: TrackedEmission = {
      ...line(0),
      id: 'u',
      centerHz: 446.03125e6 + 5000,
      bandwidthHz: 8000,
      channelPowerDbfs: -45,
    };
    for (let t = 0; t < 4000; t += SPECTRUM_MS) {
      const on = t < onMs;
      // flipIds: the same emitter seen through two tracks, the rules judging one then the other for 0.6 s each
      const id = flipIds && Math.floor(t / 600) % 2 === 1 ? 'u2' : 'u';
      consumer.consume(frame(t, on ? [{ ...user, id, lastSeenMs: t }] : [], []));
    }
    return raised;
  }
  it('a breach that lasts only ~1 s after the emission hold raises nothing', async () => {
    expect(await oom(1300)).toEqual([]);
  });
  it('the persistence belongs to the breach (kind + assignment), not to whichever track shows it', async () => {
    expect((await oom(4000, true)).map((x) => x.kind)).toEqual(['out-of-mask']);
  });
  it('a lasting breach is raised once, ~1 s after the rules first reported it', async () => {
    const r = await oom(4000);
    expect(r.map((x) => x.kind)).toEqual(['out-of-mask']);
    // rules hold 450 ms (emission age) + 1000 ms persistence
    expect(r[0]!.t).toBeGreaterThanOrEqual(1450);
    expect(r[0]!.t).toBeLessThan(1600);
  });
});

describe('FrameConsumer: a jam class stands only over a reported jammer', () => {
  it('tells the classifier which jammers are reported, so the label follows the report', async () => {
    const { consumer } = await setup('jam-pulse');
    const em = { ...line(0), className: 'unknown' as EmissionClass, confidence: 0 };
    const label = () => consumer.withClass(em).className;
    let t = 0;
    const step = async (jammers: JammerDetection[], ms: number) => {
      for (const end = t + ms; t < end; t += SPECTRUM_MS) {
        const f = frame(t, [{ ...em, lastSeenMs: t }], jammers);
        // The tracker's start event asks for a classification.
        if (t === 0) f.events = [{ phase: 'start', emission: em }];
        consumer.consume(f);
        await consumer.settle();
      }
    };
    // No jammer reported: the model's jam answer is not confirmed.
    await step([], 600);
    expect(label()).not.toBe('jam-pulse');
    // The detector reports a pulsed jammer over the emission: the label becomes the model's jam answer.
    const PULSE: JammerDetection = { ...CW, type: 'pulse' };
    await step([PULSE], 300);
    expect(label()).toBe('jam-pulse');
  });
});

describe('FrameConsumer: an ook answer on a carrier', () => {
  it('stands for a short keyed emission, becomes cw for a line on the air without a break for over 1 s', async () => {
    const { consumer } = await setup('ook');
    const em = { ...line(0), className: 'unknown' as EmissionClass, confidence: 0, bandwidthHz: 6000 };
    const f = frame(0, [em], []);
    f.events = [{ phase: 'start', emission: em }];
    consumer.consume(f);
    await consumer.settle();
    expect(consumer.withClass({ ...em, lastSeenMs: 300 }).className).toBe('ook');
    expect(consumer.withClass({ ...em, lastSeenMs: 1500 }).className).toBe('cw');
    // Keyed more than once: the track no longer says "steady".
    expect(consumer.withClass({ ...em, lastSeenMs: 1500, bursts: 3 }).className).toBe('ook');
    // No wider than the window's main lobe (< 3 bins): a carrier whatever the snippet looked like.
    expect(consumer.withClass({ ...em, bandwidthHz: 2 * BIN, lastSeenMs: 300 }).className).toBe('cw');
  });
});
