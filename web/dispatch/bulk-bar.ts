import { css, html, LitElement, nothing } from 'lit';
import type { BulkAction } from '../../server/contract/incident-workflow.js';
import type { BulkMode } from './dispatch-actions.js';
import type { BulkSelection } from './bulk-selection.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { consoleStyles } from './dispatch-styles.js';

const WORDS = {
  zh: {
    ticked: (n: number) => `已勾选 ${n} 项`,
    file: '批量立案',
    reject: '批量不予立案',
    untick: '取消勾选',
    reason: '不予立案的原因（每项都记入历史）',
    confirmReject: (n: number) => `确认不予立案 ${n} 项`,
    urge: '批量督办',
    urgeNote: '督办意见（记入每项历史）',
    confirmUrge: (n: number) => `确认督办 ${n} 项`,
    cancel: '取消',
    outcome: (done: number, refused: number) => `完成 ${done} 项${refused ? `，未办理 ${refused} 项（原因见列表）` : ''}`,
    clearResults: '清除结果',
    needReason: '请填写原因',
    needNote: '请填写督办意见',
  },
  en: {
    ticked: (n: number) => `${n} ticked`,
    file: 'File all',
    reject: 'Reject all',
    untick: 'Untick',
    reason: 'Reason for rejecting (recorded on each)',
    confirmReject: (n: number) => `Reject ${n}`,
    urge: 'Urge all',
    urgeNote: 'What to ask of the units',
    confirmUrge: (n: number) => `Urge ${n}`,
    cancel: 'Cancel',
    outcome: (done: number, refused: number) => `${done} done${refused ? `, ${refused} refused (reasons in the list)` : ''}`,
    clearResults: 'Clear results',
    needReason: 'Write a reason',
    needNote: 'Write what to ask of the units',
  },
};

/** Words for a row's bulk outcome and the list's "tick all", shared with the list. */
export const bulkRowWords = (lang: Lang) =>
  lang === 'en'
    ? { done: 'Done', refused: 'Not done', all: (n: number) => `Tick all ${n} in this queue` }
    : { done: '已完成', refused: '未办理', all: (n: number) => `勾选本队列全部 ${n} 项` };

/** The bar for a selection, when anything is ticked or has an outcome; `onBulk` runs the step. */
export function bulkBarFor(bulk: BulkSelection, lang: Lang, mode: BulkMode | null, onBulk: (action: BulkAction, note?: string) => void) {
  if (bulk.checked.size === 0 && bulk.results.size === 0) return nothing;
  const done = [...bulk.results.values()].filter((r) => r.ok).length;
  return html`<gs-bulk-bar .count=${bulk.checked.size} .done=${done} .refused=${bulk.results.size - done} .running=${bulk.running} .lang=${lang}
    .mode=${mode ?? 'triage'} @bulk=${(e: CustomEvent<{ action: BulkAction; note?: string }>) => onBulk(e.detail.action, e.detail.note)}
    @untick=${() => bulk.clear()} @clear-results=${() => bulk.clearResults()}></gs-bulk-bar>`;
}

/**
 * The bar over the list while rows are ticked: new reports filed all at once,
 * or rejected with one reason; incidents in hand urged (督办) with one note
 * (quick replies offered for both notes); afterwards how many were done and
 * refused. Fires `bulk` ({action, note}), `untick` and `clear-results`.
 */
export class BulkBar extends LitElement {
  static override properties = {
    count: { attribute: false },
    done: { attribute: false },
    refused: { attribute: false },
    running: { attribute: false },
    lang: { attribute: false },
    mode: { attribute: false },
    noting: { state: true },
    reason: { state: true },
    problem: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
    :host { display: flex; flex-wrap: wrap; gap: .4rem .6rem; align-items: center; padding: .4rem .7rem; background: #14284a; border-bottom: 1px solid #2a3b60; font-size: .85rem; }
    input { flex: 1; min-width: 12rem; }
    .quick { display: flex; flex-wrap: wrap; gap: .3rem; width: 100%; }
    .quick button { font-size: .75rem; background: #1a2a48; }
    .problem { color: #ff9aa5; }
  `,
  ];

  /** Rows ticked now. */
  declare count: number;
  /** Outcomes of the last runs still shown. */
  declare done: number;
  declare refused: number;
  declare running: boolean;
  declare lang: Lang;
  declare mode: BulkMode;
  /** The step whose note is being written (the form shown in place of the buttons). */
  declare noting: 'reject' | 'urge' | null;
  declare reason: string;
  declare problem: string;

  constructor() {
    super();
    this.count = 0;
    this.done = 0;
    this.refused = 0;
    this.running = false;
    this.lang = 'zh';
    this.mode = 'triage';
    this.noting = null;
    this.reason = '';
    this.problem = '';
  }

  private fire(action: BulkAction, note?: string): void {
    this.dispatchEvent(new CustomEvent('bulk', { detail: { action, note } }));
  }

  override render() {
    const w = WORDS[this.lang];
    return html`
      ${this.count ? html`<b data-ticked=${this.count}>${w.ticked(this.count)}</b>` : nothing}
      ${this.count && !this.noting ? this.renderButtons() : nothing}
      ${this.count && this.noting ? this.renderNote(this.noting) : nothing}
      ${
        this.done || this.refused
          ? html`<span data-outcome>${w.outcome(this.done, this.refused)}</span>
            <button data-bulk="clear-results" @click=${() => this.dispatchEvent(new CustomEvent('clear-results'))}>${w.clearResults}</button>`
          : nothing
      }`;
  }

  private renderButtons() {
    const w = WORDS[this.lang];
    const untick = html`<button data-bulk="untick" @click=${() => this.dispatchEvent(new CustomEvent('untick'))}>${w.untick}</button>`;
    if (this.mode === 'urge') {
      return html`<button class="primary" data-bulk="urge" ?disabled=${this.running} @click=${() => (this.noting = 'urge')}>${w.urge}</button>${untick}`;
    }
    return html`<button class="primary" data-bulk="file" ?disabled=${this.running} @click=${() => this.fire('file')}>${w.file}</button>
      <button class="danger" data-bulk="reject" ?disabled=${this.running} @click=${() => (this.noting = 'reject')}>${w.reject}</button>${untick}`;
  }

  /** The one note a rejection (its reason) or an urge (what is asked of the units) needs, recorded on every item. */
  private renderNote(action: 'reject' | 'urge') {
    const w = WORDS[this.lang];
    const quick = strings(this.lang).quick[action] ?? [];
    const [label, confirm, missing] = action === 'urge' ? [w.urgeNote, w.confirmUrge, w.needNote] : [w.reason, w.confirmReject, w.needReason];
    const submit = (e: Event) => {
      e.preventDefault();
      if (!this.reason.trim()) {
        this.problem = missing;
        return;
      }
      this.fire(action, this.reason.trim());
      this.noting = null;
      this.reason = '';
      this.problem = '';
    };
    return html`<form style="display:contents" @submit=${submit} @keydown=${(e: KeyboardEvent) => e.stopPropagation()}>
      <input name="reason" data-bulk-reason aria-label=${label} placeholder=${label} .value=${this.reason}
        @input=${(e: Event) => {
          this.reason = (e.target as HTMLInputElement).value;
        }}>
      <button type="submit" class=${action === 'urge' ? 'primary' : 'danger'} data-bulk="confirm-${action}" ?disabled=${this.running}>${confirm(this.count)}</button>
      <button type="button" @click=${() => {
        this.noting = null;
        this.problem = '';
      }}>${w.cancel}</button>
      ${this.problem ? html`<span class="problem" role="alert">${this.problem}</span>` : nothing}
      <div class="quick">${quick.map(
        (q) =>
          html`<button type="button" data-quick @click=${() => {
            this.reason = q;
            this.problem = '';
          }}>${q}</button>`,
      )}</div>
    </form>`;
  }
}

customElements.define('gs-bulk-bar', BulkBar);

declare global {
  interface HTMLElementTagNameMap {
    'gs-bulk-bar': BulkBar;
  }
}
