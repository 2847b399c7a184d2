import { LitElement, html } from 'lit';
import { apiRequest, errorMessage } from '../shared/api-request.js';
import { formatTime, roleName, strings } from './admin-i18n.js';
import { adminStyles } from './admin-styles.js';
import { report, type Lang, type Token } from './admin-types.js';
import type { Choices } from './place-choices.js';
import './token-create-form.js';

/** API tokens: the create form (with the once-only secret), then every token, revocable after a confirmation. */
export class TokenPanel extends LitElement {
  static override properties = {
    language: {},
    csrf: {},
    choices: { attribute: false },
    tokens: { state: true },
  };

  static override styles = adminStyles;

  /** Interface language. */
  declare language: Lang;
  /** The session's CSRF token, sent with every write. */
  declare csrf: string | null;
  /** The places and units the create form's fields suggest (null until loaded). */
  declare choices: Choices | null;
  declare private tokens: Token[] | null;

  constructor() {
    super();
    this.language = 'zh';
    this.csrf = null;
    this.choices = null;
    this.tokens = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const s = strings(this.language);
    const t = s.tokens;
    return html`
      <gs-token-create-form .language=${this.language} .csrf=${this.csrf} .choices=${this.choices} @token-created=${() => this.load()}></gs-token-create-form>
      <section>
        <h2>${t.heading}</h2>
        ${
          this.tokens === null
            ? html`<p class="muted">${s.loading}</p>`
            : html`
        <table data-table="tokens">
          <thead><tr><th>${t.name}</th><th>${t.prefix}</th><th>${t.role}</th><th>${t.scope}</th><th>${t.created}</th><th>${t.lastUsed}</th><th>${t.expires}</th><th>${t.revoked}</th><th></th></tr></thead>
          <tbody>${this.tokens.map((k) => this.renderRow(k))}</tbody>
        </table>`
        }
      </section>`;
  }

  private renderRow(k: Token) {
    const s = strings(this.language);
    const t = s.tokens;
    return html`<tr data-token=${k.id} data-prefix=${k.prefix} class=${k.revoked_at ? 'off' : ''}>
      <td>${k.name}</td>
      <td class="mono">${k.prefix}…</td>
      <td>${roleName(k.role, this.language)}</td>
      <td class="mono">${k.scope_code ?? k.unit_code ?? html`<span class="muted">${s.wholeCity}</span>`}</td>
      <td>${formatTime(k.created_at, this.language)}</td>
      <td>${k.last_used_at ? formatTime(k.last_used_at, this.language) : html`<span class="muted">${s.never}</span>`}</td>
      <td>${k.expires_at ? formatTime(k.expires_at, this.language) : s.none}</td>
      <td data-revoked=${k.revoked_at ? 'yes' : 'no'}>${
        k.revoked_at
          ? html`<span class="badge off">${t.revokedAt} ${formatTime(k.revoked_at, this.language)}</span>`
          : html`<span class="badge">${t.active}</span>`
      }</td>
      <td>${k.revoked_at ? '' : html`<button class="danger" data-action="revoke" @click=${() => this.revoke(k)}>${t.revoke}</button>`}</td>
    </tr>`;
  }

  private async load() {
    try {
      // Newest first: the token just created is at the top, next to the form.
      this.tokens = (await apiRequest<{ tokens: Token[] }>('GET', '/api/tokens')).tokens.reverse();
    } catch (err) {
      report(this, errorMessage(err));
    }
  }

  private async revoke(k: Token) {
    if (!confirm(strings(this.language).tokens.confirmRevoke(k.name))) return;
    try {
      await apiRequest<Token>('DELETE', `/api/tokens/${k.id}`, { csrf: this.csrf });
      await this.load();
    } catch (err) {
      report(this, `${k.name}: ${errorMessage(err)}`);
    }
  }
}

customElements.define('gs-token-panel', TokenPanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-token-panel': TokenPanel;
  }
}
