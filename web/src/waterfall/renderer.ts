/**
 * Waterfall renderer seam: rows of uint8 (server-quantised over [quantLowDbfs, quantHighDbfs]) go in; the
 * display maps a dB window [lowDbfs, highDbfs] through a colour LUT. Each row remembers the frequency window it
 * was made for, so after a zoom the old rows are redrawn in the new window at once (coarse) while new rows
 * arrive sharp from the server.
 */
export interface RowMeta {
  timeMs: number;
  startHz: number;
  stopHz: number;
}

export interface WaterfallRenderer {
  readonly kind: 'webgl2' | 'canvas2d';
  pushRow(row: Uint8Array, meta: RowMeta): void;
  /** Visible frequency window, Hz. */
  setView(startHz: number, stopHz: number): void;
  /** Display dB window (and the server quantisation range the rows use). */
  setLevels(lowDbfs: number, highDbfs: number, quantLowDbfs: number, quantHighDbfs: number): void;
  setColormap(lut: Uint8Array): void;
  clear(): void;
  /** Draw now (the app calls it once per animation frame when rows arrived). */
  render(): void;
  /** Time of the row shown at canvas row y (0 = top = newest), or null. */
  timeAtY(yCss: number): number | null;
  resize(): void;
}

/** Ring bookkeeping shared by both renderers. */
export class RowRing {
  head = -1;
  count = 0;
  readonly metas: (RowMeta | null)[];
  constructor(readonly capacity: number) {
    this.metas = new Array(capacity).fill(null);
  }
  push(meta: RowMeta): number {
    this.head = (this.head + 1) % this.capacity;
    this.metas[this.head] = meta;
    this.count = Math.min(this.count + 1, this.capacity);
    return this.head;
  }
  /** Ring index of the row `age` rows older than the newest. */
  indexOf(age: number): number {
    return (((this.head - age) % this.capacity) + this.capacity) % this.capacity;
  }
  metaAt(age: number): RowMeta | null {
    if (age < 0 || age >= this.count) return null;
    return this.metas[this.indexOf(age)] ?? null;
  }
  clear(): void {
    this.head = -1;
    this.count = 0;
    this.metas.fill(null);
  }
}
