/** Spectrum trace canvas: dB grid, plan bands, live trace with average / max-hold / min-hold, emission marks. */
import type { TrackedEmission } from '../../src/types.ts';
import { formatNumber } from './i18n.ts';
import type { BandView } from './plan-state.ts';
import type { TraceHolds } from './spectrum-holds.ts';

export interface TraceToggles {
  live: boolean;
  average: boolean;
  max: boolean;
  min: boolean;
}

export const BAND_COLOURS: Record<BandView['state'], string> = {
  idle: 'rgba(120,140,170,',
  active: 'rgba(60,200,120,',
  violated: 'rgba(255,70,70,',
};

export class SpectrumView {
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    this.ctx = ctx;
  }

  draw(
    holds: TraceHolds,
    toggles: TraceToggles,
    view: { startHz: number; stopHz: number },
    levels: { lowDbfs: number; highDbfs: number },
    bands: BandView[],
    emissions: TrackedEmission[],
  ): void {
    const { canvas, ctx } = this;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = canvas.clientWidth;
    const hgt = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.max(1, Math.round(w * dpr));
      canvas.height = Math.max(1, Math.round(hgt * dpr));
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#0b0e17';
    ctx.fillRect(0, 0, w, hgt);
    const span = view.stopHz - view.startHz;
    const xOf = (hz: number) => ((hz - view.startHz) / span) * w;
    const yOf = (db: number) => hgt - ((db - levels.lowDbfs) / (levels.highDbfs - levels.lowDbfs)) * hgt;

    for (const b of bands) {
      const x0 = xOf(b.startHz);
      const x1 = xOf(b.stopHz);
      if (x1 < 0 || x0 > w) continue;
      ctx.fillStyle = BAND_COLOURS[b.state] + (b.state === 'idle' ? '0.12)' : '0.22)');
      ctx.fillRect(x0, 0, Math.max(2, x1 - x0), hgt);
    }

    // dB grid every 10 dB.
    ctx.strokeStyle = 'rgba(140,150,180,0.18)';
    ctx.fillStyle = '#8a93a8';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let db = Math.ceil(levels.lowDbfs / 10) * 10; db <= levels.highDbfs; db += 10) {
      const y = Math.round(yOf(db)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(w, y);
      ctx.stroke();
      // The top line's label would collide with the unit label.
      if (y > 22) ctx.fillText(formatNumber(db, 0), 4, y - 7);
    }
    ctx.fillText('dBFS', 4, 10);

    const trace = (arr: Float32Array, colour: string, width: number) => {
      const n = arr.length;
      if (n === 0) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i++) {
        const v = arr[i] as number;
        if (!Number.isFinite(v)) {
          pen = false;
          continue;
        }
        const x = ((i + 0.5) / n) * w;
        const y = yOf(v);
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();
    };
    if (toggles.min) trace(holds.min, 'rgba(90,200,255,0.8)', 1);
    if (toggles.max) trace(holds.max, 'rgba(255,110,90,0.85)', 1);
    if (toggles.average) trace(holds.avg, 'rgba(120,255,160,0.95)', 1.5);
    if (toggles.live) trace(holds.last, 'rgba(255,230,120,0.9)', 1);
    ctx.lineWidth = 1;

    for (const e of emissions) {
      const x = xOf(e.centerHz);
      if (x < 0 || x > w) continue;
      ctx.fillStyle = e.assignmentId ? '#7fe3a0' : '#ff5a5a';
      ctx.beginPath();
      ctx.moveTo(x, Math.max(10, yOf(e.peakDbfs) - 4));
      ctx.lineTo(x - 6, Math.max(10, yOf(e.peakDbfs) - 14));
      ctx.lineTo(x + 6, Math.max(10, yOf(e.peakDbfs) - 14));
      ctx.closePath();
      ctx.fill();
    }
  }
}
