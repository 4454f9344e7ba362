import { describe, expect, it } from 'vitest';
import {
  IqHistory,
  extractChannel,
  extractionSpan,
  decimationFor,
  SNIPPET_LENGTH,
  ENVELOPE_BLOCKS,
} from '../../models/iq-history.ts';

const FS = 2_400_000;

/** Fill a history with a complex tone at `fHz` (amplitude a) plus an optional second tone. */
function toneHistory(fHz: number, count: number, a = 0.5, second?: { fHz: number; a: number }): IqHistory {
  const h = new IqHistory(1 << 16);
  h.reset(100e6, FS);
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const ph = (2 * Math.PI * fHz * n) / FS;
    re[n] = a * Math.cos(ph);
    im[n] = a * Math.sin(ph);
    if (second) {
      const p2 = (2 * Math.PI * second.fHz * n) / FS;
      re[n] = (re[n] as number) + second.a * Math.cos(p2);
      im[n] = (im[n] as number) + second.a * Math.sin(p2);
    }
  }
  h.pushFloat(re, im);
  return h;
}

/** Frequency of a complex sequence from its mean phase increment, Hz. */
function meanFreqHz(re: Float32Array, im: Float32Array, fs: number, from = 0): number {
  let cr = 0;
  let ci = 0;
  for (let i = from + 1; i < re.length; i++) {
    cr += (re[i] as number) * (re[i - 1] as number) + (im[i] as number) * (im[i - 1] as number);
    ci += (im[i] as number) * (re[i - 1] as number) - (re[i] as number) * (im[i - 1] as number);
  }
  return (Math.atan2(ci, cr) / (2 * Math.PI)) * fs;
}

describe('IqHistory', () => {
  it('wraps around and keeps the newest samples in order', () => {
    const h = new IqHistory(1000); // rounds up to 1024
    expect(h.capacity).toBe(1024);
    h.reset(0, FS);
    const re = new Float32Array(700);
    const im = new Float32Array(700);
    for (let block = 0; block < 3; block++) {
      for (let i = 0; i < 700; i++) {
        re[i] = block * 700 + i;
        im[i] = -(block * 700 + i);
      }
      h.pushFloat(re, im);
    }
    expect(h.totalPushed).toBe(2100);
    expect(h.length).toBe(1024);
    // newest is 2099, 1023 samples ago is 1076
    expect(h.re[h.indexAgo(0)]).toBe(2099);
    expect(h.im[h.indexAgo(0)]).toBe(-2099);
    expect(h.re[h.indexAgo(1023)]).toBe(1076);
    for (let ago = 0; ago < 1024; ago++) expect(h.re[h.indexAgo(ago)]).toBe(2099 - ago);
  });

  it('converts cu8 blocks and resets on retune and on a sample gap', () => {
    const h = new IqHistory(4096);
    const bytes = new Uint8Array([255, 0, 127, 128, 0, 255]);
    h.pushBlock({ format: 'cu8', bytes, sampleIndex: 0, timeMs: 0, centerHz: 433e6, sampleRateHz: FS });
    expect(h.length).toBe(3);
    expect(h.re[h.indexAgo(2)]).toBeCloseTo(1, 6);
    expect(h.im[h.indexAgo(2)]).toBeCloseTo(-1, 6);
    expect(h.re[h.indexAgo(0)]).toBeCloseTo(-1, 6);
    h.pushBlock({ format: 'cu8', bytes, sampleIndex: 3, timeMs: 0, centerHz: 433e6, sampleRateHz: FS });
    expect(h.length).toBe(6);
    // gap: sampleIndex 9 instead of 6
    h.pushBlock({ format: 'cu8', bytes, sampleIndex: 9, timeMs: 0, centerHz: 433e6, sampleRateHz: FS });
    expect(h.length).toBe(3);
    h.pushBlock({ format: 'cu8', bytes, sampleIndex: 12, timeMs: 0, centerHz: 434e6, sampleRateHz: FS });
    expect(h.length).toBe(3);
    expect(h.centerHz).toBe(434e6);
  });

  it('8-bit blocks converted on read equal an eager conversion, across wraps, big blocks and mixed formats', () => {
    const cap = 1024;
    const h = new IqHistory(cap);
    const refRe = new Float32Array(cap);
    const refIm = new Float32Array(cap);
    let written = 0;
    let idx = 0;
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const cu8 = (n: number) => {
      const b = new Uint8Array(2 * n);
      for (let i = 0; i < b.length; i++) b[i] = rnd();
      h.pushBlock({ format: 'cu8', bytes: b, sampleIndex: idx, timeMs: 0, centerHz: 1e8, sampleRateHz: FS });
      for (let i = 0; i < n; i++) {
        refRe[(written + i) % cap] = ((b[2 * i] as number) - 127.5) / 127.5;
        refIm[(written + i) % cap] = ((b[2 * i + 1] as number) - 127.5) / 127.5;
      }
      written += n;
      idx += n;
    };
    const cf32 = (n: number) => {
      const f = new Float32Array(2 * n).map(() => rnd() / 256 - 0.5);
      const bytes = new Uint8Array(f.buffer);
      h.pushBlock({ format: 'cf32_le', bytes, sampleIndex: idx, timeMs: 0, centerHz: 1e8, sampleRateHz: FS });
      for (let i = 0; i < n; i++) {
        refRe[(written + i) % cap] = f[2 * i] as number;
        refIm[(written + i) % cap] = f[2 * i + 1] as number;
      }
      written += n;
      idx += n;
    };
    const check = () => {
      for (let ago = 0; ago < Math.min(written, cap); ago++) {
        const r = (written - 1 - ago) % cap;
        expect(h.re[h.indexAgo(ago)]).toBeCloseTo(refRe[r] as number, 5);
        expect(h.im[h.indexAgo(ago)]).toBeCloseTo(refIm[r] as number, 5);
      }
    };
    cu8(300);
    check();
    cu8(900); // wraps
    cu8(2500); // bigger than the ring
    check();
    cf32(200); // a float block after pending bytes
    cu8(100);
    check();
  });

  it('accepts cf32_le and ci16_le blocks', () => {
    const h = new IqHistory(64);
    const f = new Float32Array([0.25, -0.5]);
    h.pushBlock({
      format: 'cf32_le',
      bytes: new Uint8Array(f.buffer),
      sampleIndex: 0,
      timeMs: 0,
      centerHz: 1,
      sampleRateHz: FS,
    });
    expect(h.re[h.indexAgo(0)]).toBeCloseTo(0.25, 6);
    expect(h.im[h.indexAgo(0)]).toBeCloseTo(-0.5, 6);
    const s = new Int16Array([16384, -32768]);
    h.pushBlock({
      format: 'ci16_le',
      bytes: new Uint8Array(s.buffer),
      sampleIndex: 1,
      timeMs: 0,
      centerHz: 1,
      sampleRateHz: FS,
    });
    expect(h.re[h.indexAgo(0)]).toBeCloseTo(0.5, 6);
    expect(h.im[h.indexAgo(0)]).toBeCloseTo(-1, 6);
    expect(h.length).toBe(2);
  });
});

describe('extractChannel', () => {
  it('brings a narrowband tone at +offset to 0 Hz at about 4x the channel bandwidth', () => {
    const off = 312_345;
    const h = toneHistory(off + 700, 40_000);
    const s = extractChannel(h, off, 12_500);
    expect(s).not.toBeNull();
    const snip = s!;
    expect(snip.decimation).toBe(decimationFor(FS, 12_500));
    expect(snip.decimation).toBe(48);
    expect(snip.sampleRateHz).toBe(FS / 48);
    expect(snip.re.length).toBeGreaterThanOrEqual(SNIPPET_LENGTH);
    // the tone was 700 Hz above the offset: it must come out at +700 Hz, amplitude kept (unit DC gain)
    expect(meanFreqHz(snip.re, snip.im, snip.sampleRateHz, 64)).toBeCloseTo(700, 0);
    const n = snip.re.length;
    const amp = Math.hypot(snip.re[n - 1] as number, snip.im[n - 1] as number);
    expect(amp).toBeCloseTo(0.5, 2);
    // steady power in every envelope block
    expect(snip.envelope.length).toBe(ENVELOPE_BLOCKS);
    for (const e of snip.envelope) expect(e).toBeCloseTo(0.25, 2);
  });

  it('works for negative offsets and rejects a strong tone outside the channel', () => {
    const off = -500_000;
    // wanted tone at the offset, a 10x stronger one 100 kHz away (outside a 12.5 kHz channel)
    const h = toneHistory(off, 40_000, 0.05, { fHz: off + 100_000, a: 0.5 });
    const snip = extractChannel(h, off, 12_500)!;
    const n = snip.re.length;
    let p = 0;
    for (let i = 64; i < n; i++) p += (snip.re[i] as number) ** 2 + (snip.im[i] as number) ** 2;
    p /= n - 64;
    // only the wanted tone's power (0.05² = 0.0025) remains: the other is ≥ 40 dB down
    expect(p).toBeGreaterThan(0.0025 * 0.95);
    expect(p).toBeLessThan(0.0025 * 1.05);
    expect(Math.abs(meanFreqHz(snip.re, snip.im, snip.sampleRateHz, 64))).toBeLessThan(5);
  });

  it('does not decimate a wide channel and returns null until the history holds the span', () => {
    expect(decimationFor(FS, 800_000)).toBe(1);
    const span = extractionSpan(FS, 12_500);
    const short = toneHistory(1000, span - 10);
    expect(extractChannel(short, 1000, 12_500)).toBeNull();
    const h = toneHistory(200_000, 20_000);
    const s = extractChannel(h, 0, 800_000)!;
    expect(s.decimation).toBe(1);
    expect(s.sampleRateHz).toBe(FS);
    expect(meanFreqHz(s.re, s.im, FS, 64)).toBeCloseTo(200_000, -1);
  });

  it('extracts the same snippet from a history that wrapped several times', () => {
    const off = 50_000;
    const direct = toneHistory(off + 300, 40_000);
    const a = extractChannel(direct, off, 25_000)!;
    // same signal pushed in small blocks into a ring that wraps
    const h = new IqHistory(1 << 16);
    h.reset(100e6, FS);
    const total = 40_000 + 3 * 65_536;
    const blk = 4096;
    const re = new Float32Array(blk);
    const im = new Float32Array(blk);
    // phase continuous with the direct history's last sample: generate from n0 = total - 40000
    for (let s0 = 0; s0 < total; s0 += blk) {
      const cnt = Math.min(blk, total - s0);
      for (let i = 0; i < cnt; i++) {
        const n = s0 + i - (total - 40_000);
        const ph = (2 * Math.PI * (off + 300) * n) / FS;
        re[i] = 0.5 * Math.cos(ph);
        im[i] = 0.5 * Math.sin(ph);
      }
      h.pushFloat(re, im, cnt);
    }
    const b = extractChannel(h, off, 25_000)!;
    expect(b.re.length).toBe(a.re.length);
    for (let i = 0; i < a.re.length; i += 17) {
      expect(b.re[i]).toBeCloseTo(a.re[i] as number, 4);
      expect(b.im[i]).toBeCloseTo(a.im[i] as number, 4);
    }
  });
});
