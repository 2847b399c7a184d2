import { css, html, LitElement, nothing } from 'lit';
import { logout, scopeName, type Me } from '../shared/session.js';
import { mayAct } from './dispatch-actions.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { consoleStyles } from './dispatch-styles.js';

/**
 * The console's title bar: the live state, who is signed in (read-only
 * roles say so), the language switch, the keys' help, home and sign-out.
 * Fires `lang` and `help`.
 */
export class ConsoleHeader extends LitElement {
  static override properties = { lang: { attribute: false }, me: { attribute: false }, live: { attribute: false } };
  static override styles = [
    consoleStyles,
    css`
    :host { display: flex; align-items: center; gap: 1rem; padding: .55rem 1rem; background: #0f1930; border-bottom: 1px solid #1e2c4a; }
    h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; flex: 1; }
    .who, a { color: #9fb3d1; font-size: .85rem; text-decoration: none; white-space: nowrap; }
    .live { font-size: .78rem; padding: .1rem .5rem; border-radius: 10px; background: #3a2a14; color: #ffd873; }
    .live[data-state="live"] { background: #123a2a; color: #6ee7a8; }
    /* A phone: the title on a line of its own, the rest wrapping under it. */
    @media (max-width: 700px) {
      :host { flex-wrap: wrap; gap: .4rem .8rem; }
      h1 { flex-basis: 100%; }
      .who { white-space: normal; }
    }
  `,
  ];

  declare lang: Lang;
  declare me: Me | null;
  /** The event stream's state. */
  declare live: string;

  override render() {
    const t = strings(this.lang);
    const p = this.me?.principal;
    const fire = (name: string) => () => this.dispatchEvent(new CustomEvent(name));
    return html`
      <h1>${t.title}</h1>
      <span class="live" data-state=${this.live}>${t.live[this.live]}</span>
      ${p && this.me ? html`<span class="who">${p.display_name} · ${p.role_name[this.lang]} · <span data-scope>${scopeName(this.me, this.lang)}</span>${mayAct(p.role) ? '' : ` · ${t.readOnly}`}</span>` : nothing}
      <button data-action="lang" @click=${fire('lang')}>${this.lang === 'en' ? '中文' : 'English'}</button>
      <button data-action="help" title="?" @click=${fire('help')}>?</button>
      <a href="/directives${this.lang === 'en' ? '?lang=en' : ''}" data-link="directives">${t.directives}</a>
      <a href="/">${t.home}</a>
      ${p?.kind === 'user' ? html`<button @click=${() => void logout(this.me?.csrf_token ?? null)}>${t.signOut}</button>` : nothing}`;
  }
}

customElements.define('gs-console-header', ConsoleHeader);

declare global {
  interface HTMLElementTagNameMap {
    'gs-console-header': ConsoleHeader;
  }
}
