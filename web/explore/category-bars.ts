import { css, html, LitElement } from 'lit';
import type { ExploreChildren } from '../../server/schemas/explore-schemas.js';
import { downloadCsv } from './csv.js';
import { formatCount, strings } from './explore-i18n.js';
import type { Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';

/** Incidents by category, largest first; the open part of each bar brighter. Exports as CSV. */
export class CategoryBars extends LitElement {
  static override properties = { categories: { attribute: false }, lang: {}, fileStem: {} };
  static override styles = [panelStyles, css`
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: grid; grid-template-columns: 6.5rem 1fr 3.4rem; gap: .4rem; align-items: center; font-size: .82rem; line-height: 1.25rem; }
    .track { position: relative; height: .6rem; }
    .all, .open { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px; }
    .all { background: #245f8f; }
    .open { background: #5cc8ff; }
    .value { text-align: right; font-variant-numeric: tabular-nums; }
    .name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  `];

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
    const rows = [...this.categories].sort((a, b) => b.reported - a.reported);
    const max = Math.max(1, ...rows.map((c) => c.reported));
    return html`<h3>${t.categories}<button data-export="categories" @click=${this.export}>${t.exportCsv}</button></h3>
      <ol>${rows.map((c) => html`<li data-category=${c.code} data-value=${c.reported}>
        <span class="name">${this.lang === 'en' ? c.name_en : c.name_zh}</span>
        <span class="track"><span class="all" style="width:${(c.reported / max) * 100}%"></span><span class="open" style="width:${(c.open / max) * 100}%"></span></span>
        <span class="value">${formatCount(c.reported, this.lang)}</span></li>`)}</ol>`;
  }

  private export = () => {
    const t = strings(this.lang);
    downloadCsv(`${this.fileStem}-categories.csv`, [t.code, t.category, t.kpi.reported!, t.kpi.closed!, t.kpi.open!],
      (this.categories ?? []).map((c) => [c.code, this.lang === 'en' ? c.name_en : c.name_zh, c.reported, c.closed, c.open]));
  };
}

customElements.define('gs-category-bars', CategoryBars);

declare global {
  interface HTMLElementTagNameMap {
    'gs-category-bars': CategoryBars;
  }
}
