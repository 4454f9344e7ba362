import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main, usage } from '../../src/cli/main.ts';
import { writeSceneRecording } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'bw-calibrate-'));
const FS = 2_048_000;
const REF = 162_550_000; // a NOAA-weather-like licensed beacon frequency
const CENTER = REF - 250_000;
let rec = '';
let bare = '';

/** Crystal +50 ppm; the recording was taken with a +10 ppm correction (bandwatch:ppm 10). */
const SHOWN = (1 + 10e-6) / (1 + 50e-6);

beforeAll(() => {
  const scene = {
    centerHz: CENTER,
    sampleRateHz: FS,
    durationS: 0.6,
    emitters: [
      { id: 'REF', kind: 'tone' as const, centerHz: REF, levelDbfs: -50 },
      // a weaker line and a modulated neighbour inside the ±16 kHz window
      { id: 'SPUR', kind: 'tone' as const, centerHz: REF + 9_000, levelDbfs: -57 },
      { id: 'NFM', kind: 'nfm' as const, centerHz: REF - 12_500, levelDbfs: -50, voicePause: 0 },
    ],
    impairments: { ppm: (SHOWN - 1) * 1e6, dcOffsetI: 0.01 },
  };
  rec = writeSceneRecording(dir, 'beacon', scene, { 'bandwatch:ppm': 10 });
  bare = writeSceneRecording(dir, 'bare', { ...scene, impairments: { ppm: (1 / (1 + 50e-6) - 1) * 1e6 } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(['calibrate', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('bandwatch calibrate on a recording', () => {
  it('prints one JSON object: the recording had +10 ppm applied, the crystal is +50 ppm', async () => {
    const { code, out, err } = await run(['--input', rec, '--reference-hz', '162.55M', '--format', 'json']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const j = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(
      [
        'appliedPpm',
        'binHz',
        'centerHz',
        'durationS',
        'effectiveFrames',
        'fftSize',
        'frames',
        'lineKind',
        'lineWidthHz',
        'measuredHz',
        'offsetHz',
        'offsetPpm',
        'ppm',
        'referenceHz',
        'residualPpm',
        'sampleRateHz',
        'searchHz',
        'secondLine',
        'snrDb',
        'uncertaintyHz',
        'uncertaintyPpm',
        'warnings',
      ].sort(),
    );
    expect(j.referenceHz).toBe(REF);
    expect(j.centerHz).toBe(CENTER);
    expect(j.appliedPpm).toBe(10);
    expect(j.ppm as number).toBeCloseTo(50, 1);
    expect(j.residualPpm as number).toBeCloseTo(40, 1);
    expect(j.offsetHz as number).toBeCloseTo(REF * (SHOWN - 1), -1);
    expect(j.lineKind).toBe('cw');
    expect(j.durationS).toBeCloseTo(0.6, 3);
    const second = j.secondLine as { offsetHz: number; snrDb: number };
    // the spur 9 kHz above the reference shows at 9000·(1+10)/(1+50) − 6501 ≈ +2500 Hz (to the bin, 125 Hz)
    expect(Math.abs(second.offsetHz - (REF + 9000) * SHOWN + REF)).toBeLessThan(63);
    expect(second.snrDb).toBeCloseTo((j.snrDb as number) - 7, 0);
    expect(j.warnings).toEqual([]);
  });

  it('--ppm overrides the bandwatch:ppm of a recording made elsewhere, and --all adds the drift', async () => {
    const { code, out } = await run([
      '--input',
      bare,
      '--reference-hz',
      String(REF),
      '--ppm',
      '0',
      '--all',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const j = JSON.parse(out[0]!) as { ppm: number; appliedPpm: number; drift: Record<string, number> };
    expect(j.appliedPpm).toBe(0);
    expect(j.ppm).toBeCloseTo(50, 1);
    expect(Object.keys(j.drift).sort()).toEqual(
      ['driftHz', 'driftPpm', 'firstOffsetHz', 'lastOffsetHz', 'middleOffsetHz', 'spanS', 'uncertaintyHz'].sort(),
    );
    expect(Math.abs(j.drift.driftHz!)).toBeLessThan(4 * j.drift.uncertaintyHz! + 0.5);
    const overridden = await run([
      '--input',
      rec,
      '--reference-hz',
      String(REF),
      '--ppm',
      '0',
      '--gain',
      '20',
      '--format',
      'json',
    ]);
    const k = JSON.parse(overridden.out[0]!) as { ppm: number; warnings: string[] };
    // the +10 ppm really applied is now ignored, so the figure is 10 ppm short: the warning says why
    expect(k.ppm).toBeCloseTo(40, 1);
    expect(k.warnings.join('\n')).toMatch(/--ppm 0 overrides the recording's bandwatch:ppm 10/);
    expect(k.warnings.join('\n')).toMatch(/--gain ignored: a recording has its own tuning/);
  });

  it('prints lines for a person, with the value to configure and its sign spelled out', async () => {
    const { code, out } = await run(['--input', rec, '--reference-hz', '162550000', '--duration', '0.3', '--all']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^reference +162 550 000 Hz$/m);
    expect(text).toMatch(/^offset +-650[12]\.\d+ Hz ± \d+\.\d+ Hz \(1σ\) = -39\.99\d+ ppm ± 0\.0\d+ ppm$/m);
    expect(text).toMatch(/^correction +\+10 ppm applied, residual \+40\.00\d+ ppm$/m);
    expect(text).toMatch(/^set ppm +\+50\.00\d+ .*crystal runs fast/m);
    expect(text).toMatch(/^averaged +0\.30 s/m);
    expect(text).toMatch(/^drift +[-+]\d/m);
  });
});

describe('bandwatch calibrate refusals', () => {
  it('a reference outside the captured band: exit 1, one line naming it', async () => {
    const { code, err, out } = await run(['--input', rec, '--reference-hz', '163.5M']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^bandwatch calibrate: field '--reference-hz': the reference 163\.5 MHz is outside the captured band 161\.276–163\.324 MHz .*\[BW_ERR_CALIBRATION_OUT_OF_BAND\]$/,
    );
  });

  it('no line in the window: exit 1, the strongest candidate named', async () => {
    const { code, err } = await run(['--input', rec, '--reference-hz', '162.7M', '--search-hz', '5000']);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/no line stands 10 dB over the floor within ±5000 Hz of 162\.7 MHz/);
    expect(err[0]).toMatch(/\[BW_ERR_CALIBRATION_NO_LINE\]$/);
  });

  it('a missing recording: the recording error, exit 1', async () => {
    const { code, err } = await run(['--input', join(dir, 'nope.sigmf-meta'), '--reference-hz', '1e8']);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/BW_ERR_SIGMF/);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--input', 'x.sigmf-meta', '--reference-hz'], "'--reference-hz <value>' argument missing"],
    [['--input', 'x.sigmf-meta'], '--reference-hz is required'],
    [['--reference-hz', '1e8'], '--input is required'],
    [['--input', 'x', '--reference-hz', 'abc'], "--reference-hz must be a positive frequency in Hz, got 'abc'"],
    [['--input', 'x', '--reference-hz', '100M', '--search-hz=-5'], '--search-hz must be a positive frequency'],
    [['--input', 'x', '--reference-hz', '100M', '--duration', '0'], "--duration must be a positive number, got '0'"],
    [['--input', 'x', '--reference-hz', '100M', '--ppm', '5000'], '--ppm must be a number within ±1000'],
    [['--input', 'x', '--reference-hz', '100M', '--format', 'xml'], "--format must be text or json, got 'xml'"],
    [['--input', 'x', '--reference-hz', '100M', '--gain', 'loud'], "--gain must be 'auto' or dB"],
  ])('%j: one line naming the flag, exit 2, no stack', async (args, what) => {
    const { code, err, out } = await run(args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('bandwatch calibrate: ');
    expect(err[0]).toContain(what);
    expect(err[0]).toContain('bandwatch calibrate --help');
    expect(err[0]).not.toContain('internal error');
    expect(err[0]).not.toMatch(/\n\s+at /);
  });

  it('--help prints the usage and the dispatcher lists the command', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^usage: bandwatch calibrate --input .* --reference-hz HZ/);
    expect(usage()).toMatch(/^ {2}calibrate +measure a dongle's frequency error/m);
  });
});
