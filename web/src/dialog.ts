/** A modal panel over the console (plan, recordings, periodic report): title, close button, Esc closes. */
import { h } from './dom.ts';
import { t } from './i18n.ts';

export class Dialog {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private onCloseHook: (() => void) | null = null;

  constructor(
    id: string,
    private readonly titleKey: string,
  ) {
    this.title = h('h2', {}, t(titleKey));
    const close = h('button', { type: 'button', class: 'dialog-close', 'aria-label': 'close' }, '×');
    close.onclick = () => this.close();
    this.body = h('div', { class: 'dialog-body' });
    this.el = h(
      'div',
      { class: 'dialog-backdrop', id, hidden: true },
      h(
        'section',
        { class: 'dialog', role: 'dialog' },
        h('header', { class: 'dialog-head' }, this.title, close),
        this.body,
      ),
    );
    this.el.addEventListener('click', (ev) => {
      if (ev.target === this.el) this.close();
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && !this.el.hidden) this.close();
    });
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  show(onClose?: () => void): void {
    this.onCloseHook = onClose ?? null;
    this.el.hidden = false;
  }

  close(): void {
    this.el.hidden = true;
    this.onCloseHook?.();
    this.onCloseHook = null;
  }

  relabel(): void {
    this.title.textContent = t(this.titleKey);
  }
}
