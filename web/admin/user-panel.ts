import { LitElement, html, nothing } from 'lit';
import { apiRequest, errorMessage } from '../shared/api-request.js';
import { ROLES, roleName, strings } from './admin-i18n.js';
import { adminStyles } from './admin-styles.js';
import { report, type Lang, type User } from './admin-types.js';
import { type Choices, choiceLists } from './place-choices.js';
import './user-create-form.js';

/**
 * Users: the create form, then every user with their grant and state, and
 * per-row actions (disable/enable, reset password, change role and scope).
 * Each action is one PATCH /api/users/:id; the table is reloaded after it.
 */
export class UserPanel extends LitElement {
  static override properties = {
    language: {},
    csrf: {},
    selfId: {},
    users: { state: true },
    editing: { state: true },
    choices: { attribute: false },
  };

  static override styles = adminStyles;

  /** Interface language. */
  declare language: Lang;
  /** The session's CSRF token, sent with every write. */
  declare csrf: string | null;
  /** The signed-in user's id: they may not disable themselves, so that button is off on their row. */
  declare selfId: number | null;
  declare private users: User[] | null;
  /** The user whose role and scope are being edited in place. */
  declare private editing: number | null;
  /** Places and units by name, for the fields and the table (null until loaded; the codes stand alone then). */
  declare choices: Choices | null;

  constructor() {
    super();
    this.language = 'zh';
    this.csrf = null;
    this.selfId = null;
    this.users = null;
    this.editing = null;
    this.choices = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const t = strings(this.language).users;
    return html`
      <gs-user-create-form .language=${this.language} .csrf=${this.csrf} .choices=${this.choices} @user-created=${this.created}></gs-user-create-form>
      ${choiceLists(this.choices)}
      <section>
        <h2>${t.heading}</h2>
        ${
          this.users === null
            ? html`<p class="muted">${strings(this.language).loading}</p>`
            : html`
        <table data-table="users">
          <thead><tr><th>${t.username}</th><th>${t.displayName}</th><th>${t.role}</th><th>${t.scope}</th><th>${t.unit}</th><th>${t.disabled}</th><th>${t.actions}</th></tr></thead>
          <tbody>${this.users.map((u) => (this.editing === u.id ? this.renderEditRow(u) : this.renderRow(u)))}</tbody>
        </table>`
        }
      </section>`;
  }

  private renderRow(u: User) {
    const t = strings(this.language);
    return html`<tr data-user=${u.username} class=${u.disabled ? 'off' : ''}>
      <td class="mono">${u.username}</td>
      <td>${u.display_name}</td>
      <td data-role=${u.role}>${roleName(u.role, this.language)}</td>
      <td data-scope>${u.scope_code ? this.named(u.scope_code) : html`<span class="muted">${t.wholeCity}</span>`}</td>
      <td data-unit>${u.unit_code ? this.named(u.unit_code) : t.none}</td>
      <td><span class="badge ${u.disabled ? 'off' : ''}">${u.disabled ? t.users.isDisabled : t.users.active}</span></td>
      <td>
        <button data-action="toggle-disabled" ?disabled=${u.id === this.selfId} @click=${() => this.patch(u, { disabled: !u.disabled })}>${u.disabled ? t.users.enable : t.users.disable}</button>
        <button data-action="reset-password" @click=${() => this.resetPassword(u)}>${t.users.resetPassword}</button>
        <button data-action="edit-grant" @click=${() => {
          this.editing = u.id;
        }}>${t.users.changeRole}</button>
      </td>
    </tr>`;
  }

  /** Role, scope and unit as inputs; the server checks the combination and the status line shows why it refused. */
  private renderEditRow(u: User) {
    const t = strings(this.language).users;
    return html`<tr data-user=${u.username} data-editing>
      <td class="mono">${u.username}</td>
      <td>${u.display_name}</td>
      <td><select name="role">${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${roleName(r, this.language)}</option>`)}</select></td>
      <td><input name="scope" list="gs-scopes" autocomplete="off" .value=${u.scope_code ?? ''} title=${t.scopeHint}></td>
      <td><input name="unit" list="gs-units" autocomplete="off" .value=${u.unit_code ?? ''}></td>
      <td>${nothing}</td>
      <td>
        <button class="primary" data-action="save-grant" @click=${(e: Event) => this.saveGrant(u, e)}>${t.save}</button>
        <button data-action="cancel" @click=${() => {
          this.editing = null;
        }}>${t.cancel}</button>
      </td>
    </tr>`;
  }

  /** A scope's or unit's name with its code (the code alone for a grid, or before the names have come). */
  private named(code: string) {
    const name = this.choices?.names.get(code);
    return html`${name ? `${name} ` : ''}<span class="mono">${code}</span>`;
  }

  private async load() {
    try {
      this.users = (await apiRequest<{ users: User[] }>('GET', '/api/users')).users;
    } catch (err) {
      report(this, errorMessage(err));
    }
  }

  private created(e: CustomEvent<User>) {
    report(this, strings(this.language).users.created(e.detail.username), 'ok');
    void this.load();
  }

  private saveGrant(u: User, e: Event) {
    const row = (e.target as HTMLElement).closest('tr')!;
    const value = (name: string) => (row.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '').trim();
    void this.patch(u, { role: value('role'), scope: value('scope') || null, unit: value('unit') || null }).then((ok) => {
      if (ok) this.editing = null;
    });
  }

  private async resetPassword(u: User) {
    const t = strings(this.language).users;
    const password = prompt(t.newPassword(u.username));
    if (password === null) return;
    if (await this.patch(u, { password })) report(this, t.passwordReset(u.username), 'ok');
  }

  /** One change to a user; true when the server accepted it. */
  private async patch(u: User, body: Record<string, unknown>): Promise<boolean> {
    try {
      await apiRequest<User>('PATCH', `/api/users/${u.id}`, { csrf: this.csrf, body });
      await this.load();
      return true;
    } catch (err) {
      report(this, `${u.username}: ${errorMessage(err)}`);
      return false;
    }
  }
}

customElements.define('gs-user-panel', UserPanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-user-panel': UserPanel;
  }
}
