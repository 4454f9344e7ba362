/*
 * Bandwatch frame kernel in WASM SIMD: cu8 I/Q -> window -> complex FFT -> |X|^2 accumulated (float64).
 *
 * Layout choices (why):
 *  - Split (planar) re/im arrays so every v128 holds 4 consecutive samples of one component: butterflies need no
 *    shuffles except in the last stage.
 *  - Decimation in frequency, in place, natural input order. The output comes out digit-reversed; since we only
 *    accumulate |X|^2 we never reorder the spectrum per frame: the accumulator lives in the scrambled order and
 *    bw_perm[] maps it back (applied by the loader once per batch).
 *  - log2(N) odd: one radix-2 stage first, then radix-4 stages; the last radix-4 stage (length 4) works on
 *    4 blocks at once through a 4x4 transpose, and is fused with |X|^2 and the accumulation.
 *  - No libc. Twiddles are built from a cos/sin table the loader writes (JS Math.cos/sin in float64).
 *
 * Memory is static: one module instance serves one FFT size (16..16384).
 */
#include <wasm_simd128.h>

#define MAXN 16384
#define INBYTES (1 << 20)
#define EXPORT(name) __attribute__((export_name(name)))

static float re_[MAXN] __attribute__((aligned(16)));
static float im_[MAXN] __attribute__((aligned(16)));
static double acc_[MAXN] __attribute__((aligned(16)));
static int perm_[MAXN] __attribute__((aligned(16)));
/* The caller's accumulator in natural order, staged here so the scramble/unscramble runs in WASM. */
static double accn_[MAXN] __attribute__((aligned(16)));
static float win_[MAXN] __attribute__((aligned(16)));
static float wsc_[MAXN] __attribute__((aligned(16)));
/* trig_[k] = cos(2 pi k / N), trig_[MAXN + k] = sin(2 pi k / N), k < N; written by the loader. */
static float trig_[2 * MAXN] __attribute__((aligned(16)));
/* Per-stage twiddles, contiguous: radix-2 [wr(H) wi(H)], radix-4 [w1r w1i w2r w2i w3r w3i](Q each). */
static float tw_[6 * MAXN] __attribute__((aligned(16)));
static unsigned char in_[INBYTES] __attribute__((aligned(16)));

static int n_ = 0;
static int odd_ = 0;
static int nstages_ = 0;           /* radix-4 stages with twiddles (L >= 16) */
static int stage_len_[8];
static int stage_tw_[8];

EXPORT("bw_in_ptr") unsigned char *bw_in_ptr(void) { return in_; }
EXPORT("bw_in_capacity") int bw_in_capacity(void) { return INBYTES; }
EXPORT("bw_trig_ptr") float *bw_trig_ptr(void) { return trig_; }
EXPORT("bw_win_ptr") float *bw_win_ptr(void) { return win_; }
EXPORT("bw_re_ptr") float *bw_re_ptr(void) { return re_; }
EXPORT("bw_im_ptr") float *bw_im_ptr(void) { return im_; }
EXPORT("bw_acc_ptr") double *bw_acc_ptr(void) { return acc_; }
EXPORT("bw_perm_ptr") int *bw_perm_ptr(void) { return perm_; }
EXPORT("bw_accn_ptr") double *bw_accn_ptr(void) { return accn_; }

/* accn_ (natural order) -> acc_ (scrambled order), before a batch. */
EXPORT("bw_acc_load") void bw_acc_load(void) {
  for (int s = 0; s < n_; s++) acc_[s] = accn_[perm_[s]];
}

/* acc_ -> accn_, after a batch. */
EXPORT("bw_acc_store") void bw_acc_store(void) {
  for (int s = 0; s < n_; s++) accn_[perm_[s]] = acc_[s];
}
EXPORT("bw_max_n") int bw_max_n(void) { return MAXN; }

/* W_N^k = cos(2 pi k/N) - i sin(2 pi k/N) */
static inline float wr(int k) { return trig_[k]; }
static inline float wi(int k) { return -trig_[MAXN + k]; }

/* Call after writing trig_ (for this n) and win_. Returns 0, or -1 for an unsupported size. */
EXPORT("bw_setup") int bw_setup(int n) {
  if (n < 16 || n > MAXN || (n & (n - 1))) return -1;
  int log2n = 0;
  while ((1 << log2n) < n) log2n++;
  n_ = n;
  odd_ = log2n & 1;
  int off = 0;
  if (odd_) {
    int h = n / 2;
    for (int i = 0; i < h; i++) {
      tw_[i] = wr(i);
      tw_[h + i] = wi(i);
    }
    off = n;
  }
  nstages_ = 0;
  for (int len = odd_ ? n / 2 : n; len >= 16; len >>= 2) {
    int q = len / 4, step = n / len;
    float *t = tw_ + off;
    for (int i = 0; i < q; i++) {
      t[i] = wr(i * step);
      t[q + i] = wi(i * step);
      t[2 * q + i] = wr(2 * i * step);
      t[3 * q + i] = wi(2 * i * step);
      t[4 * q + i] = wr(3 * i * step);
      t[5 * q + i] = wi(3 * i * step);
    }
    stage_len_[nstages_] = len;
    stage_tw_[nstages_] = off;
    nstages_++;
    off += 6 * q;
  }
  /* Storage slot s of the fused last stage holds in-place position p = g + 4j + q for s = g + 4q + j. */
  for (int s = 0; s < n; s++) {
    int g = s & ~15, q = (s >> 2) & 3, j = s & 3;
    int p = g + 4 * j + q;
    int len = n, mult = 1, f = 0;
    if (odd_) {
      int h = len / 2;
      f += (p / h) * mult;
      p %= h;
      mult *= 2;
      len = h;
    }
    while (len > 1) {
      int qq = len / 4;
      f += (p / qq) * mult;
      p %= qq;
      mult *= 4;
      len = qq;
    }
    perm_[s] = f;
  }
  for (int i = 0; i < n; i++) wsc_[i] = win_[i] * (float)(1.0 / 127.5);
  return 0;
}

EXPORT("bw_clear") void bw_clear(void) {
  for (int i = 0; i < n_; i++) acc_[i] = 0.0;
}

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)

static void radix2_first(void) {
  const int h = n_ / 2;
  const float *twr = tw_, *twi = tw_ + h;
  float *r0 = re_, *i0 = im_, *r1 = re_ + h, *i1 = im_ + h;
  for (int k = 0; k < h; k += 4) {
    v128_t ar = LD(r0 + k), ai = LD(i0 + k), br = LD(r1 + k), bi = LD(i1 + k);
    v128_t dr = SUB(ar, br), di = SUB(ai, bi);
    v128_t cr = LD(twr + k), ci = LD(twi + k);
    ST(r0 + k, ADD(ar, br));
    ST(i0 + k, ADD(ai, bi));
    ST(r1 + k, SUB(MUL(dr, cr), MUL(di, ci)));
    ST(i1 + k, ADD(MUL(dr, ci), MUL(di, cr)));
  }
}

static void radix4_stage(int len, const float *t) {
  const int q = len >> 2;
  const float *w1r = t, *w1i = t + q, *w2r = t + 2 * q, *w2i = t + 3 * q, *w3r = t + 4 * q, *w3i = t + 5 * q;
  for (int b = 0; b < n_; b += len) {
    float *r0 = re_ + b, *r1 = r0 + q, *r2 = r1 + q, *r3 = r2 + q;
    float *i0 = im_ + b, *i1 = i0 + q, *i2 = i1 + q, *i3 = i2 + q;
    for (int k = 0; k < q; k += 4) {
      v128_t a0r = LD(r0 + k), a0i = LD(i0 + k), a1r = LD(r1 + k), a1i = LD(i1 + k);
      v128_t a2r = LD(r2 + k), a2i = LD(i2 + k), a3r = LD(r3 + k), a3i = LD(i3 + k);
      v128_t t0r = ADD(a0r, a2r), t0i = ADD(a0i, a2i), t1r = SUB(a0r, a2r), t1i = SUB(a0i, a2i);
      v128_t t2r = ADD(a1r, a3r), t2i = ADD(a1i, a3i), t3r = SUB(a1r, a3r), t3i = SUB(a1i, a3i);
      /* y0 = t0 + t2; y2 = t0 - t2; y1 = t1 - i t3; y3 = t1 + i t3 (forward, W4 = -i) */
      ST(r0 + k, ADD(t0r, t2r));
      ST(i0 + k, ADD(t0i, t2i));
      v128_t y2r = SUB(t0r, t2r), y2i = SUB(t0i, t2i);
      v128_t y1r = ADD(t1r, t3i), y1i = SUB(t1i, t3r);
      v128_t y3r = SUB(t1r, t3i), y3i = ADD(t1i, t3r);
      v128_t cr = LD(w1r + k), ci = LD(w1i + k);
      ST(r1 + k, SUB(MUL(y1r, cr), MUL(y1i, ci)));
      ST(i1 + k, ADD(MUL(y1r, ci), MUL(y1i, cr)));
      cr = LD(w2r + k);
      ci = LD(w2i + k);
      ST(r2 + k, SUB(MUL(y2r, cr), MUL(y2i, ci)));
      ST(i2 + k, ADD(MUL(y2r, ci), MUL(y2i, cr)));
      cr = LD(w3r + k);
      ci = LD(w3i + k);
      ST(r3 + k, SUB(MUL(y3r, cr), MUL(y3i, ci)));
      ST(i3 + k, ADD(MUL(y3r, ci), MUL(y3i, cr)));
    }
  }
}

#define TRANSPOSE4(v0, v1, v2, v3, u0, u1, u2, u3)                 \
  do {                                                              \
    v128_t x0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5);             \
    v128_t x1 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5);             \
    v128_t x2 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);             \
    v128_t x3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);             \
    u0 = wasm_i32x4_shuffle(x0, x1, 0, 1, 4, 5);                    \
    u1 = wasm_i32x4_shuffle(x0, x1, 2, 3, 6, 7);                    \
    u2 = wasm_i32x4_shuffle(x2, x3, 0, 1, 4, 5);                    \
    u3 = wasm_i32x4_shuffle(x2, x3, 2, 3, 6, 7);                    \
  } while (0)

static inline void acc4(double *a, v128_t p) {
  v128_t lo = wasm_f64x2_promote_low_f32x4(p);
  v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(p, p, 2, 3, 0, 1));
  wasm_v128_store(a, wasm_f64x2_add(wasm_v128_load(a), lo));
  wasm_v128_store(a + 2, wasm_f64x2_add(wasm_v128_load(a + 2), hi));
}

/* Last radix-4 stage (length 4, no twiddles) on 4 blocks per step, fused with |X|^2 accumulation. */
static void last_stage_accumulate(void) {
  for (int g = 0; g < n_; g += 16) {
    v128_t a0r, a1r, a2r, a3r, a0i, a1i, a2i, a3i;
    TRANSPOSE4(LD(re_ + g), LD(re_ + g + 4), LD(re_ + g + 8), LD(re_ + g + 12), a0r, a1r, a2r, a3r);
    TRANSPOSE4(LD(im_ + g), LD(im_ + g + 4), LD(im_ + g + 8), LD(im_ + g + 12), a0i, a1i, a2i, a3i);
    v128_t t0r = ADD(a0r, a2r), t0i = ADD(a0i, a2i), t1r = SUB(a0r, a2r), t1i = SUB(a0i, a2i);
    v128_t t2r = ADD(a1r, a3r), t2i = ADD(a1i, a3i), t3r = SUB(a1r, a3r), t3i = SUB(a1i, a3i);
    v128_t y0r = ADD(t0r, t2r), y0i = ADD(t0i, t2i);
    v128_t y1r = ADD(t1r, t3i), y1i = SUB(t1i, t3r);
    v128_t y2r = SUB(t0r, t2r), y2i = SUB(t0i, t2i);
    v128_t y3r = SUB(t1r, t3i), y3i = ADD(t1i, t3r);
    acc4(acc_ + g, ADD(MUL(y0r, y0r), MUL(y0i, y0i)));
    acc4(acc_ + g + 4, ADD(MUL(y1r, y1r), MUL(y1i, y1i)));
    acc4(acc_ + g + 8, ADD(MUL(y2r, y2r), MUL(y2i, y2i)));
    acc4(acc_ + g + 12, ADD(MUL(y3r, y3r), MUL(y3i, y3i)));
  }
}

/* The last two radix-4 stages (lengths 16 and 4) in registers, fused with |X|^2 and the accumulation: per block of
 * 16, the length-16 butterfly works on whole vectors (its quarter is 4), its 4 outputs are the 4 length-4 blocks,
 * which the transpose lines up for the final butterfly. Saves one pass over re/im per frame. */
static void last_two_stages_accumulate(const float *t) {
  const v128_t w1r = LD(t), w1i = LD(t + 4), w2r = LD(t + 8), w2i = LD(t + 12), w3r = LD(t + 16), w3i = LD(t + 20);
  for (int g = 0; g < n_; g += 16) {
    v128_t b0r = LD(re_ + g), b1r = LD(re_ + g + 4), b2r = LD(re_ + g + 8), b3r = LD(re_ + g + 12);
    v128_t b0i = LD(im_ + g), b1i = LD(im_ + g + 4), b2i = LD(im_ + g + 8), b3i = LD(im_ + g + 12);
    v128_t s0r = ADD(b0r, b2r), s0i = ADD(b0i, b2i), s1r = SUB(b0r, b2r), s1i = SUB(b0i, b2i);
    v128_t s2r = ADD(b1r, b3r), s2i = ADD(b1i, b3i), s3r = SUB(b1r, b3r), s3i = SUB(b1i, b3i);
    v128_t c0r = ADD(s0r, s2r), c0i = ADD(s0i, s2i);
    v128_t y1r = ADD(s1r, s3i), y1i = SUB(s1i, s3r);
    v128_t y2r = SUB(s0r, s2r), y2i = SUB(s0i, s2i);
    v128_t y3r = SUB(s1r, s3i), y3i = ADD(s1i, s3r);
    v128_t c1r = SUB(MUL(y1r, w1r), MUL(y1i, w1i)), c1i = ADD(MUL(y1r, w1i), MUL(y1i, w1r));
    v128_t c2r = SUB(MUL(y2r, w2r), MUL(y2i, w2i)), c2i = ADD(MUL(y2r, w2i), MUL(y2i, w2r));
    v128_t c3r = SUB(MUL(y3r, w3r), MUL(y3i, w3i)), c3i = ADD(MUL(y3r, w3i), MUL(y3i, w3r));
    v128_t a0r, a1r, a2r, a3r, a0i, a1i, a2i, a3i;
    TRANSPOSE4(c0r, c1r, c2r, c3r, a0r, a1r, a2r, a3r);
    TRANSPOSE4(c0i, c1i, c2i, c3i, a0i, a1i, a2i, a3i);
    v128_t t0r = ADD(a0r, a2r), t0i = ADD(a0i, a2i), t1r = SUB(a0r, a2r), t1i = SUB(a0i, a2i);
    v128_t t2r = ADD(a1r, a3r), t2i = ADD(a1i, a3i), t3r = SUB(a1r, a3r), t3i = SUB(a1i, a3i);
    v128_t z0r = ADD(t0r, t2r), z0i = ADD(t0i, t2i);
    v128_t z1r = ADD(t1r, t3i), z1i = SUB(t1i, t3r);
    v128_t z2r = SUB(t0r, t2r), z2i = SUB(t0i, t2i);
    v128_t z3r = SUB(t1r, t3i), z3i = ADD(t1i, t3r);
    acc4(acc_ + g, ADD(MUL(z0r, z0r), MUL(z0i, z0i)));
    acc4(acc_ + g + 4, ADD(MUL(z1r, z1r), MUL(z1i, z1i)));
    acc4(acc_ + g + 8, ADD(MUL(z2r, z2r), MUL(z2i, z2i)));
    acc4(acc_ + g + 12, ADD(MUL(z3r, z3r), MUL(z3i, z3i)));
  }
}

/* 4 cu8 samples (8 bytes) -> windowed float re/im: shuffles place each byte in the low byte of a 32-bit lane. */
static inline void cu8x4(const unsigned char *p, const float *w, v128_t *r, v128_t *i) {
  const v128_t zero = wasm_i32x4_splat(0);
  const v128_t half = wasm_f32x4_splat(127.5f);
  v128_t v = wasm_v128_load64_zero(p);
  v128_t bi = wasm_i8x16_shuffle(v, zero, 0, 16, 16, 16, 2, 16, 16, 16, 4, 16, 16, 16, 6, 16, 16, 16);
  v128_t bq = wasm_i8x16_shuffle(v, zero, 1, 16, 16, 16, 3, 16, 16, 16, 5, 16, 16, 16, 7, 16, 16, 16);
  v128_t ww = LD(w);
  *r = MUL(SUB(wasm_f32x4_convert_i32x4(bi), half), ww);
  *i = MUL(SUB(wasm_f32x4_convert_i32x4(bq), half), ww);
}

/* First radix-2 stage reading cu8 directly (saves the separate conversion pass). */
static void radix2_first_cu8(const unsigned char *src) {
  const int h = n_ / 2;
  const float *twr = tw_, *twi = tw_ + h;
  for (int k = 0; k < h; k += 4) {
    v128_t ar, ai, br, bi;
    cu8x4(src + 2 * k, wsc_ + k, &ar, &ai);
    cu8x4(src + 2 * (k + h), wsc_ + k + h, &br, &bi);
    v128_t dr = SUB(ar, br), di = SUB(ai, bi);
    v128_t cr = LD(twr + k), ci = LD(twi + k);
    ST(re_ + k, ADD(ar, br));
    ST(im_ + k, ADD(ai, bi));
    ST(re_ + h + k, SUB(MUL(dr, cr), MUL(di, ci)));
    ST(im_ + h + k, ADD(MUL(dr, ci), MUL(di, cr)));
  }
}

/* First radix-4 stage (length N) reading cu8 directly. */
static void radix4_first_cu8(const unsigned char *src, const float *t) {
  const int q = n_ >> 2;
  const float *w1r = t, *w1i = t + q, *w2r = t + 2 * q, *w2i = t + 3 * q, *w3r = t + 4 * q, *w3i = t + 5 * q;
  for (int k = 0; k < q; k += 4) {
    v128_t a0r, a0i, a1r, a1i, a2r, a2i, a3r, a3i;
    cu8x4(src + 2 * k, wsc_ + k, &a0r, &a0i);
    cu8x4(src + 2 * (k + q), wsc_ + k + q, &a1r, &a1i);
    cu8x4(src + 2 * (k + 2 * q), wsc_ + k + 2 * q, &a2r, &a2i);
    cu8x4(src + 2 * (k + 3 * q), wsc_ + k + 3 * q, &a3r, &a3i);
    v128_t t0r = ADD(a0r, a2r), t0i = ADD(a0i, a2i), t1r = SUB(a0r, a2r), t1i = SUB(a0i, a2i);
    v128_t t2r = ADD(a1r, a3r), t2i = ADD(a1i, a3i), t3r = SUB(a1r, a3r), t3i = SUB(a1i, a3i);
    ST(re_ + k, ADD(t0r, t2r));
    ST(im_ + k, ADD(t0i, t2i));
    v128_t y2r = SUB(t0r, t2r), y2i = SUB(t0i, t2i);
    v128_t y1r = ADD(t1r, t3i), y1i = SUB(t1i, t3r);
    v128_t y3r = SUB(t1r, t3i), y3i = ADD(t1i, t3r);
    v128_t cr = LD(w1r + k), ci = LD(w1i + k);
    ST(re_ + q + k, SUB(MUL(y1r, cr), MUL(y1i, ci)));
    ST(im_ + q + k, ADD(MUL(y1r, ci), MUL(y1i, cr)));
    cr = LD(w2r + k);
    ci = LD(w2i + k);
    ST(re_ + 2 * q + k, SUB(MUL(y2r, cr), MUL(y2i, ci)));
    ST(im_ + 2 * q + k, ADD(MUL(y2r, ci), MUL(y2i, cr)));
    cr = LD(w3r + k);
    ci = LD(w3i + k);
    ST(re_ + 3 * q + k, SUB(MUL(y3r, cr), MUL(y3i, ci)));
    ST(im_ + 3 * q + k, ADD(MUL(y3r, ci), MUL(y3i, cr)));
  }
}

/* Whole frame from cu8: the first stage converts and windows on the fly. */
static void fft_accumulate_cu8(const unsigned char *src) {
  int s = 0;
  if (odd_) {
    radix2_first_cu8(src);
  } else {
    radix4_first_cu8(src, tw_ + stage_tw_[0]);
    s = 1;
  }
  if (nstages_ == 1 && s == 1) {
    /* N = 16 (even): the first stage was the length-16 one; only the length-4 stage is left. */
    last_stage_accumulate();
    return;
  }
  for (; s < nstages_ - 1; s++) radix4_stage(stage_len_[s], tw_ + stage_tw_[s]);
  last_two_stages_accumulate(tw_ + stage_tw_[nstages_ - 1]);
}

static void fft_accumulate(void) {
  if (odd_) radix2_first();
  for (int s = 0; s < nstages_ - 1; s++) radix4_stage(stage_len_[s], tw_ + stage_tw_[s]);
  last_two_stages_accumulate(tw_ + stage_tw_[nstages_ - 1]);
}

/* `frames` cu8 frames from in_ + offset, starts hop_bytes apart. */
EXPORT("bw_run_cu8") void bw_run_cu8(int offset, int frames, int hop_bytes) {
  for (int f = 0; f < frames; f++) fft_accumulate_cu8(in_ + offset + f * hop_bytes);
}

/* One cu8 frame at in_ + offset on its own: its |X|^2 in natural order into accn_ (overwritten). acc_ is clobbered:
 * this path serves callers that need every frame's periodogram and keep their running sum themselves, so the
 * accumulator is neither loaded nor stored per frame. */
EXPORT("bw_frame_cu8") void bw_frame_cu8(int offset) {
  const v128_t z = wasm_f64x2_splat(0.0);
  for (int i = 0; i < n_; i += 2) wasm_v128_store(acc_ + i, z);
  fft_accumulate_cu8(in_ + offset);
  for (int s = 0; s < n_; s++) accn_[perm_[s]] = acc_[s];
}

/* One frame of planar float I/Q already in re_/im_ (unwindowed). */
EXPORT("bw_run_f32") void bw_run_f32(void) {
  for (int i = 0; i < n_; i += 4) {
    v128_t w = LD(win_ + i);
    ST(re_ + i, MUL(LD(re_ + i), w));
    ST(im_ + i, MUL(LD(im_ + i), w));
  }
  fft_accumulate();
}
