/**
 * Distribution functions for energy detection: log-gamma, regularised incomplete gamma and beta, their inverses,
 * chi-square / F / non-central chi-square / non-central F tails, and the OS-CFAR false-alarm integral.
 *
 * These run at set-up time (threshold factors are cached by the callers), never per bin, so clarity and accuracy
 * (relative 1e-10 or better in the tails we use, down to 1e-12) matter more than speed. All probabilities are
 * plain numbers in 0..1; "isf" is the inverse survival function (upper-tail quantile).
 */

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9 (the widely published set); accurate to ~1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const TINY = 1e-300;
const EPS = 1e-15;

/** Natural log of the gamma function, x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be > 0 (got ${x})`);
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Digamma ψ(x) = d ln Γ(x)/dx, x > 0 (recurrence up to x ≥ 12, then the asymptotic series). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma: x must be > 0 (got ${x})`);
  let r = 0;
  while (x < 12) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/**
 * Expected spectral flatness (geometric / arithmetic mean) of pure noise in an M-averaged PSD:
 * E[ln X] for X ~ Gamma(M, 1/M) is ψ(M) − ln M, so flatness → exp(ψ(M) − ln M) (0.56 for M = 1, 0.97 for M = 16).
 */
export function noiseFlatness(frames: number): number {
  return Math.exp(digamma(frames) - Math.log(frames));
}

/** ln of the gamma density with shape a and unit scale at x. */
function lnGammaPdf(a: number, x: number): number {
  return (a - 1) * Math.log(x) - x - lnGamma(a);
}

/** Series for P(a, x), valid (fast) for x < a + 1. Returns ln P. */
function lnGammaPSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 10_000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return Math.log(sum) - x + a * Math.log(x) - lnGamma(a);
}

/** Continued fraction (modified Lentz) for Q(a, x), valid (fast) for x >= a + 1. Returns ln Q. */
function lnGammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.log(h) - x + a * Math.log(x) - lnGamma(a);
}

/** ln of the regularised lower incomplete gamma P(a, x). */
export function lnGammaP(a: number, x: number): number {
  if (x <= 0) return -Infinity;
  if (x < a + 1) return lnGammaPSeries(a, x);
  return Math.log1p(-Math.exp(lnGammaQFraction(a, x)));
}

/** ln of the regularised upper incomplete gamma Q(a, x) = 1 - P(a, x). */
export function lnGammaQ(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return Math.log1p(-Math.exp(lnGammaPSeries(a, x)));
  return lnGammaQFraction(a, x);
}

/** Regularised lower incomplete gamma P(a, x) (the Gamma(a, 1) CDF). */
export function gammaP(a: number, x: number): number {
  return Math.exp(lnGammaP(a, x));
}

/** Regularised upper incomplete gamma Q(a, x) (the Gamma(a, 1) survival function). */
export function gammaQ(a: number, x: number): number {
  return Math.exp(lnGammaQ(a, x));
}

/**
 * Solve ln F(x) = lnTarget for a monotone F on (0, inf) by safeguarded Newton in a bracket.
 * `increasing` says whether F rises with x (P) or falls (Q). `dLnF` is d(ln F)/dx.
 */
function invertMonotone(
  lnF: (x: number) => number,
  dLnF: (x: number, lnFx: number) => number,
  lnTarget: number,
  increasing: boolean,
  start: number,
): number {
  // g(x) > 0 on the low side of the root, < 0 on the high side.
  const g = (x: number, v: number) => (increasing ? lnTarget - v : v - lnTarget);
  let lo = 0;
  let hi = Math.max(start, 1);
  for (let i = 0; i < 2000 && g(hi, lnF(hi)) > 0; i++) {
    lo = hi;
    hi *= 2;
  }
  let x = Math.min(Math.max(start, lo), hi);
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  for (let it = 0; it < 300; it++) {
    const v = lnF(x);
    const gx = g(x, v);
    if (gx > 0) lo = x;
    else hi = x;
    const dg = increasing ? -dLnF(x, v) : dLnF(x, v);
    let next = dg !== 0 && Number.isFinite(dg) ? x - gx / dg : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * Math.abs(x) || hi - lo <= 1e-15 * hi) return next;
    x = next;
  }
  return x;
}

/** Inverse of P(a, x) in x: the p-quantile of Gamma(a, 1). */
export function gammaPInv(a: number, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`gammaPInv: p must be in [0, 1] (got ${p})`);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Invert whichever tail is smaller so tiny probabilities keep full relative precision.
  if (p > 0.5) return gammaQInv(a, 1 - p);
  return invertMonotone(
    (x) => lnGammaP(a, x),
    (x, v) => Math.exp(lnGammaPdf(a, x) - v),
    Math.log(p),
    true,
    a,
  );
}

/** Inverse of Q(a, x) in x: the upper-tail q-quantile of Gamma(a, 1). */
export function gammaQInv(a: number, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`gammaQInv: q must be in [0, 1] (got ${q})`);
  if (q === 1) return 0;
  if (q === 0) return Infinity;
  if (q > 0.5) return gammaPInv(a, 1 - q);
  return invertMonotone(
    (x) => lnGammaQ(a, x),
    (x, v) => -Math.exp(lnGammaPdf(a, x) - v),
    Math.log(q),
    false,
    a,
  );
}

/** Chi-square CDF with k degrees of freedom. */
export function chi2Cdf(x: number, k: number): number {
  return gammaP(k / 2, x / 2);
}
/** Chi-square survival function (upper tail) with k degrees of freedom. */
export function chi2Sf(x: number, k: number): number {
  return gammaQ(k / 2, x / 2);
}
/** Chi-square p-quantile. */
export function chi2Ppf(p: number, k: number): number {
  return 2 * gammaPInv(k / 2, p);
}
/** Chi-square inverse survival function: x with P(X > x) = q. */
export function chi2Isf(q: number, k: number): number {
  return 2 * gammaQInv(k / 2, q);
}

/** Continued fraction for the incomplete beta (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaInc(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(b, a, 1 - x)) / b;
}

/** F(d1, d2) survival function P(X > x). */
export function fSf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 1;
  // P(F > x) = I_{d2/(d2 + d1 x)}(d2/2, d1/2): evaluating the small tail directly keeps 1e-12 precision.
  return betaInc(d2 / 2, d1 / 2, d2 / (d2 + d1 * x));
}
/** F(d1, d2) CDF. */
export function fCdf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 0;
  return betaInc(d1 / 2, d2 / 2, (d1 * x) / (d1 * x + d2));
}

/** Find x > 0 with f(x) = target for a decreasing f, by bisection in log x (slow, exact enough, set-up only). */
function solveDecreasing(f: (x: number) => number, target: number): number {
  let lo = 1;
  let hi = 1;
  while (f(lo) < target && lo > 1e-30) lo /= 2;
  while (f(hi) > target && hi < 1e30) hi *= 2;
  const lnTarget = Math.log(target);
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (Math.log(f(mid)) > lnTarget) lo = mid;
    else hi = mid;
    if (hi / lo - 1 < 1e-13) break;
  }
  return Math.sqrt(lo * hi);
}

/** F(d1, d2) inverse survival function: x with P(X > x) = q. */
export function fIsf(q: number, d1: number, d2: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`fIsf: q must be in (0, 1) (got ${q})`);
  return solveDecreasing((x) => fSf(x, d1, d2), q);
}

/**
 * Sum a Poisson(mean)-weighted series Σ_j w_j term(j), starting at the mode and walking out both ways until the
 * weights no longer matter. Used for the non-central chi-square and F tails.
 */
function poissonMixture(mean: number, term: (j: number) => number): number {
  if (mean <= 0) return term(0);
  const mode = Math.floor(mean);
  const lnW0 = -mean + mode * Math.log(mean) - lnGamma(mode + 1);
  let sum = 0;
  let lnW = lnW0;
  for (let j = mode; j < mode + 100_000; j++) {
    const w = Math.exp(lnW);
    sum += w * term(j);
    if (w < 1e-17 && j > mean) break;
    lnW += Math.log(mean / (j + 1));
  }
  lnW = lnW0;
  for (let j = mode - 1; j >= 0; j--) {
    lnW -= Math.log(mean / (j + 1));
    const w = Math.exp(lnW);
    sum += w * term(j);
    if (w < 1e-17) break;
  }
  return sum;
}

/** Non-central chi-square survival function, k degrees of freedom, non-centrality lambda. */
export function ncx2Sf(x: number, k: number, lambda: number): number {
  if (x <= 0) return 1;
  return poissonMixture(lambda / 2, (j) => gammaQ(k / 2 + j, x / 2));
}

/** Generalised Marcum Q function Q_M(a, b) = P(non-central χ²_{2M}(a²) > b²). */
export function marcumQ(m: number, a: number, b: number): number {
  return ncx2Sf(b * b, 2 * m, a * a);
}

/** Non-central F(d1, d2, lambda) survival function (non-centrality on the numerator). */
export function ncfSf(x: number, d1: number, d2: number, lambda: number): number {
  if (x <= 0) return 1;
  const y = d2 / (d2 + d1 * x);
  return poissonMixture(lambda / 2, (j) => betaInc(d2 / 2, d1 / 2 + j, y));
}

/** p-quantile of the mean of m unit-mean exponentials, i.e. of Gamma(m, 1/m): the percentile bias of a Welch bin. */
export function welchBinQuantile(m: number, p: number): number {
  return gammaPInv(m, p) / m;
}

/**
 * OS-CFAR false-alarm probability for threshold factor alpha (on sums of m frames), reference window of n cells,
 * k-th smallest as the noise estimate: Pfa = E_Z[Q(m, alpha Z)], Z the k-th order statistic of n Gamma(m, 1).
 * Integrated over u = F(Z), which is Beta(k, n-k+1) distributed, by composite Simpson on a fixed grid.
 */
export function osCfarPfa(alpha: number, m: number, n: number, k: number): number {
  return osIntegral(m, n, k, (z) => gammaQ(m, alpha * z));
}

interface OsGrid {
  z: Float64Array;
  w: Float64Array;
}
const osGrids = new Map<string, OsGrid>();
const OS_STEPS = 2000;

function osGrid(m: number, n: number, k: number): OsGrid {
  const key = `${m}/${n}/${k}`;
  let g = osGrids.get(key);
  if (g) return g;
  const z = new Float64Array(OS_STEPS + 1);
  const w = new Float64Array(OS_STEPS + 1);
  const lnC = lnGamma(n + 1) - lnGamma(k) - lnGamma(n - k + 1);
  const h = 1 / OS_STEPS;
  for (let i = 0; i <= OS_STEPS; i++) {
    const u = i * h;
    const simpson = i === 0 || i === OS_STEPS ? 1 : i % 2 === 1 ? 4 : 2;
    if (u <= 0 || u >= 1) {
      // Beta(k, n-k+1) density at the ends is 0 unless k = 1 (u = 0) or k = n (u = 1).
      const dens = (u <= 0 && k === 1) || (u >= 1 && k === n) ? Math.exp(lnC) : 0;
      z[i] = u <= 0 ? 0 : Infinity;
      w[i] = (dens * simpson * h) / 3;
      continue;
    }
    const lnDens = lnC + (k - 1) * Math.log(u) + (n - k) * Math.log1p(-u);
    z[i] = gammaPInv(m, u);
    w[i] = (Math.exp(lnDens) * simpson * h) / 3;
  }
  g = { z, w };
  osGrids.set(key, g);
  return g;
}

function osIntegral(m: number, n: number, k: number, f: (z: number) => number): number {
  if (!(k >= 1 && k <= n)) throw new RangeError(`OS-CFAR: need 1 <= k <= n (got k=${k}, n=${n})`);
  const { z, w } = osGrid(m, n, k);
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const wi = w[i] as number;
    if (wi === 0) continue;
    const zi = z[i] as number;
    s += wi * (zi === Infinity ? 0 : f(zi));
  }
  return s;
}

/** OS-CFAR threshold factor alpha (over the k-th ordered reference cell) for a per-cell false-alarm probability. */
export function osCfarAlpha(pfa: number, m: number, n: number, k: number): number {
  return solveDecreasing((a) => osCfarPfa(a, m, n, k), pfa);
}

/** Kind of emitter for detection-probability figures: constant-envelope tone or Gaussian (noise-like) signal. */
export type SignalModel = 'cw' | 'gaussian';
/** How the noise level is known to the detector. */
export type NoiseReference = 'known' | 'ca' | 'os';

/** Parameters of an energy detector on one M-averaged bin. */
export interface DetectorSpec {
  /** Averaged frames (may be fractional: effective frames). */
  frames: number;
  /** Per-bin false-alarm probability. */
  pfa: number;
  noise: NoiseReference;
  /** CA/OS reference cells. */
  refCells?: number;
  /** OS order (1-based k of refCells); default round(3/4 refCells). */
  osOrder?: number;
}

/**
 * Threshold factor over the noise reference, linear: known noise → over the mean noise power per bin; CA →
 * over the mean of the reference cells; OS → over the k-th ordered reference cell.
 */
export function detectorFactor(spec: DetectorSpec): number {
  const m = spec.frames;
  if (spec.noise === 'known') return chi2Isf(spec.pfa, 2 * m) / (2 * m);
  const n = spec.refCells ?? 32;
  if (spec.noise === 'ca') return fIsf(spec.pfa, 2 * m, 2 * n * m);
  return osCfarAlpha(spec.pfa, m, n, spec.osOrder ?? Math.round((3 * n) / 4));
}

/**
 * Theoretical detection probability of one bin with per-bin, per-frame SNR `snr` (linear) for the given detector.
 * CW: non-central χ² (Marcum Q) / non-central F; Gaussian: scaled central χ² / F; OS by numerical integration.
 */
export function detectionProbability(
  snr: number,
  model: SignalModel,
  spec: DetectorSpec,
  alpha: number = detectorFactor(spec),
): number {
  const m = spec.frames;
  const n = spec.refCells ?? 32;
  if (spec.noise === 'known') {
    const thr = 2 * m * alpha;
    return model === 'cw' ? ncx2Sf(thr, 2 * m, 2 * m * snr) : chi2Sf(thr / (1 + snr), 2 * m);
  }
  if (spec.noise === 'ca') {
    return model === 'cw' ? ncfSf(alpha, 2 * m, 2 * n * m, 2 * m * snr) : fSf(alpha / (1 + snr), 2 * m, 2 * n * m);
  }
  const k = spec.osOrder ?? Math.round((3 * n) / 4);
  return osIntegral(m, n, k, (z) =>
    model === 'cw' ? ncx2Sf(2 * alpha * z, 2 * m, 2 * m * snr) : gammaQ(m, (alpha * z) / (1 + snr)),
  );
}

/** Per-bin SNR in dB needed for detection probability `pd` (bisection on the monotone Pd(SNR)). */
export function requiredSnrDb(pd: number, model: SignalModel, spec: DetectorSpec): number {
  const alpha = detectorFactor(spec);
  let lo = -30;
  let hi = 60;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (detectionProbability(10 ** (mid / 10), model, spec, alpha) < pd) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-4) break;
  }
  return 0.5 * (lo + hi);
}
