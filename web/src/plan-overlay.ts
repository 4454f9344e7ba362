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

  render(bands: BandView[], emissions: TrackedEmission[], view: { startHz: number; stopHz: number }): void {
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
        title: `${t('emission')} ${e.className}`,
      });
      el.style.left = `${pct(e.centerHz)}%`;
      nodes.push(el);
    }
    this.root.replaceChildren(...nodes);
  }
}
