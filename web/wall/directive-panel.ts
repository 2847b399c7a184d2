import { css, html, LitElement } from 'lit';
import type { Directive } from './api-types.js';
import { formatTime, strings } from './i18n.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/**
 * Every running directive (督办指令), newest first, and per district whether
 * it answered, sent a zero report, or is still awaited. On a district's wall
 * the server sends only that district's row: a directive it has answered
 * while others have not stays, marked 本区已回复; on the wall of a street,
 * community or grid (its district's row again), 荷塘区已回复.
 */
export class DirectivePanel extends LitElement {
  static override properties = { directives: { attribute: false }, regionNames: { attribute: false }, place: {}, lang: {} };
  static override styles = [
    panelStyles,
    css`
    :host { overflow: hidden; }
    section + section { margin-top: 0.45rem; padding-top: 0.45rem; border-top: 1px solid #1c2945; }
    .title { display: flex; gap: 0.4rem; align-items: baseline; font-size: 1rem; line-height: 1.4rem; }
    .title b { font-weight: 500; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .deadline { color: #8a9bb8; font-size: 0.85rem; white-space: nowrap; }
    .tally { font-size: 0.85rem; white-space: nowrap; }
    ul { list-style: none; margin: 0.15rem 0 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(7.2rem, 1fr)); gap: 0 0.8rem; }
    li { display: flex; justify-content: space-between; gap: 0.3rem; font-size: 0.85rem; line-height: 1.3rem; white-space: nowrap; }
    li > span:first-child { overflow: hidden; text-overflow: ellipsis; }
    .answered { color: #7fd18b; } .zero_report { color: #9fb3d9; } .waiting { color: #f4c430; }
    /* Past the deadline (of the round shown, for a daily directive) and still waiting. */
    .late, .deadline.late { color: #ff6b6b; }
  `,
  ];

  /** Running directives; empty = none; undefined = not loaded (or not offered by this server). */
  declare directives?: Directive[];
  /** District code → name in the wall's language. */
  declare regionNames: Map<string, string>;
  /** The wall's place (its code); undefined until the figures come, when a district's row is taken for the wall's own. */
  declare place?: string;
  declare lang: Lang;

  constructor() {
    super();
    this.regionNames = new Map();
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    if (!this.directives?.length) return html`<div class="empty" data-directive="none">${t.noDirective}</div>`;
    return this.directives.map((d) => this.renderDirective(d));
  }

  /** 本区已回复 on the district's own wall; below it (a street's, say) the district is named. */
  private ownTally(own: Directive['districts'][number]): string {
    const t = strings(this.lang);
    const waiting = own.status === 'waiting';
    if (!this.place || this.place === own.code) return waiting ? t.ownWaiting : t.ownAnswered;
    return waiting ? t.districtWaiting(own.name) : t.districtAnswered(own.name);
  }

  private renderDirective(d: Directive) {
    const t = strings(this.lang);
    const own = d.districts.length === 1 ? d.districts[0]! : undefined;
    // A city wall lists only who is still awaited: 27 districts × several directives would not fit.
    const waiting = d.districts.filter((x) => x.status === 'waiting');
    const shown = own ? [] : waiting;
    return html`<section data-directive=${String(d.id)} data-round=${String(d.round ?? 1)} ?data-overdue=${d.overdue}>
      <div class="title"><b>${d.title}</b>${d.round ? html`<span class="deadline">${t.roundOf(d.round)}</span>` : ''}${
        d.deadline ? html`<span class="deadline ${d.overdue ? 'late' : ''}">${t.deadline} ${formatTime(d.deadline, this.lang, true)}</span>` : ''
      }</div>
      ${
        own
          ? html`<div class="tally ${own.status} ${own.late && own.status === 'waiting' ? 'late' : ''}" data-code=${own.code} data-status=${own.status}
              ?data-late=${own.late}>${this.ownTally(own)}</div>`
          : html`<div class="tally" data-answered=${d.districts.length - waiting.length} data-addressed=${d.districts.length}>${t.answeredOf(d.districts.length - waiting.length, d.districts.length)}</div>
          <ul>${shown.map(
            (x) => html`<li data-code=${x.code} data-status=${x.status} ?data-late=${x.late}>
            <span>${this.regionNames.get(x.code) ?? x.name ?? x.code}</span><span class=${x.late ? 'late' : x.status}>${x.late ? t.directiveLate : (t.directiveStatus[x.status] ?? x.status)}</span>
          </li>`,
          )}</ul>`
      }
    </section>`;
  }
}

customElements.define('gs-directive-panel', DirectivePanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-directive-panel': DirectivePanel;
  }
}
