/**
 * Periodic report control: range (today / an event phase of the plan / custom days), format (HTML opens in a
 * new tab, CSV downloads) and language; builds the `/api/reports/periodic` URL. Incident reports are linked
 * from each alarm (see `incidentReportUrl`).
 */
import type { FrequencyPlan } from '../../src/types.ts';
import { Dialog } from './dialog.ts';
import { h } from './dom.ts';
import { lang, t, type Lang } from './i18n.ts';

export type RangeKind = 'today' | 'phase' | 'custom';

export interface PeriodicChoice {
  range: RangeKind;
  phase?: 'before' | 'during' | 'after';
  /** Calendar days YYYY-MM-DD (custom range; `to` inclusive). */
  from?: string;
  to?: string;
  format: 'html' | 'csv';
  lang: Lang;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The console's local calendar day, YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function incidentReportUrl(alarmId: string, l: Lang = lang()): string {
  return `/api/reports/incident/${encodeURIComponent(alarmId)}?lang=${l}`;
}

export function periodicReportUrl(c: PeriodicChoice, nowMs = Date.now()): string {
  const p = new URLSearchParams();
  if (c.range === 'today') p.set('from', localDay(nowMs));
  else if (c.range === 'phase') p.set('phase', c.phase ?? 'during');
  else {
    if (c.from) p.set('from', c.from);
    if (c.to) p.set('to', c.to);
  }
  p.set('format', c.format);
  p.set('lang', c.lang);
  return `/api/reports/periodic?${p.toString()}`;
}

export class ReportsMenu {
  readonly button: HTMLButtonElement;
  readonly dialog = new Dialog('reports-dialog', 'periodicReport');

  constructor(private readonly plan: () => FrequencyPlan) {
    this.button = h('button', { type: 'button', id: 'open-reports', 'data-i18n': 'periodicReport' });
    this.button.onclick = () => {
      this.render();
      this.dialog.show();
    };
  }

  render(): void {
    const phases = this.plan().phases ?? [];
    const range = h('select', { id: 'report-range' });
    const opts: [RangeKind, string, boolean][] = [
      ['today', t('today'), true],
      ['phase', t('eventPhase'), phases.length > 0],
      ['custom', t('customRange'), true],
    ];
    for (const [v, label, ok] of opts) range.append(h('option', { value: v, disabled: !ok }, label));
    const phase = h('select', { id: 'report-phase' });
    for (const p of phases) phase.append(h('option', { value: p.phase }, t('phase.' + p.phase)));
    const today = localDay(Date.now());
    const from = h('input', { type: 'date', id: 'report-from', value: today });
    const to = h('input', { type: 'date', id: 'report-to', value: today });
    const format = h(
      'select',
      { id: 'report-format' },
      h('option', { value: 'html' }, 'HTML'),
      h('option', { value: 'csv' }, 'CSV'),
    );
    const language = h(
      'select',
      { id: 'report-lang' },
      h('option', { value: 'vi', selected: lang() === 'vi' }, 'Tiếng Việt'),
      h('option', { value: 'en', selected: lang() === 'en' }, 'English'),
    );
    const phaseRow = h('label', {}, t('eventPhase'), phase);
    const customRow = h('div', { class: 'row' }, h('label', {}, t('from'), from), h('label', {}, t('to'), to));
    const sync = () => {
      phaseRow.hidden = range.value !== 'phase';
      customRow.hidden = range.value !== 'custom';
    };
    range.onchange = sync;
    sync();
    const open = h('button', { type: 'button', class: 'primary', id: 'report-open' }, t('open'));
    open.onclick = () => {
      const url = periodicReportUrl({
        range: range.value as RangeKind,
        phase: phase.value as 'before' | 'during' | 'after',
        from: from.value,
        to: to.value,
        format: format.value as 'html' | 'csv',
        lang: language.value as Lang,
      });
      if (format.value === 'csv') {
        // Content-Disposition makes it a download; an anchor keeps the console page where it is.
        const a = h('a', { href: url, download: '' });
        document.body.append(a);
        a.click();
        a.remove();
      } else window.open(url, '_blank', 'noopener');
    };
    this.dialog.body.replaceChildren(
      h(
        'form',
        { class: 'report-form' },
        h('label', {}, t('report'), range),
        phaseRow,
        customRow,
        h('label', {}, t('format'), format),
        h('label', {}, t('language'), language),
        h('div', { class: 'row' }, open),
      ),
    );
  }

  relabel(): void {
    this.dialog.relabel();
    if (this.dialog.open) this.render();
  }
}
