import { css, html, LitElement, nothing } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { OPEN_STATUSES, STATUS_NAMES } from '../../server/contract/vocabulary.js';
import { categoryName } from './field-categories.js';
import { incidentDetail, incidents, type IncidentRow, myTasks, transition } from './field-api.js';
import { type Lang, strings } from './field-i18n.js';
import { newKey } from './outbox-store.js';
import { uploadPhoto } from './outbox-sender.js';
import { downscalePhoto } from './photo-downscale.js';
import { fieldStyles, photoPicker } from './field-styles.js';

/**
 * 任务. A grid worker: the open incidents of their grid by state, and the
 * resolved ones to check on site (核查: photo, fixed / not fixed, note).
 * A handler: their unit's incidents, overdue first then by due time, urged
 * (督办) ones marked; start, and resolve with an after photo. Fires `counted`
 * with the number of tasks waiting, for the home screen.
 */
/** A resolved incident of my grid not yet checked by me (the plain list cannot tell: every resolved one). */
const toCheck = (r: IncidentRow) => r.status === 'resolved' && r.needs_check !== false;

export class TasksView extends LitElement {
  static override properties = {
    lang: { attribute: false },
    duty: { attribute: false },
    csrf: { attribute: false },
    rows: { state: true },
    open: { state: true },
    photo: { state: true },
    problem: { state: true },
  };
  static override styles = [
    fieldStyles,
    css`
      .row { display: grid; gap: 0.3rem; }
      .tag { display: inline-block; border-radius: 6px; padding: 0 0.4rem; font-size: 0.8rem; margin-left: 0.3rem; }
      .overdue { background: #5a1d24; color: #ffb0b9; }
      .urged { background: #3a2a14; color: #ffd873; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: 0.4rem; }
      input[type='text'] { font: inherit; min-height: 44px; border-radius: 8px; border: 1px solid #2a3b60; background: #0f1930; color: inherit; padding: 0 0.6rem; }
    `,
  ];

  override lang: Lang = 'zh';
  duty: 'grid_worker' | 'handler' = 'grid_worker';
  csrf: string | null = null;
  private rows: IncidentRow[] | null = null;
  /** The incident whose photo form is open. */
  private open = '';
  private photo: { blob: Blob; url: string } | null = null;
  private problem = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const served = await myTasks();
      if (served) this.rows = served;
      else if (this.duty === 'handler') {
        const { rows } = await incidents(['dispatched', 'in_progress'], 50);
        // The list has no due time: each of the (few) incidents of the queue is read in full.
        const full = await Promise.all(rows.map(async (r) => ({ ...r, ...(await incidentDetail(r.code)).properties })));
        this.rows = full.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.due_at ?? '~').localeCompare(b.due_at ?? '~'));
      } else this.rows = (await incidents(OPEN_STATUSES, 100)).rows;
      const waiting = this.duty === 'handler' ? this.rows.length : this.rows.filter(toCheck).length;
      this.dispatchEvent(new CustomEvent('counted', { detail: waiting, bubbles: true, composed: true }));
      this.problem = '';
    } catch (err) {
      this.problem = errorMessage(err);
    }
  }

  private async pick(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const blob = await downscalePhoto(file);
    this.photo = { blob, url: URL.createObjectURL(blob) };
  }

  /** Uploads the photo (when one is needed), then takes the action. */
  private async act(code: string, body: Record<string, unknown>, photoKind?: 'after' | 'check'): Promise<void> {
    try {
      if (photoKind) {
        if (!this.photo) {
          this.problem = strings(this.lang).afterPhoto;
          return;
        }
        await uploadPhoto(code, { key: newKey(), kind: photoKind, blob: this.photo.blob, sent: false }, this.csrf);
      }
      await transition(code, this.csrf, body);
      this.open = '';
      this.photo = null;
      await this.load();
    } catch (err) {
      this.problem = errorMessage(err);
    }
  }

  override render() {
    const t = strings(this.lang);
    if (this.rows === null) return html`<p class="hint">${this.problem || t.loading}</p>`;
    const rows = this.duty === 'handler' ? this.rows : [...this.rows].sort((a, b) => Number(toCheck(b)) - Number(toCheck(a)));
    return html`<h3>${this.duty === 'handler' ? t.myUnitTasks : t.myGridTasks}</h3>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${rows.length === 0 ? html`<p class="hint">${t.noTasks}</p>` : nothing}
      <ul>${rows.map((r) => this.renderRow(r))}</ul>`;
  }

  private renderRow(r: IncidentRow) {
    const t = strings(this.lang);
    const due = r.due_at ? new Date(r.due_at).toLocaleString(this.lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' }) : '';
    return html`<li class="card row" data-task=${r.code} data-status=${r.status}>
      <div>
        <b>${categoryName(r.category, this.lang)}</b> · ${STATUS_NAMES[r.status as keyof typeof STATUS_NAMES]?.[this.lang] ?? r.status}
        ${r.overdue ? html`<span class="tag overdue" data-overdue>${t.overdue}</span>` : nothing}
        ${r.urged_at ? html`<span class="tag urged" data-urged>${t.urged}</span>` : nothing}
      </div>
      <div class="hint">${r.code}${due ? ` · ${t.due(due)}` : ''}</div>
      <div>${r.description}</div>
      ${this.renderActions(r)}
    </li>`;
  }

  private renderActions(r: IncidentRow) {
    const t = strings(this.lang);
    const pickPhoto = (label: string) =>
      photoPicker(
        label,
        (i) => this.pick(i),
        this.photo ? [this.photo] : [],
        (kb) => `${kb} KB`,
      );
    if (this.duty === 'handler' && r.status === 'dispatched')
      return html`<div class="actions"><button type="button" data-start @click=${() => this.act(r.code, { action: 'start' })}>${t.start}</button></div>`;
    if (this.duty === 'handler' && r.status === 'in_progress') {
      if (this.open !== r.code)
        return html`<div class="actions"><button type="button" data-open-resolve @click=${() => (this.open = r.code)}>${t.resolve}</button></div>`;
      return html`<div class="actions">${pickPhoto(t.afterPhoto)}
        <button type="button" data-resolve ?disabled=${!this.photo} @click=${() => this.act(r.code, { action: 'resolve' }, 'after')}>${t.resolve}</button></div>`;
    }
    if (this.duty === 'grid_worker' && toCheck(r)) {
      if (this.open !== r.code)
        return html`<div class="actions"><button type="button" data-open-check @click=${() => (this.open = r.code)}>${t.check} · ${t.toCheck}</button></div>`;
      const note = () => this.renderRoot.querySelector<HTMLInputElement>('input[name="note"]')?.value ?? '';
      const check = (verdict: 'fixed' | 'not_fixed') => this.act(r.code, { action: 'check', verdict, note: note() }, 'check');
      return html`<div class="actions">${pickPhoto(t.checkPhoto)}
        <input type="text" name="note" placeholder=${t.note} />
        <button type="button" data-verdict="fixed" ?disabled=${!this.photo} @click=${() => check('fixed')}>${t.fixed}</button>
        <button type="button" data-verdict="not_fixed" ?disabled=${!this.photo} @click=${() => check('not_fixed')}>${t.notFixed}</button></div>`;
    }
    return nothing;
  }
}

customElements.define('gs-tasks-view', TasksView);
declare global {
  interface HTMLElementTagNameMap {
    'gs-tasks-view': TasksView;
  }
}
