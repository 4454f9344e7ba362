/**
 * FrameKernel backed by the WASM SIMD module built from frame-kernel.c (backend 'wasm-simd'). One instance per
 * FFT size; its memory is private. The accumulator stays in WASM memory (float64, in the FFT's scrambled output
 * order) for a whole batch of frames and is mapped back to natural order once per call.
 */
import type { FrameKernel, WindowInfo } from '../types.ts';
import { assertPow2, DspParamError } from '../spectrum-error.ts';
import { FRAME_KERNEL_WASM_BASE64 } from './frame-kernel-wasm.ts';
import { FftJsKernel } from '../fft-kernel.ts';

interface Exports {
  memory: WebAssembly.Memory;
  bw_in_ptr(): number;
  bw_in_capacity(): number;
  bw_trig_ptr(): number;
  bw_win_ptr(): number;
  bw_re_ptr(): number;
  bw_im_ptr(): number;
  bw_acc_ptr(): number;
  bw_perm_ptr(): number;
  bw_accn_ptr(): number;
  bw_acc_load(): void;
  bw_acc_store(): void;
  bw_max_n(): number;
  bw_setup(n: number): number;
  bw_run_cu8(offset: number, frames: number, hopBytes: number): void;
  bw_frame_cu8(offset: number): void;
  bw_run_f32(): void;
}

let wasmBytes: Uint8Array<ArrayBuffer> | undefined;
let compiled: WebAssembly.Module | undefined;

/** The module bytes (decoded once from the embedded base64). */
export function frameKernelWasmBytes(): Uint8Array<ArrayBuffer> {
  if (!wasmBytes) {
    const bin = atob(FRAME_KERNEL_WASM_BASE64);
    wasmBytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) wasmBytes[i] = bin.charCodeAt(i);
  }
  return wasmBytes;
}

/** True when this runtime has WebAssembly with the SIMD proposal (Node ≥ 16.4, current browsers). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(frameKernelWasmBytes());
  } catch {
    return false;
  }
}

/** WASM SIMD implementation of {@link FrameKernel}; build with `create` (async) or `createSync`. */
export class WasmSimdKernel implements FrameKernel {
  readonly backend = 'wasm-simd';
  readonly fftSize: number;
  private ex: Exports | undefined;
  private readonly inBuf: Uint8Array;
  private readonly re: Float32Array;
  private readonly im: Float32Array;
  /** Staging copy of the caller's accumulator (natural order) in WASM memory. */
  private readonly accn: Float64Array;

  /** Compiles (once per process) and instantiates the module asynchronously. */
  static async create(fftSize: number, window: WindowInfo): Promise<WasmSimdKernel> {
    WasmSimdKernel.check(fftSize, window);
    compiled ??= await WebAssembly.compile(frameKernelWasmBytes());
    const inst = await WebAssembly.instantiate(compiled, {});
    return new WasmSimdKernel(inst, fftSize, window);
  }

  /** Synchronous variant (fine in Node and workers; browsers limit sync compilation on the main thread). */
  static createSync(fftSize: number, window: WindowInfo): WasmSimdKernel {
    WasmSimdKernel.check(fftSize, window);
    compiled ??= new WebAssembly.Module(frameKernelWasmBytes());
    return new WasmSimdKernel(new WebAssembly.Instance(compiled, {}), fftSize, window);
  }

  private static check(fftSize: number, window: WindowInfo): void {
    assertPow2('fftSize', fftSize, 16, 16384);
    if (window.coeffs.length !== fftSize) {
      throw new DspParamError('window', `window has ${window.coeffs.length} coefficients, fftSize is ${fftSize}`);
    }
  }

  private constructor(instance: WebAssembly.Instance, fftSize: number, window: WindowInfo) {
    const ex = instance.exports as unknown as Exports;
    this.ex = ex;
    this.fftSize = fftSize;
    const buf = ex.memory.buffer;
    const n = fftSize;
    const maxN = ex.bw_max_n();
    const trig = new Float32Array(buf, ex.bw_trig_ptr(), 2 * maxN);
    for (let k = 0; k < n; k++) {
      trig[k] = Math.cos((2 * Math.PI * k) / n);
      trig[maxN + k] = Math.sin((2 * Math.PI * k) / n);
    }
    new Float32Array(buf, ex.bw_win_ptr(), n).set(window.coeffs);
    if (ex.bw_setup(n) !== 0) throw new DspParamError('fftSize', `WASM kernel rejected fftSize ${n}`);
    // The module never grows its memory, so these views stay valid.
    this.inBuf = new Uint8Array(buf, ex.bw_in_ptr(), ex.bw_in_capacity());
    this.re = new Float32Array(buf, ex.bw_re_ptr(), n);
    this.im = new Float32Array(buf, ex.bw_im_ptr(), n);
    this.accn = new Float64Array(buf, ex.bw_accn_ptr(), n);
  }

  private exports(): Exports {
    if (!this.ex) throw new DspParamError('kernel', 'WASM kernel used after dispose()');
    return this.ex;
  }

  accumulateCu8(input: Uint8Array, offset: number, accum: Float64Array): void {
    this.accumulateCu8Frames(input, offset, 1, this.fftSize, accum);
  }

  accumulateCu8Frames(
    input: Uint8Array,
    offset: number,
    frames: number,
    hopSamples: number,
    accum: Float64Array,
  ): void {
    const ex = this.exports();
    const n = this.fftSize;
    const frameBytes = 2 * n;
    const hopBytes = 2 * hopSamples;
    if (frames <= 0) return;
    if (!(hopSamples >= 1) || offset < 0 || offset + (frames - 1) * hopBytes + frameBytes > input.length) {
      throw new DspParamError(
        'offset',
        `${frames} frames (hop ${hopSamples}) at byte ${offset} overrun ${input.length} bytes`,
      );
    }
    this.loadAccum(accum);
    const perCopy = Math.max(1, Math.floor((this.inBuf.length - frameBytes) / hopBytes) + 1);
    let off = offset;
    for (let done = 0; done < frames;) {
      const cnt = Math.min(frames - done, perCopy);
      const bytes = (cnt - 1) * hopBytes + frameBytes;
      // One copy of the input per sub-batch (one per call unless it exceeds the 1 MiB input buffer).
      this.inBuf.set(input.subarray(off, off + bytes));
      ex.bw_run_cu8(0, cnt, hopBytes);
      done += cnt;
      off += cnt * hopBytes;
    }
    this.storeAccum(accum);
  }

  powerCu8(input: Uint8Array, offset: number): Float64Array {
    const frameBytes = 2 * this.fftSize;
    if (offset < 0 || offset + frameBytes > input.length) {
      throw new DspParamError(
        'offset',
        `frame of ${this.fftSize} samples at byte ${offset} overruns ${input.length} bytes`,
      );
    }
    this.inBuf.set(input.subarray(offset, offset + frameBytes));
    this.exports().bw_frame_cu8(0);
    return this.accn;
  }

  accumulateComplex(re: Float32Array, im: Float32Array, offset: number, accum: Float64Array): void {
    const ex = this.exports();
    const n = this.fftSize;
    if (offset < 0 || offset + n > re.length || offset + n > im.length) {
      throw new DspParamError('offset', `frame of ${n} samples at ${offset} overruns the input`);
    }
    this.re.set(re.subarray(offset, offset + n));
    this.im.set(im.subarray(offset, offset + n));
    this.loadAccum(accum);
    ex.bw_run_f32();
    this.storeAccum(accum);
  }

  dispose(): void {
    this.ex = undefined;
  }

  // The caller's accumulator is copied in and out (memcpy + a permuting copy inside WASM) so that results do not
  // depend on how frames are batched.
  private loadAccum(accum: Float64Array): void {
    this.accn.set(accum);
    this.exports().bw_acc_load();
  }

  private storeAccum(accum: Float64Array): void {
    this.exports().bw_acc_store();
    accum.set(this.accn);
  }
}

/**
 * The fastest available kernel: 'wasm-simd' when the runtime validates the SIMD module and the size is within its
 * range (16..16384), else 'fftjs'. Pass `backend` to force one.
 */
export async function createFrameKernel(
  fftSize: number,
  window: WindowInfo,
  backend: 'auto' | 'fftjs' | 'wasm-simd' = 'auto',
): Promise<FrameKernel> {
  const wasmOk = fftSize <= 16384 && wasmSimdSupported();
  if (backend === 'wasm-simd' || (backend === 'auto' && wasmOk)) return WasmSimdKernel.create(fftSize, window);
  return new FftJsKernel(fftSize, window);
}
