/**
 * Emitters synthesised in the frequency domain: OFDM (one IFFT per symbol plus cyclic prefix; symbols indexed
 * from absolute sample 0 and filled from hashes of (key, symbol), the last two cached) and barrage noise (a
 * periodic flat-spectrum table read at hashed offsets). A sample is a pure function of its index. Bins that would
 * land outside the receiver band are left empty, so nothing aliases.
 */
import type { BarrageEmitterSpec, OfdmEmitterSpec, PulseEmitterSpec } from '../spec.ts';
import { type Fft, fftPlan } from '../fft.ts';
import { hash32, hashUnit, mix32 } from '../prng.ts';
import { COS_TABLE, SIN_TABLE, TRIG_SHIFT, phaseAt } from '../tables.ts';
import { Emitter, type ReceiverBand } from './base.ts';

/** IFFT blocks indexed by absolute block number, the last two cached (OFDM symbols). */
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

/** Length of the barrage's periodic noise table, samples (2^16: 27 ms at 2.4 MS/s, 512 KiB). */
const BARRAGE_TABLE = 1 << 16;
/** Crossfade block length, samples. */
const BARRAGE_BLOCK = 4096;

/**
 * Barrage jammer / wideband noise: flat-topped band-limited noise. At tune time one periodic sequence is built in
 * the frequency domain (unit-magnitude bins with seeded random phases over the bandwidth, already at the emitter's
 * offset and clipped to the receiver band, then one big IFFT): a random-phase multitone, Gaussian by the central
 * limit theorem and with an exactly flat spectrum. Rendering reads it at a seeded random offset per block of
 * 4096 samples, crossfaded with sine windows (50 % overlap, power complementary), so it never repeats visibly and
 * costs two table reads per sample. No per-block FFT, no mixing.
 */
export class BarrageEmitter extends Emitter {
  declare readonly spec: BarrageEmitterSpec | PulseEmitterSpec;
  private tRe: Float32Array = new Float32Array(0);
  private tIm: Float32Array = new Float32Array(0);
  private readonly window = new Float32Array(BARRAGE_BLOCK);
  private builtFor = '';
  private empty = true;

  constructor(spec: BarrageEmitterSpec | PulseEmitterSpec, sceneKey: number) {
    super(spec, sceneKey);
    for (let j = 0; j < BARRAGE_BLOCK; j++) this.window[j] = Math.sin((Math.PI * (j + 0.5)) / BARRAGE_BLOCK);
  }

  halfSpanHz(): number {
    return this.spec.bandwidthHz / 2;
  }

  /** Tables of recent bands (several dongles may share one scene and alternate centres). */
  private readonly cache: { id: string; re: Float32Array; im: Float32Array; empty: boolean }[] = [];

  protected override onTune(band: ReceiverBand): void {
    const fs = band.sampleRateHz;
    const id = `${fs}/${this.offsetHz}/${this.amp}`;
    if (id === this.builtFor) return;
    this.builtFor = id;
    const hit = this.cache.find((c) => c.id === id);
    if (hit) {
      this.tRe = hit.re;
      this.tIm = hit.im;
      this.empty = hit.empty;
      return;
    }
    const M = BARRAGE_TABLE;
    const re = new Float64Array(M);
    const im = new Float64Array(M);
    const binHz = fs / M;
    const half = this.spec.bandwidthHz / 2;
    const limit = (fs / 2) * 0.98;
    const k0 = Math.ceil((this.offsetHz - half) / binHz);
    const k1 = Math.floor((this.offsetHz + half) / binHz);
    let used = 0;
    for (let k = k0; k <= k1; k++) {
      if (Math.abs(k * binHz) >= limit) continue;
      const idx = ((k % M) + M) % M;
      const th = 2 * Math.PI * hashUnit(this.key, idx + M * 7);
      re[idx] = Math.cos(th);
      im[idx] = Math.sin(th);
      used++;
    }
    const tRe = new Float32Array(used ? M : 0);
    const tIm = new Float32Array(used ? M : 0);
    if (used) {
      fftPlan(M).inverse(re, im);
      const sc = this.amp / Math.sqrt(Math.max(1, k1 - k0 + 1));
      for (let i = 0; i < M; i++) {
        tRe[i] = (re[i] as number) * sc;
        tIm[i] = (im[i] as number) * sc;
      }
    }
    this.tRe = tRe;
    this.tIm = tIm;
    this.empty = used === 0;
    this.cache.unshift({ id, re: tRe, im: tIm, empty: this.empty });
    if (this.cache.length > 4) this.cache.pop();
  }

  add(s0: number, n: number, re: Float32Array, im: Float32Array, o: number): void {
    if (this.empty) return;
    const H = BARRAGE_BLOCK >> 1;
    const mask = BARRAGE_TABLE - 1;
    const w = this.window;
    const tRe = this.tRe;
    const tIm = this.tIm;
    let s = s0;
    let i = o;
    const end = s0 + n;
    while (s < end) {
      const hb = Math.floor(s / H); // blocks hb (starting at hb·H) and hb-1 overlap here
      const stop = Math.min(end, (hb + 1) * H);
      const oc = hash32(this.key, hb) & mask;
      const op = hb > 0 ? (hash32(this.key, hb - 1) + H) & mask : -1;
      let j = s - hb * H;
      if (op < 0) {
        for (; s < stop; s++, j++, i++) {
          const wc = w[j] as number;
          const ic = (oc + j) & mask;
          re[i] = (re[i] as number) + wc * (tRe[ic] as number);
          im[i] = (im[i] as number) + wc * (tIm[ic] as number);
        }
      } else {
        for (; s < stop; s++, j++, i++) {
          const wc = w[j] as number;
          const wp = w[j + H] as number;
          const ic = (oc + j) & mask;
          const ip = (op + j) & mask;
          re[i] = (re[i] as number) + wc * (tRe[ic] as number) + wp * (tRe[ip] as number);
          im[i] = (im[i] as number) + wc * (tIm[ic] as number) + wp * (tIm[ip] as number);
        }
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
