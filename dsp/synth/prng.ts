/**
 * Seeded randomness for the synthesiser.
 *
 * Two flavours, both deterministic from integer seeds:
 * - {@link Xoshiro128ss}: a sequential generator (xoshiro128**) for set-up work (tables, randomised example
 *   parameters). Not used per sample.
 * - {@link hash32}/{@link hashUnit}: counter-based hashing. Every random quantity the renderer needs per block,
 *   symbol or segment is `hash(key, index)`, so any sample can be computed without replaying the past. That is what
 *   makes rendering independent of chunk sizes and lets a virtual dongle jump anywhere in time.
 */

const TWO_POW_32 = 4294967296;

/** Murmur3 finaliser of `seed` combined with a 32-bit word. Returns an unsigned 32-bit integer. */
export function mix32(seed: number, word: number): number {
  let h = (seed ^ Math.imul(word | 0, 0x9e3779b1)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of a key and a non-negative integer index (up to 2^53). Indices above 2^32 (a block counter after days of
 * streaming) mix in their high word too.
 */
export function hash32(key: number, index: number): number {
  const lo = index % TWO_POW_32;
  const hi = (index - lo) / TWO_POW_32;
  const h = mix32(key, lo);
  return hi === 0 ? h : mix32(h, hi);
}

/** Uniform in [0, 1) from a key, an index and a sub-index (which random number of that index). */
export function hashUnit(key: number, index: number, sub = 0): number {
  return mix32(hash32(key, index), sub + 0x632be5ab) / TWO_POW_32;
}

/** Derives a child key from a parent key and a label (e.g. emitter id), so emitters get independent streams. */
export function deriveKey(key: number, label: string | number): number {
  if (typeof label === 'number') return mix32(key ^ 0x5bd1e995, label);
  let h = key ^ 0x27d4eb2f;
  for (let i = 0; i < label.length; i++) h = mix32(h, label.charCodeAt(i));
  return mix32(h, label.length);
}

/** xoshiro128** (Blackman & Vigna): fast 32-bit sequential PRNG, state seeded by splitmix-style hashing. */
export class Xoshiro128ss {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.s0 = mix32(seed, 1) | 0;
    this.s1 = mix32(seed, 2) | 0;
    this.s2 = mix32(seed, 3) | 0;
    this.s3 = mix32(seed, 4) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method). For set-up work; the hot path reads {@link GaussianTable}. */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let q = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** log2 of the Gaussian table length. 2^16 floats = 256 KiB, shared by every scene. */
export const GAUSS_TABLE_BITS = 16;
export const GAUSS_TABLE_SIZE = 1 << GAUSS_TABLE_BITS;
export const GAUSS_TABLE_MASK = GAUSS_TABLE_SIZE - 1;

let gaussTable: Float32Array | null = null;

/**
 * A fixed table of standard normal values with exactly zero mean and unit variance. Hot loops read it at
 * `(offset + j * stride) & mask` with a per-block hashed offset and odd stride: a block of up to 2^16 samples then
 * visits distinct entries, and different blocks see different permutations. Cheap (one add, one and, one load per
 * value) and good enough for AWGN floors measured to a tenth of a dB.
 */
export function gaussianTable(): Float32Array {
  if (gaussTable) return gaussTable;
  const rng = new Xoshiro128ss(0x6a09e667);
  const t = new Float64Array(GAUSS_TABLE_SIZE);
  let mean = 0;
  for (let i = 0; i < t.length; i++) {
    const g = rng.gaussian();
    t[i] = g;
    mean += g;
  }
  mean /= t.length;
  let pow = 0;
  for (let i = 0; i < t.length; i++) {
    const v = (t[i] as number) - mean;
    t[i] = v;
    pow += v * v;
  }
  const scale = 1 / Math.sqrt(pow / t.length);
  const out = new Float32Array(GAUSS_TABLE_SIZE);
  for (let i = 0; i < t.length; i++) out[i] = (t[i] as number) * scale;
  gaussTable = out;
  return out;
}
