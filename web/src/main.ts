/** Console entry: language, session check, then the login page or the app. */
import { ApiClient } from './api.ts';
import { startApp } from './app.ts';
import { h } from './dom.ts';
import { lang, loadLang, setLang } from './i18n.ts';
import { showLogin } from './login.ts';

function languageSwitch(): HTMLElement {
  const mk = (l: 'vi' | 'en', label: string) => {
    const b = h('button', { type: 'button', class: `lang-btn${lang() === l ? ' on' : ''}`, 'data-lang': l }, label);
    b.onclick = () => {
      setLang(l);
      document
        .querySelectorAll<HTMLElement>('.lang-btn')
        .forEach((x) => x.classList.toggle('on', x.dataset.lang === l));
    };
    return b;
  };
  return h('span', { class: 'lang-switch', id: 'lang-switch' }, mk('vi', 'Tiếng Việt'), mk('en', 'English'));
}

async function main(): Promise<void> {
  setLang(loadLang());
  const root = document.getElementById('root') as HTMLElement;
  const api = new ApiClient();
  const session = (await api.session()) ?? (await showLogin(root, api, languageSwitch()));
  await startApp(root, api, session, languageSwitch());
}

main().catch((e: unknown) => {
  const root = document.getElementById('root');
  if (root) root.textContent = `Bandwatch: ${(e as Error).message}`;
  console.error(e);
});
