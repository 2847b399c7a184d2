import { css, html, LitElement, nothing } from 'lit';
import { consoleStyles } from '../dispatch/dispatch-styles.js';
import type { Directive, DistrictRow, Round } from './directives-api.js';
import { strings, type Lang } from './directives-i18n.js';
import { localeOf, monthOf } from '../shared/i18n.js';

/** A time in China time, as the centre reads it: 30日 14:05. */
export function chinaTime(lang: Lang, t: string | Date): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    timeZone: 'Asia/Shanghai',
    month: lang === 'en' ? monthOf(lang) : 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(t));
}

/** Late: answered after the deadline (the server says), or still waiting now that it has passed (the page's clock says, between events). */
export const isLate = (row: DistrictRow, round: Round, now: number) => row.late || (row.status === 'waiting' && now > Date.parse(round.deadline));

/**
 * The live board of one directive: its text and attachment, the round picked
 * (a daily directive has one a day), and one row per district with its state,
 * time to answer, answer and figures; late rows highlighted. Commanders and
 * dispatchers get the remind (催报) button. Fires `round` (a round number)
 * and `remind`.
 */
export class DirectiveBoard extends LitElement {
  static override properties = {
    directive: { attribute: false },
    rounds: { attribute: false },
    round: { attribute: false },
    lang: { attribute: false },
    now: { attribute: false },
    canRemind: { attribute: false },
    busy: { attribute: false },
    englishNames: { attribute: false },
  };
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; padding: .8rem 1rem; overflow: auto; }
      h2 { margin: 0 0 .3rem; font-size: 1.1rem; }
      .meta { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; font-size: .85rem; color: #9fb3d1; }
      .body { white-space: pre-wrap; margin: .5rem 0; font-size: .9rem; line-height: 1.5; }
      details { margin: .4rem 0; font-size: .85rem; }
      details table { margin-top: .3rem; }
      .bar { display: flex; gap: .8rem; align-items: center; margin: .7rem 0 .5rem; flex-wrap: wrap; }
      .bar .summary { margin-left: auto; font-size: .9rem; }
      table { border-collapse: collapse; width: 100%; font-size: .88rem; }
      th { text-align: left; font-weight: normal; color: #7d8aa3; padding: .35rem .5rem; border-bottom: 1px solid #1e2c4a; white-space: nowrap; }
      td { padding: .45rem .5rem; border-bottom: 1px solid #16223b; vertical-align: top; }
      tr[data-late] td { background: rgba(255, 77, 94, .12); }
      tr[data-late] td:first-child { box-shadow: inset 3px 0 #ff4d5e; }
      .answer { max-width: 32rem; white-space: pre-wrap; }
      .badge.answered { background: #123a2a; color: #6ee7a8; }
      .badge.zero_report { background: #16345c; color: #8fc6ff; }
      .badge.waiting { background: #3a2a14; color: #ffd873; }
      .fig { display: inline-block; margin: 0 .4rem .2rem 0; }
      .fig b { color: #5cc8ff; font-weight: 600; }
      /* A phone: one card per district, each cell on its own line under its name; nothing scrolls sideways. */
      @media (max-width: 700px) {
        table.districts thead { display: none; }
        table.districts, table.districts tbody, table.districts tr, table.districts td { display: block; }
        table.districts tr { border: 1px solid #1e2c4a; border-radius: 6px; margin: 0 0 .5rem; padding: .35rem .6rem; }
        table.districts td { border: 0; padding: .15rem 0; background: none !important; box-shadow: none !important; }
        table.districts td.name { font-weight: 600; }
        table.districts td[data-label]::before { content: attr(data-label); color: #7d8aa3; font-size: .78rem; margin-right: .5rem; }
        table.districts td[data-none] { display: none; }
        table.districts tr[data-late] { background: rgba(255, 77, 94, .12); box-shadow: inset 3px 0 #ff4d5e; }
        .answer { max-width: none; }
      }
    `,
  ];

  declare directive: Directive;
  declare rounds: Round[];
  declare round: number;
  declare lang: Lang;
  declare now: number;
  declare canRemind: boolean;
  declare busy: boolean;
  /** District code → English name, for the English board (directive rows carry the Chinese name only). */
  declare englishNames: ReadonlyMap<string, string>;

  override render() {
    const t = strings(this.lang);
    const d = this.directive;
    const r = this.rounds.find((x) => x.round === this.round) ?? this.rounds[0];
    if (!r) return html`<p class="muted">…</p>`;
    const late = r.districts.filter((row) => isLate(row, r, this.now)).length;
    const answered = r.districts.filter((row) => row.status !== 'waiting').length;
    const waiting = r.districts.length - answered;
    return html`
      <h2>${d.title}</h2>
      <div class="meta">
        <span>${d.created_by_name ?? d.created_by.replace(/^user:/, '')} · ${chinaTime(this.lang, d.created_at)}</span>
        ${d.daily_until ? html`<span class="badge blue">${t.daily} → ${d.daily_until}</span>` : nothing}
      </div>
      ${d.body ? html`<div class="body">${d.body}</div>` : nothing}
      ${d.attachment ? this.attachment(d.attachment) : nothing}
      <div class="bar">
        ${
          this.rounds.length > 1 || d.daily_until
            ? html`<label>${t.board.round}
              <select data-round .value=${String(r.round)} @change=${(e: Event) => this.fire('round', Number((e.target as HTMLSelectElement).value))}>
                ${this.rounds.map((x) => html`<option value=${x.round} ?selected=${x.round === r.round}>${t.board.roundOf(x.round, x.date)}</option>`)}
              </select></label>`
            : nothing
        }
        <span>${t.board.deadline} <b class=${this.now > Date.parse(r.deadline) && waiting ? 'late' : ''}>${chinaTime(this.lang, r.deadline)}</b></span>
        ${
          this.canRemind
            ? html`<button class="danger" data-action="remind" ?disabled=${this.busy || waiting === 0} @click=${() => this.fire('remind', r.round)}>${t.board.remind}</button>`
            : nothing
        }
        <span class="summary" data-summary>${t.board.summary(answered, r.districts.length, late)}</span>
      </div>
      <table class="districts">
        <thead><tr><th>${t.board.district}</th><th>${t.board.status}</th><th>${t.board.minutes}</th><th>${t.board.answer}</th><th>${t.board.figures}</th><th>${t.board.reminded}</th></tr></thead>
        <tbody>${r.districts.map((row) => this.row(row, r))}</tbody>
      </table>
    `;
  }

  private row(row: DistrictRow, r: Round) {
    const t = strings(this.lang);
    const late = isLate(row, r, this.now);
    const b = t.board;
    const answer = row.answer || (row.status === 'waiting' ? '' : '—');
    const figures = row.figures ?? [];
    // On a phone each cell is a line of the district's card, named by data-label; an empty one is left out (data-none).
    return html`<tr data-district=${row.code} data-status=${row.status} ?data-late=${late}>
      <td class="name">${(this.lang === 'en' && this.englishNames?.get(row.code)) || row.name}</td>
      <td><span class="badge ${row.status}">${t.status[row.status]}</span>${late ? html` <span class="badge red">${t.status.late}</span>` : nothing}</td>
      <td class="mono" data-label=${b.minutes} ?data-none=${row.minutes_to_answer === null}>${row.minutes_to_answer === null ? '—' : b.minutesValue(row.minutes_to_answer)}</td>
      <td class="answer" data-label=${b.answer} ?data-none=${!answer}>${answer}</td>
      <td data-label=${b.figures} ?data-none=${figures.length === 0}>${figures.map((f) => html`<span class="fig">${f.label} <b class="mono">${f.value}</b></span>`)}</td>
      <td class="muted" data-label=${b.reminded} ?data-none=${!row.reminded_at}>${row.reminded_at ? chinaTime(this.lang, row.reminded_at) : ''}</td>
    </tr>`;
  }

  private attachment(a: NonNullable<Directive['attachment']>) {
    const t = strings(this.lang);
    return html`<details data-attachment><summary>${t.attachment}: ${a.filename} (${t.rows(a.rows.length)})</summary>
      <table><thead><tr>${a.columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
      <tbody>${a.rows.slice(0, 200).map((cells) => html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></details>`;
  }

  private fire(type: string, detail: number): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

customElements.define('gs-directive-board', DirectiveBoard);
