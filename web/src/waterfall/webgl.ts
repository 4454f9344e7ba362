/**
 * WebGL2 waterfall: a ring texture of uint8 rows (R8, one texel row per waterfall line), a per-row metadata
 * texture (RGBA32F: start/stop Hz relative to a base, row width) and a 256-entry colour LUT. The fragment shader
 * maps each screen pixel to (row age, frequency), so scrolling is a uniform change and zoom re-maps old rows
 * without re-uploading anything. One draw call per frame.
 */
import { RowRing, type RowMeta, type WaterfallRenderer } from './renderer.ts';

const VS = `#version 300 es
in vec2 a_pos;
out vec2 v_uv;
void main() {
  v_uv = vec2((a_pos.x + 1.0) * 0.5, (1.0 - a_pos.y) * 0.5);
  gl_Position = vec4(a_pos, 0.0, 1.0);
}`;

const FS = `#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D u_rows;
uniform highp sampler2D u_meta;
uniform sampler2D u_lut;
uniform float u_head;
uniform float u_cap;
uniform float u_count;
uniform float u_canvasH;
uniform vec2 u_view;
uniform vec2 u_levels;
in vec2 v_uv;
out vec4 o;
const vec4 BG = vec4(0.035, 0.045, 0.07, 1.0);
void main() {
  float age = floor(v_uv.y * u_canvasH);
  if (age >= u_count) { o = BG; return; }
  float idx = mod(u_head - age + u_cap, u_cap);
  vec4 m = texelFetch(u_meta, ivec2(int(idx), 0), 0);
  float f = mix(u_view.x, u_view.y, v_uv.x);
  float x = (f - m.x) / (m.y - m.x);
  if (m.w < 0.5 || x < 0.0 || x >= 1.0) { o = BG; return; }
  float v = texelFetch(u_rows, ivec2(int(x * m.z), int(idx)), 0).r;
  float l = clamp((v - u_levels.x) / (u_levels.y - u_levels.x), 0.0, 1.0);
  o = texture(u_lut, vec2((l * 255.0 + 0.5) / 256.0, 0.5));
}`;

/** Widest row the ring holds, texels (the app asks the server for at most this). */
export const MAX_ROW_WIDTH = 4096;

export class WebGlWaterfall implements WaterfallRenderer {
  readonly kind = 'webgl2' as const;
  private readonly gl: WebGL2RenderingContext;
  private readonly prog: WebGLProgram;
  private readonly rowsTex: WebGLTexture;
  private readonly metaTex: WebGLTexture;
  private readonly lutTex: WebGLTexture;
  private readonly ring: RowRing;
  private readonly metaBuf = new Float32Array(4);
  private baseHz: number | null = null;
  private view: [number, number] = [0, 1];
  private levels: [number, number] = [0, 1];
  private readonly loc: Record<string, WebGLUniformLocation | null> = {};

  /** Null when WebGL2 is not available (the app falls back to canvas 2D). */
  static create(canvas: HTMLCanvasElement, capacity = 2048): WebGlWaterfall | null {
    const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false });
    if (!gl) return null;
    try {
      return new WebGlWaterfall(canvas, gl, capacity);
    } catch (e) {
      console.warn('WebGL2 waterfall unavailable, falling back to canvas 2D', e);
      return null;
    }
  }

  private constructor(
    private readonly canvas: HTMLCanvasElement,
    gl: WebGL2RenderingContext,
    capacity: number,
  ) {
    this.gl = gl;
    this.ring = new RowRing(Math.min(capacity, gl.getParameter(gl.MAX_TEXTURE_SIZE) as number));
    this.prog = link(gl, VS, FS);
    gl.useProgram(this.prog);
    for (const n of ['u_rows', 'u_meta', 'u_lut', 'u_head', 'u_cap', 'u_count', 'u_canvasH', 'u_view', 'u_levels']) {
      this.loc[n] = gl.getUniformLocation(this.prog, n);
    }
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const aPos = gl.getAttribLocation(this.prog, 'a_pos');
    gl.enableVertexAttribArray(aPos);
    gl.vertexAttribPointer(aPos, 2, gl.FLOAT, false, 0, 0);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    this.rowsTex = texture(gl, 0);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8, MAX_ROW_WIDTH, this.ring.capacity, 0, gl.RED, gl.UNSIGNED_BYTE, null);
    this.metaTex = texture(gl, 1);
    gl.texImage2D(
      gl.TEXTURE_2D,
      0,
      gl.RGBA32F,
      this.ring.capacity,
      1,
      0,
      gl.RGBA,
      gl.FLOAT,
      new Float32Array(this.ring.capacity * 4),
    );
    this.lutTex = texture(gl, 2);
    gl.uniform1i(this.loc.u_rows!, 0);
    gl.uniform1i(this.loc.u_meta!, 1);
    gl.uniform1i(this.loc.u_lut!, 2);
    gl.uniform1f(this.loc.u_cap!, this.ring.capacity);
    this.resize();
  }

  pushRow(row: Uint8Array, meta: RowMeta): void {
    const gl = this.gl;
    this.baseHz ??= meta.startHz;
    const idx = this.ring.push(meta);
    const w = Math.min(row.length, MAX_ROW_WIDTH);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.rowsTex);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, idx, w, 1, gl.RED, gl.UNSIGNED_BYTE, row.subarray(0, w));
    this.metaBuf[0] = meta.startHz - this.baseHz;
    this.metaBuf[1] = meta.stopHz - this.baseHz;
    this.metaBuf[2] = w;
    this.metaBuf[3] = 1;
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.metaTex);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, idx, 0, 1, 1, gl.RGBA, gl.FLOAT, this.metaBuf);
  }

  setView(startHz: number, stopHz: number): void {
    this.view = [startHz, stopHz];
  }

  setLevels(lowDbfs: number, highDbfs: number, qLow: number, qHigh: number): void {
    this.levels = [(lowDbfs - qLow) / (qHigh - qLow), (highDbfs - qLow) / (qHigh - qLow)];
  }

  setColormap(lut: Uint8Array): void {
    const gl = this.gl;
    gl.activeTexture(gl.TEXTURE2);
    gl.bindTexture(gl.TEXTURE_2D, this.lutTex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, lut);
  }

  clear(): void {
    this.ring.clear();
    this.baseHz = null;
    const gl = this.gl;
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.metaTex);
    gl.texSubImage2D(
      gl.TEXTURE_2D,
      0,
      0,
      0,
      this.ring.capacity,
      1,
      gl.RGBA,
      gl.FLOAT,
      new Float32Array(this.ring.capacity * 4),
    );
  }

  render(): void {
    const gl = this.gl;
    const base = this.baseHz ?? 0;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.uniform1f(this.loc.u_head!, Math.max(0, this.ring.head));
    gl.uniform1f(this.loc.u_count!, this.ring.count);
    gl.uniform1f(this.loc.u_canvasH!, this.canvas.height);
    gl.uniform2f(this.loc.u_view!, this.view[0] - base, this.view[1] - base);
    gl.uniform2f(this.loc.u_levels!, this.levels[0], this.levels[1]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }

  timeAtY(yCss: number): number | null {
    const dpr = this.canvas.height / Math.max(1, this.canvas.clientHeight);
    return this.ring.metaAt(Math.floor(yCss * dpr))?.timeMs ?? null;
  }

  resize(): void {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    this.canvas.width = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    this.canvas.height = Math.max(1, Math.min(this.ring.capacity, Math.round(this.canvas.clientHeight * dpr)));
  }
}

function texture(gl: WebGL2RenderingContext, unit: number): WebGLTexture {
  const tex = gl.createTexture();
  if (!tex) throw new Error('createTexture failed');
  gl.activeTexture(gl.TEXTURE0 + unit);
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return tex;
}

function link(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const compile = (type: number, src: string) => {
    const s = gl.createShader(type);
    if (!s) throw new Error('createShader failed');
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS))
      throw new Error(gl.getShaderInfoLog(s) ?? 'shader compile failed');
    return s;
  };
  const p = gl.createProgram();
  if (!p) throw new Error('createProgram failed');
  gl.attachShader(p, compile(gl.VERTEX_SHADER, vs));
  gl.attachShader(p, compile(gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p) ?? 'link failed');
  return p;
}
