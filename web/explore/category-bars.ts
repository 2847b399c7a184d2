import { css, html, LitElement } from 'lit';
import type { ExploreChildren } from '../../server/contract/explore-schemas.js';
import { downloadCsv } from './csv.js';
import { categoryBarList, categoryBarStyles } from '../shared/category-bars.js';
import { strings } from './explore-i18n.js';
import type { Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';

/** Incidents by category, largest first; the part of each bar not yet closed brighter. Exports as CSV. */
export class CategoryBars extends LitElement {
  static override properties = { categories: { attribute: false }, lang: {}, fileStem: {} };
  static override styles = [
    panelStyles,
    categoryBarStyles,
    css`
    li { grid-template-columns: 6.5rem 1fr 3.4rem; font-size: .82rem; line-height: 1.25rem; }
    .track { height: .6rem; }
  `,
  ];

  declare categories?: ExploreChildren['categories'];
  declare lang: Lang;
  declare fileStem: string;

  constructor() {
    super();
    this.lang = 'zh';
    this.fileStem = 'explore';
  }

  override render() {
    const t = strings(this.lang);
    if (!this.categories) return html`<h3>${t.categories}</h3><div class="empty">${t.loading}</div>`;
    return html`<h3>${t.categories}<button data-export="categories" @click=${this.export}>${t.exportCsv}</button></h3>
      ${categoryBarList(this.categories, this.lang)}`;
  }

  private export = () => {
    const t = strings(this.lang);
    downloadCsv(
      `${this.fileStem}-categories.csv`,
      [t.code, t.category, t.kpi.reported!, t.kpi.closed!, t.kpi.open!],
      (this.categories ?? []).map((c) => [c.code, this.lang === 'en' ? c.name_en : c.name_zh, c.reported, c.closed, c.open]),
    );
  };
}

customElements.define('gs-category-bars', CategoryBars);

declare global {
  interface HTMLElementTagNameMap {
    'gs-category-bars': CategoryBars;
  }
}
