/** Frequency axis ticks (MHz labels) for a window, and canvas drawing of the axis. */
import { formatNumber } from './i18n.ts';

/** "Nice" tick step (1, 2, 5 × 10^n Hz) for about `targetTicks` ticks over the span. */
export function tickStepHz(spanHz: number, targetTicks: number): number {
  const raw = spanHz / Math.max(1, targetTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export interface Tick {
  hz: number;
  /** Fraction across the window, 0..1. */
  x: number;
  label: string;
}

/** Ticks over [startHz, stopHz] with MHz labels carrying just enough decimals for the step. */
export function frequencyTicks(startHz: number, stopHz: number, targetTicks: number): Tick[] {
  const step = tickStepHz(stopHz - startHz, targetTicks);
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / 1e6) - 1e-9)));
  const out: Tick[] = [];
  for (let f = Math.ceil(startHz / step) * step; f <= stopHz + 1e-6; f += step) {
    out.push({ hz: f, x: (f - startHz) / (stopHz - startHz), label: formatNumber(f / 1e6, decimals) });
  }
  return out;
}

export function drawFrequencyAxis(canvas: HTMLCanvasElement, startHz: number, stopHz: number): void {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  canvas.width = Math.max(1, Math.round(canvas.clientWidth * dpr));
  canvas.height = Math.max(1, Math.round(canvas.clientHeight * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const w = canvas.clientWidth;
  ctx.clearRect(0, 0, w, canvas.clientHeight);
  ctx.fillStyle = '#c8d0e0';
  ctx.strokeStyle = '#6b7590';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of frequencyTicks(startHz, stopHz, Math.max(2, Math.floor(w / 110)))) {
    const x = Math.round(t.x * w) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, 5);
    ctx.stroke();
    ctx.fillText(t.label, Math.min(w - 24, Math.max(24, x)), 7);
  }
  ctx.textAlign = 'right';
  ctx.fillStyle = '#8a93a8';
  ctx.fillText('MHz', w - 2, 7 + 13);
}
