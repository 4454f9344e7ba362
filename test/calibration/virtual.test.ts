// Calibration against the register-level virtual dongle, which models a crystal error (xtalErrorPpm) in its tuner
// PLL, DDC and sample clock: calibrate must measure what the model does, and its `ppm` must be what the driver's
// setFrequencyCorrection needs to cancel it. The dongles here render live (loopSamples 0): the default 2^20-sample
// render loop restarts the test tone's phase every 0.437 s, which gives it a skirt 20–30 dB over the noise a few
// bins out (calibrate rightly reports it as a carrier riding on modulation) and moves its centre by ~0.5 Hz.
import { afterEach, describe, expect, it } from 'vitest';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { RtlTcpServer } from '../../firmware-bridge/rtltcp/server.ts';
import { ToneTestSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';
import { calibrateSource } from '../../src/calibration/run.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { DeviceSource } from '../../src/sources/device-source.ts';

const REF = 433_920_000;
const CENTER = REF - 200_000;
const FS = 2_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function measureVirtual(xtalErrorPpm: number, correctionPpm: number) {
  const dongle = new VirtualRtlSdr({
    xtalErrorPpm,
    paced: false,
    loopSamples: 0,
    source: new ToneTestSource([{ freqHz: REF, levelDbm: -70 }]),
  });
  const sdr = await RtlSdr.open(dongle);
  const source = await DeviceSource.create(sdr, {
    id: 'v',
    kind: 'virtual',
    centerHz: CENTER,
    sampleRateHz: FS,
    gain: 29.7,
    ppm: correctionPpm,
  });
  const st = dongle.radioState();
  // where the model puts the carrier on the host's frequency scale: the dongle mixes with its real LO and samples
  // with its real clock; the host labels bins with the nominal centre and rate
  const shownHz = CENTER + (REF - st.centerHz) * (FS / st.sampleRateHz);
  const r = await calibrateSource(source, { referenceHz: REF, durationS: 0.5, appliedPpm: correctionPpm });
  return { r, shownHz };
}

describe('calibrate against the virtual dongle', () => {
  it.each([
    [35, 0],
    [35, 35],
    [-20, 10],
    [-61, 0],
  ])(
    'crystal %s ppm, correction %s ppm: measures the modelled offset to 1 Hz and suggests the crystal error',
    async (xtal, corr) => {
      const { r, shownHz } = await measureVirtual(xtal, corr);
      expect(Math.abs(r.measuredHz - shownHz)).toBeLessThan(1);
      expect(r.lineKind).toBe('cw');
      expect(r.appliedPpm).toBe(corr);
      expect(r.ppm).toBeCloseTo(((1 + corr * 1e-6) * (REF / shownHz) - 1) * 1e6, 2); // 0.005 ppm ≈ 2 Hz
      // what separates that from the crystal error is the R82xx PLL's tuning granularity (librtlsdr's
      // kHz-truncated fractional-N arithmetic, modelled by the virtual tuner): up to ~0.5 kHz, ~1.2 ppm at 434 MHz
      expect(Math.abs(r.ppm - xtal)).toBeLessThan(1.2);
      expect(r.residualPpm).toBeCloseTo(r.ppm - corr, 9);
      // a crystal faster than the correction assumes shows the carrier low, and the other way round
      if (Math.abs(xtal - corr) > 1) expect(Math.sign(r.offsetHz)).toBe(-Math.sign(xtal - corr));
    },
  );

  it('through rtl_tcp from the CLI: a dongle 25 ppm slow reads what the model tunes, ppm ≈ −25 (with −10 ppm applied)', async () => {
    const dongle = new VirtualRtlSdr({
      xtalErrorPpm: -25,
      loopSamples: 0,
      source: new ToneTestSource([{ freqHz: REF, levelDbm: -70 }]),
    });
    const sdr = await RtlSdr.open(dongle);
    const server = await RtlTcpServer.create({ device: sdr, port: 0 });
    cleanups.push(async () => {
      await server.close();
      await sdr.close();
    });
    const io = memoryIo();
    const code = await main(
      [
        'calibrate',
        '--input',
        `rtltcp://127.0.0.1:${server.port}`,
        '--reference-hz',
        '433.92 MHz',
        '--duration',
        '0.5',
        '--gain',
        '29.7',
        '--ppm',
        '-10.4',
        '--format',
        'json',
      ],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const j = JSON.parse(io.stdout[0]!) as Record<string, number> & { warnings: string[] };
    expect(j.centerHz).toBe(CENTER);
    // rtl_tcp sends whole ppm: −10.4 goes out as −10, and that is what the suggestion builds on
    expect(j.appliedPpm).toBe(-10);
    expect(j.warnings.join('\n')).toMatch(/--ppm -10.4 went out as -10/);
    const st = dongle.radioState();
    const shownHz = CENTER + (REF - st.centerHz) * (FS / st.sampleRateHz);
    expect(Math.abs(j.measuredHz! - shownHz)).toBeLessThan(1);
    expect(j.ppm).toBeCloseTo(((1 - 10e-6) * (REF / shownHz) - 1) * 1e6, 2); // 0.005 ppm ≈ 2 Hz
    expect(Math.abs(j.ppm! + 25)).toBeLessThan(1.2);
    expect(j.offsetHz).toBeGreaterThan(0); // a crystal slower than the correction assumes shows the carrier high
  });

  it('from the CLI on virtual:tone (perfect crystal) with --ppm 25 applied: residual −25, ppm ≈ 0', async () => {
    const io = memoryIo();
    const code = await main(
      [
        'calibrate',
        '--input',
        'virtual:tone',
        '--reference-hz',
        '100.2M',
        '--duration',
        '0.5',
        '--ppm',
        '25',
        '--format',
        'json',
      ],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const j = JSON.parse(io.stdout[0]!) as Record<string, number>;
    expect(j.appliedPpm).toBe(25);
    expect(j.offsetPpm).toBeGreaterThan(24.7);
    expect(j.offsetPpm).toBeLessThan(25.3);
    expect(Math.abs(j.ppm!)).toBeLessThan(0.3);
    expect(j.residualPpm).toBeCloseTo(j.ppm! - 25, 6);
  });
});
