import { css, html, LitElement, nothing } from 'lit';
import { consoleStyles } from '../dispatch/dispatch-styles.js';
import { chinaTime } from './directive-board.js';
import type { Answer, DistrictRow, Round } from './directives-api.js';
import { strings, type Lang } from './directives-i18n.js';

/**
 * A district's answer to one round: a report with text and figures, or a
 * zero report (零报告) with one click; a reminder (催报) from the centre is
 * shown on top. Fires `answer` with the body (the page adds the district).
 */
export class DistrictAnswer extends LitElement {
  static override properties = {
    round: { attribute: false },
    row: { attribute: false },
    lang: { attribute: false },
    busy: { attribute: false },
    figures: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; margin: 0 1rem 1rem; padding: .7rem .9rem; background: #0f1930; border: 1px solid #2a3b60; border-radius: 6px; }
      h3 { margin: 0 0 .5rem; font-size: 1rem; }
      .reminder { background: #4a2030; color: #ffd0d8; padding: .4rem .6rem; border-radius: 4px; margin-bottom: .5rem; font-size: .88rem; }
      .figs { display: flex; flex-wrap: wrap; gap: .4rem; margin: .4rem 0; }
      .figs input[name="label"] { width: 8rem; }
      .figs input[name="value"] { width: 5rem; }
      .actions { display: flex; gap: .6rem; margin-top: .4rem; }
    `,
  ];

  declare round: Round;
  declare row: DistrictRow;
  declare lang: Lang;
  declare busy: boolean;
  declare figures: number;

  constructor() {
    super();
    this.figures = 1;
    this.busy = false;
  }

  override render() {
    const t = strings(this.lang).answer;
    const row = this.row;
    if (row.status !== 'waiting')
      return html`<h3>${t.heading}</h3><p data-answered>${t.done}: ${strings(this.lang).status[row.status]} · ${row.answered_at ? chinaTime(this.lang, row.answered_at) : ''}</p>`;
    return html`<h3>${t.heading} · ${t.due} ${chinaTime(this.lang, this.round.deadline)}</h3>
      ${row.reminded_at ? html`<div class="reminder" data-reminder>${t.remindedAt(chinaTime(this.lang, row.reminded_at))}</div>` : nothing}
      <form @submit=${this.report}>
        <textarea name="text" rows="3" maxlength="4000" placeholder=${t.text} aria-label=${t.text}></textarea>
        <div class="figs">${Array.from(
          { length: this.figures },
          () =>
            html`<span><input name="label" maxlength="40" placeholder=${t.label}> <input name="value" type="number" step="any" placeholder=${t.value}></span>`,
        )}<button type="button" @click=${() => (this.figures = Math.min(12, this.figures + 1))}>＋ ${t.addFigure}</button></div>
        <div class="actions">
          <button class="primary" type="submit" data-action="report" ?disabled=${this.busy}>${t.report}</button>
          <button type="button" data-action="zero-report" ?disabled=${this.busy} @click=${() => this.fire({ kind: 'zero_report' })}>${t.zero}</button>
        </div>
      </form>`;
  }

  private report(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const labels = form.getAll('label').map(String);
    const values = form.getAll('value').map(String);
    const figures = labels
      .map((label, i) => ({ label: label.trim(), value: Number(values[i]) }))
      .filter((f, i) => f.label && values[i]!.trim() !== '' && Number.isFinite(f.value));
    this.fire({ kind: 'report', text: String(form.get('text') ?? ''), ...(figures.length ? { figures } : {}) });
  }

  private fire(detail: Omit<Answer, 'district'>): void {
    this.dispatchEvent(new CustomEvent('answer', { detail }));
  }
}

customElements.define('gs-district-answer', DistrictAnswer);
