/**
 * `bandwatch record --input SRC --duration S --out FILE`: records IQ from any source to a cu8 SigMF recording
 * (FILE or FILE.sigmf-meta/-data). SRC: `virtual[:SCENE]`, `usb[:SERIAL]`, `rtltcp://HOST:PORT` (sources from
 * src/sources), or an existing SigMF recording (re-recorded to cu8, e.g. to convert ci16/cf32).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../../errors.ts';
import { sigmfBase } from '../../recording/sigmfReader.ts';
import { SigmfWriter } from '../../recording/sigmfWriter.ts';
import { openLiveInput } from '../../sources/open.ts';
import type { IqBlock } from '../../types.ts';
import type { CliIo } from '../io.ts';

const USAGE = `usage: bandwatch record --input virtual[:SCENE]|usb[:SERIAL]|rtltcp://HOST:PORT|REC.sigmf-meta --duration SECONDS
         --out FILE [--center-hz HZ] [--sample-rate HZ] [--gain DB|auto] [--ppm PPM] [--sensor ID] [--description TEXT]`;

function num(v: string, flag: string): number {
  const x = Number(v);
  if (!Number.isFinite(x))
    throw new ConfigError('BW_ERR_CLI_ARGS', `${flag} must be a number, got '${v}'`, { field: flag });
  return x;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string', short: 'i' },
      duration: { type: 'string', short: 'd' },
      out: { type: 'string', short: 'o' },
      'center-hz': { type: 'string' },
      'sample-rate': { type: 'string' },
      gain: { type: 'string' },
      ppm: { type: 'string' },
      sensor: { type: 'string' },
      description: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.input || !values.out || !values.duration) {
    io.err(USAGE);
    return 2;
  }
  const durationS = num(values.duration, '--duration');
  if (durationS <= 0) throw new ConfigError('BW_ERR_CLI_ARGS', '--duration must be > 0 s', { field: '--duration' });
  const gain = values.gain === undefined ? undefined : values.gain === 'auto' ? 'auto' : num(values.gain, '--gain');
  const ppm = values.ppm !== undefined ? num(values.ppm, '--ppm') : undefined;
  const source = await openLiveInput(values.input, {
    centerHz: values['center-hz'] !== undefined ? num(values['center-hz'], '--center-hz') : undefined,
    sampleRateHz: values['sample-rate'] !== undefined ? num(values['sample-rate'], '--sample-rate') : undefined,
    gain,
    ppm,
    id: values.sensor,
  });
  const writer = await SigmfWriter.create({
    basePath: sigmfBase(values.out),
    sensorId: values.sensor ?? source.id,
    hw: source.description,
    gainDb: gain,
    ppm,
    description: values.description ?? `bandwatch record --input ${values.input} --duration ${durationS}`,
    reason: 'manual',
  });
  let wanted = 0;
  let first = -1;
  let failure: unknown = null;
  let lost = 0;
  await new Promise<void>((resolve, reject) => {
    const done = () => resolve();
    io.signal.addEventListener('abort', done, { once: true });
    source
      .start(
        (b: IqBlock) => {
          if (failure || (wanted && writer.samplesWritten >= wanted)) return;
          if (first < 0) {
            first = b.sampleIndex;
            wanted = Math.round(durationS * b.sampleRateHz);
          }
          try {
            writer.write(b, 0, wanted - writer.samplesWritten);
          } catch (e) {
            failure = e;
            done();
            return;
          }
          if (writer.samplesWritten >= wanted) done();
        },
        (ev) => {
          if (ev.type === 'samples-lost') lost += ev.lostSamples;
          if (ev.type === 'end' || ev.type === 'disconnected') done();
        },
      )
      .catch(reject);
  });
  await source.stop();
  await writer.close();
  if (failure) throw failure;
  const rate = writer.sampleRateHz || 1;
  io.out(
    `recorded ${writer.samplesWritten} samples (${(writer.samplesWritten / rate).toFixed(2)} s at ${(rate / 1e6).toFixed(3)} MS/s, ` +
      `${lost} lost) to ${writer.metaPath}`,
  );
  return 0;
}
