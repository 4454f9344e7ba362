/**
 * Plan overlay over the waterfall: one absolutely positioned band per assignment in view, coloured by state,
 * labelled with its id; emission markers (licensed green, unlicensed red). DOM, so it is crisp at any zoom
 * and the labels are readable text.
 */
import type { TrackedEmission } from '../../src/types.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';
import type { BandView } from './plan-state.ts';

export class PlanOverlay {
  constructor(private readonly root: HTMLElement) {}

  private lastKey = '';

  render(bands: BandView[], emissions: TrackedEmission[], view: { startHz: number; stopHz: number }): void {
    // Re-rendered twice a second and on every emission event: skip when nothing visible changed.
    const key = [
      view.startHz,
      view.stopHz,
      this.root.clientWidth,
      ...bands.map((b) => `${b.assignment.id}:${b.state}:${b.startHz}:${b.stopHz}`),
      ...emissions.map((e) => `${e.id}:${e.centerHz}:${e.endedMs ?? ''}`),
    ].join('|');
    if (key === this.lastKey) return;
    this.lastKey = key;
    const span = view.stopHz - view.startHz;
    const pct = (hz: number) => ((hz - view.startHz) / span) * 100;
    const nodes: HTMLElement[] = [];
    for (const b of bands) {
      if (b.stopHz < view.startHz || b.startHz > view.stopHz) continue;
      const left = Math.max(0, pct(b.startHz));
      const right = Math.min(100, pct(b.stopHz));
      const el = h(
        'div',
        {
          class: `plan-band band-${b.state}`,
          'data-assignment': b.assignment.id,
          title: `${t('assignment')} ${b.assignment.id} — ${t('band.' + b.state)}`,
        },
        h('span', { class: 'plan-label' }, b.assignment.id),
      );
      el.style.left = `${left}%`;
      el.style.width = `max(2px, ${right - left}%)`;
      nodes.push(el);
    }
    for (const e of emissions) {
      if (e.endedMs !== undefined || e.centerHz < view.startHz || e.centerHz > view.stopHz) continue;
      const el = h('div', {
        class: `emission-mark ${e.assignmentId ? 'licensed' : 'unlicensed'}`,
        'data-emission': e.id,
        title: `${t('emission')} ${t(`class.${e.className}`)}`,
      });
      el.style.left = `${pct(e.centerHz)}%`;
      nodes.push(el);
    }
    this.root.replaceChildren(...nodes);
    this.thinLabels(bands);
  }

  /**
   * Hide labels that overlap a neighbour's (the band keeps its colour and title; hover tells the rest).
   * Violated bands claim space first, then left to right. Measured, so fonts and zoom do not matter.
   */
  private thinLabels(bands: BandView[]): void {
    const state = new Map(bands.map((b) => [b.assignment.id, b.state]));
    const labels = [...this.root.querySelectorAll<HTMLElement>('.plan-band')].map((band) => ({
      id: band.dataset.assignment ?? '',
      el: band.querySelector<HTMLElement>('.plan-label'),
    }));
    const measured = labels
      .filter((l): l is { id: string; el: HTMLElement } => l.el !== null)
      .map((l) => ({ ...l, r: l.el.getBoundingClientRect() }))
      .sort(
        (a, b) =>
          Number(state.get(b.id) === 'violated') - Number(state.get(a.id) === 'violated') || a.r.left - b.r.left,
      );
    const taken: [number, number][] = [];
    for (const l of measured) {
      const hit = taken.some(([x0, x1]) => l.r.right + 2 > x0 && l.r.left - 2 < x1);
      l.el.classList.toggle('crowded', hit);
      if (!hit) taken.push([l.r.left, l.r.right]);
    }
  }
}
