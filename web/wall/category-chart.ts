import { css, html, LitElement } from 'lit';
import type { CategoryBreakdown } from './api-types.js';
import { categoryBarList, categoryBarStyles } from '../shared/category-bars.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/** Incidents by category over the window: a bar per category, those not yet closed as the brighter part of the bar. */
export class CategoryChart extends LitElement {
  static override properties = { categories: { attribute: false }, lang: {}, stale: { type: Boolean, reflect: true } };
  static override styles = [
    panelStyles,
    categoryBarStyles,
    css`
    /* One grid for every row, its name column as wide as the longest name in the wall's language: English names are twice as long as Chinese ones. */
    ol { display: grid; grid-template-columns: max-content minmax(3rem, 1fr) max-content; gap: 0.05rem 0.5rem; align-items: center; }
    li { display: contents; }
    .name, .value { font-size: 0.86rem; line-height: 1.15rem; }
    .track { height: 0.7rem; }
  `,
  ];

  declare categories?: CategoryBreakdown['categories'];
  declare lang: Lang;
  declare stale: boolean;

  constructor() {
    super();
    this.lang = 'zh';
    this.stale = false;
  }

  override render() {
    if (!this.categories) return html`<div class="empty">…</div>`;
    return categoryBarList(this.categories, this.lang);
  }
}

customElements.define('gs-category-chart', CategoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'gs-category-chart': CategoryChart;
  }
}
