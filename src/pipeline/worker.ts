/**
 * Worker thread of one sensor: reads IQ blocks from the shared ring and runs the spectral pipeline, so FFTs
 * never run on the main event loop (USB, HTTP, WebSocket). Frames go back by postMessage in small batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IqRing, type RingBuffers } from './ring.ts';
import { SpectralPipeline, type PipelineFrame, type SpectralOptions } from './spectral.ts';
import { createJammingStage } from './dsp-jamming-stage.ts';
import type { FrequencyPlan } from '../types.ts';

export interface WorkerInit {
  ring: RingBuffers;
  options: Omit<SpectralOptions, 'jamming'>;
}

export type ToWorker =
  { type: 'plan'; plan: FrequencyPlan; timeMs: number } | { type: 'flush'; timeMs: number } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'frames'; frames: PipelineFrame[]; lostSamples: number; spectra: number }
  | { type: 'error'; message: string; stack?: string }
  | { type: 'stopped' };

const init = workerData as WorkerInit;
const port = parentPort!;
const ring = new IqRing(init.ring);
const pipeline = new SpectralPipeline({
  ...init.options,
  jamming: createJammingStage({ learnS: init.options.floorLearnS }),
});
let stopping = false;
let pending: PipelineFrame[] = [];

function send(): void {
  if (!pending.length) return;
  const msg: FromWorker = {
    type: 'frames',
    frames: pending,
    lostSamples: pipeline.lostSamples,
    spectra: pipeline.spectra,
  };
  port.postMessage(msg);
  pending = [];
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'plan') pending.push(...wrap(pipeline.setPlan(m.plan, m.timeMs), m.timeMs));
  else if (m.type === 'flush') {
    drain();
    pending.push(...pipeline.flush(m.timeMs));
    send();
  } else if (m.type === 'stop') stopping = true;
});

/** A plan change only re-labels emissions: deliver the updates as an event-only frame. */
function wrap(events: ReturnType<SpectralPipeline['setPlan']>, timeMs: number): PipelineFrame[] {
  return events.length ? [{ ...emptyFrame(timeMs), events }] : [];
}

function emptyFrame(timeMs: number): PipelineFrame {
  return {
    sensorId: init.options.sensorId,
    timeMs,
    durationMs: 0,
    firstSample: -1,
    centerHz: 0,
    sampleRateHz: 0,
    binHz: 0,
    usableStartHz: NaN,
    usableStopHz: NaN,
    floorDbfs: NaN,
    floorRiseDb: 0,
    emissions: [],
    events: [],
    active: [],
    jamming: [],
    bands: [],
  };
}

function drain(): void {
  ring.read((b) => {
    for (const f of pipeline.push(b)) pending.push(f);
  });
}

async function loop(): Promise<void> {
  port.postMessage({ type: 'ready' } satisfies FromWorker);
  while (!stopping && !ring.closed) {
    drain();
    send();
    await ring.waitForData(200);
  }
  drain();
  send();
  port.postMessage({ type: 'stopped' } satisfies FromWorker);
}

loop().catch((e: unknown) => {
  const err = e as Error;
  port.postMessage({ type: 'error', message: err.message, stack: err.stack } satisfies FromWorker);
});
