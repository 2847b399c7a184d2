import { LitElement, css, html } from 'lit';
import { safeNext } from '../shared/session.js';
import { ApiError, apiRequest, errorMessage } from '../shared/api-request.js';

import { type Lang, showDocumentIn } from '../shared/i18n.js';

const TEXT = {
  zh: {
    title: '登录 Gridscope',
    tab: '登录',
    subtitle: '城市网格化治理平台',
    username: '用户名',
    password: '密码',
    submit: '登录',
    busy: '正在登录…',
    wrong: '用户名或密码错误',
    tooMany: (s: string) => `尝试次数过多，请 ${s} 秒后再试`,
    failed: '登录失败',
    other: 'English',
  },
  en: {
    title: 'Sign in to Gridscope',
    tab: 'Sign in',
    subtitle: 'City grid governance',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    wrong: 'Wrong username or password',
    tooMany: (s: string) => `Too many attempts; try again in ${s} s`,
    failed: 'Sign-in failed',
    other: '中文',
  },
};

/** The sign-in form. On success it follows ?next= (same-site paths only). */
export class LoginPage extends LitElement {
  static override properties = { language: { state: true }, error: { state: true }, busy: { state: true } };

  static override styles = css`
    :host { display: grid; place-items: center; min-height: 100vh; }
    /* As wide as before on a desktop (22rem inside 3rem margins), never wider than a phone: workers sign in at 360–414 px. */
    form { box-sizing: border-box; width: min(28rem, calc(100vw - 1.5rem)); padding: 2.5rem clamp(1.25rem, 6vw, 3rem); background: #15203a; border-radius: 12px; box-shadow: 0 10px 40px #0008; }
    h1 { margin: 0; font-size: 1.8rem; }
    p.sub { margin: .3rem 0 1.5rem; color: #9fb3d1; }
    label { display: block; margin: 1rem 0 .3rem; color: #c9d6ea; }
    input { width: 100%; box-sizing: border-box; padding: .7rem .8rem; font-size: 1.1rem; border-radius: 6px; border: 1px solid #34476e; background: #0b1220; color: #e6edf7; }
    button { margin-top: 1.6rem; width: 100%; padding: .8rem; font-size: 1.1rem; border: 0; border-radius: 6px; background: #2f7de1; color: white; cursor: pointer; }
    button[disabled] { opacity: .6; }
    .error { color: #ff8a8a; min-height: 1.4rem; margin-top: 1rem; }
    .lang { float: right; background: none; border: 0; color: #8fd3ff; width: auto; margin: 0; padding: 0; font-size: .95rem; }
  `;

  // Declared, then set in the constructor, so Lit's reactive accessors are not shadowed by class fields.
  declare private language: Lang;
  declare private error: string;
  declare private busy: boolean;

  constructor() {
    super();
    this.language = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
    showDocumentIn(this.language, TEXT[this.language].tab);
    this.error = '';
    this.busy = false;
  }

  override render() {
    const t = TEXT[this.language];
    return html`
      <form @submit=${this.submit} aria-label=${t.title}>
        <button type="button" class="lang" @click=${this.toggleLang}>${t.other}</button>
        <h1>${t.title}</h1>
        <p class="sub">${t.subtitle}</p>
        <label for="username">${t.username}</label>
        <input id="username" name="username" autocomplete="username" required autofocus>
        <label for="password">${t.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? t.busy : t.submit}</button>
        <div class="error" role="alert">${this.error}</div>
      </form>`;
  }

  private toggleLang() {
    this.language = this.language === 'zh' ? 'en' : 'zh';
    showDocumentIn(this.language, TEXT[this.language].tab);
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const t = TEXT[this.language];
    const form = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      await apiRequest('POST', '/api/auth/login', {
        body: { username: String(form.get('username')).trim().toLowerCase(), password: form.get('password') },
        unauthorized: 'throw',
      });
      location.assign(safeNext(new URLSearchParams(location.search).get('next')));
    } catch (err) {
      this.error = !(err instanceof ApiError)
        ? `${t.failed}: ${errorMessage(err)}`
        : err.status === 401
          ? t.wrong
          : err.status === 429
            ? t.tooMany(err.retryAfter ?? '60')
            : `${t.failed}: ${err.message}`;
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('gs-login-page', LoginPage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-login-page': LoginPage;
  }
}
