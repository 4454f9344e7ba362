/**
 * The live view of one sensor: spectrum trace above, frequency axis, waterfall with time axis and plan overlay.
 * Zoom (wheel) and pan (drag) change the window; the server is asked for rows resampled to the new window so
 * zoom stays sharp. Hover shows frequency, level and what is there (assignment, emission); click pins it.
 */
import type { Alarm, FrequencyPlan, TrackedEmission } from '../../src/types.ts';
import type { DecodedFrame, FrameType } from '../../src/protocol/frames.ts';
import { drawFrequencyAxis } from './axis.ts';
import { debounce, h } from './dom.ts';
import { formatDbfs, formatHz, formatMHz, formatNumber, formatTime, t } from './i18n.ts';
import { PlanOverlay } from './plan-overlay.ts';
import { activeFromTrace, bandStates, type BandView } from './plan-state.ts';
import { autoLevels, TraceHolds } from './spectrum-holds.ts';
import { SpectrumView, type TraceToggles } from './spectrum-view.ts';
import { Canvas2dWaterfall } from './waterfall/canvas2d.ts';
import { COLORMAP_NAMES, colormapLut, type ColormapName } from './waterfall/colormaps.ts';
import type { WaterfallRenderer } from './waterfall/renderer.ts';
import { MAX_ROW_WIDTH, WebGlWaterfall } from './waterfall/webgl.ts';

/** Quantisation range asked of the server, dBFS (0,59 dB per step); the display window is applied on the GPU. */
export const QUANT_LOW_DBFS = -150;
export const QUANT_HIGH_DBFS = 0;
const MIN_SPAN_HZ = 2e3;

export interface ViewerDeps {
  subscribe(sub: {
    sensorId: string;
    startHz?: number;
    stopHz?: number;
    widthPx: number;
    maxFps: number;
    lowDbfs: number;
    highDbfs: number;
    trace: 'i16';
    reduce: 'max';
  }): void;
  plan(): FrequencyPlan;
  alarms(): Alarm[];
  emissions(): TrackedEmission[];
}

export class Viewer {
  readonly el: HTMLElement;
  renderer!: WaterfallRenderer;
  sensorId: string | null = null;
  span: { startHz: number; stopHz: number } | null = null;
  view = { startHz: 0, stopHz: 1 };
  levels = { lowDbfs: -120, highDbfs: -30 };
  readonly holds = new TraceHolds();
  readonly toggles: TraceToggles = { live: true, average: true, max: false, min: false };
  /** While true (history mode), live rows are not drawn. */
  paused = false;
  rowsDrawn = 0;
  private autoDone = false;
  private dirty = true;
  private bands: BandView[] = [];
  private pinned = false;
  private colormap: ColormapName = 'turbo';
  private readonly wfCanvas: HTMLCanvasElement;
  private readonly specCanvas: HTMLCanvasElement;
  private readonly axisCanvas: HTMLCanvasElement;
  private readonly overlay: PlanOverlay;
  private readonly timeAxis: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly status: HTMLElement;
  private readonly lowInput: HTMLInputElement;
  private readonly highInput: HTMLInputElement;
  private readonly spectrum: SpectrumView;
  readonly toolbarExtra: HTMLElement;
  private lastTimeAxisMs = 0;
  private readonly resubscribe = debounce(() => this.sendSubscription(), 120);

  constructor(private readonly deps: ViewerDeps) {
    this.specCanvas = h('canvas', { class: 'spectrum', id: 'spectrum-canvas' });
    this.spectrum = new SpectrumView(this.specCanvas);
    this.axisCanvas = h('canvas', { class: 'freq-axis', id: 'freq-axis' });
    this.wfCanvas = h('canvas', { class: 'waterfall', id: 'waterfall-canvas' });
    const overlayEl = h('div', { class: 'plan-overlay', id: 'plan-overlay' });
    this.overlay = new PlanOverlay(overlayEl);
    this.timeAxis = h('div', { class: 'time-axis', id: 'time-axis' });
    this.tooltip = h('div', { class: 'tooltip', id: 'tooltip', hidden: true });
    this.status = h('div', { class: 'view-status', id: 'view-status' });
    this.lowInput = h('input', {
      type: 'number',
      step: '1',
      class: 'level',
      id: 'level-low',
      'data-i18n-title': 'levelLow',
    });
    this.highInput = h('input', {
      type: 'number',
      step: '1',
      class: 'level',
      id: 'level-high',
      'data-i18n-title': 'levelHigh',
    });
    this.toolbarExtra = h('span', { class: 'toolbar-extra' });
    const cmap = h(
      'select',
      { id: 'colormap', 'data-i18n-title': 'colormap' },
      ...COLORMAP_NAMES.map((n) => h('option', { value: n }, n)),
    );
    cmap.onchange = () => this.setColormap(cmap.value as ColormapName);
    const auto = h('button', { type: 'button', id: 'auto-levels', 'data-i18n': 'autoLevels' });
    auto.onclick = () => this.autoLevels();
    const reset = h('button', { type: 'button', id: 'reset-zoom', 'data-i18n': 'resetZoom' });
    reset.onclick = () => this.resetZoom();
    const onLevel = () => {
      const lo = Number(this.lowInput.value);
      const hi = Number(this.highInput.value);
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo < hi) this.setLevels(lo, hi);
    };
    this.lowInput.onchange = onLevel;
    this.highInput.onchange = onLevel;
    const toggle = (key: keyof TraceToggles, label: string) => {
      const cb = h('input', { type: 'checkbox', checked: this.toggles[key], id: `trace-${key}` });
      cb.onchange = () => {
        this.toggles[key] = cb.checked;
        this.dirty = true;
      };
      return h('label', { class: `trace-toggle t-${key}` }, cb, h('span', { 'data-i18n': label }));
    };
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('label', {}, h('span', { 'data-i18n': 'colormap' }), cmap),
      h('label', {}, 'dBFS', this.lowInput, '…', this.highInput),
      auto,
      toggle('live', 'spectrumTrace'),
      toggle('average', 'average'),
      toggle('max', 'maxHold'),
      toggle('min', 'minHold'),
      reset,
      this.toolbarExtra,
    );
    const wfWrap = h('div', { class: 'wf-wrap', id: 'wf-wrap' }, this.wfCanvas, overlayEl, this.timeAxis);
    const plot = h('div', { class: 'plot', id: 'plot' }, this.specCanvas, this.axisCanvas, wfWrap, this.tooltip);
    this.el = h('section', { class: 'viewer', id: 'viewer' }, toolbar, plot, this.status);
    for (const target of [this.specCanvas, wfWrap] as HTMLElement[]) {
      target.addEventListener('wheel', (e) => this.onWheel(e, target), { passive: false });
      this.attachDrag(target);
      target.addEventListener('mousemove', (e) => this.onHover(e, target));
      target.addEventListener('mouseleave', () => {
        if (!this.pinned) this.tooltip.hidden = true;
      });
      target.addEventListener('click', () => {
        this.pinned = !this.pinned && !this.tooltip.hidden;
        this.tooltip.classList.toggle('pinned', this.pinned);
      });
    }
  }

  /** Call once the element is in the document (canvas sizes are known). */
  mount(): void {
    // `?renderer=2d` forces the fallback (for tests and for old GPUs that misrender WebGL2).
    const force2d = new URLSearchParams(location.search).get('renderer') === '2d';
    this.renderer = (force2d ? null : WebGlWaterfall.create(this.wfCanvas)) ?? new Canvas2dWaterfall(this.wfCanvas);
    this.el.dataset.renderer = this.renderer.kind;
    this.setColormap(this.colormap);
    this.setLevels(this.levels.lowDbfs, this.levels.highDbfs);
    new ResizeObserver(
      debounce(() => {
        this.renderer.resize();
        this.dirty = true;
        this.resubscribe();
      }, 150),
    ).observe(this.wfCanvas);
    const frame = () => {
      this.draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  selectSensor(sensorId: string, centerHz: number, sampleRateHz: number): void {
    this.sensorId = sensorId;
    this.span = { startHz: centerHz - sampleRateHz / 2, stopHz: centerHz + sampleRateHz / 2 };
    this.view = { ...this.span };
    this.renderer.clear();
    this.holds.reset();
    this.autoDone = false;
    this.applyView();
    this.sendSubscription();
  }

  /** Span learned from the server (the sensor's real line span). */
  setSpan(startHz: number, stopHz: number): void {
    if (!(stopHz > startHz)) return;
    const wasFull = !this.span || (this.view.startHz === this.span.startHz && this.view.stopHz === this.span.stopHz);
    this.span = { startHz, stopHz };
    if (wasFull) {
      this.view = { startHz, stopHz };
      this.applyView();
    }
  }

  onRow(f: DecodedFrame & { type: FrameType.WaterfallU8 }): void {
    if (this.paused || f.sensorId !== this.sensorId) return;
    this.renderer.pushRow(f.payload, { timeMs: f.timeMs, startHz: f.startHz, stopHz: f.stopHz });
    this.rowsDrawn++;
    this.dirty = true;
  }

  onTrace(sensorId: string, dbfs: Float32Array, startHz: number, stopHz: number): void {
    if (this.paused || sensorId !== this.sensorId) return;
    this.holds.update(dbfs, startHz, stopHz);
    if (!this.autoDone && this.holds.count >= 5) {
      this.autoDone = true;
      this.autoLevels();
    }
    this.dirty = true;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  setLevels(lowDbfs: number, highDbfs: number): void {
    this.levels = { lowDbfs, highDbfs };
    this.lowInput.value = String(Math.round(lowDbfs));
    this.highInput.value = String(Math.round(highDbfs));
    this.renderer?.setLevels(lowDbfs, highDbfs, QUANT_LOW_DBFS, QUANT_HIGH_DBFS);
    this.dirty = true;
  }

  autoLevels(): void {
    const l = autoLevels(this.holds.avg.length ? this.holds.avg : this.holds.last);
    if (l) this.setLevels(l.lowDbfs, l.highDbfs);
  }

  setColormap(name: ColormapName): void {
    this.colormap = name;
    this.renderer?.setColormap(colormapLut(name));
    this.dirty = true;
  }

  /** Zoom to a window (clamped to the span) and ask the server for it. */
  setView(startHz: number, stopHz: number): void {
    if (!this.span) return;
    let w = Math.max(MIN_SPAN_HZ, Math.min(stopHz - startHz, this.span.stopHz - this.span.startHz));
    let s = Math.max(this.span.startHz, Math.min(startHz, this.span.stopHz - w));
    if (!Number.isFinite(s)) s = this.span.startHz;
    w = Math.min(w, this.span.stopHz - s);
    this.view = { startHz: s, stopHz: s + w };
    this.applyView();
    this.resubscribe();
  }

  resetZoom(): void {
    if (this.span) this.setView(this.span.startHz, this.span.stopHz);
  }

  /** Plan, alarms or emissions changed: recompute band states. */
  refreshPlan(): void {
    if (!this.sensorId) return;
    this.bands = bandStates(this.deps.plan().assignments, this.deps.alarms(), this.deps.emissions(), this.sensorId);
    if (this.holds.count > 0) {
      const sorted = [...this.holds.avg].filter(Number.isFinite).sort((a, b) => a - b);
      const floor = sorted[Math.floor(sorted.length * 0.2)];
      if (floor !== undefined) activeFromTrace(this.bands, this.holds.avg, this.view.startHz, this.view.stopHz, floor);
    }
    this.overlay.render(
      this.bands,
      this.deps.emissions().filter((e) => e.sensorId === this.sensorId),
      this.view,
    );
    this.dirty = true;
  }

  sendSubscription(): void {
    if (!this.sensorId || !this.renderer) return;
    const full = this.span && this.view.startHz === this.span.startHz && this.view.stopHz === this.span.stopHz;
    this.deps.subscribe({
      sensorId: this.sensorId,
      ...(full ? {} : { startHz: this.view.startHz, stopHz: this.view.stopHz }),
      widthPx: Math.max(8, Math.min(MAX_ROW_WIDTH, this.wfCanvas.width)),
      maxFps: 25,
      lowDbfs: QUANT_LOW_DBFS,
      highDbfs: QUANT_HIGH_DBFS,
      trace: 'i16',
      reduce: 'max',
    });
  }

  /** Canvas height in device pixels = rows that fit (history asks for this many). */
  visibleRows(): number {
    return this.wfCanvas.height;
  }

  waterfallWidthPx(): number {
    return Math.max(8, Math.min(MAX_ROW_WIDTH, this.wfCanvas.width));
  }

  /** Redraw text that depends on the language (axis labels, overlay titles). */
  relabel(): void {
    this.applyView();
  }

  private applyView(): void {
    this.renderer?.setView(this.view.startHz, this.view.stopHz);
    drawFrequencyAxis(this.axisCanvas, this.view.startHz, this.view.stopHz);
    this.refreshPlan();
  }

  private draw(): void {
    const now = performance.now();
    if (now - this.lastTimeAxisMs > 500) {
      this.lastTimeAxisMs = now;
      this.drawTimeAxis();
      // Band activity follows the average trace.
      this.refreshPlan();
    }
    if (!this.dirty || !this.renderer) return;
    this.dirty = false;
    this.renderer.render();
    this.spectrum.draw(
      this.holds,
      this.toggles,
      this.view,
      this.levels,
      this.bands,
      this.deps.emissions().filter((e) => e.sensorId === this.sensorId && e.endedMs === undefined),
    );
  }

  private drawTimeAxis(): void {
    const hgt = this.wfCanvas.clientHeight;
    const labels: HTMLElement[] = [];
    for (let y = 0; y < hgt - 10; y += 90) {
      const tm = this.renderer?.timeAtY(y);
      if (tm === null || tm === undefined) continue;
      const el = h('span', {}, formatTime(tm));
      el.style.top = `${y}px`;
      labels.push(el);
    }
    this.timeAxis.replaceChildren(...labels);
  }

  private onWheel(e: WheelEvent, target: HTMLElement): void {
    e.preventDefault();
    const r = target.getBoundingClientRect();
    const frac = (e.clientX - r.left) / r.width;
    const span = this.view.stopHz - this.view.startHz;
    const f = this.view.startHz + frac * span;
    const k = e.deltaY < 0 ? 1 / 1.25 : 1.25;
    const w = span * k;
    this.setView(f - frac * w, f - frac * w + w);
  }

  private attachDrag(target: HTMLElement): void {
    let startX = 0;
    let startView = this.view;
    let dragging = false;
    target.addEventListener('pointerdown', (e) => {
      dragging = true;
      startX = e.clientX;
      startView = { ...this.view };
      target.setPointerCapture(e.pointerId);
    });
    target.addEventListener('pointermove', (e) => {
      if (!dragging) return;
      const dx = e.clientX - startX;
      if (Math.abs(dx) < 2) return;
      const hzPerPx = (startView.stopHz - startView.startHz) / target.clientWidth;
      this.setView(startView.startHz - dx * hzPerPx, startView.stopHz - dx * hzPerPx);
    });
    const end = () => {
      dragging = false;
    };
    target.addEventListener('pointerup', end);
    target.addEventListener('pointercancel', end);
  }

  private onHover(e: MouseEvent, target: HTMLElement): void {
    if (this.pinned) return;
    const r = target.getBoundingClientRect();
    const frac = (e.clientX - r.left) / r.width;
    const f = this.view.startHz + frac * (this.view.stopHz - this.view.startHz);
    const n = this.holds.last.length;
    const level = n ? this.holds.last[Math.min(n - 1, Math.max(0, Math.floor(frac * n)))] : NaN;
    const lines: string[] = [
      `${t('frequency')}: ${formatMHz(f, 4)}`,
      `${t('signalLevel')}: ${formatDbfs(level ?? NaN)}`,
    ];
    if (target !== this.specCanvas) {
      const tm = this.renderer.timeAtY(e.clientY - r.top);
      if (tm !== null) lines.push(`${t('time')}: ${formatTime(tm)}`);
    }
    const band = this.bands.find((b) => f >= b.startHz && f <= b.stopHz);
    if (band) {
      const a = band.assignment;
      lines.push(
        `${t('assignment')}: ${a.id} (${t('band.' + band.state)})`,
        `${t('bandwidth')}: ${formatHz(a.bandwidthHz)}`,
      );
      if (a.emission) lines.push(`${t('emissionDesignator')}: ${a.emission}`);
      if (a.service) lines.push(`${t('service')}: ${a.service}`);
      if (a.licensee) lines.push(`${t('licensee')}: ${a.licensee}`);
    }
    const pxHz = (this.view.stopHz - this.view.startHz) / r.width;
    const em = this.deps
      .emissions()
      .find(
        (x) =>
          x.sensorId === this.sensorId &&
          x.endedMs === undefined &&
          Math.abs(x.centerHz - f) <= Math.max(x.bandwidthHz / 2, 4 * pxHz),
      );
    if (em) {
      lines.push(
        `${t('emission')}: ${t(`class.${em.className}`)} · ${formatMHz(em.centerHz, 4)}`,
        `${t('occupiedBandwidth')}: ${formatHz(em.bandwidthHz)}`,
        `${t('signalLevel')}: ${formatDbfs(em.peakDbfs)} · SNR ${formatNumber(em.snrDb, 1)} dB`,
        `${t('assignment')}: ${em.assignmentId ?? '— (' + t('unlicensed') + ')'}`,
      );
    }
    this.tooltip.replaceChildren(...lines.map((l) => h('div', {}, l)));
    this.tooltip.hidden = false;
    const plot = this.tooltip.parentElement?.getBoundingClientRect();
    if (plot) {
      const x = e.clientX - plot.left + 14;
      this.tooltip.style.left = `${Math.min(x, plot.width - 260)}px`;
      this.tooltip.style.top = `${e.clientY - plot.top + 14}px`;
    }
  }
}
