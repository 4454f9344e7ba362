/** Login page. */
import { ApiCallError, type ApiClient, type SessionInfo } from './api.ts';
import { h } from './dom.ts';
import { onLangChange, t, translateDom } from './i18n.ts';
import { unlockAudio } from './notify.ts';

export function showLogin(root: HTMLElement, api: ApiClient, langSwitch: HTMLElement): Promise<SessionInfo> {
  return new Promise((done) => {
    const off = onLangChange(() => translateDom(root));
    const resolve = (s: SessionInfo) => {
      off();
      done(s);
    };
    const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
    const pass = h('input', {
      id: 'login-pass',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const err = h('div', { class: 'error', id: 'login-error', role: 'alert' });
    const btn = h('button', { type: 'submit', class: 'primary', id: 'login-submit', 'data-i18n': 'login' });
    const form = h(
      'form',
      { class: 'login', id: 'login-form' },
      h('h1', {}, 'Bandwatch'),
      h('p', { class: 'subtitle', 'data-i18n': 'appTitle' }),
      h('label', {}, h('span', { 'data-i18n': 'username' }), user),
      h('label', {}, h('span', { 'data-i18n': 'password' }), pass),
      btn,
      err,
      langSwitch,
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      unlockAudio();
      btn.disabled = true;
      err.textContent = '';
      api
        .login(user.value.trim(), pass.value)
        .then(resolve)
        .catch((ex: unknown) => {
          btn.disabled = false;
          err.textContent = ex instanceof ApiCallError && ex.status === 429 ? t('rateLimited') : t('loginFailed');
        });
    };
    root.replaceChildren(h('main', { class: 'login-page' }, form));
    translateDom(root);
    user.focus();
  });
}
