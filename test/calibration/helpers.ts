/** Test inputs for calibration: dsp/synth scenes as IqBlocks or as cu8 SigMF recordings on disk. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scene, type EmitterSpec, type ImpairmentSpec } from '../../dsp/synth/index.ts';
import type { IqBlock } from '../../src/types.ts';

export interface SceneInput {
  centerHz: number;
  sampleRateHz: number;
  durationS: number;
  emitters: EmitterSpec[];
  impairments?: ImpairmentSpec;
  noiseDbfsPerHz?: number;
  seed?: number;
}

/** The scene as consecutive cu8 blocks of `chunk` samples (each a fresh buffer). */
export function* sceneBlocks(s: SceneInput, chunk = 65536): Generator<IqBlock> {
  const scene = new Scene({
    seed: s.seed ?? 1,
    noiseDbfsPerHz: s.noiseDbfsPerHz ?? -100,
    emitters: s.emitters,
    impairments: s.impairments,
  });
  const total = Math.round(s.durationS * s.sampleRateHz);
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start);
    const bytes = new Uint8Array(2 * count);
    scene.renderCu8({ centerHz: s.centerHz, sampleRateHz: s.sampleRateHz, startSample: start, count }, bytes, 0);
    yield {
      format: 'cu8',
      bytes,
      sampleIndex: start,
      timeMs: 1_780_000_000_000 + (start / s.sampleRateHz) * 1000,
      centerHz: s.centerHz,
      sampleRateHz: s.sampleRateHz,
    };
  }
}

/** Writes the scene as `<dir>/<name>.sigmf-{meta,data}` (cu8), with `bandwatch:ppm` if given; returns the meta path. */
export function writeSceneRecording(
  dir: string,
  name: string,
  s: SceneInput,
  extraGlobal: Record<string, unknown> = {},
): string {
  const parts: Uint8Array[] = [];
  for (const b of sceneBlocks(s)) parts.push(b.bytes);
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  const base = join(dir, name);
  writeFileSync(`${base}.sigmf-data`, data);
  const meta = {
    global: {
      'core:datatype': 'cu8',
      'core:version': '1.2.0',
      'core:sample_rate': s.sampleRateHz,
      'core:recorder': 'bandwatch calibration test',
      ...extraGlobal,
    },
    captures: [{ 'core:sample_start': 0, 'core:frequency': s.centerHz, 'core:datetime': '2026-05-01T09:00:00.000Z' }],
    annotations: [],
  };
  writeFileSync(`${base}.sigmf-meta`, JSON.stringify(meta, null, 2));
  return `${base}.sigmf-meta`;
}
