/**
 * Records IqBlocks from any source to a cu8 SigMF recording. A new capture starts on every retune (centre
 * frequency change) and after lost samples (so time stays right); gain and ppm go in the `bandwatch:` namespace.
 *
 * Crash safety: samples are appended and flushed (fdatasync) at least every `flushIntervalMs`; the metadata is
 * rewritten only after a flush, to a temp file renamed over the old one, so the .sigmf-meta on disk is always
 * complete JSON that describes no more samples than the data file holds.
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { RecordingError } from '../errors.ts';
import type { IqBlock } from '../types.ts';
import type { SigmfAnnotation, SigmfCapture, SigmfMeta } from './sigmfMeta.ts';
import { samplesIn, toCu8 } from './toCu8.ts';

export const RECORDER_NAME = 'bandwatch 0.1.0';
export const SIGMF_VERSION = '1.2.0';

export interface WriterOptions {
  /** Path without extension; `.sigmf-meta` and `.sigmf-data` are added. */
  basePath: string;
  sensorId?: string;
  description?: string;
  author?: string;
  /** e.g. "RTL2832U + R820T2, 28.8 MHz xtal". */
  hw?: string;
  /** Tuner gain, dB (or 'auto'). */
  gainDb?: number | 'auto';
  /** Frequency correction, ppm. */
  ppm?: number;
  reason?: 'manual' | 'evidence';
  alarmId?: string;
  /** More global fields (namespaced keys). */
  extraGlobal?: Record<string, unknown>;
  /** Max time between data flushes, ms. Default 1000. */
  flushIntervalMs?: number;
}

export interface AnnotationInput {
  /** In file samples (see fileSampleOf*). */
  sampleStart: number;
  sampleCount?: number;
  freqLowerHz?: number;
  freqUpperHz?: number;
  /** Shown in tools; cut to 20 characters (SigMF's recommendation), the full text goes to the comment. */
  label?: string;
  comment?: string;
  generator?: string;
  extra?: Record<string, unknown>;
}

interface CaptureState {
  fileStart: number;
  /** Source sample index of fileStart. */
  srcStart: number;
  centerHz: number;
  timeMs: number;
  lostBefore: number;
}

export class SigmfWriter {
  readonly metaPath: string;
  readonly dataPath: string;
  private fd: number | null;
  private samples = 0;
  private flushedSamples = 0;
  private rateHz = 0;
  private sourceFormat: string | null = null;
  private readonly captures: CaptureState[] = [];
  private readonly annotations: SigmfAnnotation[] = [];
  private nextSrcIndex: number | null = null;
  private lastFlushMs = 0;
  private scratch = new Uint8Array(0);
  private complete = false;
  private readonly flushIntervalMs: number;

  private constructor(private readonly opts: WriterOptions) {
    this.metaPath = opts.basePath + '.sigmf-meta';
    this.dataPath = opts.basePath + '.sigmf-data';
    mkdirSync(dirname(opts.basePath), { recursive: true });
    this.fd = openSync(this.dataPath, 'wx');
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
  }

  /** Creates the data file (refuses to overwrite) and an initial metadata file. */
  static async create(opts: WriterOptions): Promise<SigmfWriter> {
    return Promise.resolve(SigmfWriter.createSync(opts));
  }

  /** Synchronous variant, for the evidence recorder that must copy its ring before the next block arrives. */
  static createSync(opts: WriterOptions): SigmfWriter {
    let w: SigmfWriter;
    try {
      w = new SigmfWriter(opts);
    } catch (e) {
      throw new RecordingError('BW_ERR_RECORDING_CREATE', `cannot create recording: ${(e as Error).message}`, {
        file: opts.basePath + '.sigmf-data',
      });
    }
    w.writeMeta();
    return w;
  }

  /** Samples written so far. */
  get samplesWritten(): number {
    return this.samples;
  }

  get sampleRateHz(): number {
    return this.rateHz;
  }

  /** Bytes of data written. */
  get dataBytes(): number {
    return this.samples * 2;
  }

  /** File sample number of a source sample index (clamped to the recording). */
  fileSampleOfSource(srcIndex: number): number {
    for (let i = this.captures.length - 1; i >= 0; i--) {
      const c = this.captures[i]!;
      if (srcIndex >= c.srcStart) return Math.min(c.fileStart + (srcIndex - c.srcStart), this.samples);
    }
    return 0;
  }

  /** File sample number at a wall time (clamped). */
  fileSampleOfTime(timeMs: number): number {
    for (let i = this.captures.length - 1; i >= 0; i--) {
      const c = this.captures[i]!;
      if (timeMs >= c.timeMs || i === 0) {
        const s = c.fileStart + Math.round(((timeMs - c.timeMs) / 1000) * this.rateHz);
        return Math.min(Math.max(s, c.fileStart), this.samples);
      }
    }
    return 0;
  }

  /** Appends a block (converted to cu8 when needed). `from`/`count` select samples of the block. */
  write(block: IqBlock, from = 0, count?: number): void {
    if (this.fd === null)
      throw new RecordingError('BW_ERR_RECORDING_CLOSED', 'recording is closed', { file: this.dataPath });
    const n = Math.min(count ?? samplesIn(block) - from, samplesIn(block) - from);
    if (n <= 0) return;
    if (this.rateHz === 0) this.rateHz = block.sampleRateHz;
    else if (block.sampleRateHz !== this.rateHz) {
      throw new RecordingError(
        'BW_ERR_RECORDING_RATE_CHANGE',
        `sample rate changed from ${this.rateHz} to ${block.sampleRateHz} Hz: start a new recording`,
        { file: this.metaPath },
      );
    }
    this.sourceFormat ??= block.format;
    const srcIndex = block.sampleIndex + from;
    const timeMs = block.timeMs + (from / block.sampleRateHz) * 1000;
    const cur = this.captures[this.captures.length - 1];
    const lost = this.nextSrcIndex !== null ? srcIndex - this.nextSrcIndex : 0;
    if (!cur || cur.centerHz !== block.centerHz || lost !== 0) {
      this.captures.push({
        fileStart: this.samples,
        srcStart: srcIndex,
        centerHz: block.centerHz,
        timeMs,
        lostBefore: Math.max(0, lost),
      });
    }
    let bytes: Uint8Array;
    if (block.format === 'cu8') bytes = block.bytes.subarray(from * 2, (from + n) * 2);
    else {
      if (this.scratch.length < n * 2) this.scratch = new Uint8Array(n * 2);
      toCu8(block, from, n, this.scratch, 0);
      bytes = this.scratch.subarray(0, n * 2);
    }
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
    this.samples += n;
    this.nextSrcIndex = srcIndex + n;
    const now = Date.now();
    if (now - this.lastFlushMs >= this.flushIntervalMs) this.flush();
  }

  /** Adds an annotation; kept sorted by sample_start in the metadata. */
  annotate(a: AnnotationInput): void {
    const ann: SigmfAnnotation = { 'core:sample_start': Math.max(0, Math.floor(a.sampleStart)) };
    if (a.sampleCount !== undefined) ann['core:sample_count'] = Math.max(0, Math.floor(a.sampleCount));
    if (a.freqLowerHz !== undefined && a.freqUpperHz !== undefined) {
      ann['core:freq_lower_edge'] = Math.min(a.freqLowerHz, a.freqUpperHz);
      ann['core:freq_upper_edge'] = Math.max(a.freqLowerHz, a.freqUpperHz);
    }
    let comment = a.comment;
    if (a.label !== undefined) {
      ann['core:label'] = a.label.slice(0, 20);
      if (a.label.length > 20) comment = a.label + (comment ? ` — ${comment}` : '');
    }
    if (comment !== undefined) ann['core:comment'] = comment;
    ann['core:generator'] = a.generator ?? RECORDER_NAME;
    Object.assign(ann, a.extra ?? {});
    // Stable insert keeps equal starts in arrival order.
    let i = this.annotations.length;
    while (i > 0 && this.annotations[i - 1]!['core:sample_start'] > ann['core:sample_start']) i--;
    this.annotations.splice(i, 0, ann);
  }

  /** Makes the written samples durable and rewrites the metadata to describe them. */
  flush(): void {
    if (this.fd === null) return;
    fdatasyncSync(this.fd);
    this.flushedSamples = this.samples;
    this.lastFlushMs = Date.now();
    this.writeMeta();
  }

  /** Flushes, marks the recording complete and closes the data file. */
  async close(): Promise<SigmfMeta> {
    if (this.fd === null) return this.buildMeta();
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    this.flushedSamples = this.samples;
    this.complete = true;
    return this.writeMeta();
  }

  /** Metadata describing the first `flushedSamples` samples. */
  buildMeta(): SigmfMeta {
    const o = this.opts;
    const upTo = this.flushedSamples;
    const global: SigmfMeta['global'] = {
      'core:datatype': 'cu8',
      'core:version': SIGMF_VERSION,
      'core:num_channels': 1,
      'core:recorder': RECORDER_NAME,
    };
    if (this.rateHz) global['core:sample_rate'] = this.rateHz;
    if (o.hw) global['core:hw'] = o.hw;
    if (o.author) global['core:author'] = o.author;
    if (o.description) global['core:description'] = o.description;
    if (o.sensorId) global['bandwatch:sensor'] = o.sensorId;
    if (o.gainDb !== undefined) global['bandwatch:gain_db'] = o.gainDb;
    if (o.ppm !== undefined) global['bandwatch:ppm'] = o.ppm;
    global['bandwatch:reason'] = o.reason ?? 'manual';
    if (o.alarmId) global['bandwatch:alarm_id'] = o.alarmId;
    if (this.sourceFormat && this.sourceFormat !== 'cu8') global['bandwatch:source_format'] = this.sourceFormat;
    global['bandwatch:sample_count'] = upTo;
    global['bandwatch:complete'] = this.complete;
    Object.assign(global, o.extraGlobal ?? {});
    const captures: SigmfCapture[] = [];
    for (const c of this.captures) {
      if (c.fileStart >= upTo && !(upTo === 0 && c.fileStart === 0)) break;
      const cap: SigmfCapture = {
        'core:sample_start': c.fileStart,
        'core:frequency': c.centerHz,
        'core:datetime': new Date(c.timeMs).toISOString(),
        'bandwatch:source_sample_index': c.srcStart,
      };
      if (o.gainDb !== undefined) cap['bandwatch:gain_db'] = o.gainDb;
      if (c.lostBefore) cap['bandwatch:lost_samples'] = c.lostBefore;
      captures.push(cap);
    }
    // While recording, only annotations inside the durable data are listed (clamped); all of them at close.
    const annotations: SigmfAnnotation[] = [];
    for (const a of this.annotations) {
      if (a['core:sample_start'] >= upTo && upTo > 0 && !this.complete) continue;
      if (a['core:sample_start'] > upTo) continue;
      const b = { ...a };
      const cnt = b['core:sample_count'];
      if (cnt !== undefined && b['core:sample_start'] + cnt > upTo)
        b['core:sample_count'] = upTo - b['core:sample_start'];
      annotations.push(b);
    }
    return { global, captures, annotations };
  }

  private writeMeta(): SigmfMeta {
    const meta = this.buildMeta();
    const tmp = `${dirname(this.metaPath)}/.${basename(this.metaPath)}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, JSON.stringify(meta, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.metaPath);
    return meta;
  }
}
