import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { currentUser, logout, scopeName, type Me } from '../shared/session.js';
import { errorMessage } from '../shared/api-request.js';
import { roleName, strings } from './admin-i18n.js';
import { showDocumentIn } from '../shared/i18n.js';
import { adminStyles } from './admin-styles.js';
import { ADMIN_STATUS, type AdminStatus, type Lang } from './admin-types.js';
import { type Choices, loadChoices } from './place-choices.js';
import './user-panel.js';
import './token-panel.js';
import './audit-panel.js';

type Tab = 'users' | 'tokens' | 'audit';

/** Each tab and the route the caller must be allowed to read for it to be offered. */
const TABS: ReadonlyArray<[Tab, string]> = [
  ['users', 'GET /api/users'],
  ['tokens', 'GET /api/tokens'],
  ['audit', 'GET /api/audit'],
];

/**
 * /admin: the city commander's page for users, API tokens and the audit log.
 * Whoever else arrives sees "no permission" and nothing is fetched for them.
 * Failures of actions outside a form arrive as ADMIN_STATUS events and are
 * shown in the one status line under the header.
 */
export class AdminPage extends LitElement {
  static override properties = {
    language: { state: true },
    me: { state: true },
    tab: { state: true },
    status: { state: true },
    choices: { state: true },
  };

  static override styles = [
    adminStyles,
    css`
    header { display: flex; align-items: center; gap: 1.2rem; padding: 1rem 2rem; background: #101a30; border-bottom: 1px solid #1e2c4a; }
    header h1 { font-size: 1.3rem; margin: 0; flex: 1; }
    header h1 span { color: #5cc8ff; }
    header .who { color: #9fb3d1; }
    header a, .link { color: #8fd3ff; text-decoration: none; background: none; padding: 0; font-size: .95rem; }
    main { padding: 1.2rem 2rem 3rem; max-width: 87.5rem; }
    nav[role="tablist"] { display: flex; gap: .4rem; margin-bottom: 1rem; }
    nav button { background: #15203a; border-radius: 6px 6px 0 0; padding: .6rem 1.3rem; font-size: 1rem; color: #9fb3d1; }
    nav button[aria-selected="true"] { background: #2f7de1; color: white; }
    .status { display: flex; justify-content: space-between; gap: 1rem; padding: .6rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
    .status.error { background: #4a2030; color: #ffd0d8; }
    .status.ok { background: #1f4d2e; color: #c8f5d4; }
    .no-permission { background: #15203a; border-radius: 10px; padding: 2rem; font-size: 1.1rem; }
    /* A phone: the title on a line of its own, who and the links wrapping under it; nothing past the screen's edge. */
    @media (max-width: 700px) {
      header { flex-wrap: wrap; gap: .4rem 1rem; padding: .7rem 1rem; }
      header h1 { flex-basis: 100%; }
      main { padding: 1rem 1rem 2rem; }
      nav[role="tablist"] { flex-wrap: wrap; }
      nav button { padding: .5rem .9rem; }
    }
  `,
  ];

  declare private language: Lang;
  declare private me: Me | null;
  declare private tab: Tab;
  declare private status: AdminStatus | null;
  /** The places and units the scope and unit fields suggest, in the page's language (place-choices.ts). */
  declare private choices: Choices | null;

  constructor() {
    super();
    this.language = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
    this.me = null;
    this.tab = (['users', 'tokens', 'audit'] as const).find((t) => `#${t}` === location.hash) ?? 'users';
    this.status = null;
    this.choices = null;
    this.addEventListener(ADMIN_STATUS, (e) => {
      this.status = (e as CustomEvent<AdminStatus>).detail;
    });
  }

  override connectedCallback() {
    super.connectedCallback();
    showDocumentIn(this.language, strings(this.language).title);
    currentUser().then(
      (me) => {
        this.me = me;
      },
      (err) => {
        this.status = { kind: 'error', message: errorMessage(err) };
      },
    );
  }

  override willUpdate(changed: PropertyValues) {
    // Once the page knows it may manage users, and again in the other language.
    if ((changed.has('me') || changed.has('language')) && this.me?.allowed.includes('GET /api/users'))
      void loadChoices(this.language).then(
        (c) => (this.choices = c),
        (err) => (this.status = { kind: 'error', message: errorMessage(err) }),
      );
  }

  override render() {
    const t = strings(this.language);
    const tabs = TABS.filter(([, route]) => this.me?.allowed.includes(route)).map(([tab]) => tab);
    return html`
      ${this.renderHeader()}
      <main>
        ${
          this.status
            ? html`<div class="status ${this.status.kind}" role=${this.status.kind === 'error' ? 'alert' : 'status'} data-status=${this.status.kind}>
          <span>${this.status.message}</span><button class="link" @click=${() => {
            this.status = null;
          }}>${t.dismiss}</button></div>`
            : nothing
        }
        ${
          !this.me
            ? html`<p class="muted">${t.loading}</p>`
            : !tabs.includes('users')
              ? html`<p class="no-permission" data-no-permission>${t.noPermission} <a class="link" href="/">${t.home}</a></p>`
              : html`${this.renderTabs(tabs)}${this.renderPanel(tabs.includes(this.tab) ? this.tab : 'users')}`
        }
      </main>`;
  }

  private renderHeader() {
    const t = strings(this.language);
    const p = this.me?.principal;
    return html`<header>
      <h1><span>Gridscope</span> · ${t.title}</h1>
      ${p ? html`<span class="who" data-who>${p.display_name} · ${roleName(p.role, this.language)} · ${scopeName(this.me!, this.language)}</span>` : nothing}
      <button class="link" data-action="lang" @click=${this.toggleLang}>${t.otherLang}</button>
      <a href="/">${t.home}</a>
      ${p?.kind === 'user' ? html`<button data-action="logout" @click=${this.signOut}>${t.signOut}</button>` : nothing}
    </header>`;
  }

  private renderTabs(tabs: Tab[]) {
    const t = strings(this.language);
    return html`<nav role="tablist">${tabs.map(
      (tab) => html`
      <button role="tab" data-tab=${tab} aria-selected=${this.tab === tab ? 'true' : 'false'} @click=${() => this.select(tab)}>${t.tabs[tab]}</button>`,
    )}
    </nav>`;
  }

  private renderPanel(tab: Tab) {
    const csrf = this.me?.csrf_token ?? null;
    switch (tab) {
      case 'users':
        return html`<gs-user-panel role="tabpanel" .language=${this.language} .csrf=${csrf} .selfId=${this.me?.principal.id ?? null} .choices=${this.choices}></gs-user-panel>`;
      case 'tokens':
        return html`<gs-token-panel role="tabpanel" .language=${this.language} .csrf=${csrf} .choices=${this.choices}></gs-token-panel>`;
      case 'audit':
        return html`<gs-audit-panel role="tabpanel" .language=${this.language}></gs-audit-panel>`;
    }
  }

  private select(tab: Tab) {
    this.tab = tab;
    this.status = null;
    history.replaceState(null, '', `${location.pathname}${location.search}#${tab}`);
  }

  private toggleLang() {
    this.language = this.language === 'zh' ? 'en' : 'zh';
    showDocumentIn(this.language, strings(this.language).title);
    const q = new URLSearchParams(location.search);
    if (this.language === 'en') q.set('lang', 'en');
    else q.delete('lang');
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}${location.hash}`);
  }

  private async signOut() {
    try {
      await logout(this.me?.csrf_token ?? null);
    } catch (err) {
      this.status = { kind: 'error', message: errorMessage(err) };
    }
  }
}

customElements.define('gs-admin-page', AdminPage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-admin-page': AdminPage;
  }
}
