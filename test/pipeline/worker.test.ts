import { describe, expect, it } from 'vitest';
import { createRingBuffers, IqRing } from '../../src/pipeline/ring.ts';
import { InProcessPipeline, WorkerPipeline } from '../../src/pipeline/worker-host.ts';
import type { PipelineFrame } from '../../src/pipeline/spectral.ts';
import type { IqBlock } from '../../src/types.ts';
import { synthesize } from './synthetic.ts';

function blocks(data: Uint8Array, size: number, t0 = 1_700_000_000_000): IqBlock[] {
  const out: IqBlock[] = [];
  for (let off = 0; off < data.length; off += 2 * size) {
    const bytes = data.subarray(off, Math.min(data.length, off + 2 * size));
    out.push({
      format: 'cu8',
      bytes,
      sampleIndex: off / 2,
      timeMs: t0 + (off / 2 / 2.4e6) * 1000,
      centerHz: 446.2e6,
      sampleRateHz: 2.4e6,
    });
  }
  return out;
}

describe('IqRing', () => {
  it('passes blocks in order across the wrap, and drops (counted) when full', () => {
    const ring = new IqRing(createRingBuffers(4096));
    const got: number[] = [];
    for (let round = 0; round < 20; round++) {
      const bytes = new Uint8Array(600 + round).fill(round);
      expect(
        ring.write({ format: 'cu8', bytes, sampleIndex: round, timeMs: round, centerHz: 1e8, sampleRateHz: 2.4e6 }),
      ).toBe(true);
      ring.read((b) => {
        expect(b.bytes.every((x) => x === round)).toBe(true);
        expect(b.bytes.length).toBe(600 + round);
        got.push(b.sampleIndex);
      });
    }
    expect(got).toEqual([...Array(20).keys()]);
    let ok = 0;
    for (let i = 0; i < 10; i++)
      if (
        ring.write({
          format: 'cu8',
          bytes: new Uint8Array(1000),
          sampleIndex: i,
          timeMs: 0,
          centerHz: 1,
          sampleRateHz: 1,
        })
      )
        ok++;
    expect(ok).toBe(3);
    expect(ring.dropped()).toEqual({ blocks: 7, bytes: 7000 });
  });
});

describe('pipeline worker', () => {
  it('produces the same detections in a worker thread as in-process', async () => {
    const data = synthesize({
      sampleRateHz: 2.4e6,
      centerHz: 446.2e6,
      durationS: 1.5,
      seed: 5,
      emitters: [{ kind: 'fm', offsetHz: 100000, snrDbPerBin: 15, widthHz: 2500, fromS: 0.2, toS: 1.2 }],
    });
    const opts = { sensorId: 's1', centerHz: 446.2e6, sampleRateHz: 2.4e6, kernel: 'fftjs' as const };
    const inproc: PipelineFrame[] = [];
    const ip = new InProcessPipeline(opts, (f) => inproc.push(...f));
    for (const b of blocks(data, 65536)) ip.push(b);
    await ip.flush(1_700_000_002_000);

    const viaWorker: PipelineFrame[] = [];
    const errors: Error[] = [];
    const w = await WorkerPipeline.create(
      opts,
      (f) => viaWorker.push(...f),
      (e) => errors.push(e),
    );
    let refused = 0;
    for (const b of blocks(data, 65536)) {
      // A full ring refuses (and counts) the block; this test retries so that nothing is lost.
      while (!w.push(b)) {
        refused++;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    // Wait until the worker has produced every spectrum, then flush.
    const spectra = inproc.filter((f) => f.durationMs > 0).length;
    for (let i = 0; i < 200 && viaWorker.filter((f) => f.durationMs > 0).length < spectra; i++)
      await new Promise((r) => setTimeout(r, 20));
    await w.flush(1_700_000_002_000);
    await w.stop();
    expect(errors).toEqual([]);
    const ends = (fr: PipelineFrame[]) =>
      fr.flatMap((f) =>
        f.events
          .filter((e) => e.phase === 'end')
          .map((e) => [e.emission.id, Math.round(e.emission.centerHz), e.emission.firstSeenMs]),
      );
    expect(ends(inproc)).toHaveLength(1);
    expect(ends(viaWorker)).toEqual(ends(inproc));
    expect(w.dropped().blocks).toBe(refused);
  });
});
