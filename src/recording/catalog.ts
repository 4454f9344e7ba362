/**
 * Lists the recordings (manual and evidence) found under some directories as RecordingInfo, for the console
 * and the CLI. Metadata is parsed once per file version (mtime + size).
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RecordingError } from '../errors.ts';
import type { RecordingInfo } from '../types.ts';
import { BYTES_PER_SAMPLE, parseSigmfMeta, type IqFormat } from './sigmfMeta.ts';

interface Cached {
  key: string;
  info: RecordingInfo | null;
  problem?: string;
}

export class RecordingCatalog {
  private readonly cache = new Map<string, Cached>();
  /** Files that could not be listed, with why (shown by `bandwatch replay --list`, logged by the engine). */
  readonly problems = new Map<string, string>();

  constructor(private readonly dirs: string[]) {}

  /** All recordings, newest first. */
  async list(): Promise<RecordingInfo[]> {
    const out: RecordingInfo[] = [];
    const seen = new Set<string>();
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.endsWith('.sigmf-meta')) continue;
        const metaPath = join(dir, n);
        seen.add(metaPath);
        const info = await this.load(metaPath);
        if (info) out.push(info);
      }
    }
    for (const k of [...this.cache.keys()]) if (!seen.has(k)) this.cache.delete(k);
    return out.sort((a, b) => b.startMs - a.startMs);
  }

  async get(id: string): Promise<RecordingInfo | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  /** Deletes a recording's data and metadata. */
  async delete(id: string): Promise<void> {
    const r = await this.get(id);
    if (!r) throw new RecordingError('BW_ERR_RECORDING_NOT_FOUND', `no recording '${id}'`, { field: 'id' });
    await unlink(r.metaPath.replace(/\.sigmf-meta$/, '.sigmf-data')).catch(() => undefined);
    await unlink(r.metaPath);
    this.cache.delete(r.metaPath);
  }

  private async load(metaPath: string): Promise<RecordingInfo | null> {
    const dataPath = metaPath.replace(/\.sigmf-meta$/, '.sigmf-data');
    let ms: { mtimeMs: number; size: number };
    let ds: { size: number } | null = null;
    try {
      ms = await stat(metaPath);
      ds = await stat(dataPath).catch(() => null);
    } catch {
      return null;
    }
    const key = `${ms.mtimeMs}:${ms.size}:${ds?.size ?? -1}`;
    const c = this.cache.get(metaPath);
    if (c && c.key === key) return c.info;
    let info: RecordingInfo | null = null;
    try {
      const v = parseSigmfMeta(await readFile(metaPath, 'utf8'), metaPath);
      const g = v.meta.global;
      const rate = g['core:sample_rate'] ?? 0;
      const dataBytes = ds?.size ?? 0;
      const samples = Math.floor(dataBytes / BYTES_PER_SAMPLE[v.format as IqFormat]);
      const cap0 = v.meta.captures[0];
      const startMs = cap0?.['core:datetime'] ? Date.parse(cap0['core:datetime']) : ms.mtimeMs;
      const complete = g['bandwatch:complete'];
      info = {
        id: basename(metaPath, '.sigmf-meta'),
        sensorId: typeof g['bandwatch:sensor'] === 'string' ? g['bandwatch:sensor'] : '',
        metaPath,
        startMs,
        // Still being written (our writer says so) → no end yet.
        endMs: complete === false || !rate ? null : startMs + (samples / rate) * 1000,
        sampleRateHz: rate,
        centerHz: cap0?.['core:frequency'] ?? 0,
        bytes: dataBytes + ms.size,
        reason: g['bandwatch:reason'] === 'evidence' ? 'evidence' : 'manual',
      };
      if (typeof g['bandwatch:alarm_id'] === 'string') info.alarmId = g['bandwatch:alarm_id'];
      this.problems.delete(metaPath);
    } catch (e) {
      this.problems.set(metaPath, (e as Error).message);
    }
    this.cache.set(metaPath, { key, info });
    return info;
  }
}
