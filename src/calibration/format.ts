/** Human and machine renderings of a {@link CalibrationResult}. */
import type { CalibrationResult } from './meter.ts';

/** One JSON object (numbers rounded to what is meaningful). `drift` only when `withDrift`. */
export function calibrationJson(r: CalibrationResult, withDrift: boolean): string {
  const o: Record<string, unknown> = {
    referenceHz: r.referenceHz,
    measuredHz: round(r.measuredHz, 2),
    offsetHz: round(r.offsetHz, 2),
    offsetPpm: round(r.offsetPpm, 4),
    appliedPpm: r.appliedPpm,
    residualPpm: round(r.residualPpm, 4),
    ppm: round(r.ppm, 4),
    uncertaintyHz: round(r.uncertaintyHz, 3),
    uncertaintyPpm: round(r.uncertaintyPpm, 5),
    snrDb: round(r.snrDb, 2),
    lineWidthHz: round(r.lineWidthHz, 2),
    lineKind: r.lineKind,
    secondLine: r.secondLine
      ? { offsetHz: round(r.secondLine.offsetHz, 1), snrDb: round(r.secondLine.snrDb, 2) }
      : null,
    searchHz: round(r.searchHz, 1),
    centerHz: r.centerHz,
    sampleRateHz: r.sampleRateHz,
    fftSize: r.fftSize,
    binHz: round(r.binHz, 4),
    frames: r.frames,
    effectiveFrames: round(r.effectiveFrames, 2),
    durationS: round(r.durationS, 4),
  };
  if (withDrift)
    o.drift = r.drift
      ? {
          firstOffsetHz: round(r.drift.first.offsetHz, 2),
          middleOffsetHz: r.drift.middle ? round(r.drift.middle.offsetHz, 2) : null,
          lastOffsetHz: round(r.drift.last.offsetHz, 2),
          driftHz: round(r.drift.driftHz, 2),
          driftPpm: round(r.drift.driftPpm, 4),
          uncertaintyHz: round(r.drift.uncertaintyHz, 3),
          spanS: round(r.drift.spanS, 3),
        }
      : null;
  o.warnings = r.warnings;
  return JSON.stringify(o);
}

/** Lines for a person at the venue. */
export function calibrationText(r: CalibrationResult, withDrift: boolean): string[] {
  // enough decimals to show the uncertainty's first significant digit, within reason
  const digitsFor = (u: number, max: number) => Math.min(max, Math.max(0, Math.ceil(-Math.log10(Math.max(u, 1e-9)))));
  const ppmDigits = Math.max(1, digitsFor(r.uncertaintyPpm, 4));
  const hzDigits = digitsFor(r.uncertaintyHz, 2);
  const sign = (x: number, d: number) => (x >= 0 ? '+' : '-') + Math.abs(x).toFixed(d);
  const lines = [
    `reference     ${hz(r.referenceHz, 0)} Hz`,
    `measured      ${hz(r.measuredHz, hzDigits)} Hz  (line ${r.snrDb.toFixed(1)} dB over the floor, ${r.lineKind === 'cw' ? 'clean carrier' : `${r.lineWidthHz.toFixed(0)} Hz wide, not a clean carrier`})`,
    `offset        ${sign(r.offsetHz, hzDigits)} Hz ± ${r.uncertaintyHz.toFixed(hzDigits)} Hz (1σ) = ${sign(r.offsetPpm, ppmDigits)} ppm ± ${r.uncertaintyPpm.toFixed(ppmDigits)} ppm`,
    `correction    ${r.appliedPpm === 0 ? 'none applied' : `${r.appliedPpm > 0 ? '+' : '-'}${Math.abs(r.appliedPpm)} ppm applied, residual ${sign(r.residualPpm, ppmDigits)} ppm`}`,
    `set ppm       ${sign(r.ppm, ppmDigits)}   (the sensor's "ppm" setting; ${r.ppm >= 0 ? 'crystal runs fast' : 'crystal runs slow'}; librtlsdr / rtl_tcp -P convention)`,
    `averaged      ${r.durationS.toFixed(2)} s, ${r.frames} × ${r.fftSize}-point frames (${r.binHz.toFixed(2)} Hz bins), search ±${r.searchHz.toFixed(0)} Hz`,
  ];
  if (r.secondLine)
    lines.push(
      `next line     ${sign(r.secondLine.offsetHz, 0)} Hz from the reference, ${r.secondLine.snrDb.toFixed(1)} dB over the floor`,
    );
  if (withDrift) {
    const d = r.drift;
    lines.push(
      d
        ? `drift         ${sign(d.driftHz, hzDigits)} Hz (${sign(d.driftPpm, 3)} ppm) ± ${d.uncertaintyHz.toFixed(hzDigits)} Hz over ${d.spanS.toFixed(1)} s: thirds at ${[d.first, d.middle, d.last].map((t) => (t ? sign(t.offsetHz, hzDigits) : '?')).join(' / ')} Hz`
        : 'drift         not measurable (see warnings)',
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** 1 089 933 570.12: thin-space-free grouping with plain spaces so it survives any terminal. */
function hz(x: number, digits: number): string {
  const [int, frac] = Math.abs(x).toFixed(digits).split('.');
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return (x < 0 ? '-' : '') + grouped + (frac ? '.' + frac : '');
}
