import { LitElement, css, html, nothing } from 'lit';
import { apiRequest, errorMessage } from '../shared/api-request.js';
import { beijingIso, ROLES, roleName, strings } from './admin-i18n.js';
import { adminStyles } from './admin-styles.js';
import type { CreatedToken, Lang } from './admin-types.js';
import { type Choices, choiceLists } from './place-choices.js';

/**
 * The form that creates an API token, and the one place its secret is ever
 * shown: the server keeps only a hash. The secret box offers a copy button and
 * a ready wall URL, and stays until dismissed (or the tab is left). Fires
 * `token-created` (detail: the token, secret included).
 */
export class TokenCreateForm extends LitElement {
  static override properties = {
    language: {},
    csrf: {},
    choices: { attribute: false },
    error: { state: true },
    busy: { state: true },
    created: { state: true },
    copied: { state: true },
  };

  static override styles = [
    adminStyles,
    css`
    .secret { background: #0f2a1c; border: 1px solid #2e8b57; border-radius: 8px; padding: 1rem 1.2rem; margin-top: 1rem; }
    .secret h3 { margin: 0 0 .4rem; font-size: 1rem; color: #9be8b0; }
    .secret .warning { color: #ffd27a; margin: 0 0 .7rem; }
    .secret .row { display: flex; gap: .6rem; align-items: center; margin: .4rem 0; }
    .secret .row span { width: 5.5rem; color: #9fb3d1; font-size: .85rem; flex: none; }
    .secret output { flex: 1; background: #0b1220; border: 1px solid #34476e; border-radius: 5px; padding: .45rem .6rem; word-break: break-all; user-select: all; }
  `,
  ];

  /** Interface language. */
  declare language: Lang;
  /** The session's CSRF token, sent with the write. */
  declare csrf: string | null;
  /** The places and units the scope and unit fields suggest (null until loaded). */
  declare choices: Choices | null;
  declare private error: string;
  declare private busy: boolean;
  /** The token just created, with its secret, until dismissed. */
  declare private created: CreatedToken | null;
  /** Which of the secret box's values was last copied ('token' or 'url'), or a failure note. */
  declare private copied: string;

  constructor() {
    super();
    this.language = 'zh';
    this.csrf = null;
    this.choices = null;
    this.error = '';
    this.busy = false;
    this.created = null;
    this.copied = '';
  }

  override render() {
    const t = strings(this.language).tokens;
    return html`<form class="panel" data-form="create-token" @submit=${this.submit}>
      <h2>${t.create}</h2>
      <div class="fields">
        <label>${t.name}<input name="name" required maxlength="100"></label>
        <label>${t.role}<select name="role">${ROLES.map((r) => html`<option value=${r} ?selected=${r === 'viewer'}>${roleName(r, this.language)}</option>`)}</select></label>
        <label>${t.scope}<input name="scope" list="gs-scopes" autocomplete="off" title=${strings(this.language).users.scopeHint}></label>
        <label>${t.unit}<input name="unit" list="gs-units" autocomplete="off"></label>
        <label>${t.expires}<input name="expires_at" type="datetime-local" title=${t.expiryHint}></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t.submit}</button>
      </div>
      <div class="hint">${t.expiryHint}</div>
      <div class="form-error" role="alert" data-form-error>${this.error}</div>
      ${this.created ? this.renderSecret(this.created) : nothing}
      ${choiceLists(this.choices)}
    </form>`;
  }

  private renderSecret(c: CreatedToken) {
    const t = strings(this.language).tokens;
    const wallUrl = `${location.origin}/wall?token=${encodeURIComponent(c.token)}`;
    const copyButton = (what: string, value: string) => html`<button type="button" data-copy=${what} @click=${() => this.copy(what, value)}>
      ${this.copied === what ? t.copied : t.copy}</button>`;
    return html`<div class="secret" data-secret-box>
      <h3>${t.secretTitle} · ${c.name}</h3>
      <p class="warning">⚠ ${t.secretWarning}</p>
      <div class="row"><span>Token</span><output class="mono" data-secret>${c.token}</output>${copyButton('token', c.token)}</div>
      <div class="row"><span>${t.wallUrl}</span><output class="mono" data-wall-url>${wallUrl}</output>${copyButton('url', wallUrl)}</div>
      ${this.copied === 'failed' ? html`<p class="hint">${t.copyFailed}</p>` : nothing}
      <button type="button" data-action="dismiss-secret" @click=${() => {
        this.created = null;
      }}>${t.done}</button>
    </div>`;
  }

  private async copy(what: string, value: string) {
    try {
      await navigator.clipboard.writeText(value);
      this.copied = what;
    } catch {
      // No clipboard permission (or not a secure context): the outputs are user-select: all, so a click selects the value.
      this.copied = 'failed';
    }
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, string> = { name: text('name'), role: text('role') };
    if (text('scope')) body.scope = text('scope');
    if (text('unit')) body.unit = text('unit');
    const expires = beijingIso(text('expires_at'));
    if (expires) body.expires_at = expires;
    this.busy = true;
    this.error = '';
    this.created = null;
    this.copied = '';
    try {
      this.created = await apiRequest<CreatedToken>('POST', '/api/tokens', { csrf: this.csrf, body });
      form.reset();
      this.dispatchEvent(new CustomEvent<CreatedToken>('token-created', { detail: this.created, bubbles: true, composed: true }));
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('gs-token-create-form', TokenCreateForm);

declare global {
  interface HTMLElementTagNameMap {
    'gs-token-create-form': TokenCreateForm;
  }
}
