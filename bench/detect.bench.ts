/**
 * Detection chain cost per spectrum: noise floor + CFAR (known noise) + emissions + jamming, at N = 1024..8192.
 * Inputs (Welch-distributed noise, M = 16, with a few dozen emitters) are built before timing; the timed loop
 * cycles through them. Also times each stage alone and the CA / OS CFAR variants for reference.
 * Figures: median over repeated batches of the mean µs per spectrum.
 */
import { CfarDetector, type CfarMethod } from '../dsp/cfar.ts';
import { EmissionExtractor, dcExcludeMask } from '../dsp/emissions.ts';
import { JammingDetector } from '../dsp/jamming.ts';
import { NoiseFloorEstimator } from '../dsp/noise-floor.ts';
import { cpus, loadavg as osLoadavg } from 'node:os';

const loadavg = () =>
  osLoadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

export const name = 'detect';

const SIZES = [1024, 2048, 4096, 8192];
const M = 16;
const FS = 2.4e6;
const INPUTS = 32;

/** Seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Welch-like spectra: floor −70 dBFS, M-frame Gamma bins, 40 emitters of 1..60 bins at 10..40 dB. */
function makeInputs(n: number): Float32Array[] {
  const rnd = prng(n);
  const out: Float32Array[] = [];
  for (let s = 0; s < INPUTS; s++) {
    const mean = new Float64Array(n).fill(1e-7);
    for (let e = 0; e < 40; e++) {
      const w = 1 + Math.floor(rnd() * 60 * (n / 2048));
      const c = Math.floor(rnd() * (n - w));
      const lvl = 1e-7 * 10 ** ((10 + 30 * rnd()) / 10);
      for (let k = c; k < c + w; k++) mean[k] = (mean[k] as number) + lvl;
    }
    const psd = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      let g = 0;
      for (let i = 0; i < M; i++) g -= Math.log(rnd());
      psd[k] = ((mean[k] as number) * g) / M;
    }
    out.push(psd);
  }
  return out;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] as number;
}

interface Timing {
  /** Median over batches of the wall-clock mean µs per call. */
  median: number;
  /** Fastest batch, µs per call (closest to an idle machine). */
  min: number;
  /** Median over batches of process CPU time (user + system) per call, µs: not inflated while descheduled. */
  cpu: number;
}

/** Times fn(i) over `batches` batches of `perBatch` calls, after one warm-up batch. */
function timing(fn: (i: number) => void, perBatch: number, batches: number): Timing {
  for (let i = 0; i < perBatch; i++) fn(i); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let j = 0; j < perBatch; j++) fn(i++);
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    wall.push((dt * 1000) / perBatch);
    cpu.push((c.user + c.system) / perBatch);
  }
  return { median: median(wall), min: Math.min(...wall), cpu: median(cpu) };
}

/** Median wall-clock µs per call (see {@link timing}). */
function time(fn: (i: number) => void, perBatch: number, batches: number): number {
  return timing(fn, perBatch, batches).median;
}

interface Row {
  fftSize: number;
  /** Median wall-clock µs per spectrum for floor + CFAR + emissions + jamming. */
  usPerSpectrum: number;
  minUsPerSpectrum: number;
  cpuUsPerSpectrum: number;
  floorUs: number;
  cfarUs: number;
  emissionsUs: number;
  jammingUs: number;
  cfarCaUs: number;
  cfarOsUs: number;
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const rows: Row[] = [];
  for (const n of SIZES) {
    const inputs = makeInputs(n);
    const exclude = dcExcludeMask(n, 3);
    const floor = new NoiseFloorEstimator({ fftSize: n, segments: 32, excludeMask: exclude });
    const cfar = new CfarDetector({ fftSize: n, pfa: 1e-6, method: 'known', excludeMask: exclude });
    const ex = new EmissionExtractor({ fftSize: n, excludeMask: exclude });
    const jam = new JammingDetector({ fftSize: n, excludeMask: exclude, tracker: { learnS: 1 } });
    const spectrum = { startHz: 446e6 - FS / 2, binHz: FS / n, fftSize: n, effectiveFrames: M, enbwBins: 1.5 };
    let t = 0;
    const full = (i: number) => {
      const psd = inputs[i % INPUTS] as Float32Array;
      floor.estimate(psd, M);
      const mask = cfar.detect(psd, M, floor.floorLin);
      const count = ex.extract(spectrum, psd, floor.floorLin, mask);
      jam.update({
        spectrum,
        timeS: (t += 0.05),
        psdLin: psd,
        floor,
        detMask: mask,
        emissions: ex.emissions,
        emissionCount: count,
      });
    };
    const per = Math.max(20, Math.round(400_000 / n));
    const chain = timing(full, per, 15);
    // Stage by stage (the later stages reuse the state the full chain left).
    const floorUs = time((i) => floor.estimate(inputs[i % INPUTS] as Float32Array, M), per, 15);
    const cfarUs = time((i) => cfar.detect(inputs[i % INPUTS] as Float32Array, M, floor.floorLin), per, 15);
    const emissionsUs = time(
      (i) => ex.extract(spectrum, inputs[i % INPUTS] as Float32Array, floor.floorLin, cfar.mask),
      per,
      15,
    );
    const jammingUs = time(
      (i) =>
        jam.update({
          spectrum,
          timeS: (t += 0.05),
          psdLin: inputs[i % INPUTS] as Float32Array,
          floor,
          detMask: cfar.mask,
          emissions: ex.emissions,
          emissionCount: ex.count,
        }),
      per,
      15,
    );
    const variant = (method: CfarMethod) => {
      const d = new CfarDetector({ fftSize: n, pfa: 1e-6, method, refCells: 32, guardCells: 2 });
      d.detect(inputs[0] as Float32Array, M); // threshold factor computed once, outside the timing
      return time((i) => d.detect(inputs[i % INPUTS] as Float32Array, M), Math.max(5, per >> 2), 9);
    };
    rows.push({
      fftSize: n,
      usPerSpectrum: chain.median,
      minUsPerSpectrum: chain.min,
      cpuUsPerSpectrum: chain.cpu,
      floorUs,
      cfarUs,
      emissionsUs,
      jammingUs,
      cfarCaUs: variant('ca'),
      cfarOsUs: variant('os'),
    });
  }
  const f = (x: number) => x.toFixed(1).padStart(8);
  const table = [
    '  fftSize  µs/spectrum (median   min    cpu) |  floor    cfar  emissions  jamming | CA-CFAR  OS-CFAR (alone)',
    ...rows.map(
      (r) =>
        `${String(r.fftSize).padStart(9)}          ${f(r.usPerSpectrum)}${f(r.minUsPerSpectrum)}${f(r.cpuUsPerSpectrum)} |${f(
          r.floorUs,
        )}${f(r.cfarUs)} ${f(r.emissionsUs)} ${f(r.jammingUs)} |${f(r.cfarCaUs)} ${f(r.cfarOsUs)}`,
    ),
    `(load average ${loadavg()} on ${cpus().length} CPUs while timing)`,
    `(M = ${M}, Pfa 1e-6 known-noise CFAR in the chain; Node ${process.version})`,
  ].join('\n');
  return { table, results: { detection: rows } };
}
