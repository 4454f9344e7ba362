/**
 * Engineered features of one channel snippet (see iq-history.ts): spectral shape, envelope and instantaneous-
 * frequency statistics, autocorrelation (OFDM cyclic prefix), chirp fit (sweepers) and the long power envelope
 * (pulsed emitters). Everything is scale-free (the snippet is normalised to unit power) except the bandwidth,
 * which enters as log10(Hz). Pure and deterministic; about 0.3 ms per snippet.
 */
import { fftPlan } from '../dsp/synth/fft.ts';
import { ENVELOPE_BLOCKS, MIN_CHANNEL_HZ, SNIPPET_LENGTH, type ChannelSnippet } from './iq-history.ts';

/** Bumped whenever a feature changes meaning: the weights record it and the loader refuses a mismatch. */
export const FEATURE_VERSION = 4;

const PSD_BINS = 64;
const IF_HIST_BINS = 16;
const TIME_SLICES = 16;
const AC_LAGS = [1, 2, 4, 8, 16, 32, 64, 128] as const;
/** Bands of the demodulated (instantaneous-frequency) spectrum, Hz: voice, hi-fi audio, FM pilot, stereo L-R. */
const AUDIO_BANDS_HZ = [
  [300, 3400],
  [3400, 16000],
  [18000, 20000],
  [23000, 53000],
] as const;
/** Segment of the fine in-band spectrum, samples. */
const FINE_SEG = 1024;
/** Longest stretch the long-lag autocorrelation reads, decimated samples. */
const LONG_MAX = 4096;
/** Blocks of the keying envelope over the whole extracted span. */
const KEY_BLOCKS = 128;
/** Keying below this on/off ratio (10th to 90th percentile of block power) is no keying, dB. */
const KEY_MIN_DEPTH_DB = 6;

export const FEATURE_NAMES: readonly string[] = [
  'log10BandwidthHz',
  'log10OversamplingRatio',
  ...Array.from({ length: PSD_BINS }, (_, i) => `psd${i}`),
  'spectralFlatness',
  'peakFraction',
  'inBandFraction',
  'psdPeakOverMedianDb',
  'envMean',
  'envStd',
  'powerKurtosis',
  'lowEnvelopeFraction',
  'sliceStd',
  'sliceMinMaxDb',
  ...Array.from({ length: IF_HIST_BINS }, (_, i) => `ifHist${i}`),
  'ifStd',
  'ifKurtosis',
  'ifAbsMean',
  'ifDiffStd',
  'log10IfRmsHz',
  'chirpSlope',
  'chirpR2',
  'centroidSlope',
  'centroidR2',
  ...AC_LAGS.map((l) => `acLag${l}`),
  'acMaxLong',
  'longLagPeak',
  'longLagMedian',
  'longLagPeakOverMedian',
  ...AUDIO_BANDS_HZ.map(([a, b]) => `audio${a}to${b}`),
  'longEnvStd',
  'longEnvMinMaxDb',
  'longEnvDuty',
  'longEnvTransitions',
  'longEnvMaxStep',
  'fineNotchDb',
  'fineRippleDb',
  // keying over the whole extracted span (v4): tells a jammer's fixed period and duty from data-driven bursts
  'keyDepthDb',
  'keyDuty',
  'keyTransitions',
  'keyPeriodicity',
  'keyOnRunCv',
  'keyOffRunCv',
  'keyLog10OnRunS',
  'keyLog10OffRunS',
  'keyOnPowerCv',
  'keyOnIfStd',
];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const N = SNIPPET_LENGTH;
const SEG = PSD_BINS;
const HANN = new Float64Array(SEG);
for (let i = 0; i < SEG; i++) HANN[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / SEG);
const HANN_N = new Float64Array(N);
for (let i = 0; i < N; i++) HANN_N[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / N);

// scratch (features are computed one at a time: the classifier awaits each)
const zr = new Float64Array(N);
const zi = new Float64Array(N);
const fr = new Float64Array(2 * N);
const fi = new Float64Array(2 * N);
const sr = new Float64Array(SEG);
const si = new Float64Array(SEG);
const psd = new Float64Array(PSD_BINS);
const sliceP = new Float64Array(TIME_SLICES);
const sliceF = new Float64Array(TIME_SLICES);
const sliceC = new Float64Array(TIME_SLICES);
const ifv = new Float64Array(N);

function lineFit(y: Float64Array, n: number): { slope: number; r2: number } {
  const xm = (n - 1) / 2;
  let ym = 0;
  for (let i = 0; i < n; i++) ym += y[i] as number;
  ym /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - xm;
    const dy = (y[i] as number) - ym;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const r2 = syy > 1e-12 ? (sxy * sxy) / (sxx * syy) : 0;
  return { slope, r2 };
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
const db = (x: number): number => 10 * Math.log10(Math.max(x, 1e-12));

/** Features of a snippet into `out` (length FEATURE_COUNT, allocated when absent). */
export function computeFeatures(s: ChannelSnippet, out = new Float32Array(FEATURE_COUNT)): Float32Array {
  let f = 0;
  const put = (x: number): void => {
    out[f++] = Number.isFinite(x) ? x : 0;
  };
  // normalise to unit mean power
  if (s.re.length < N || s.im.length !== s.re.length) {
    throw new RangeError(`computeFeatures: channel needs ≥ ${N} samples, got ${s.re.length}/${s.im.length}`);
  }
  const o0 = s.re.length - N;
  let p = 0;
  for (let i = 0; i < N; i++) p += (s.re[o0 + i] as number) ** 2 + (s.im[o0 + i] as number) ** 2;
  p /= N;
  const g = p > 0 ? 1 / Math.sqrt(p) : 0;
  for (let i = 0; i < N; i++) {
    zr[i] = (s.re[o0 + i] as number) * g;
    zi[i] = (s.im[o0 + i] as number) * g;
  }
  put((Math.log10(Math.max(s.bandwidthHz, 1)) - 4.5) / 1.5);
  put(Math.log10(s.sampleRateHz / Math.max(s.bandwidthHz, 1)));

  // Welch PSD, 50 % overlap, fftshifted (bin PSD_BINS/2 = 0 Hz). The inverse FFT gives X(-k): flip the index.
  psd.fill(0);
  const fft64 = fftPlan(SEG);
  let segs = 0;
  for (let st = 0; st + SEG <= N; st += SEG / 2) {
    for (let i = 0; i < SEG; i++) {
      sr[i] = (zr[st + i] as number) * (HANN[i] as number);
      si[i] = (zi[st + i] as number) * (HANN[i] as number);
    }
    fft64.inverse(sr, si);
    for (let k = 0; k < SEG; k++) {
      const src = (SEG - k) % SEG;
      const dst = (k + SEG / 2) % SEG;
      psd[dst] = (psd[dst] as number) + (sr[src] as number) ** 2 + (si[src] as number) ** 2;
    }
    segs++;
  }
  let pmax = 0;
  let psum = 0;
  let logSum = 0;
  for (let k = 0; k < PSD_BINS; k++) {
    const v = (psd[k] as number) / segs + 1e-12;
    psd[k] = v;
    pmax = Math.max(pmax, v);
    psum += v;
    logSum += Math.log(v);
  }
  for (let k = 0; k < PSD_BINS; k++) put(clamp(db((psd[k] as number) / pmax), -40, 0) / 40 + 1);
  put(Math.exp(logSum / PSD_BINS) / (psum / PSD_BINS));

  // fine spectrum: fraction of power in the 3 strongest-adjacent bins (tones, AM carrier)
  const fftN = fftPlan(N);
  for (let i = 0; i < N; i++) {
    fr[i] = (zr[i] as number) * (HANN_N[i] as number);
    fi[i] = (zi[i] as number) * (HANN_N[i] as number);
  }
  fftN.inverse(fr.subarray(0, N), fi.subarray(0, N));
  let tot = 0;
  let kmax = 0;
  let vmax = 0;
  for (let k = 0; k < N; k++) {
    const v = (fr[k] as number) ** 2 + (fi[k] as number) ** 2;
    tot += v;
    if (v > vmax) {
      vmax = v;
      kmax = k;
    }
  }
  let peak3 = 0;
  for (let dk = -2; dk <= 2; dk++) {
    const k = (kmax + dk + N) % N;
    peak3 += (fr[k] as number) ** 2 + (fi[k] as number) ** 2;
  }
  put(peak3 / Math.max(tot, 1e-12));
  // power within ±bandwidth/2 of 0 Hz over total (how well the bandwidth describes the emission)
  const halfBins = Math.max(1, Math.round((s.bandwidthHz / 2 / s.sampleRateHz) * PSD_BINS));
  let inb = 0;
  for (let k = PSD_BINS / 2 - halfBins; k <= PSD_BINS / 2 + halfBins; k++) {
    if (k >= 0 && k < PSD_BINS) inb += psd[k] as number;
  }
  put(inb / psum);
  const sorted = Array.from(psd).sort((a, b) => a - b);
  put(clamp(db(pmax / (sorted[PSD_BINS / 2] as number)), 0, 60) / 30);

  // envelope statistics
  let am = 0;
  let a2 = 0;
  let p2 = 0;
  let low = 0;
  for (let i = 0; i < N; i++) {
    const pw = (zr[i] as number) ** 2 + (zi[i] as number) ** 2;
    const a = Math.sqrt(pw);
    am += a;
    a2 += pw;
    p2 += pw * pw;
    if (pw < 0.1) low++;
  }
  am /= N;
  put(am);
  put(Math.sqrt(Math.max(0, a2 / N - am * am)));
  put(Math.log2(p2 / N / ((a2 / N) ** 2 + 1e-12)));
  put(low / N);
  // power and mean frequency of TIME_SLICES consecutive slices
  const L = N / TIME_SLICES;
  for (let t = 0; t < TIME_SLICES; t++) {
    let pw = 0;
    let cr = 0;
    let ci = 0;
    for (let i = t * L; i < (t + 1) * L; i++) {
      pw += (zr[i] as number) ** 2 + (zi[i] as number) ** 2;
      if (i > 0) {
        // z[i] · conj(z[i-1])
        cr += (zr[i] as number) * (zr[i - 1] as number) + (zi[i] as number) * (zi[i - 1] as number);
        ci += (zi[i] as number) * (zr[i - 1] as number) - (zr[i] as number) * (zi[i - 1] as number);
      }
    }
    sliceP[t] = pw / L;
    sliceF[t] = Math.atan2(ci, cr) / Math.PI;
  }
  let sm = 0;
  let ss = 0;
  let smin = Infinity;
  let smax = 0;
  for (let t = 0; t < TIME_SLICES; t++) {
    const v = sliceP[t] as number;
    sm += v;
    ss += v * v;
    smin = Math.min(smin, v);
    smax = Math.max(smax, v);
  }
  sm /= TIME_SLICES;
  put(Math.sqrt(Math.max(0, ss / TIME_SLICES - sm * sm)) / (sm + 1e-12));
  put(clamp(db(smax / (smin + 1e-12)), 0, 40) / 20);

  // instantaneous frequency, smoothed over 4 lags, in units of the bandwidth
  const scale = s.sampleRateHz / 2 / Math.max(s.bandwidthHz, MIN_CHANNEL_HZ);
  let ifm = 0;
  let ifs = 0;
  let if4 = 0;
  let ifa = 0;
  const hist = new Float64Array(IF_HIST_BINS);
  let cnt = 0;
  for (let i = 4; i < N; i++) {
    let cr = 0;
    let ci = 0;
    for (let j = i - 3; j <= i; j++) {
      cr += (zr[j] as number) * (zr[j - 1] as number) + (zi[j] as number) * (zi[j - 1] as number);
      ci += (zi[j] as number) * (zr[j - 1] as number) - (zr[j] as number) * (zi[j - 1] as number);
    }
    const u = (Math.atan2(ci, cr) / Math.PI) * scale;
    ifv[cnt++] = u;
    ifm += u;
    ifa += Math.abs(u);
    const b = clamp(Math.floor(((u + 1) / 2) * IF_HIST_BINS), 0, IF_HIST_BINS - 1);
    hist[b] = (hist[b] as number) + 1;
  }
  ifm /= cnt;
  for (let i = 0; i < cnt; i++) {
    const d = (ifv[i] as number) - ifm;
    ifs += d * d;
    if4 += d * d * d * d;
  }
  ifs /= cnt;
  if4 /= cnt;
  for (let b = 0; b < IF_HIST_BINS; b++) put((hist[b] as number) / cnt);
  put(Math.sqrt(ifs));
  put(Math.log2(if4 / (ifs * ifs + 1e-12) + 1e-6) / 3);
  put(ifa / cnt);
  let dsum = 0;
  for (let i = 1; i < cnt; i++) dsum += ((ifv[i] as number) - (ifv[i - 1] as number)) ** 2;
  put(Math.sqrt(dsum / (cnt - 1)));
  // rms of the (smoothed) instantaneous frequency in Hz: the FM deviation, which tells wfm from a radio mic
  put(Math.log10(Math.sqrt(ifs) * Math.max(s.bandwidthHz, MIN_CHANNEL_HZ) + 1) - 4);
  // (demodulated spectrum: see the long-stretch features below)
  // chirp: linear fit of the slice mean frequencies (slope: cycles/sample per slice, scaled by the bandwidth)
  const cf = lineFit(sliceF, TIME_SLICES);
  put(clamp(cf.slope * TIME_SLICES * scale, -4, 4));
  put(cf.r2);
  // spectral centroid of each slice's 64-point spectrum would cost 16 FFTs; the mean frequency above is that
  // centroid for one dominant component; a power-weighted version guards against slices of noise only
  for (let t = 0; t < TIME_SLICES; t++) sliceC[t] = (sliceF[t] as number) * Math.min(1, (sliceP[t] as number) / sm);
  const cc = lineFit(sliceC, TIME_SLICES);
  put(clamp(cc.slope * TIME_SLICES * scale, -4, 4));
  put(cc.r2);

  // autocorrelation magnitude via |FFT|² of the zero-padded snippet
  for (let i = 0; i < 2 * N; i++) {
    fr[i] = i < N ? (zr[i] as number) : 0;
    fi[i] = i < N ? (zi[i] as number) : 0;
  }
  const fft2N = fftPlan(2 * N);
  fft2N.inverse(fr, fi);
  for (let k = 0; k < 2 * N; k++) {
    fr[k] = (fr[k] as number) ** 2 + (fi[k] as number) ** 2;
    fi[k] = 0;
  }
  fft2N.inverse(fr, fi);
  const r0 = Math.max(fr[0] as number, 1e-12);
  const acAt = (lag: number): number => Math.hypot(fr[lag] as number, fi[lag] as number) / r0;
  for (const lag of AC_LAGS) put(acAt(lag));
  let acMax = 0;
  for (let lag = 16; lag < N / 2; lag++) acMax = Math.max(acMax, acAt(lag) * (N / (N - lag)));
  put(acMax);
  // long-lag autocorrelation over up to LONG_MAX samples (cyclic prefix: a peak at the symbol length)
  let M = N;
  while (M * 2 <= Math.min(s.re.length, LONG_MAX)) M *= 2;
  const lr = new Float64Array(2 * M);
  const li = new Float64Array(2 * M);
  const o1 = s.re.length - M;
  for (let i = 0; i < M; i++) {
    lr[i] = s.re[o1 + i] as number;
    li[i] = s.im[o1 + i] as number;
  }
  const fftL = fftPlan(2 * M);
  fftL.inverse(lr, li);
  for (let k = 0; k < 2 * M; k++) {
    lr[k] = (lr[k] as number) ** 2 + (li[k] as number) ** 2;
    li[k] = 0;
  }
  fftL.inverse(lr, li);
  const l0 = Math.max(lr[0] as number, 1e-30);
  const lags: number[] = [];
  let lpk = 0;
  for (let lag = 16; lag < M / 2; lag++) {
    const v = (Math.hypot(lr[lag] as number, li[lag] as number) / l0) * (M / (M - lag));
    lags.push(v);
    lpk = Math.max(lpk, v);
  }
  lags.sort((a, b) => a - b);
  const lmed = lags[lags.length >> 1] ?? 0;
  put(lpk);
  put(lmed);
  put(Math.log2((lpk + 1e-6) / (lmed + 1e-6)) / 4);
  // spectrum of the demodulated signal (per-sample instantaneous frequency over the long stretch, so a wide
  // channel at decimation 1 still resolves audio): fraction of the demodulated power in each audio band
  const fftM = fftPlan(M);
  const ar = lr.subarray(0, M);
  const ai = li.subarray(0, M);
  let prevR = s.re[o1] as number;
  let prevI = s.im[o1] as number;
  let dm = 0;
  for (let i = 1; i < M; i++) {
    const cR = s.re[o1 + i] as number;
    const cI = s.im[o1 + i] as number;
    ar[i] = Math.atan2(cI * prevR - cR * prevI, cR * prevR + cI * prevI);
    dm += ar[i] as number;
    prevR = cR;
    prevI = cI;
  }
  ar[0] = ar[1] as number;
  dm = (dm + (ar[0] as number)) / M;
  for (let i = 0; i < M; i++) {
    ar[i] = ((ar[i] as number) - dm) * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / M));
    ai[i] = 0;
  }
  fftM.inverse(ar, ai);
  let atot = 0;
  for (let k = 1; k < M / 2; k++) atot += (ar[k] as number) ** 2 + (ai[k] as number) ** 2;
  const binAudioHz = s.sampleRateHz / M;
  for (const [lo, hi] of AUDIO_BANDS_HZ) {
    let e = 0;
    const k0 = Math.max(1, Math.ceil(lo / binAudioHz));
    const k1 = Math.min(M / 2 - 1, Math.floor(hi / binAudioHz));
    for (let k = k0; k <= k1; k++) e += (ar[k] as number) ** 2 + (ai[k] as number) ** 2;
    put(e / (atot + 1e-12));
  }

  // long power envelope (pulsed emitters): normalised by its mean
  const env = s.envelope;
  let em = 0;
  let emin = Infinity;
  let emax = 0;
  for (let b = 0; b < ENVELOPE_BLOCKS; b++) {
    const v = env[b] as number;
    em += v;
    emin = Math.min(emin, v);
    emax = Math.max(emax, v);
  }
  em /= ENVELOPE_BLOCKS;
  let es = 0;
  let duty = 0;
  let trans = 0;
  let maxStep = 0;
  const mid = Math.sqrt(Math.max(emin, 1e-20) * Math.max(emax, 1e-20));
  for (let b = 0; b < ENVELOPE_BLOCKS; b++) {
    const v = env[b] as number;
    es += (v - em) ** 2;
    if (v > mid) duty++;
    if (b > 0) {
      const prev = env[b - 1] as number;
      if (prev > mid !== v > mid) trans++;
      maxStep = Math.max(maxStep, Math.abs(db(v + 1e-20) - db(prev + 1e-20)));
    }
  }
  put(Math.sqrt(es / ENVELOPE_BLOCKS) / (em + 1e-20));
  put(clamp(db(emax / (emin + 1e-20)), 0, 40) / 20);
  put(duty / ENVELOPE_BLOCKS);
  put(trans / ENVELOPE_BLOCKS);
  put(clamp(maxStep, 0, 40) / 20);
  // fine in-band spectrum over the long stretch (1024-point Welch): the deepest narrow dip inside ±0.35 B
  // relative to the in-band median. OFDM systems leave the DC subcarrier empty; noise-like jammers are flat.
  const S = Math.min(FINE_SEG, M);
  const fineP = new Float64Array(S);
  const fftS = fftPlan(S);
  const wr = new Float64Array(S);
  const wi = new Float64Array(S);
  let nseg = 0;
  for (let st = 0; st + S <= M; st += S / 2) {
    for (let i = 0; i < S; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / S);
      wr[i] = (s.re[o1 + st + i] as number) * w;
      wi[i] = (s.im[o1 + st + i] as number) * w;
    }
    fftS.inverse(wr, wi);
    for (let k = 0; k < S; k++) fineP[k] = (fineP[k] as number) + (wr[k] as number) ** 2 + (wi[k] as number) ** 2;
    nseg++;
  }
  // bins within ±0.35 B (the inverse FFT's bin k is frequency -k: symmetric range, sign irrelevant)
  const kHalf = Math.max(2, Math.floor(((0.35 * s.bandwidthHz) / s.sampleRateHz) * S));
  const inBand: number[] = [];
  let dip = Infinity;
  for (let k = -kHalf; k <= kHalf; k++) {
    const a = fineP[(k - 1 + S) % S] as number;
    const b = fineP[(k + S) % S] as number;
    const c = fineP[(k + 1 + S) % S] as number;
    const v = (a + b + c) / 3;
    inBand.push(v);
    dip = Math.min(dip, v);
  }
  inBand.sort((x, y) => x - y);
  const fmed = inBand[inBand.length >> 1] as number;
  const fq = inBand[Math.floor(inBand.length * 0.9)] as number;
  void nseg;
  put(clamp(db(dip / (fmed + 1e-30)), -30, 0) / 30);
  put(clamp(db(fq / (fmed + 1e-30)), 0, 30) / 30);
  keyingFeatures(s, put);
  if (f !== FEATURE_COUNT) throw new Error(`computeFeatures: wrote ${f} of ${FEATURE_COUNT}`);
  return out;
}

const keyP = new Float64Array(KEY_BLOCKS);
const keyOn = new Uint8Array(KEY_BLOCKS);

/**
 * Keying of the whole extracted span (≥ 6.8 ms, KEY_BLOCKS blocks): depth, duty, transitions, periodicity (peak
 * autocorrelation of the on/off sequence: a pulsed jammer repeats with a fixed period, data does not), spread of
 * the on- and off-run lengths (a jammer's are all alike), their median length in seconds (bits of a sensor, slots
 * of TDMA, 120 µs replies), and what is inside the on-blocks: power spread (constant envelope of a keyed carrier vs
 * noise-like data) and instantaneous-frequency spread (a pulsed carrier's frequency is still).
 */
function keyingFeatures(s: ChannelSnippet, put: (x: number) => void): void {
  const L = s.re.length;
  const per = Math.max(1, Math.floor(L / KEY_BLOCKS));
  const blockS = per / s.sampleRateHz;
  for (let b = 0; b < KEY_BLOCKS; b++) {
    let p = 0;
    const o = Math.min(b * per, L - per);
    for (let i = o; i < o + per; i++) p += (s.re[i] as number) ** 2 + (s.im[i] as number) ** 2;
    keyP[b] = p / per + 1e-30;
  }
  const sorted = Array.from(keyP).sort((a, b) => a - b);
  const lo = sorted[Math.floor(KEY_BLOCKS * 0.1)] as number;
  const hi = sorted[Math.floor(KEY_BLOCKS * 0.9)] as number;
  const depthDb = db(hi / lo);
  put(clamp(depthDb, 0, 40) / 20);
  if (depthDb < KEY_MIN_DEPTH_DB) {
    // not keyed: on all the time
    put(1);
    put(0);
    put(0);
    put(0);
    put(0);
    put(Math.log10(KEY_BLOCKS * blockS) + 2);
    put(-1);
  } else {
    const thr = Math.sqrt(lo * hi);
    let on = 0;
    let trans = 0;
    for (let b = 0; b < KEY_BLOCKS; b++) {
      keyOn[b] = (keyP[b] as number) > thr ? 1 : 0;
      on += keyOn[b] as number;
      if (b > 0 && keyOn[b] !== keyOn[b - 1]) trans++;
    }
    const duty = on / KEY_BLOCKS;
    put(duty);
    put(trans / KEY_BLOCKS);
    // normalised autocorrelation of the centred on/off sequence, best lag ≥ 2 blocks (unbiased)
    let r0 = 0;
    for (let b = 0; b < KEY_BLOCKS; b++) r0 += ((keyOn[b] as number) - duty) ** 2;
    let best = 0;
    if (r0 > 0) {
      for (let lag = 2; lag <= KEY_BLOCKS / 2; lag++) {
        let r = 0;
        for (let b = lag; b < KEY_BLOCKS; b++) r += ((keyOn[b] as number) - duty) * ((keyOn[b - lag] as number) - duty);
        best = Math.max(best, r / (KEY_BLOCKS - lag) / (r0 / KEY_BLOCKS));
      }
    }
    put(clamp(best, -1, 1));
    // complete runs (not touching either end)
    const runs: [number[], number[]] = [[], []];
    let start = 0;
    for (let b = 1; b <= KEY_BLOCKS; b++) {
      if (b === KEY_BLOCKS || keyOn[b] !== keyOn[b - 1]) {
        if (start > 0 && b < KEY_BLOCKS) runs[keyOn[start] as number]?.push(b - start);
        start = b;
      }
    }
    const cv = (r: number[]): number => {
      if (r.length < 2) return 0;
      const m = r.reduce((a, x) => a + x, 0) / r.length;
      return clamp(Math.sqrt(r.reduce((a, x) => a + (x - m) ** 2, 0) / r.length) / m, 0, 2);
    };
    const medS = (r: number[], fallbackBlocks: number): number => {
      const v = r.length ? (r.slice().sort((a, b) => a - b)[r.length >> 1] as number) : fallbackBlocks;
      return Math.log10(v * blockS) + 2;
    };
    put(cv(runs[1]));
    put(cv(runs[0]));
    put(medS(runs[1], on));
    put(medS(runs[0], KEY_BLOCKS - on));
  }
  // inside the strongest blocks (the on-state, or everything when not keyed): power and frequency spread
  const thrOn = depthDb < KEY_MIN_DEPTH_DB ? 0 : Math.sqrt(lo * hi);
  let n = 0;
  let pm = 0;
  let p2 = 0;
  let fm = 0;
  let f2 = 0;
  for (let b = 0; b < KEY_BLOCKS; b++) {
    if ((keyP[b] as number) <= thrOn) continue;
    const o = Math.min(b * per, L - per);
    for (let i = o + 1; i < o + per; i++) {
      const r = s.re[i] as number;
      const q = s.im[i] as number;
      const pr = s.re[i - 1] as number;
      const pq = s.im[i - 1] as number;
      const p = r * r + q * q;
      const f = Math.atan2(q * pr - r * pq, r * pr + q * pq) / Math.PI;
      pm += p;
      p2 += p * p;
      fm += f;
      f2 += f * f;
      n++;
    }
  }
  if (n > 1) {
    pm /= n;
    fm /= n;
    put(clamp(Math.sqrt(Math.max(0, p2 / n - pm * pm)) / (pm + 1e-30), 0, 3));
    put(Math.sqrt(Math.max(0, f2 / n - fm * fm)));
  } else {
    put(0);
    put(0);
  }
}
