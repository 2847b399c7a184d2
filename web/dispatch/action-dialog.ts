import { css, html, LitElement, nothing } from 'lit';
import { TRANSITIONS, unitCountProblem, type Action } from '../../server/contract/incident-workflow.js';
import { errorMessage } from '../shared/api-request.js';
import { deadlinePreview, units as fetchUnits, type IncidentDetail, type TransitionBody, type Unit } from './dispatch-api.js';
import { formatTime, strings, type Lang } from './dispatch-i18n.js';
import { consoleStyles } from './dispatch-styles.js';

/**
 * The form of one workflow action that needs more than a click: a note
 * (with quick replies, 常用语), the incident it duplicates, or the units to
 * dispatch to (one for red and blue, several for yellow, the usual units
 * for the category first) with the deadline, as the server computes it,
 * shown before confirming.
 * Fires `confirm` with the transition body, `cancel` on Esc or Cancel.
 */
export class ActionDialog extends LitElement {
  static override properties = {
    action: { attribute: false },
    incident: { attribute: false },
    lang: { attribute: false },
    note: { state: true },
    duplicateOf: { state: true },
    chosen: { state: true },
    suggested: { state: true },
    others: { state: true },
    problem: { state: true },
    preview: { state: true },
    busy: { attribute: false },
  };
  static override styles = [
    consoleStyles,
    css`
    :host { position: fixed; inset: 0; background: rgba(3, 8, 18, .7); display: flex; align-items: center; justify-content: center; z-index: 10; }
    form { background: #0f1930; border: 1px solid #2a3b60; border-radius: 8px; padding: 1rem 1.2rem; width: min(34rem, 92vw); max-height: 86vh; overflow-y: auto; display: flex; flex-direction: column; gap: .7rem; }
    h2 { margin: 0; font-size: 1.05rem; }
    label { font-size: .85rem; color: #9fb3d1; display: flex; flex-direction: column; gap: .3rem; }
    .quick { display: flex; flex-wrap: wrap; gap: .35rem; }
    .quick button { font-size: .78rem; background: #1a2a48; }
    fieldset { border: 1px solid #24365c; border-radius: 6px; padding: .4rem .6rem; margin: 0; }
    legend { font-size: .8rem; color: #9fb3d1; padding: 0 .3rem; }
    fieldset label { flex-direction: row; align-items: center; gap: .45rem; color: #e6edf7; padding: .12rem 0; }
    .hint { font-size: .8rem; color: #9fb3d1; line-height: 1.45; }
    .problem { color: #ff9aa5; font-size: .85rem; }
    .buttons { display: flex; justify-content: flex-end; gap: .5rem; }
  `,
  ];

  declare action: Action;
  declare incident: IncidentDetail;
  declare lang: Lang;
  declare busy: boolean;
  declare note: string;
  declare duplicateOf: string;
  declare chosen: string[];
  declare suggested: Unit[];
  declare others: Unit[];
  declare problem: string;
  /** The server's deadline for a dispatch now to the chosen units (GET …/deadline-preview). */
  declare preview: { from: string; due_at: string; deadline_hours: number } | null;
  private previewAsked = 0;

  constructor() {
    super();
    this.lang = 'zh';
    this.busy = false;
    this.note = '';
    this.duplicateOf = '';
    this.chosen = [];
    this.suggested = [];
    this.others = [];
    this.problem = '';
    this.preview = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.action === 'dispatch') void this.loadUnits().then(() => this.loadPreview());
  }

  /**
   * Asks the server what the deadline would be for a dispatch now: the same
   * working-calendar code as the dispatch, never a copy of it in the browser.
   * Asked again when the units change (they are checked as the dispatch would);
   * a late answer to an earlier choice is dropped.
   */
  private async loadPreview(): Promise<void> {
    const asked = ++this.previewAsked;
    try {
      const p = await deadlinePreview(this.incident.code, this.chosen);
      if (asked === this.previewAsked) this.preview = p;
    } catch (err) {
      if (asked === this.previewAsked) this.problem = errorMessage(err);
    }
  }

  override firstUpdated(): void {
    (this.renderRoot.querySelector('textarea, input:not([type=checkbox]):not([type=radio])') as HTMLElement | null)?.focus();
  }

  /** The usual units for the category in the incident's street first (preselected when there is one), then the rest serving it. */
  private async loadUnits(): Promise<void> {
    try {
      const region = this.incident.street_code;
      const [usual, serving] = await Promise.all([fetchUnits({ region, category: this.incident.category }), fetchUnits({ region })]);
      this.suggested = usual;
      this.others = serving.filter((u) => !usual.some((s) => s.code === u.code));
      if (usual.length === 1) this.chosen = [usual[0]!.code];
    } catch (err) {
      this.problem = errorMessage(err);
    }
  }

  override render() {
    const t = strings(this.lang);
    const needs = TRANSITIONS[this.action].needs ?? [];
    const quick = t.quick[this.action] ?? [];
    return html`<form @submit=${this.submit} @keydown=${this.onKey}>
      <h2>${t.act[this.action]} · <span class="mono">${this.incident.code}</span></h2>
      ${this.action === 'dispatch' ? this.renderUnits() : nothing}
      ${
        this.action === 'mark_duplicate'
          ? html`<label>${t.form.duplicateOf}
        <input name="duplicate_of" class="mono" placeholder="SJ…" pattern="SJ[0-9]{15}" required .value=${this.duplicateOf} @input=${(e: Event) => {
          this.duplicateOf = (e.target as HTMLInputElement).value.trim();
        }}></label>`
          : nothing
      }
      ${
        (this.action !== 'dispatch' && this.action !== 'mark_duplicate') || needs.includes('note')
          ? html`
        <label>${t.form.note}<textarea name="note" rows="3" .value=${this.note} @input=${(e: Event) => {
          this.note = (e.target as HTMLTextAreaElement).value;
        }}></textarea></label>
        ${
          quick.length
            ? html`<div class="quick" aria-label=${t.form.quick}>${quick.map(
                (q) =>
                  html`<button type="button" data-quick @click=${() => {
                    this.note = q;
                  }}>${q}</button>`,
              )}</div>`
            : nothing
        }`
          : nothing
      }
      ${this.problem ? html`<div class="problem" role="alert">${this.problem}</div>` : nothing}
      <div class="buttons">
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('cancel'))}>${t.form.cancel}</button>
        <button type="submit" class="primary" data-confirm ?disabled=${this.busy}>${t.form.confirm}</button>
      </div>
    </form>`;
  }

  private renderUnits() {
    const t = strings(this.lang);
    const several = this.incident.urgency === 'yellow';
    const option = (u: Unit) => html`<label><input type=${several ? 'checkbox' : 'radio'} name="unit" value=${u.code}
        .checked=${this.chosen.includes(u.code)} @change=${(e: Event) => this.toggle(u.code, (e.target as HTMLInputElement).checked, several)}>
      ${this.lang === 'en' && u.name_en ? u.name_en : u.name} <span class="muted">${t.form.open(u.open_assignments)}</span></label>`;
    return html`
      <div class="hint">${several ? t.form.manyUnits : t.form.oneUnit}</div>
      ${this.suggested.length ? html`<fieldset><legend>${t.form.suggested}</legend>${this.suggested.map(option)}</fieldset>` : nothing}
      ${this.others.length ? html`<fieldset><legend>${t.form.otherUnits}</legend>${this.others.map(option)}</fieldset>` : nothing}
      <div class="hint" data-deadline data-due=${this.preview?.due_at ?? ''} data-from=${this.preview?.from ?? ''}>${
        this.preview ? t.form.deadlineDue(formatTime(this.preview.due_at, this.lang), this.preview.deadline_hours) : t.form.deadlineUnknown
      }</div>`;
  }

  private toggle(code: string, on: boolean, several: boolean): void {
    if (!several) this.chosen = on ? [code] : [];
    else this.chosen = on ? [...this.chosen, code] : this.chosen.filter((c) => c !== code);
    this.problem = '';
    void this.loadPreview();
  }

  private onKey(e: KeyboardEvent): void {
    e.stopPropagation();
    if (e.key === 'Escape') this.dispatchEvent(new CustomEvent('cancel'));
  }

  private submit(e: Event): void {
    e.preventDefault();
    const t = strings(this.lang);
    const body: TransitionBody = { action: this.action };
    const needs = TRANSITIONS[this.action].needs ?? [];
    if (this.note.trim()) body.note = this.note.trim();
    if (needs.includes('note') && !body.note) {
      this.problem = t.form.noteNeeded;
      return;
    }
    if (this.action === 'dispatch') {
      const problem = unitCountProblem(this.incident.urgency, this.chosen);
      if (problem) {
        this.problem = this.chosen.length ? problem : t.form.pickUnit;
        return;
      }
      body.units = this.chosen;
    }
    if (this.action === 'mark_duplicate') body.duplicate_of = this.duplicateOf;
    this.dispatchEvent(new CustomEvent<TransitionBody>('confirm', { detail: body }));
  }
}

customElements.define('gs-action-dialog', ActionDialog);

declare global {
  interface HTMLElementTagNameMap {
    'gs-action-dialog': ActionDialog;
  }
}
