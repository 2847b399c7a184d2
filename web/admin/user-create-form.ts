import { LitElement, html } from 'lit';
import { apiRequest, errorMessage } from '../shared/api-request.js';
import { ROLES, roleName, strings } from './admin-i18n.js';
import { adminStyles } from './admin-styles.js';
import type { Lang, User } from './admin-types.js';
import { type Choices, choiceLists } from './place-choices.js';

/**
 * The form that creates a user. The server judges the grant (role × scope ×
 * unit) and the password; its 400 message, which names the field, is shown
 * right under the form. Fires `user-created` (detail: the new User).
 */
export class UserCreateForm extends LitElement {
  static override properties = {
    language: {},
    csrf: {},
    choices: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = adminStyles;

  /** Interface language. */
  declare language: Lang;
  /** The session's CSRF token, sent with the write. */
  declare csrf: string | null;
  /** The places and units the scope and unit fields suggest (null until loaded). */
  declare choices: Choices | null;
  declare private error: string;
  declare private busy: boolean;

  constructor() {
    super();
    this.language = 'zh';
    this.csrf = null;
    this.choices = null;
    this.error = '';
    this.busy = false;
  }

  override render() {
    const t = strings(this.language).users;
    return html`<form class="panel" data-form="create-user" @submit=${this.submit}>
      <h2>${t.create}</h2>
      <div class="fields">
        <label>${t.username}<input name="username" required autocomplete="off"></label>
        <label>${t.displayName}<input name="display_name" required maxlength="100"></label>
        <label>${t.role}<select name="role">${ROLES.map((r) => html`<option value=${r} ?selected=${r === 'viewer'}>${roleName(r, this.language)}</option>`)}</select></label>
        <label>${t.scope}<input name="scope" list="gs-scopes" autocomplete="off" title=${t.scopeHint} aria-describedby="scope-hint"></label>
        <label>${t.unit}<input name="unit" list="gs-units" autocomplete="off"></label>
        <label>${t.password}<input name="password" type="password" required autocomplete="new-password"></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t.submit}</button>
      </div>
      <div class="hint" id="scope-hint">${t.scope}${this.language === 'en' ? ': ' : '：'}${t.scopeHint}</div>
      ${choiceLists(this.choices)}
      <div class="form-error" role="alert" data-form-error>${this.error}</div>
    </form>`;
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, string> = {
      username: text('username').toLowerCase(),
      display_name: text('display_name'),
      role: text('role'),
      password: String(f.get('password') ?? ''),
    };
    if (text('scope')) body.scope = text('scope');
    if (text('unit')) body.unit = text('unit');
    this.busy = true;
    this.error = '';
    try {
      const user = await apiRequest<User>('POST', '/api/users', { csrf: this.csrf, body });
      form.reset();
      this.dispatchEvent(new CustomEvent<User>('user-created', { detail: user, bubbles: true, composed: true }));
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('gs-user-create-form', UserCreateForm);

declare global {
  interface HTMLElementTagNameMap {
    'gs-user-create-form': UserCreateForm;
  }
}
