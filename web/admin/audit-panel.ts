import { LitElement, css, html } from 'lit';
import { apiRequest, errorMessage } from '../shared/api-request.js';
import { beijingIso, formatTime, strings } from './admin-i18n.js';
import { adminStyles } from './admin-styles.js';
import { describeChange } from './audit-change.js';
import type { AuditEntry, AuditPage, Lang } from './admin-types.js';

const PAGE_SIZE = 50;
/** Suggestions only: the log's target types and action prefixes grow with the server (incidents, directives, …). */
const TARGET_TYPES = ['user', 'token', 'incident', 'directive', 'grid'];
const ACTIONS = ['auth.', 'user.', 'token.', 'incident.', 'auth.login_failed', 'user.create', 'token.revoke'];
const FILTERS = ['actor', 'target_type', 'target_id', 'action', 'from', 'to'] as const;

/** The audit log, newest first, filtered on the server; "load older" follows next_before with the same filters. */
export class AuditPanel extends LitElement {
  static override properties = {
    language: {},
    entries: { state: true },
    nextBefore: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [
    adminStyles,
    css`
    td.change { font-size: .82rem; line-height: 1.5; color: #c9d6ea; max-width: 34rem; }
    td.change div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .more { margin-top: .8rem; display: flex; gap: 1rem; align-items: center; }
    input[type="datetime-local"] { min-width: 12rem; }
  `,
  ];

  /** Interface language. */
  declare language: Lang;
  declare private entries: AuditEntry[] | null;
  declare private nextBefore: number | null;
  declare private error: string;
  declare private busy: boolean;
  /** The filters of the entries shown, as sent to the API, kept for "load older". */
  private query: Record<string, string | undefined> = {};

  constructor() {
    super();
    this.language = 'zh';
    this.entries = null;
    this.nextBefore = null;
    this.error = '';
    this.busy = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load(false);
  }

  override render() {
    const s = strings(this.language);
    const t = s.audit;
    return html`
      <form class="panel" data-form="audit-filters" @submit=${this.applyFilters} @reset=${this.clearFilters}>
        <h2>${t.heading}</h2>
        <div class="fields">
          <label>${t.actor}<input name="actor" placeholder="user:commander"></label>
          <label>${t.targetType}<input name="target_type" list="target-types"></label>
          <label>${t.targetId}<input name="target_id"></label>
          <label>${t.actionPrefix}<input name="action" list="actions" placeholder="user."></label>
          <label>${t.from} (${t.timeHint})<input name="from" type="datetime-local"></label>
          <label>${t.to}<input name="to" type="datetime-local"></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t.apply}</button>
          <button type="reset">${t.reset}</button>
        </div>
        <datalist id="target-types">${TARGET_TYPES.map((v) => html`<option value=${v}></option>`)}</datalist>
        <datalist id="actions">${ACTIONS.map((v) => html`<option value=${v}></option>`)}</datalist>
        <div class="form-error" role="alert" data-form-error>${this.error}</div>
      </form>
      <section>${this.entries === null ? html`<p class="muted">${s.loading}</p>` : this.renderEntries(this.entries)}</section>`;
  }

  private renderEntries(entries: AuditEntry[]) {
    const t = strings(this.language).audit;
    if (!entries.length) return html`<p class="muted" data-audit-empty>${t.empty}</p>`;
    return html`
      <table data-table="audit">
        <thead><tr><th>${t.at}</th><th>${t.actor}</th><th>${t.action}</th><th>${t.target}</th><th>${t.change}</th><th>${t.ip}</th></tr></thead>
        <tbody>${entries.map(
          (e) => html`<tr data-audit=${e.id} data-action=${e.action}>
          <td>${formatTime(e.at, this.language)}</td>
          <td class="mono">${e.actor}</td>
          <td class="mono">${e.action}</td>
          <td class="mono" data-target=${`${e.target_type}:${e.target_id}`}>${e.target_type}:${e.target_id}</td>
          <td class="change mono" title=${JSON.stringify({ before: e.before, after: e.after }, null, 1)}>
            ${describeChange(e.before, e.after).map((line) => html`<div>${line}</div>`)}</td>
          <td class="mono muted">${e.client_ip ?? ''}</td>
        </tr>`,
        )}</tbody>
      </table>
      <div class="more">${
        this.nextBefore === null
          ? html`<span class="muted">${t.end}</span>`
          : html`<button data-action="older" ?disabled=${this.busy} @click=${() => this.load(true)}>${t.older}</button>`
      }</div>`;
  }

  private applyFilters(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    this.query = Object.fromEntries(FILTERS.map((k) => [k, k === 'from' || k === 'to' ? beijingIso(text(k) ?? '') : text(k)]));
    void this.load(false);
  }

  private clearFilters() {
    this.query = {};
    void this.load(false);
  }

  /** The newest page for the current filters, or (older) the page after the last entry shown. */
  private async load(older: boolean) {
    this.busy = true;
    this.error = '';
    try {
      const before = older ? (this.nextBefore ?? undefined) : undefined;
      const page = await apiRequest<AuditPage>('GET', '/api/audit', { query: { ...this.query, before, limit: PAGE_SIZE } });
      this.entries = older ? [...(this.entries ?? []), ...page.entries] : page.entries;
      this.nextBefore = page.next_before;
    } catch (err) {
      this.error = errorMessage(err);
      if (!older) this.entries = this.entries ?? [];
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('gs-audit-panel', AuditPanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-audit-panel': AuditPanel;
  }
}
