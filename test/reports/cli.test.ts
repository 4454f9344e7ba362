/** The record, replay and report commands, run in-process against files made here. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run as record } from '../../src/cli/commands/record.ts';
import { run as replay } from '../../src/cli/commands/replay.ts';
import { run as report } from '../../src/cli/commands/report.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { SpectrumHistory } from '../../src/history/history.ts';
import { openRecording } from '../../src/recording/sigmfReader.ts';
import { SigmfWriter } from '../../src/recording/sigmfWriter.ts';
import { dataLayout, openStore } from '../../src/storage/openStore.ts';
import { alarmPoint, channelPoint } from '../../src/storage/schema.ts';
import type { Alarm } from '../../src/types.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bw-cli-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 26, 3, 0, 0);

async function makeRecording(dir: string, name: string, seconds: number, rate = 240_000): Promise<string> {
  const w = await SigmfWriter.create({ basePath: join(dir, name), sensorId: 'lab' });
  const n = Math.round(rate * seconds);
  const bytes = new Uint8Array(n * 2);
  for (let k = 0; k < n; k++) {
    const ph = (2 * Math.PI * 20e3 * k) / rate;
    bytes[2 * k] = Math.round(127.5 + 50 * Math.cos(ph));
    bytes[2 * k + 1] = Math.round(127.5 + 50 * Math.sin(ph));
  }
  w.write({ format: 'cu8', bytes, sampleIndex: 0, timeMs: T0, centerHz: 433.92e6, sampleRateHz: rate });
  await w.close();
  return join(dir, name + '.sigmf-meta');
}

describe('bandwatch record / replay', () => {
  it('records a SigMF input to a new cu8 recording of the asked duration', async () => {
    const dir = tmp();
    const src = await makeRecording(dir, 'src', 0.5);
    const io = memoryIo();
    expect(await record(['--input', src, '--duration', '0.1', '--out', join(dir, 'out'), '--sensor', 'lab2'], io)).toBe(
      0,
    );
    expect(io.stdout.join('\n')).toMatch(/recorded 24000 samples \(0\.10 s/);
    const rec = await openRecording(join(dir, 'out.sigmf-meta'));
    expect(rec.totalSamples).toBe(24_000);
    expect(rec.meta.global['bandwatch:sensor']).toBe('lab2');
    expect(readFileSync(rec.dataPath).equals(readFileSync(src.replace('-meta', '-data')).subarray(0, 48_000))).toBe(
      true,
    );
    expect(await record(['--input', src, '--out', join(dir, 'x')], memoryIo())).toBe(2);
  });

  it('records the virtual dongle (src/sources) with hardware, rate and frequency in the metadata', async () => {
    const dir = tmp();
    const io = memoryIo();
    expect(await record(['--input', 'virtual', '--duration', '0.2', '--out', join(dir, 'v'), '--gain', '20'], io)).toBe(
      0,
    );
    const rec = await openRecording(join(dir, 'v.sigmf-meta'));
    expect(rec.sampleRateHz).toBe(2_400_000);
    expect(rec.totalSamples).toBe(480_000);
    expect(rec.meta.global['core:hw']).toMatch(/\S/);
    expect(rec.meta.global['bandwatch:gain_db']).toBe(20);
    expect(rec.segments[0]!.centerHz).toBeGreaterThan(24e6);
    expect(rec.meta.global['bandwatch:complete']).toBe(true);
    const data = readFileSync(rec.dataPath);
    expect(new Set(data.subarray(0, 10_000)).size).toBeGreaterThan(2); // real samples (noise), not a constant
  });

  it('prints the summary of a recording and replays it through the pipeline', async () => {
    const dir = tmp();
    const src = await makeRecording(dir, 'r', 0.5);
    const info = memoryIo();
    expect(await replay([src, '--info'], info)).toBe(0);
    expect(info.stderr.join('\n')).toMatch(/cu8, 0\.240000 MS\/s, 120000 samples, 0\.500 s/);
    expect(info.stderr.join('\n')).toMatch(/capture @0: 433\.920000 MHz, 2026-11-26T03:00:00\.000Z/);
    const io = memoryIo();
    expect(await replay([src, '--speed', 'max'], io)).toBe(0);
    expect(io.stderr.at(-1)).toMatch(/^replayed 0\.50 s in .* \(end\): \d+ spectra/);
    await expect(replay([src, '--speed', 'fast'], memoryIo())).rejects.toMatchObject({ code: 'BW_ERR_CLI_ARGS' });
  });
});

describe('bandwatch report', () => {
  it('writes incident and periodic reports from the data directory', async () => {
    const data = tmp();
    const store = await openStore({ dataDir: data });
    const a: Alarm = {
      id: 'AL-1',
      sensorId: 's1',
      kind: 'jamming',
      severity: 'critical',
      state: 'cleared',
      raisedMs: T0,
      updatedMs: T0 + 60_000,
      clearedMs: T0 + 60_000,
      centerHz: 433.92e6,
      bandwidthHz: 1e6,
      levelDbfs: -20,
      assignmentId: 'ch1',
      detail: { type: 'barrage' },
      acks: [{ by: 'op', atMs: T0 + 30_000, comment: 'ok' }],
      escalated: false,
      occurrences: 1,
    };
    await store.writePoints([
      alarmPoint({ ...a, state: 'active', acks: [], clearedMs: undefined, updatedMs: T0 }),
      alarmPoint(a),
    ]);
    await store.writePoints([
      channelPoint({
        sensorId: 's1',
        assignmentId: 'ch1',
        timeMs: T0,
        channelPowerDbfs: -50,
        occupancyPct: 25,
        thresholdMethod: 'noise+6dB',
        thresholdDbfs: -90,
        integrationS: 60,
        rbwHz: 1000,
        revisits: 60,
        occupiedRevisits: 15,
      }),
    ]);
    await store.close();
    const h = new SpectrumHistory({ dir: dataLayout(data).history });
    for (let i = 0; i < 120; i++)
      h.append({
        sensorId: 's1',
        timeMs: T0 - 30_000 + i * 1000,
        startHz: 433.42e6,
        binHz: 1000,
        psdDbfs: new Float32Array(1000).fill(-90),
      });
    h.close();

    const out = join(data, 'inc.html');
    const io = memoryIo();
    expect(await report(['incident', '--alarm', 'AL-1', '--data', data, '--lang', 'en', '--out', out], io)).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Jamming');
    expect(html).toContain('data:image/png;base64,');
    expect(html).toMatch(/<td>op<\/td>/);

    const csv = join(data, 'p.csv');
    expect(
      await report(
        ['periodic', '--day', '2026-11-26', '--data', data, '--lang', 'vi', '--format', 'csv', '--out', csv],
        memoryIo(),
      ),
    ).toBe(0);
    const text = readFileSync(csv, 'utf8');
    expect(text).toContain('occupancy;s1;ch1;occupancy_mean;25,00;%');
    expect(text).toContain('alarms;s1;jamming;count;1');

    await expect(
      report(['incident', '--alarm', 'nope', '--data', data, '--out', out], memoryIo()),
    ).rejects.toMatchObject({
      code: 'BW_ERR_CLI_ARGS',
      location: { field: '--alarm' },
    });
    await expect(
      report(['periodic', '--day', '26/11/2026', '--data', data, '--out', csv], memoryIo()),
    ).rejects.toMatchObject({
      location: { field: '--day' },
    });
  });
});
