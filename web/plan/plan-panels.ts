import { css, html, LitElement, nothing } from 'lit';
import type { DiffFeature, PlanGrid, PlanProblem, WhatIf } from './plan-api.js';
import { problemText, strings, type Lang } from './plan-i18n.js';
import { localeOf } from '../shared/i18n.js';

const panelStyles = css`
  :host { display: block; font-size: .88rem; overflow-x: auto; }
  h2 { font-size: 1rem; margin: .9rem 0 .5rem; color: #c9d6ea; font-weight: 600; }
  ul { list-style: none; margin: 0; padding: 0; }
  li { padding: .35rem .5rem; border-radius: 5px; margin-bottom: .3rem; background: #2a1a26; }
  li b { color: #ff9db0; font-weight: 600; margin-right: .4rem; }
  li [data-keys] { margin-right: .4rem; }
  .ok { background: #1f4d2e; color: #c8f5d4; padding: .5rem .7rem; border-radius: 6px; }
  table { border-collapse: collapse; width: 100%; }
  /* Headers may wrap and are a little smaller, and the three incident columns share one group header: the eight columns
     fit the panel in English too. Should a panel still be too narrow, the table scrolls sideways rather than being cut. */
  th.group { text-align: center; border-bottom-color: #3a4d75; }
  th { text-align: right; vertical-align: bottom; color: #9fb3d1; font-weight: 500; font-size: .78rem; border-bottom: 1px solid #2a3b60; padding: .3rem .3rem; }
  td { text-align: right; border-bottom: 1px solid #1e2c4a; padding: .3rem .3rem; font-variant-numeric: tabular-nums; }
  th:first-child, td:first-child, td.code { text-align: left; }
  tr.selected td { background: #1d3560; }
  .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .8rem; }
  .up { color: #ffb020; } .down { color: #5cc8ff; }
  .warnings li { background: #2a2619; } .warnings li b { color: #ffd27a; }
`;

/** The validation problems as a list, in the server's order; each also drawn on the map. */
export class PlanProblems extends LitElement {
  static override properties = { problems: { attribute: false }, warnings: { attribute: false }, lang: {}, validated: { type: Boolean } };
  static override styles = panelStyles;
  declare problems: PlanProblem[];
  /** Problems of grids the plan keeps unchanged: listed apart, they do not block publishing. */
  declare warnings: PlanProblem[];
  declare lang: Lang;
  /** Whether the current revision has been validated yet. */
  declare validated: boolean;

  constructor() {
    super();
    this.problems = [];
    this.warnings = [];
    this.lang = 'zh';
    this.validated = false;
  }

  override render() {
    const t = strings(this.lang);
    if (!this.validated) return html`<h2>${t.problems}</h2><p class="muted">${t.loading}</p>`;
    return html`<h2>${t.problems} (${this.problems.length})</h2>
      ${this.problems.length === 0 ? html`<p class="ok" data-valid>${t.noProblems}</p>` : html`<ul data-problems>${this.problems.map((p) => this.item(p))}</ul>`}
      ${this.warnings.length ? html`<h2>${t.warnings} (${this.warnings.length})</h2><ul data-warnings class="warnings">${this.warnings.map((p) => this.item(p))}</ul>` : nothing}`;
  }

  private item(p: PlanProblem) {
    const w = problemText(p.properties, this.lang);
    return html`<li data-reason=${p.properties.reason}>
      <b>${w.reason}</b>${w.keys ? html`<span data-keys>${w.keys}</span> ` : nothing}
      <span class="muted" data-detail>${w.detail}${w.area ? ` · ${w.area}` : ''}</span>
    </li>`;
  }
}

/** The draft's grids with households, population, workers and incidents, and the what-if against the published grids. */
export class PlanGridTable extends LitElement {
  static override properties = {
    grids: { attribute: false },
    whatIf: { attribute: false },
    diff: { attribute: false },
    selection: { attribute: false },
    lang: {},
  };
  static override styles = panelStyles;
  declare grids: PlanGrid[];
  declare whatIf: WhatIf | null;
  declare diff: DiffFeature[];
  declare selection: number[];
  declare lang: Lang;

  constructor() {
    super();
    this.grids = [];
    this.whatIf = null;
    this.diff = [];
    this.selection = [];
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    const change = (key: number) => this.diff.find((d) => d.properties.key === key)?.properties.change;
    const shift = (key: number) => this.whatIf?.grids.find((g) => g.key === key);
    const locale = localeOf(this.lang);
    return html`<h2>${t.grids} (${this.grids.length})</h2>
      <table data-grids>
        <tr><th rowspan="2">${t.key}</th><th rowspan="2">${t.code}</th><th rowspan="2">${t.households}</th><th rowspan="2">${t.population}</th><th rowspan="2">${t.workers}</th><th colspan="3" class="group">${t.incidentsGroup}</th></tr>
        <tr><th>${t.incidents}</th><th>${t.incidentsDraft}</th><th>${t.incidentsNow}</th></tr>
        ${this.grids.map((g) => {
          const p = g.properties;
          const w = shift(p.key);
          const c = change(p.key);
          return html`<tr data-key=${p.key} class=${this.selection.includes(p.key) ? 'selected' : ''}>
            <td>${p.key}</td>
            <td class="code mono">${p.code ? p.code.slice(12) : t.newCode}${c && c !== 'unchanged' ? html` <span class="muted">(${t.change[c]})</span>` : nothing}</td>
            <td>${p.households.toLocaleString(locale)}</td><td>${p.population.toLocaleString(locale)}</td><td>${p.workers}</td><td>${p.incidents}</td>
            <td data-what-if>${w ? w.incidents : '…'}</td>
            <td>${w?.incidents_published ?? '—'}</td>
          </tr>`;
        })}
      </table>
      ${this.whatIf?.removed.length ? html`<h2>${t.removed}</h2><ul>${this.whatIf.removed.map((r) => html`<li class="mono">${r.code} · ${r.households} · ${r.incidents_published}</li>`)}</ul>` : nothing}`;
  }
}

customElements.define('gs-plan-problems', PlanProblems);
customElements.define('gs-plan-grid-table', PlanGridTable);

declare global {
  interface HTMLElementTagNameMap {
    'gs-plan-problems': PlanProblems;
    'gs-plan-grid-table': PlanGridTable;
  }
}
