/**
 * What the virtual dongle's antenna "hears": a source that renders cu8 IQ for a tuning, rate, time and gain.
 * `dsp/synth` scenes are adapted to this in `scene-source.ts`; `ToneTestSource` is a small self-contained source
 * for tests and as the default when no scene is given.
 */

/** One render call. */
export interface SignalRenderRequest {
  /** RF frequency at 0 Hz of the output, Hz. */
  centerHz: number;
  /** Output rate, S/s. */
  sampleRateHz: number;
  /** First sample on the source's time grid at this rate: its time is startSample / sampleRateHz seconds. */
  startSample: number;
  /** Number of complex samples (out receives 2·count bytes). */
  count: number;
  /** Receive chain gain (LNA + mixer + VGA), dB: scales the input before 8-bit quantisation. */
  gainDb: number;
}

/** Time-invariance window of a source, so a renderer may cache and loop its output. */
export interface SourceState {
  /** Equal keys mean the rendered signal is statistically the same (same emitters on, same parameters). */
  key: string;
  /** First sample (same grid as the query) at which the state may change, Infinity when never. */
  nextChangeSample: number;
}

export interface IqSignalSource {
  /** Writes 2·req.count bytes of cu8 (I, Q offset binary, 127.5 = 0) into out. */
  renderCu8(req: SignalRenderRequest, out: Uint8Array): void;
  /**
   * Optional: which emitters that reach a receiver at `centerHz` are on at `sample` (time sample / sampleRateHz)
   * and until when; without it the source counts as time-varying and is never looped.
   */
  stateAt?(sample: number, sampleRateHz: number, centerHz: number): SourceState;
}

/**
 * dBFS = dBm + gainDb + this. With 44 dB of gain (28 dB tuner + 16.3 dB VGA) a −60 dBm carrier reads about
 * −6 dBFS; chosen so the demo venue's levels look like a real dongle's, not measured.
 */
export const INPUT_DBM_TO_DBFS_AT_0DB = 10;

export interface TestTone {
  /** Absolute RF frequency, Hz. */
  freqHz: number;
  /** Level at the antenna, dBm. */
  levelDbm: number;
  /** Optional on/off schedule: on during [onS, offS) seconds. */
  onS?: number;
  offS?: number;
}

/** Default test tones: a strong carrier 100 kHz above 100.1 MHz and a weak one 150 kHz below (off the DC spike). */
export const DEFAULT_TEST_TONES: readonly TestTone[] = [
  { freqHz: 100_200_000, levelDbm: -60 },
  { freqHz: 99_950_000, levelDbm: -80 },
];

/** Gaussian table for cheap noise: 65536 N(0,1) values, indexed by a xorshift generator. */
const GAUSS = (() => {
  const t = new Float32Array(65536);
  let s = 0x9e3779b9;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < t.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(rnd()));
    const a = 2 * Math.PI * rnd();
    t[i] = r * Math.cos(a);
    t[i + 1] = r * Math.sin(a);
  }
  return t;
})();

/**
 * Tones at absolute RF frequencies over thermal noise, scaled by the gain. Noise density −166 dBm/Hz (kTB with an
 * 8 dB noise figure). Seeded: the same request gives the same bytes.
 */
export class ToneTestSource implements IqSignalSource {
  readonly tones: TestTone[];
  readonly noiseDbmPerHz: number;
  private seed: number;

  /** @param tones default DEFAULT_TEST_TONES; pass [] for noise only. */
  constructor(tones: readonly TestTone[] = DEFAULT_TEST_TONES, opts: { noiseDbmPerHz?: number; seed?: number } = {}) {
    this.tones = [...tones];
    this.noiseDbmPerHz = opts.noiseDbmPerHz ?? -166;
    this.seed = opts.seed ?? 1;
  }

  stateAt(sample: number, fs: number, _centerHz?: number): SourceState {
    let key = '';
    let next = Infinity;
    const edge = (tS: number) => Math.ceil(tS * fs - 1e-6);
    for (let i = 0; i < this.tones.length; i++) {
      const t = this.tones[i] as TestTone;
      const on = (t.onS === undefined || sample >= edge(t.onS)) && (t.offS === undefined || sample < edge(t.offS));
      key += on ? '1' : '0';
      if (t.onS !== undefined && edge(t.onS) > sample) next = Math.min(next, edge(t.onS));
      if (t.offS !== undefined && edge(t.offS) > sample) next = Math.min(next, edge(t.offS));
    }
    return { key, nextChangeSample: next };
  }

  renderCu8(req: SignalRenderRequest, out: Uint8Array): void {
    const { centerHz, sampleRateHz: fs, startSample, count, gainDb } = req;
    const toFs = (dbm: number) => Math.pow(10, (dbm + gainDb + INPUT_DBM_TO_DBFS_AT_0DB) / 20);
    // complex noise: total power over fs; per-component sigma = sqrt(P/2), in units of full scale
    const noiseSigma = toFs(this.noiseDbmPerHz + 10 * Math.log10(fs)) / Math.SQRT2;
    const scale = 127.5;
    // on/off is decided at the first sample: callers split renders at stateAt() boundaries
    const edge = (tS: number) => Math.ceil(tS * fs - 1e-6);
    const active = this.tones.filter(
      (t) =>
        (t.onS === undefined || startSample >= edge(t.onS)) &&
        (t.offS === undefined || startSample < edge(t.offS)) &&
        Math.abs(t.freqHz - centerHz) < fs / 2,
    );
    const n = active.length;
    const amp = new Float64Array(n);
    const cosD = new Float64Array(n);
    const sinD = new Float64Array(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const t = active[k] as TestTone;
      const w = (2 * Math.PI * (t.freqHz - centerHz)) / fs;
      amp[k] = toFs(t.levelDbm);
      cosD[k] = Math.cos(w);
      sinD[k] = Math.sin(w);
      // phase at startSample, reduced to keep precision for large indexes
      const ph =
        (w * (startSample % 1e6) + ((w * 1e6) % (2 * Math.PI)) * Math.floor(startSample / 1e6)) % (2 * Math.PI);
      re[k] = Math.cos(ph);
      im[k] = Math.sin(ph);
    }
    let g = ((startSample * 2654435761 + this.seed * 40503) >>> 0) | 1;
    for (let i = 0; i < count; i++) {
      g ^= g << 13;
      g ^= g >>> 17;
      g ^= g << 5;
      const gi = (g >>> 0) & 0xfffe;
      let x = noiseSigma * (GAUSS[gi] as number);
      let y = noiseSigma * (GAUSS[gi + 1] as number);
      for (let k = 0; k < n; k++) {
        const a = amp[k] as number;
        const r = re[k] as number;
        const m = im[k] as number;
        x += a * r;
        y += a * m;
        const c = cosD[k] as number;
        const s = sinD[k] as number;
        re[k] = r * c - m * s;
        im[k] = r * s + m * c;
      }
      let qi = Math.round(127.5 + scale * x);
      let qq = Math.round(127.5 + scale * y);
      qi = qi < 0 ? 0 : qi > 255 ? 255 : qi;
      qq = qq < 0 ? 0 : qq > 255 ? 255 : qq;
      out[2 * i] = qi;
      out[2 * i + 1] = qq;
    }
  }
}
