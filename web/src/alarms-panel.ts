/**
 * Alarm panel: newest first, severity colours, filters (active / cleared / all, kind), acknowledge with a
 * comment (operator and admin), link to the evidence (the waterfall at that moment, from the history API).
 */
import type { NoteMessage } from '../../src/protocol/messages.ts';
import type { Alarm, AlarmEvent } from '../../src/types.ts';
import type { ApiClient } from './api.ts';
import { ApiCallError } from './api.ts';
import { h } from './dom.ts';
import { formatDateTime, formatDbfs, formatHz, formatMHz, t } from './i18n.ts';
import { beep, notify } from './notify.ts';
import { incidentReportUrl } from './reports-menu.ts';

const KINDS = ['unlicensed-emitter', 'out-of-mask', 'over-power', 'interference', 'jamming', 'sensor-fault'] as const;

export interface AlarmPanelHooks {
  canAcknowledge: boolean;
  onEvidence(alarm: Alarm): void;
  onChange(): void;
}

export class AlarmsPanel {
  readonly alarms = new Map<string, Alarm>();
  /** Operator notes per alarm id. */
  readonly notes = new Map<string, NoteMessage[]>();
  /** Which form is open: acknowledge or add a note. */
  private formMode: 'ack' | 'note' = 'ack';
  private stateFilter: 'active' | 'cleared' | 'all' = 'active';
  private kindFilter = '';
  private ackOpen: string | null = null;
  /** Comment being typed, kept across re-renders (alarm updates arrive while the officer types). */
  private ackDraft = '';
  private ackHadFocus = false;
  private readonly list: HTMLElement;
  private readonly stateSel: HTMLSelectElement;
  private readonly kindSel: HTMLSelectElement;
  private readonly counter: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly hooks: AlarmPanelHooks,
  ) {
    this.stateSel = h('select', { id: 'alarm-state-filter', 'aria-label': 'state' });
    this.kindSel = h('select', { id: 'alarm-kind-filter', 'aria-label': 'kind' });
    this.stateSel.onchange = () => {
      this.stateFilter = this.stateSel.value as typeof this.stateFilter;
      this.render();
    };
    this.kindSel.onchange = () => {
      this.kindFilter = this.kindSel.value;
      this.render();
    };
    this.counter = h('span', { class: 'count', id: 'alarm-count' });
    this.list = h('ol', { class: 'alarm-list', id: 'alarm-list' });
    root.replaceChildren(
      h(
        'header',
        { class: 'panel-head' },
        h('h2', { 'data-i18n': 'alarms' }),
        this.counter,
        h('div', { class: 'filters' }, this.stateSel, this.kindSel),
      ),
      this.list,
    );
  }

  async load(): Promise<void> {
    for (const a of await this.api.alarms({ limit: 500 })) this.alarms.set(a.id, a);
    this.notes.clear();
    for (const n of (await this.api.notes().catch(() => [])).reverse()) this.addNoteLocal(n);
    this.render();
  }

  /** A note from the stream (or our own). */
  onNote(n: NoteMessage): void {
    this.addNoteLocal(n);
    this.render();
  }

  private addNoteLocal(n: NoteMessage): void {
    if (!n.alarmId) return;
    const list = this.notes.get(n.alarmId) ?? [];
    if (!list.some((x) => x.id === n.id)) list.push(n);
    this.notes.set(n.alarmId, list);
  }

  /** An event from the stream. New alarms ring and notify. */
  onEvent(type: AlarmEvent['type'], alarm: Alarm): void {
    const isNew = type === 'raised' && !this.alarms.has(alarm.id);
    this.alarms.set(alarm.id, alarm);
    this.prune();
    if (isNew) {
      beep(alarm.severity === 'critical');
      notify(
        `${t('alarm')}: ${t('kind.' + alarm.kind)}`,
        `${alarm.centerHz ? formatMHz(alarm.centerHz) : ''} ${formatDbfs(alarm.levelDbfs)} — ${alarm.sensorId}`,
      );
    }
    this.render();
    this.hooks.onChange();
  }

  /** A screen left open for days keeps every active alarm and the newest cleared ones only. */
  private prune(max = 2000): void {
    if (this.alarms.size <= max) return;
    const cleared = [...this.alarms.values()]
      .filter((a) => a.state === 'cleared')
      .sort((a, b) => a.updatedMs - b.updatedMs);
    for (const a of cleared.slice(0, this.alarms.size - max)) this.alarms.delete(a.id);
  }

  activeAlarms(): Alarm[] {
    return [...this.alarms.values()].filter((a) => a.state === 'active');
  }

  render(): void {
    this.renderFilters();
    const shown = [...this.alarms.values()]
      .filter((a) => this.stateFilter === 'all' || a.state === this.stateFilter)
      .filter((a) => !this.kindFilter || a.kind === this.kindFilter)
      .sort((a, b) => b.raisedMs - a.raisedMs);
    const active = this.activeAlarms();
    const unacked = active.filter((a) => a.acks.length === 0).length;
    this.counter.textContent = `${active.length} / ${unacked}`;
    this.counter.className = `count${unacked ? ' unacked' : ''}`;
    this.counter.title = `${t('active')}: ${active.length}; ${t('acknowledge')}: ${unacked}`;
    if (shown.length === 0) {
      this.list.replaceChildren(h('li', { class: 'empty' }, t('noAlarms')));
      return;
    }
    this.list.replaceChildren(...shown.slice(0, 200).map((a) => this.item(a)));
  }

  private renderFilters(): void {
    const opt = (v: string, label: string, sel: string) => h('option', { value: v, selected: v === sel }, label);
    this.stateSel.replaceChildren(
      opt('active', t('active'), this.stateFilter),
      opt('cleared', t('cleared'), this.stateFilter),
      opt('all', t('all'), this.stateFilter),
    );
    this.kindSel.replaceChildren(
      opt('', `${t('kind')}: ${t('all')}`, this.kindFilter),
      ...KINDS.map((k) => opt(k, t('kind.' + k), this.kindFilter)),
    );
  }

  private item(a: Alarm): HTMLElement {
    const facts = [
      a.centerHz !== null ? formatMHz(a.centerHz) : null,
      a.bandwidthHz !== null ? formatHz(a.bandwidthHz) : null,
      a.levelDbfs !== null ? formatDbfs(a.levelDbfs) : null,
      a.assignmentId ? `${t('assignment')} ${a.assignmentId}` : null,
    ].filter(Boolean);
    const acks = a.acks.map((k) =>
      h(
        'div',
        { class: 'ack' },
        `✔ ${t('acknowledged')} ${t('by')} ${k.by} — ${formatDateTime(k.atMs)}: “${k.comment}”`,
      ),
    );
    const notes = (this.notes.get(a.id) ?? []).map((n) =>
      h('div', { class: 'note' }, `✎ ${n.by} — ${formatDateTime(n.atMs)}: ${n.text}`),
    );
    const actions = h('div', { class: 'actions' });
    const evidence = h('button', { class: 'link evidence', type: 'button' }, t('evidence'));
    evidence.onclick = () => this.hooks.onEvidence(a);
    actions.append(evidence);
    // A printable page for the report up the chain: a plain link, so the browser opens it in a new tab.
    actions.append(
      h(
        'a',
        { class: 'link incident-report', href: incidentReportUrl(a.id), target: '_blank', rel: 'noopener' },
        t('incidentReport'),
      ),
    );
    if (this.hooks.canAcknowledge) {
      const note = h('button', { class: 'link note-btn', type: 'button', 'data-alarm': a.id }, t('addNote'));
      note.onclick = () => {
        this.ackOpen = a.id;
        this.formMode = 'note';
        this.ackDraft = '';
        this.ackHadFocus = true;
        this.render();
      };
      actions.append(note);
    }
    if (this.hooks.canAcknowledge && a.acks.length === 0) {
      const ack = h('button', { class: 'ack-btn', type: 'button', 'data-alarm': a.id }, t('acknowledge'));
      ack.onclick = () => {
        this.ackOpen = a.id;
        this.formMode = 'ack';
        this.ackDraft = '';
        this.ackHadFocus = true;
        this.render();
      };
      actions.append(ack);
    }
    const li = h(
      'li',
      { class: `alarm sev-${a.severity} state-${a.state}${a.acks.length ? ' acked' : ''}`, 'data-alarm-id': a.id },
      h(
        'div',
        { class: 'alarm-top' },
        h('span', { class: 'sev' }, t('severity.' + a.severity)),
        h('strong', { class: 'kind' }, t('kind.' + a.kind)),
        h('span', { class: 'state' }, a.state === 'active' ? t('active') : t('cleared')),
      ),
      h('div', { class: 'facts' }, facts.join(' · ')),
      h(
        'div',
        { class: 'meta' },
        `${formatDateTime(a.raisedMs)} · ${t('sensor')} ${a.sensorId}${a.occurrences > 1 ? ` · ×${a.occurrences}` : ''}`,
      ),
      ...acks,
      ...notes,
      actions,
    );
    if (this.ackOpen === a.id) li.append(this.ackForm(a));
    return li;
  }

  private ackForm(a: Alarm): HTMLElement {
    const text = h('textarea', {
      class: 'ack-comment',
      rows: '2',
      maxlength: '2000',
      'data-i18n-placeholder': 'comment',
      placeholder: t('comment'),
    });
    const ok = h(
      'button',
      { type: 'submit', class: 'primary ack-confirm' },
      this.formMode === 'note' ? t('addNote') : t('acknowledge'),
    );
    const cancel = h('button', { type: 'button' }, t('cancel'));
    const err = h('div', { class: 'error' });
    const form = h('form', { class: 'ack-form' }, text, h('div', { class: 'row' }, ok, cancel), err);
    text.value = this.ackDraft;
    text.oninput = () => {
      this.ackDraft = text.value;
    };
    text.onfocus = () => {
      this.ackHadFocus = true;
    };
    text.onblur = () => {
      this.ackHadFocus = false;
    };
    cancel.onclick = () => {
      this.ackOpen = null;
      this.render();
    };
    form.onsubmit = (ev) => {
      ev.preventDefault();
      const comment = (text.value || this.ackDraft).trim();
      if (!comment) {
        err.textContent = t('comment') + '?';
        return;
      }
      ok.disabled = true;
      const done = () => {
        this.ackOpen = null;
        this.ackDraft = '';
      };
      const call: Promise<unknown> =
        this.formMode === 'note'
          ? this.api
              .addNote({ sensorId: a.sensorId, alarmId: a.id, centerHz: a.centerHz ?? undefined, text: comment })
              .then((n) => {
                done();
                this.onNote(n);
              })
          : this.api.acknowledge(a.id, comment).then((updated) => {
              done();
              this.onEvent('acknowledged', updated);
            });
      call.catch((e: unknown) => {
        ok.disabled = false;
        err.textContent =
          e instanceof ApiCallError && e.status === 403 ? t('notAllowed') : String((e as Error).message);
      });
    };
    if (this.ackHadFocus) {
      queueMicrotask(() => {
        text.focus();
        text.setSelectionRange(text.value.length, text.value.length);
      });
    }
    return form;
  }
}
