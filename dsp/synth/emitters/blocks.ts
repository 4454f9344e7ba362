/**
 * Emitters synthesised block-wise in the frequency domain: OFDM (one IFFT per symbol plus cyclic prefix) and
 * barrage noise (Gaussian bins over the bandwidth, IFFT, sine-windowed 50 % overlap-add so the variance stays
 * constant). Blocks are indexed from absolute sample 0 and filled from hashes of (key, block), so a sample is a pure
 * function of its index; the last blocks are cached for the sequential case. Bins that would land outside the
 * receiver band are left empty, so nothing aliases.
 */
import type { BarrageEmitterSpec, OfdmEmitterSpec, PulseEmitterSpec } from '../spec.ts';
import { type Fft, fftPlan } from '../fft.ts';
import { GAUSS_TABLE_MASK, gaussianTable, hash32, mix32 } from '../prng.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SHIFT, phaseAt } from '../tables.ts';
import { Emitter, nextPow2, type ReceiverBand } from './base.ts';

/** Complex multiply-accumulate of a block sample by the carrier, shared by both kinds. */
abstract class BlockEmitter extends Emitter {
  protected fft: Fft | null = null;
  protected size = 0;
  protected readonly bufRe: Float64Array[] = [];
  protected readonly bufIm: Float64Array[] = [];
  protected readonly bufIdx = [-1, -1];
  protected scale = 0;

  protected allocate(size: number): void {
    if (size === this.size) return;
    this.size = size;
    this.fft = fftPlan(size);
    this.bufRe.length = 0;
    this.bufIm.length = 0;
    for (let i = 0; i < 2; i++) {
      this.bufRe.push(new Float64Array(size));
      this.bufIm.push(new Float64Array(size));
    }
  }

  /** Fills bins for block b into re/im (zeroed), then inverse-transforms. */
  protected abstract fillBlock(b: number, re: Float64Array, im: Float64Array): void;

  /** Returns the cache slot holding block b. */
  protected block(b: number): number {
    const slot = b & 1;
    if (this.bufIdx[slot] !== b) {
      const re = this.bufRe[slot] as Float64Array;
      const im = this.bufIm[slot] as Float64Array;
      re.fill(0);
      im.fill(0);
      this.fillBlock(b, re, im);
      (this.fft as Fft).inverse(re, im);
      this.bufIdx[slot] = b;
    }
    return slot;
  }

  /**
   * Bins (relative to the emitter centre) inside ±bandwidth/2 and inside the receiver band: fills `bins` with FFT
   * indices and returns how many.
   */
  protected usableBins(bandwidthHz: number, size: number, skipDc: boolean, bins: Int32Array): number {
    const binHz = this.fs / size;
    const half = Math.floor(bandwidthHz / 2 / binHz);
    const limit = (this.fs / 2) * 0.98;
    let n = 0;
    for (let k = -half; k <= half; k++) {
      if (skipDc && k === 0) continue;
      if (Math.abs(k * binHz + this.offsetHz) >= limit) continue;
      bins[n++] = (k + size) % size;
    }
    return n;
  }

  protected override onTune(_band: ReceiverBand): void {
    this.bufIdx[0] = -1;
    this.bufIdx[1] = -1;
  }
}

/** Barrage jammer / wideband noise: flat-topped band-limited Gaussian noise. */
export class BarrageEmitter extends BlockEmitter {
  declare readonly spec: BarrageEmitterSpec | PulseEmitterSpec;
  private bins = new Int32Array(0);
  private nBins = 0;
  private window = new Float64Array(0);

  halfSpanHz(): number {
    return this.spec.bandwidthHz / 2;
  }

  protected override onTune(band: ReceiverBand): void {
    super.onTune(band);
    const fs = band.sampleRateHz;
    // ~1 kHz bins or finer relative to the bandwidth, within 64..4096 points
    const size = Math.min(4096, Math.max(64, nextPow2(Math.max(fs / 2000, (8 * fs) / this.spec.bandwidthHz))));
    if (size !== this.size) {
      this.allocate(size);
      this.bins = new Int32Array(size);
      this.window = new Float64Array(size);
      for (let j = 0; j < size; j++) this.window[j] = Math.sin((Math.PI * (j + 0.5)) / size);
    }
    const binHz = fs / size;
    this.nBins = this.usableBins(this.spec.bandwidthHz, size, false, this.bins);
    const nominal = 2 * Math.floor(this.spec.bandwidthHz / 2 / binHz) + 1;
    // complex Gaussian bins of variance 2 each: time variance 2·nominal; in-band part keeps its density
    this.scale = this.amp / Math.sqrt(2 * nominal);
  }

  protected fillBlock(b: number, re: Float64Array, im: Float64Array): void {
    const t = gaussianTable();
    const mask = GAUSS_TABLE_MASK;
    const h = hash32(this.key, b);
    const stride = (mix32(h, 0x9b05688c) | 1) & mask;
    let idx = h & mask;
    for (let i = 0; i < this.nBins; i++) {
      const k = this.bins[i] as number;
      re[k] = t[idx] as number;
      im[k] = t[(idx + 32768) & mask] as number;
      idx = (idx + stride) & mask;
    }
  }

  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    if (this.nBins === 0) return;
    const N = this.size;
    const H = N >> 1;
    const w = this.window;
    const inc = this.inc;
    const sc = this.scale;
    const cosT = COS_TABLE;
    const sinT = SIN_TABLE;
    const shift = TRIG_SHIFT;
    let p = phaseAt(s0, inc);
    let s = s0;
    let i = o;
    const end = s0 + n;
    while (s < end) {
      const hb = Math.floor(s / H); // the newer block starting at hb·H and the older one at (hb-1)·H
      const stop = Math.min(end, (hb + 1) * H);
      const cur = this.block(hb);
      const prev = hb > 0 ? this.block(hb - 1) : -1;
      const cRe = this.bufRe[cur] as Float64Array;
      const cIm = this.bufIm[cur] as Float64Array;
      const pRe = prev >= 0 ? (this.bufRe[prev] as Float64Array) : null;
      const pIm = prev >= 0 ? (this.bufIm[prev] as Float64Array) : null;
      let j = s - hb * H;
      for (; s < stop; s++, j++, i++) {
        let xr = (cRe[j] as number) * (w[j] as number);
        let xi = (cIm[j] as number) * (w[j] as number);
        if (pRe && pIm) {
          const wj = w[j + H] as number;
          xr += (pRe[j + H] as number) * wj;
          xi += (pIm[j + H] as number) * wj;
        }
        const idx = p >>> shift;
        const c = cosT[idx] as number;
        const sn = sinT[idx] as number;
        re[i] = (re[i] as number) + sc * (xr * c - xi * sn);
        im[i] = (im[i] as number) + sc * (xr * sn + xi * c);
        p = (p + inc) | 0;
      }
    }
  }
}

const QPSK = [Math.SQRT1_2, -Math.SQRT1_2];

/** OFDM-like: random QPSK on every used subcarrier, cyclic prefix, flat top of `bandwidthHz`. */
export class OfdmEmitter extends BlockEmitter {
  declare readonly spec: OfdmEmitterSpec;
  private bins = new Int32Array(0);
  private nBins = 0;
  private cp = 0;

  halfSpanHz(): number {
    return this.spec.bandwidthHz / 2;
  }

  protected override onTune(band: ReceiverBand): void {
    super.onTune(band);
    const fs = band.sampleRateHz;
    const spacing = this.spec.subcarrierSpacingHz ?? 15000;
    // at least ~64 subcarriers so the rectangular symbols' sinc skirts hold < 1 % of the power
    const sc = Math.min(spacing, this.spec.bandwidthHz / 64);
    const size = Math.min(8192, Math.max(16, 2 ** Math.ceil(Math.log2(fs / sc))));
    if (size !== this.size) {
      this.allocate(size);
      this.bins = new Int32Array(size);
    }
    this.cp = Math.round((this.spec.cyclicPrefix ?? 0.125) * size);
    this.nBins = this.usableBins(this.spec.bandwidthHz, size, true, this.bins);
    const binHz = fs / size;
    const nominal = 2 * Math.floor(this.spec.bandwidthHz / 2 / binHz);
    this.scale = this.amp / Math.sqrt(Math.max(1, nominal));
  }

  protected fillBlock(b: number, re: Float64Array, im: Float64Array): void {
    const h = hash32(this.key, b);
    for (let i = 0; i < this.nBins; i++) {
      const k = this.bins[i] as number;
      const r = mix32(h, k);
      re[k] = QPSK[r & 1] as number;
      im[k] = QPSK[(r >>> 1) & 1] as number;
    }
  }

  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    if (this.nBins === 0) return;
    const N = this.size;
    const L = N + this.cp;
    const cp = this.cp;
    const inc = this.inc;
    const sc = this.scale;
    const cosT = COS_TABLE;
    const sinT = SIN_TABLE;
    const shift = TRIG_SHIFT;
    let p = phaseAt(s0, inc);
    let s = s0;
    let i = o;
    const end = s0 + n;
    while (s < end) {
      const sym = Math.floor(s / L);
      const stop = Math.min(end, (sym + 1) * L);
      const slot = this.block(sym);
      const bRe = this.bufRe[slot] as Float64Array;
      const bIm = this.bufIm[slot] as Float64Array;
      let j = s - sym * L;
      for (; s < stop; s++, j++, i++) {
        const t = j < cp ? N - cp + j : j - cp;
        const xr = bRe[t] as number;
        const xi = bIm[t] as number;
        const idx = p >>> shift;
        const c = cosT[idx] as number;
        const sn = sinT[idx] as number;
        re[i] = (re[i] as number) + sc * (xr * c - xi * sn);
        im[i] = (im[i] as number) + sc * (xr * sn + xi * c);
        p = (p + inc) | 0;
      }
    }
  }
}
