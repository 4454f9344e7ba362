/**
 * Canvas-2D fallback waterfall (no WebGL2): scrolls the bitmap down one pixel per row and paints the new row
 * through the LUT. Level and zoom changes apply to new rows only (zoom clears), which is the price of no GPU.
 */
import { RowRing, type RowMeta, type WaterfallRenderer } from './renderer.ts';

export class Canvas2dWaterfall implements WaterfallRenderer {
  readonly kind = 'canvas2d' as const;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly ring: RowRing;
  private lut: Uint8Array = new Uint8Array(256 * 4);
  private view: [number, number] = [0, 1];
  private levels: [number, number] = [0, 1];
  private line: ImageData;
  private pending: { row: Uint8Array; meta: RowMeta }[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { willReadFrequently: false });
    if (!ctx) throw new Error('no 2D canvas');
    this.ctx = ctx;
    this.ring = new RowRing(2048);
    this.resize();
    this.line = ctx.createImageData(Math.max(1, canvas.width), 1);
  }

  pushRow(row: Uint8Array, meta: RowMeta): void {
    this.ring.push(meta);
    this.pending.push({ row: row.slice(), meta });
  }

  setView(startHz: number, stopHz: number): void {
    if (startHz !== this.view[0] || stopHz !== this.view[1]) this.clear();
    this.view = [startHz, stopHz];
  }

  setLevels(lowDbfs: number, highDbfs: number, qLow: number, qHigh: number): void {
    this.levels = [((lowDbfs - qLow) / (qHigh - qLow)) * 255, ((highDbfs - qLow) / (qHigh - qLow)) * 255];
  }

  setColormap(lut: Uint8Array): void {
    this.lut = lut;
  }

  clear(): void {
    this.ring.clear();
    this.pending = [];
    this.ctx.fillStyle = '#090b12';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  render(): void {
    const { ctx, canvas } = this;
    const n = this.pending.length;
    if (n === 0) return;
    ctx.drawImage(canvas, 0, n);
    const w = canvas.width;
    if (this.line.width !== w) this.line = ctx.createImageData(w, 1);
    const px = this.line.data;
    const [lo, hi] = this.levels;
    const [vs, ve] = this.view;
    for (let i = 0; i < n; i++) {
      const { row, meta } = this.pending[n - 1 - i] as { row: Uint8Array; meta: RowMeta };
      for (let x = 0; x < w; x++) {
        const f = vs + ((x + 0.5) / w) * (ve - vs);
        const rx = Math.floor(((f - meta.startHz) / (meta.stopHz - meta.startHz)) * row.length);
        let c = 0;
        if (rx >= 0 && rx < row.length) {
          const l = ((row[rx] as number) - lo) / (hi - lo);
          c = Math.max(0, Math.min(255, Math.round(l * 255)));
        }
        px[x * 4] = this.lut[c * 4] as number;
        px[x * 4 + 1] = this.lut[c * 4 + 1] as number;
        px[x * 4 + 2] = this.lut[c * 4 + 2] as number;
        px[x * 4 + 3] = 255;
      }
      ctx.putImageData(this.line, 0, i);
    }
    this.pending = [];
  }

  timeAtY(yCss: number): number | null {
    const dpr = this.canvas.height / Math.max(1, this.canvas.clientHeight);
    return this.ring.metaAt(Math.floor(yCss * dpr))?.timeMs ?? null;
  }

  resize(): void {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    this.canvas.width = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    this.canvas.height = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    this.ring.clear();
  }
}
