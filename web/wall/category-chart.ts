import { css, html, LitElement } from 'lit';
import type { CategoryBreakdown } from './api-types.js';
import { formatCount } from './i18n.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/** Incidents by category over the window: a bar per category, open ones as the brighter part of the bar. */
export class CategoryChart extends LitElement {
  static override properties = { categories: { attribute: false }, lang: {}, stale: { type: Boolean, reflect: true } };
  static override styles = [panelStyles, css`
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: grid; grid-template-columns: 6.6rem 1fr 3.6rem; gap: 0.4rem; align-items: center; font-size: 0.88rem; line-height: 1.2rem; }
    .track { position: relative; height: 0.7rem; }
    .all, .open { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 0.3rem; }
    .all { background: #245f8f; }
    .open { background: #5cc8ff; }
    .value { text-align: right; }
    .name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  `];

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
    const rows = [...this.categories].sort((a, b) => b.reported - a.reported);
    const max = Math.max(1, ...rows.map((c) => c.reported));
    return html`<ol class="figures">
      ${rows.map((c) => html`<li data-category=${c.code} data-value=${c.reported}>
        <span class="name">${this.lang === 'en' ? c.name_en : c.name_zh}</span>
        <span class="track"><span class="all" style="width:${(c.reported / max) * 100}%"></span><span class="open" style="width:${(c.open / max) * 100}%"></span></span>
        <span class="value num">${formatCount(c.reported, this.lang)}</span>
      </li>`)}
    </ol>`;
  }
}

customElements.define('gs-category-chart', CategoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'gs-category-chart': CategoryChart;
  }
}
