/**
 * Opens a SigMF recording (validated against its data file) and streams it as IqBlocks: chunked, never across a
 * capture boundary (so each block has one centre frequency), timed from core:datetime + sample offset, paced at
 * 1×, N× or as fast as possible, with pause, resume and seek.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { RecordingError } from '../errors.ts';
import type { IqBlock } from '../types.ts';
import {
  BYTES_PER_SAMPLE,
  checkDataSize,
  parseSigmfMeta,
  RECORDING_ERRORS,
  type IqFormat,
  type SigmfMeta,
} from './sigmfMeta.ts';

/** One capture segment resolved to absolute values. */
export interface CaptureSegment {
  /** First sample (inclusive) and end (exclusive), in the recording's sample numbering. */
  sampleStart: number;
  sampleEnd: number;
  centerHz: number;
  /** Time of sampleStart, ms since epoch (core:datetime, or extrapolated from the previous capture). */
  timeMs: number;
}

export interface SigmfRecording {
  metaPath: string;
  dataPath: string;
  meta: SigmfMeta;
  format: IqFormat;
  bytesPerSample: number;
  sampleRateHz: number;
  totalSamples: number;
  dataBytes: number;
  segments: CaptureSegment[];
  warnings: string[];
  startMs: number;
  /** Duration, s. */
  durationS: number;
}

/** `x.sigmf-meta` / `x.sigmf-data` / `x` → base path. */
export function sigmfBase(path: string): string {
  return path.replace(/\.sigmf-(meta|data)$/, '');
}

export async function openRecording(path: string, opts: { defaultStartMs?: number } = {}): Promise<SigmfRecording> {
  const base = sigmfBase(path);
  const metaPath = base + '.sigmf-meta';
  const dataPath = base + '.sigmf-data';
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (e) {
    throw new RecordingError(RECORDING_ERRORS.missing, `cannot read metadata: ${(e as Error).message}`, {
      file: metaPath,
    });
  }
  const v = parseSigmfMeta(text, metaPath);
  let dataBytes: number;
  try {
    dataBytes = (await stat(dataPath)).size;
  } catch {
    throw new RecordingError(RECORDING_ERRORS.dataMissing, 'data file is missing', { file: dataPath });
  }
  const total = checkDataSize(v, dataBytes, { meta: metaPath, data: dataPath });
  const rate = v.meta.global['core:sample_rate'];
  if (rate === undefined) {
    throw new RecordingError(RECORDING_ERRORS.missing, 'core:sample_rate is needed to time and replay the samples', {
      file: metaPath,
      field: 'global.core:sample_rate',
    });
  }
  const fallbackStart = opts.defaultStartMs ?? (await stat(metaPath)).mtimeMs;
  const caps = v.meta.captures.length ? v.meta.captures : [{ 'core:sample_start': 0 }];
  const segments: CaptureSegment[] = [];
  caps.forEach((c, i) => {
    const start = c['core:sample_start'];
    const end = i + 1 < caps.length ? caps[i + 1]!['core:sample_start'] : total;
    const prev = segments[segments.length - 1];
    const dt = c['core:datetime'];
    const timeMs =
      dt !== undefined
        ? Date.parse(dt)
        : prev
          ? prev.timeMs + ((start - prev.sampleStart) / rate) * 1000
          : fallbackStart + (start / rate) * 1000;
    segments.push({ sampleStart: start, sampleEnd: end, centerHz: c['core:frequency'] ?? prev?.centerHz ?? 0, timeMs });
  });
  // Samples before the first capture (sample_start > 0) belong to it too: extend it back to 0.
  if (segments[0] && segments[0].sampleStart > 0) {
    const s0 = segments[0];
    s0.timeMs -= (s0.sampleStart / rate) * 1000;
    s0.sampleStart = 0;
  }
  return {
    metaPath,
    dataPath,
    meta: v.meta,
    format: v.format,
    bytesPerSample: BYTES_PER_SAMPLE[v.format],
    sampleRateHz: rate,
    totalSamples: total,
    dataBytes,
    segments,
    warnings: v.warnings,
    startMs: segments[0]?.timeMs ?? fallbackStart,
    durationS: total / rate,
  };
}

/** Segment holding a sample (the last one for sample = totalSamples). */
export function segmentAt(rec: SigmfRecording, sample: number): CaptureSegment {
  for (let i = rec.segments.length - 1; i >= 0; i--)
    if (rec.segments[i]!.sampleStart <= sample) return rec.segments[i]!;
  return rec.segments[0]!;
}

export interface PlayerOptions {
  /** Samples per block. Default 65 536 (27 ms at 2.4 MS/s). */
  chunkSamples?: number;
  /** 1 = real time, N = N× faster, 'max' = as fast as the consumer takes them. Default 'max'. */
  speed?: number | 'max';
  /** First sample to play. Default 0. */
  startSample?: number;
}

/**
 * Streams a recording. The block's `bytes` is a reused buffer (valid only during the callback, as the
 * IqBlock contract says); `sampleIndex` is the sample number in the recording.
 */
export class SigmfPlayer {
  private pos: number;
  private speed: number | 'max';
  private readonly chunk: number;
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Pacing anchor: wall time and sample position when pacing (re)started. */
  private anchorWallMs = 0;
  private anchorSample = 0;

  constructor(
    readonly rec: SigmfRecording,
    opts: PlayerOptions = {},
  ) {
    this.chunk = Math.max(1, Math.floor(opts.chunkSamples ?? 65536));
    this.speed = opts.speed ?? 'max';
    this.pos = Math.min(Math.max(0, opts.startSample ?? 0), rec.totalSamples);
  }

  /** Next sample to be delivered. */
  get position(): number {
    return this.pos;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.reanchor();
    this.kick();
  }

  /** Moves to a sample (clamped to the recording); the next block starts there. */
  seek(sample: number): void {
    this.pos = Math.min(Math.max(0, Math.floor(sample)), this.rec.totalSamples);
    this.reanchor();
    this.kick();
  }

  setSpeed(speed: number | 'max'): void {
    this.speed = speed;
    this.reanchor();
  }

  stop(): void {
    this.stopped = true;
    this.kick();
  }

  private reanchor(): void {
    this.anchorWallMs = performance.now();
    this.anchorSample = this.pos;
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /**
   * Plays until the end (→ 'end') or stop() (→ 'stopped'). `onBlock` may return a promise: the player waits for
   * it (backpressure). Throws RecordingError if the data file shrinks while playing.
   */
  async run(onBlock: (block: IqBlock) => void | Promise<void>, signal?: AbortSignal): Promise<'end' | 'stopped'> {
    const rec = this.rec;
    const bps = rec.bytesPerSample;
    const buf = new Uint8Array(this.chunk * bps);
    const fh = await open(rec.dataPath, 'r');
    const onAbort = () => this.stop();
    signal?.addEventListener('abort', onAbort);
    this.reanchor();
    try {
      while (!this.stopped && !signal?.aborted) {
        if (this.paused) {
          await this.sleep(1000);
          continue;
        }
        if (this.pos >= rec.totalSamples) return 'end';
        const seg = segmentAt(rec, this.pos);
        const n = Math.min(this.chunk, seg.sampleEnd - this.pos);
        if (this.speed !== 'max') {
          const dueMs = this.anchorWallMs + ((this.pos - this.anchorSample) / rec.sampleRateHz / this.speed) * 1000;
          const waitMs = dueMs - performance.now();
          if (waitMs > 1) {
            await this.sleep(waitMs);
            continue; // re-check pause/seek/stop after waiting
          }
        }
        const want = n * bps;
        const { bytesRead } = await fh.read(buf, 0, want, this.pos * bps);
        if (bytesRead < want) {
          throw new RecordingError(
            RECORDING_ERRORS.truncated,
            `data ended at byte ${this.pos * bps + bytesRead}, expected ${rec.dataBytes} (file shrank while reading)`,
            { file: rec.dataPath, offset: this.pos * bps + bytesRead },
          );
        }
        const block: IqBlock = {
          format: rec.format,
          bytes: buf.subarray(0, want),
          sampleIndex: this.pos,
          timeMs: seg.timeMs + ((this.pos - seg.sampleStart) / rec.sampleRateHz) * 1000,
          centerHz: seg.centerHz,
          sampleRateHz: rec.sampleRateHz,
        };
        this.pos += n;
        await onBlock(block);
      }
      return 'stopped';
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await fh.close();
    }
  }
}
