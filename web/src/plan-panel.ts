/**
 * Frequency plan panel: the plan in force as a table (id, centre MHz, bandwidth kHz, designator, service,
 * licensee, max level, shared band) and who replaced which plan when. Admins edit rows, paste or upload JSON/CSV, and apply
 * it through `PUT /api/plan`; every problem the server returns (400 schema, 422 plan validation) is shown at
 * its row and field. Everyone else sees it read-only.
 */
import type { FrequencyPlan } from '../../src/types.ts';
import type { ApiClient } from './api.ts';
import { Dialog } from './dialog.ts';
import { h } from './dom.ts';
import { formatDateTime, lang, t } from './i18n.ts';
import {
  PLAN_COLUMNS,
  parsePlanText,
  placeProblems,
  PlanInputError,
  planToRows,
  rowsToPlan,
  type PlacedProblem,
  type PlanColumn,
  type PlanRow,
} from './plan-io.ts';

const HEADER: Record<PlanColumn, () => string> = {
  id: () => t('id'),
  centerMHz: () => `${t('centreFrequency')} (MHz)`,
  bandwidthKHz: () => `${t('bandwidth')} (kHz)`,
  emission: () => t('emissionDesignator'),
  service: () => t('service'),
  licensee: () => t('licensee'),
  maxLevelDbfs: () => `${t('maxLevel')} (dBFS)`,
};

/**
 * The `shared` column (Assignment.shared: a band or block used by many emitters, e.g. SRD 433 MHz, PMR446). Labels
 * live here until web/src/i18n.ts has a key for them.
 */
const SHARED_TEXT = {
  vi: {
    label: 'Băng tần dùng chung',
    title: 'Băng tần/khối kênh nhiều nguồn phát cùng dùng (SRD, PMR446): mỗi phát xạ được xét riêng',
  },
  en: {
    label: 'Shared band',
    title: 'A band or block used by many emitters (SRD, PMR446): each emission inside is judged on its own',
  },
} as const;
const sharedText = () => SHARED_TEXT[lang() === 'vi' ? 'vi' : 'en'];

interface HistoryEntry {
  atMs: number;
  by: string;
  plan: FrequencyPlan;
}

export class PlanPanel {
  readonly button: HTMLButtonElement;
  readonly dialog = new Dialog('plan-dialog', 'plan');
  private name = '';
  private phases: FrequencyPlan['phases'];
  private rows: PlanRow[] = [];
  private problems: PlacedProblem[] = [];
  private status: { ok: boolean; text: string } | null = null;
  private history: HistoryEntry[] = [];
  private dirty = false;
  private source = '';

  constructor(
    private readonly api: ApiClient,
    private readonly isAdmin: boolean,
    /** Called with the plan in force after an accepted change. */
    private readonly onApplied: (plan: FrequencyPlan) => void,
  ) {
    this.button = h('button', { type: 'button', id: 'open-plan', 'data-i18n': 'plan' });
    this.button.onclick = () => {
      this.dialog.show();
      void this.load(!this.dirty);
    };
  }

  /** Loads history, and the plan in force unless an edit is under way. */
  async load(replaceDraft: boolean): Promise<void> {
    const [plan, history] = await Promise.all([
      replaceDraft ? this.api.plan() : Promise.resolve(null),
      this.api.call<HistoryEntry[]>('GET', '/api/plan/history').catch(() => []),
    ]);
    this.history = history;
    if (plan) this.setDraft(plan);
    this.render();
  }

  /** Someone changed the plan: refresh the history, and the table unless an edit is under way. */
  onPlanChanged(): void {
    if (this.dialog.open) void this.load(!this.dirty).catch(() => undefined);
  }

  private setDraft(plan: FrequencyPlan): void {
    this.name = plan.name;
    this.phases = plan.phases;
    this.rows = planToRows(plan, lang() === 'vi');
    this.problems = [];
    this.dirty = false;
  }

  render(): void {
    const editable = this.isAdmin;
    const planProblems = this.problems.filter((p) => p.row === null);
    const name = editable
      ? h('input', { id: 'plan-name-input', value: this.name, maxlength: '200' })
      : h('strong', {}, this.name);
    if (name instanceof HTMLInputElement) {
      name.oninput = () => {
        this.name = name.value;
        this.dirty = true;
      };
    }
    const head = h(
      'tr',
      {},
      h('th', {}, '#'),
      ...PLAN_COLUMNS.map((c) => h('th', {}, HEADER[c]())),
      h('th', { title: sharedText().title }, sharedText().label),
      editable ? h('th', {}, '') : null,
    );
    const body = h('tbody', {});
    this.rows.forEach((row, i) => {
      const rowProblems = this.problems.filter((p) => p.row === i);
      const tr = h(
        'tr',
        { 'data-row': String(i), class: rowProblems.length ? 'has-problem' : '' },
        h('td', {}, String(i + 1)),
      );
      for (const c of PLAN_COLUMNS) {
        const bad = rowProblems.some((p) => p.column === c);
        if (editable) {
          const input = h('input', {
            'data-col': c,
            value: row.cells[c],
            class: bad ? 'invalid' : '',
            'aria-invalid': bad ? 'true' : undefined,
            size: c === 'licensee' || c === 'service' ? '14' : '9',
          });
          input.oninput = () => {
            row.cells[c] = input.value;
            this.dirty = true;
          };
          tr.append(h('td', {}, input));
        } else {
          tr.append(
            h(
              'td',
              { class: `${c.endsWith('Hz') || c === 'maxLevelDbfs' ? 'num' : ''}${bad ? ' invalid' : ''}` },
              row.cells[c],
            ),
          );
        }
      }
      if (editable) {
        const box = h('input', { type: 'checkbox', 'data-col': 'shared', checked: row.extra.shared === true });
        box.onchange = () => {
          // Unticking a box that was never set leaves the field out, so an untouched plan is sent back unchanged.
          if (box.checked) row.extra.shared = true;
          else if (row.extra.shared !== undefined) row.extra.shared = false;
          this.dirty = true;
        };
        tr.append(h('td', {}, box));
      } else tr.append(h('td', { 'data-col': 'shared' }, row.extra.shared ? '✓' : ''));
      if (editable) {
        const rm = h('button', { type: 'button', class: 'link', title: t('removeRow') }, '✕');
        rm.onclick = () => {
          this.rows.splice(i, 1);
          // Problems were numbered against the old rows; they no longer point at the right ones.
          this.problems = [];
          this.dirty = true;
          this.render();
        };
        tr.append(h('td', {}, rm));
      }
      body.append(tr);
      if (rowProblems.length) {
        body.append(
          h(
            'tr',
            { class: 'row-problems', 'data-problem-row': String(i) },
            h('td', {}, ''),
            h(
              'td',
              { colspan: String(PLAN_COLUMNS.length + 1 + (editable ? 1 : 0)) },
              h(
                'ul',
                {},
                ...rowProblems.map((p) => h('li', {}, `${p.column ? HEADER[p.column]() : p.field}: ${p.message}`)),
              ),
            ),
          ),
        );
      }
    });
    const table = h('table', { class: 'data plan-table', id: 'plan-table' }, h('thead', {}, head), body);

    const parts: (HTMLElement | null)[] = [
      h(
        'div',
        { class: 'row' },
        h('label', {}, t('planName'), name),
        editable ? null : h('span', { class: 'note' }, t('readOnly')),
      ),
      this.status
        ? h('div', { class: `status ${this.status.ok ? 'ok' : 'bad'}`, id: 'plan-status' }, this.status.text)
        : null,
      planProblems.length
        ? h(
            'ul',
            { class: 'problems', id: 'plan-problems' },
            ...planProblems.map((p) => h('li', {}, `${p.field}: ${p.message}`)),
          )
        : null,
      h('div', { class: 'table-wrap' }, table),
    ];
    if (editable) parts.push(this.editorControls());
    parts.push(this.historyTable());
    this.dialog.body.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
  }

  private editorControls(): HTMLElement {
    const addRow = h('button', { type: 'button', id: 'plan-add-row' }, `+ ${t('addRow')}`);
    addRow.onclick = () => {
      this.rows.push({
        cells: { id: '', centerMHz: '', bandwidthKHz: '', emission: '', service: '', licensee: '', maxLevelDbfs: '' },
        extra: {},
      });
      this.dirty = true;
      this.render();
    };
    const submit = h('button', { type: 'button', class: 'primary', id: 'plan-submit' }, t('submitPlan'));
    submit.onclick = () => void this.submit(submit);
    const reset = h('button', { type: 'button', id: 'plan-reset' }, t('cancel'));
    reset.onclick = () => {
      this.status = null;
      void this.load(true);
    };
    const text = h('textarea', {
      id: 'plan-source',
      rows: '5',
      placeholder: 'id,centerMHz,bandwidthKHz,emission,service,licensee,maxLevelDbfs,shared',
    });
    text.value = this.source;
    text.oninput = () => {
      this.source = text.value;
    };
    const file = h('input', { type: 'file', id: 'plan-file', accept: '.json,.csv,application/json,text/csv' });
    file.onchange = () => {
      const f = file.files?.[0];
      if (f) {
        void f.text().then((s) => {
          this.source = s;
          this.readSource();
        });
      }
    };
    const parse = h('button', { type: 'button', id: 'plan-parse' }, t('parse'));
    parse.onclick = () => this.readSource();
    return h(
      'div',
      { class: 'plan-editor' },
      h('div', { class: 'row' }, addRow, h('span', { class: 'spacer' }), reset, submit),
      h('h3', {}, t('planSource')),
      text,
      h('div', { class: 'row' }, h('label', {}, t('loadFile'), file), parse),
    );
  }

  /** Reads the pasted/uploaded text into the table (not yet applied). */
  private readSource(): void {
    try {
      const r = parsePlanText(this.source, this.name, lang() === 'vi');
      this.name = r.name;
      this.rows = r.rows;
      if (r.phases) this.phases = r.phases;
      this.problems = [];
      this.status = null;
      this.dirty = true;
    } catch (e) {
      this.problems =
        e instanceof PlanInputError ? e.problems : [{ row: null, column: null, field: 'input', message: String(e) }];
      this.status = { ok: false, text: t('planRejected') };
    }
    this.render();
  }

  private async submit(btn: HTMLButtonElement): Promise<void> {
    const { plan, problems } = rowsToPlan(this.name, this.rows, { phases: this.phases });
    if (problems.length) {
      this.problems = problems;
      this.status = { ok: false, text: t('planRejected') };
      this.render();
      return;
    }
    btn.disabled = true;
    try {
      const s = await this.api.session();
      const res = await fetch('/api/plan', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s?.csrfToken ?? '' },
        body: JSON.stringify(plan),
        credentials: 'same-origin',
      });
      const data = (await res.json().catch(() => ({}))) as {
        error?: { code: string; message: string; field?: string; problems?: { field?: string; message: string }[] };
      } & FrequencyPlan;
      if (res.ok) {
        this.setDraft(data);
        this.status = { ok: true, text: t('planAccepted') };
        this.onApplied(data);
        await this.load(false);
        return;
      }
      const err = data.error;
      const list = err?.problems?.length
        ? err.problems
        : [{ field: err?.field, message: err?.message ?? res.statusText }];
      this.problems = placeProblems(list);
      this.status = { ok: false, text: `${t('planRejected')} (${res.status} ${err?.code ?? ''})` };
      this.render();
    } catch (e) {
      this.status = { ok: false, text: (e as Error).message };
      this.render();
    } finally {
      btn.disabled = false;
    }
  }

  private historyTable(): HTMLElement {
    const rows = this.history.map((e) =>
      h(
        'tr',
        {},
        h('td', {}, formatDateTime(e.atMs)),
        h('td', {}, e.by),
        h('td', {}, e.plan.name),
        h('td', { class: 'num' }, String(e.plan.assignments.length)),
      ),
    );
    return h(
      'div',
      { class: 'plan-history' },
      h('h3', {}, t('planHistory')),
      rows.length
        ? h(
            'table',
            { class: 'data', id: 'plan-history' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, t('when')),
                h('th', {}, t('who')),
                h('th', {}, t('planName')),
                h('th', {}, t('assignments')),
              ),
            ),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'empty' }, '—'),
    );
  }

  relabel(): void {
    this.dialog.relabel();
    // Numbers follow the language's decimal mark; a draft being edited keeps what was typed.
    if (!this.dirty) {
      const { plan, problems } = rowsToPlan(this.name, this.rows, { phases: this.phases });
      if (!problems.length) this.rows = planToRows(plan, lang() === 'vi');
    }
    if (this.dialog.open) this.render();
  }
}
