/**
 * Main-thread handle of a sensor's pipeline worker: owns the shared ring, forwards blocks into it (a copy, no
 * FFT), and delivers the worker's frames to a callback. `InProcessPipeline` offers the same interface without
 * a thread (tests, `analyze`, platforms without workers).
 */
import { Worker } from 'node:worker_threads';
import { createRingBuffers, IqRing } from './ring.ts';
import { SpectralPipeline, type PipelineFrame, type SpectralOptions } from './spectral.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker.ts';
import type { FrequencyPlan, IqBlock } from '../types.ts';
import { createJammingStage } from './dsp-jamming-stage.ts';

export interface PipelineHandle {
  /** Hand a block over (copied; returns false when it had to be dropped). */
  push(block: IqBlock): boolean;
  setPlan(plan: FrequencyPlan, timeMs: number): void;
  /** End tracked emissions (shutdown, source end). */
  flush(timeMs: number): Promise<void>;
  stop(): Promise<void>;
  /** Blocks dropped because the consumer was behind. */
  dropped(): { blocks: number; bytes: number };
}

export class WorkerPipeline implements PipelineHandle {
  private readonly ring: IqRing;
  private stoppedP: Promise<void>;
  private flushWaiters: (() => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    ring: IqRing,
    onFrames: (frames: PipelineFrame[]) => void,
    onError: (e: Error) => void,
  ) {
    this.ring = ring;
    this.stoppedP = new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'frames') {
          onFrames(m.frames);
          for (const w of this.flushWaiters.splice(0)) w();
        } else if (m.type === 'error') onError(new Error(`pipeline worker: ${m.message}`));
        else if (m.type === 'stopped') resolve();
      });
      worker.on('error', (e) => {
        onError(e);
        resolve();
      });
      worker.on('exit', () => resolve());
    });
  }

  /** Start a worker; resolves once it is ready to read. Ring capacity defaults to ~1 s of 2.4 MS/s cu8. */
  static async create(
    options: Omit<SpectralOptions, 'jamming'>,
    onFrames: (frames: PipelineFrame[]) => void,
    onError: (e: Error) => void,
    ringBytes = 5 * 1024 * 1024,
  ): Promise<WorkerPipeline> {
    const buffers = createRingBuffers(ringBytes);
    const init: WorkerInit = { ring: buffers, options };
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: init });
    const ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.type === 'ready') {
          worker.off('message', onMsg);
          resolve();
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    const h = new WorkerPipeline(worker, new IqRing(buffers), onFrames, onError);
    await ready;
    return h;
  }

  push(block: IqBlock): boolean {
    return this.ring.write(block);
  }

  setPlan(plan: FrequencyPlan, timeMs: number): void {
    this.worker.postMessage({ type: 'plan', plan, timeMs } satisfies ToWorker);
  }

  flush(timeMs: number): Promise<void> {
    const p = new Promise<void>((r) => {
      this.flushWaiters.push(r);
      setTimeout(r, 2000).unref();
    });
    this.worker.postMessage({ type: 'flush', timeMs } satisfies ToWorker);
    return p;
  }

  async stop(): Promise<void> {
    this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    this.ring.close();
    const t = setTimeout(() => void this.worker.terminate(), 3000);
    await this.stoppedP;
    clearTimeout(t);
    await this.worker.terminate();
  }

  dropped(): { blocks: number; bytes: number } {
    return this.ring.dropped();
  }
}

export class InProcessPipeline implements PipelineHandle {
  readonly pipeline: SpectralPipeline;
  constructor(
    options: Omit<SpectralOptions, 'jamming'>,
    private readonly onFrames: (frames: PipelineFrame[]) => void,
  ) {
    this.pipeline = new SpectralPipeline({ ...options, jamming: createJammingStage({ learnS: options.floorLearnS }) });
  }
  push(block: IqBlock): boolean {
    const f = this.pipeline.push(block);
    if (f.length) this.onFrames(f);
    return true;
  }
  setPlan(plan: FrequencyPlan, timeMs: number): void {
    this.pipeline.setPlan(plan, timeMs);
  }
  flush(timeMs: number): Promise<void> {
    const f = this.pipeline.flush(timeMs);
    if (f.length) this.onFrames(f);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  dropped(): { blocks: number; bytes: number } {
    return { blocks: 0, bytes: 0 };
  }
}
