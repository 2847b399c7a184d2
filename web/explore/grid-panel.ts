import { css, html, LitElement } from 'lit';
import type { ExploreGrid } from '../../server/contract/explore-schemas.js';
import { formatCount, strings } from './explore-i18n.js';
import type { Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';
import { localeOf, monthOf } from '../shared/i18n.js';

const URGENCY_COLOUR: Record<string, string> = { red: '#e63946', yellow: '#f4c430', blue: '#3a86ff' };

/** A grid's households, population, workers and newest incidents with their status. */
export class GridPanel extends LitElement {
  static override properties = { grid: { attribute: false }, categoryNames: { attribute: false }, lang: {} };
  static override styles = [
    panelStyles,
    css`
    dl { display: grid; grid-template-columns: auto 1fr; gap: .15rem .8rem; margin: 0 0 .6rem; font-size: .85rem; }
    dt { color: #9fb3d1; }
    dd { margin: 0; }
    .dot { display: inline-block; width: .55rem; height: .55rem; border-radius: 50%; margin-right: .3rem; }
  `,
  ];

  declare grid?: ExploreGrid;
  declare categoryNames: Map<string, string>;
  declare lang: Lang;

  constructor() {
    super();
    this.categoryNames = new Map();
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    const g = this.grid;
    if (!g) return html`<h3>${t.grid.title}</h3><div class="empty">${t.loading}</div>`;
    const time = new Intl.DateTimeFormat(localeOf(this.lang), {
      timeZone: 'Asia/Shanghai',
      month: monthOf(this.lang),
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    return html`<h3>${t.grid.title} · ${g.name}</h3>
      <dl data-grid=${g.code}>
        <dt>${t.code}</dt><dd>${g.code}</dd>
        <dt>${t.grid.households}</dt><dd data-field="households">${formatCount(g.households, this.lang)}</dd>
        <dt>${t.grid.population}</dt><dd data-field="population">${formatCount(g.population, this.lang)}</dd>
        <dt>${t.grid.area}</dt><dd>${g.area_km2}</dd>
        <dt>${t.grid.workers}</dt><dd data-field="workers">${g.workers.length ? g.workers.map((w) => `${w.name} ${w.phone}`).join('，') : t.grid.none}</dd>
      </dl>
      <h3>${t.grid.recent}</h3>
      ${
        g.recent.length
          ? html`<table><tbody>${g.recent.map(
              (r) => html`<tr data-incident=${r.code}>
        <td>${time.format(new Date(r.reported_at))}</td>
        <td><span class="dot" style="background:${URGENCY_COLOUR[r.urgency] ?? '#888'}"></span>${this.categoryNames.get(r.category) ?? r.category}</td>
        <td data-status=${r.status}>${t.statusName[r.status] ?? r.status}</td></tr>`,
            )}</tbody></table>`
          : html`<div class="empty">${t.empty}</div>`
      }`;
  }
}

customElements.define('gs-grid-panel', GridPanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-grid-panel': GridPanel;
  }
}
