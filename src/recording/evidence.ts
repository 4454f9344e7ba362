/**
 * Evidence: a per-sensor ring of the last seconds of IQ and, when an alarm is raised, a SigMF recording of the
 * seconds before (pre-trigger, from the ring) and after it, linked to the alarm (`bandwatch:alarm_id` in the
 * global metadata and an annotation at the trigger sample).
 *
 * Disk policy: evidence recordings together use at most `maxBytes`. When over, the oldest are deleted first,
 * but never one whose alarm is protected (unacknowledged or still active, as told by `isProtected`) nor one
 * being written. If only protected evidence remains the budget is exceeded and `overBudget` says so; nothing
 * that may still be needed is ever deleted.
 */
import { join } from 'node:path';
import type { Alarm, IqBlock, RecordingInfo } from '../types.ts';
import { RecordingCatalog } from './catalog.ts';
import { SigmfWriter } from './sigmfWriter.ts';
import { samplesIn, toCu8 } from './toCu8.ts';

/**
 * Ring buffer of cu8 samples with a table of the blocks they came from (source sample index, time, centre Hz).
 * Everything is preallocated: push() converts/copies into the ring and writes one table row.
 */
export class IqRing {
  readonly capacitySamples: number;
  private readonly data: Uint8Array;
  /** Samples ever pushed: the ring position of the next sample is seq % capacity. */
  private seq = 0;
  private readonly maxBlocks: number;
  private readonly tSrc: Float64Array;
  private readonly tSeq: Float64Array;
  private readonly tCount: Float64Array;
  private readonly tTime: Float64Array;
  private readonly tCenter: Float64Array;
  private head = 0; // index of the oldest table row
  private rows = 0;
  private rateHz = 0;

  constructor(capacitySamples: number, maxBlocks = 8192) {
    this.capacitySamples = Math.max(1, Math.floor(capacitySamples));
    this.data = new Uint8Array(this.capacitySamples * 2);
    this.maxBlocks = maxBlocks;
    this.tSrc = new Float64Array(maxBlocks);
    this.tSeq = new Float64Array(maxBlocks);
    this.tCount = new Float64Array(maxBlocks);
    this.tTime = new Float64Array(maxBlocks);
    this.tCenter = new Float64Array(maxBlocks);
  }

  get sampleRateHz(): number {
    return this.rateHz;
  }

  push(block: IqBlock): void {
    if (this.rateHz !== block.sampleRateHz) {
      // A rate change invalidates the time mapping of what is held: start over.
      this.rows = 0;
      this.head = 0;
      this.rateHz = block.sampleRateHz;
    }
    let n = samplesIn(block);
    let from = 0;
    if (n > this.capacitySamples) {
      from = n - this.capacitySamples;
      n = this.capacitySamples;
    }
    if (this.rows === this.maxBlocks) {
      this.head = (this.head + 1) % this.maxBlocks;
      this.rows--;
    }
    const row = (this.head + this.rows) % this.maxBlocks;
    this.tSrc[row] = block.sampleIndex + from;
    this.tSeq[row] = this.seq;
    this.tCount[row] = n;
    this.tTime[row] = block.timeMs + (from / block.sampleRateHz) * 1000;
    this.tCenter[row] = block.centerHz;
    this.rows++;
    let pos = this.seq % this.capacitySamples;
    let done = 0;
    while (done < n) {
      const m = Math.min(n - done, this.capacitySamples - pos);
      toCu8(block, from + done, m, this.data, pos * 2);
      done += m;
      pos = 0;
    }
    this.seq += n;
    // Drop rows whose samples have all been overwritten.
    const oldestSeq = this.seq - this.capacitySamples;
    while (this.rows > 0 && this.tSeq[this.head]! + this.tCount[this.head]! <= oldestSeq) {
      this.head = (this.head + 1) % this.maxBlocks;
      this.rows--;
    }
  }

  private validFrom(row: number): number {
    return Math.max(0, this.seq - this.capacitySamples - this.tSeq[row]!);
  }

  /** Oldest source sample index held, or null when empty. */
  oldestSample(): number | null {
    return this.rows ? this.tSrc[this.head]! + this.validFrom(this.head) : null;
  }

  /** One past the newest source sample index held, or null when empty. */
  endSample(): number | null {
    if (!this.rows) return null;
    const r = (this.head + this.rows - 1) % this.maxBlocks;
    return this.tSrc[r]! + this.tCount[r]!;
  }

  /** Source sample index at a wall time, clamped to what is held (null when empty). */
  sampleAtTime(timeMs: number): number | null {
    if (!this.rows) return null;
    for (let i = this.rows - 1; i >= 0; i--) {
      const r = (this.head + i) % this.maxBlocks;
      if (this.tTime[r]! <= timeMs || i === 0) {
        const k = Math.round(((timeMs - this.tTime[r]!) / 1000) * this.rateHz);
        const lo = this.validFrom(r);
        if (i === 0 && k < lo) return this.tSrc[r]! + lo;
        return this.tSrc[r]! + Math.min(Math.max(k, lo), this.tCount[r]!);
      }
    }
    return null;
  }

  /** Calls fn with cu8 blocks (views into the ring) covering source samples [from, to) that are held, in order. */
  read(from: number, to: number, fn: (block: IqBlock) => void): void {
    for (let i = 0; i < this.rows; i++) {
      const r = (this.head + i) % this.maxBlocks;
      const src = this.tSrc[r]!;
      const a = Math.max(from - src, this.validFrom(r));
      const b = Math.min(to - src, this.tCount[r]!);
      if (a >= b) continue;
      let k = a;
      while (k < b) {
        const pos = (this.tSeq[r]! + k) % this.capacitySamples;
        const m = Math.min(b - k, this.capacitySamples - pos);
        fn({
          format: 'cu8',
          bytes: this.data.subarray(pos * 2, (pos + m) * 2),
          sampleIndex: src + k,
          timeMs: this.tTime[r]! + (k / this.rateHz) * 1000,
          centerHz: this.tCenter[r]!,
          sampleRateHz: this.rateHz,
        });
        k += m;
      }
    }
  }
}

export interface EvidenceOptions {
  /** Directory of the evidence recordings. */
  dir: string;
  sensorId: string;
  /** Expected sample rate, Hz (sizes the ring). */
  sampleRateHz: number;
  /** Seconds kept before the trigger. Default 10. */
  preTriggerS?: number;
  /** Seconds recorded after the trigger. Default 10. */
  postTriggerS?: number;
  /** Disk budget of all evidence in `dir`, bytes. Default 2 GiB. */
  maxBytes?: number;
  /** True when the alarm's evidence must be kept (alarm unacknowledged or still active). */
  isProtected: (alarmId: string) => boolean;
  hw?: string;
  gainDb?: number | 'auto';
  ppm?: number;
  /** Clock for file names. */
  now?: () => number;
}

interface ActiveCapture {
  id: string;
  alarm: Alarm;
  writer: SigmfWriter;
  triggerSample: number;
  endSample: number;
  resolve: (r: RecordingInfo) => void;
  reject: (e: unknown) => void;
}

export interface BudgetResult {
  deleted: string[];
  totalBytes: number;
  overBudget: boolean;
}

export class EvidenceRecorder {
  readonly ring: IqRing;
  readonly catalog: RecordingCatalog;
  private readonly active: ActiveCapture[] = [];
  private readonly preS: number;
  private readonly postS: number;
  private readonly maxBytes: number;
  /** Result of the last budget enforcement. */
  lastBudget: BudgetResult = { deleted: [], totalBytes: 0, overBudget: false };

  constructor(private readonly opts: EvidenceOptions) {
    this.preS = opts.preTriggerS ?? 10;
    this.postS = opts.postTriggerS ?? 10;
    this.maxBytes = opts.maxBytes ?? 2 * 2 ** 30;
    // One extra second of margin: the alarm is raised a little after the samples that caused it.
    this.ring = new IqRing(Math.ceil((this.preS + 1) * opts.sampleRateHz));
    this.catalog = new RecordingCatalog([opts.dir]);
  }

  /** Ids of evidence being written. */
  get inProgress(): string[] {
    return this.active.map((a) => a.id);
  }

  /** Feed every block of the sensor here (cheap: one copy into the ring, plus writes while capturing). */
  onBlock(block: IqBlock): void {
    this.ring.push(block);
    for (let i = 0; i < this.active.length;) {
      const c = this.active[i]!;
      const n = samplesIn(block);
      const upTo = Math.min(n, c.endSample - block.sampleIndex);
      try {
        if (upTo > 0) c.writer.write(block, 0, upTo);
      } catch (e) {
        this.active.splice(i, 1);
        c.reject(e);
        continue;
      }
      if (block.sampleIndex + n >= c.endSample) {
        this.active.splice(i, 1);
        void this.finish(c);
        continue;
      }
      i++;
    }
  }

  /**
   * Starts the evidence of a raised alarm: the ring's samples from `preTriggerS` before `alarm.raisedMs` are
   * written at once, the next `postTriggerS` follow as blocks arrive. `id` is known at once (for
   * `alarm.evidenceId`); `done` resolves when the recording is complete.
   */
  trigger(alarm: Alarm): { id: string; done: Promise<RecordingInfo> } {
    const rate = this.ring.sampleRateHz || this.opts.sampleRateHz;
    const stamp = new Date((this.opts.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const id = `ev-${safe(this.opts.sensorId)}-${stamp}-${safe(alarm.id)}`;
    const trig = this.ring.sampleAtTime(alarm.raisedMs) ?? 0;
    const from = Math.max(this.ring.oldestSample() ?? trig, trig - Math.round(this.preS * rate));
    const end = trig + Math.round(this.postS * rate);
    const writer = SigmfWriter.createSync({
      basePath: join(this.opts.dir, id),
      sensorId: this.opts.sensorId,
      reason: 'evidence',
      alarmId: alarm.id,
      hw: this.opts.hw,
      gainDb: this.opts.gainDb,
      ppm: this.opts.ppm,
      description: `evidence for alarm ${alarm.id} (${alarm.kind}, ${alarm.severity}): ${this.preS} s before, ${this.postS} s after`,
      extraGlobal: { 'bandwatch:pre_trigger_s': this.preS, 'bandwatch:post_trigger_s': this.postS },
    });
    let resolve!: (r: RecordingInfo) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<RecordingInfo>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const cap: ActiveCapture = { id, alarm, writer, triggerSample: trig, endSample: end, resolve, reject };
    this.ring.read(from, end, (b) => writer.write(b));
    if ((this.ring.endSample() ?? 0) >= end) void this.finish(cap);
    else this.active.push(cap);
    return { id, done };
  }

  /** Finishes every capture in progress with what it has (sensor stopping). */
  async stop(): Promise<void> {
    const caps = this.active.splice(0);
    await Promise.all(caps.map((c) => this.finish(c)));
  }

  private async finish(c: ActiveCapture): Promise<void> {
    try {
      const a = c.alarm;
      const w = c.writer;
      const start = w.fileSampleOfSource(c.triggerSample);
      const edges =
        a.centerHz !== null && a.bandwidthHz !== null
          ? { freqLowerHz: a.centerHz - a.bandwidthHz / 2, freqUpperHz: a.centerHz + a.bandwidthHz / 2 }
          : {};
      w.annotate({
        sampleStart: start,
        sampleCount: Math.max(0, w.samplesWritten - start),
        ...edges,
        label: a.kind,
        comment:
          `alarm ${a.id}: ${a.kind}, ${a.severity}` +
          (a.levelDbfs !== null ? `, level ${a.levelDbfs.toFixed(1)} dBFS` : '') +
          (a.className ? `, class ${a.className}` : ''),
        generator: 'bandwatch alarms',
        extra: { 'bandwatch:alarm_id': a.id },
      });
      await w.close();
      await this.enforceBudget([c.id]);
      const info = await this.catalog.get(c.id);
      if (!info) throw new Error(`evidence ${c.id} vanished after writing`);
      c.resolve(info);
    } catch (e) {
      c.reject(e);
    }
  }

  /** Applies the disk policy now (also call it after alarms are acknowledged/cleared to free space). */
  async enforceBudget(keep: string[] = []): Promise<BudgetResult> {
    const all = (await this.catalog.list()).filter((r) => r.reason === 'evidence');
    let total = all.reduce((s, r) => s + r.bytes, 0);
    const deleted: string[] = [];
    const busy = new Set([...keep, ...this.inProgress]);
    const oldestFirst = [...all].sort((a, b) => a.startMs - b.startMs);
    for (const r of oldestFirst) {
      if (total <= this.maxBytes) break;
      // endMs null = still being written (possibly by another sensor's recorder sharing the directory).
      if (busy.has(r.id) || r.endMs === null) continue;
      if (r.alarmId && this.opts.isProtected(r.alarmId)) continue;
      await this.catalog.delete(r.id);
      total -= r.bytes;
      deleted.push(r.id);
    }
    this.lastBudget = { deleted, totalBytes: total, overBudget: total > this.maxBytes };
    return this.lastBudget;
  }
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 48);
}

export interface EvidenceSetOptions {
  /** Directory shared by every sensor's evidence; the disk budget applies to all of it. */
  dir: string;
  preTriggerS?: number;
  postTriggerS?: number;
  maxBytes?: number;
  isProtected: (alarmId: string) => boolean;
  /** Hardware description per sensor (core:hw). */
  hwOf?: (sensorId: string) => string | undefined;
}

/**
 * Evidence for every sensor: one EvidenceRecorder per sensor, created on its first block. What the engine
 * wires in: `onBlock(sensorId, block)` from each source, `trigger(alarm)` when an alarm is raised.
 */
export class Evidence {
  private readonly recorders = new Map<string, EvidenceRecorder>();
  readonly catalog: RecordingCatalog;

  constructor(private readonly opts: EvidenceSetOptions) {
    this.catalog = new RecordingCatalog([opts.dir]);
  }

  onBlock(sensorId: string, block: IqBlock): void {
    let r = this.recorders.get(sensorId);
    if (!r || r.ring.sampleRateHz !== block.sampleRateHz) {
      if (r && r.inProgress.length) {
        // A rate change mid-capture ends those captures; the new rate gets a new ring.
        void r.stop();
      }
      r = new EvidenceRecorder({
        dir: this.opts.dir,
        sensorId,
        sampleRateHz: block.sampleRateHz,
        preTriggerS: this.opts.preTriggerS,
        postTriggerS: this.opts.postTriggerS,
        maxBytes: this.opts.maxBytes,
        isProtected: this.opts.isProtected,
        hw: this.opts.hwOf?.(sensorId),
      });
      this.recorders.set(sensorId, r);
    }
    r.onBlock(block);
  }

  /** Starts the evidence of an alarm; null when the alarm's sensor has sent no samples (e.g. storage faults). */
  trigger(alarm: Alarm): { id: string; done: Promise<RecordingInfo> } | null {
    const r = this.recorders.get(alarm.sensorId);
    if (!r || r.ring.endSample() === null) return null;
    return r.trigger(alarm);
  }

  /** Applies the disk policy (call after acknowledgements/clears). */
  async enforceBudget(): Promise<BudgetResult> {
    const any = this.recorders.values().next().value as EvidenceRecorder | undefined;
    if (any) return any.enforceBudget(this.inProgress());
    return { deleted: [], totalBytes: 0, overBudget: false };
  }

  inProgress(): string[] {
    return [...this.recorders.values()].flatMap((r) => r.inProgress);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => r.stop()));
  }
}
