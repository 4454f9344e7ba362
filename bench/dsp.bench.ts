/**
 * Spectrum DSP throughput, one core: cu8 → window → FFT → |X|² → Welch accumulate → dB, per backend and FFT size,
 * in mega-samples of input per CPU-second (median of 9 timed runs after a warm-up; inputs built outside the timing).
 *
 * - `kernel`: WelchPsd without overlap (every input sample transformed once), M = 16, Hann: the frame-kernel rate.
 * - `welch50`: the same at 50 % overlap (each sample transformed twice): the rate a live source can be fed at.
 * - `kernelOnly`: FrameKernel.accumulateCu8Frames alone (no Welch bookkeeping, no dB).
 */
import { FftJsKernel } from '../dsp/fft-kernel.ts';
import { WasmSimdKernel } from '../dsp/wasm/kernel.ts';
import { makeWindow } from '../dsp/window.ts';
import { WelchPsd } from '../dsp/welch.ts';
import type { FrameKernel } from '../dsp/types.ts';

export const name = 'dsp';

const SIZES = [1024, 2048, 4096, 8192];
const RUNS = 9;

interface Row {
  backend: string;
  fftSize: number;
  /** Mega-samples of input per second of CPU time (one core). */
  msps: number;
  /** Same by wall clock (lower when the machine is shared). */
  mspsWall: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

function makeInput(samples: number): Uint8Array {
  // Noise-like cu8 bytes from an LCG: content does not affect the FFT's speed, only that it is not constant.
  const b = new Uint8Array(2 * samples);
  let x = 12345;
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * Median MS/s of `fn` processing `samples` input samples, by process CPU time (user + system): on a shared box
 * wall time also counts the time other processes held the core; CPU time is what "per core" means. Wall-clock
 * medians are returned too.
 */
function timeIt(samples: number, fn: () => void): { msps: number; mspsWall: number } {
  fn(); // warm-up: JIT tiers, WASM tier-up
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const dtNs = Number(process.hrtime.bigint() - t0);
    const c = process.cpuUsage(c0);
    cpu.push(samples / (c.user + c.system));
    wall.push((samples / dtNs) * 1e3);
  }
  return { msps: Math.round(median(cpu) * 10) / 10, mspsWall: Math.round(median(wall) * 10) / 10 };
}

export async function run(): Promise<{ table: string; results: unknown }> {
  const kernel: Row[] = [];
  const welch50: Row[] = [];
  const kernelOnly: Row[] = [];
  for (const backend of ['fftjs', 'wasm-simd'] as const) {
    // Enough work per run for stable timing; the JS backend is ~5× slower.
    const samples = backend === 'fftjs' ? 1 << 21 : 1 << 23;
    const input = makeInput(samples);
    for (const n of SIZES) {
      const window = makeWindow('hann', n);
      const make = (): Promise<FrameKernel> =>
        backend === 'fftjs' ? Promise.resolve(new FftJsKernel(n, window)) : WasmSimdKernel.create(n, window);
      for (const [overlap, rows] of [
        [0, kernel],
        [0.5, welch50],
      ] as const) {
        const k = await make();
        const psd = new WelchPsd({
          fftSize: n,
          window,
          kernel: k,
          overlap,
          averages: 16,
          sampleRateHz: 2.4e6,
          centerHz: 1e8,
        });
        let spectra = 0;
        const t = timeIt(samples, () => {
          spectra += psd.push(input, 'cu8');
        });
        if (spectra === 0) throw new Error('no spectrum produced');
        rows.push({ backend, fftSize: n, ...t });
      }
      const k = await make();
      const acc = new Float64Array(n);
      const frames = Math.floor(samples / n);
      kernelOnly.push({
        backend,
        fftSize: n,
        ...timeIt(frames * n, () => k.accumulateCu8Frames!(input, 0, frames, n, acc)),
      });
    }
  }
  const lines = ['backend    fftSize  kernel MS/s  welch50 MS/s  kernelOnly MS/s   (CPU time; kernel by wall clock)'];
  kernel.forEach((r, i) => {
    lines.push(
      `${r.backend.padEnd(10)} ${String(r.fftSize).padStart(7)}  ${r.msps.toFixed(1).padStart(11)}  ${welch50[
        i
      ]!.msps.toFixed(1).padStart(12)}  ${kernelOnly[i]!.msps.toFixed(1).padStart(15)}   (${r.mspsWall.toFixed(1)})`,
    );
  });
  return {
    table: lines.join('\n'),
    results: {
      kernel,
      welch50,
      kernelOnly,
      notes: 'MS/s of cu8 input on one core; kernel = Welch M=16 no overlap incl. dB; welch50 = 50 % overlap',
      node: process.version,
    },
  };
}
