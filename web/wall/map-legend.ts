import { css, html, LitElement } from 'lit';
import { formatPercent, strings } from './i18n.js';
import type { Legend, LegendClass } from './metric-scale.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/** The grid colours and what they mean; each swatch carries its colour and range as data attributes. */
export class MapLegend extends LitElement {
  static override properties = { legend: { attribute: false }, lang: {} };
  static override styles = [panelStyles, css`
    :host { background: rgba(11, 18, 32, 0.85); padding: 0.6rem 0.8rem; border-radius: 0.5rem; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; align-items: center; gap: 0.5rem; font-size: 0.9rem; line-height: 1.5rem; }
    i { width: 1.6rem; height: 0.9rem; border-radius: 0.2rem; display: inline-block; }
  `];

  declare legend?: Legend;
  declare lang: Lang;

  constructor() {
    super();
    this.lang = 'zh';
  }

  override render() {
    const l = this.legend;
    if (!l) return html``;
    const t = strings(this.lang);
    return html`<h2>${t.metric[l.metric]}</h2>
      <ul>
        ${l.classes.map((c) => html`<li data-colour=${c.colour} data-min=${c.min} data-max=${String(c.max)}><i style="background:${c.colour}"></i>${this.label(c)}</li>`)}
        <li data-colour=${l.noData} data-min="" data-max=""><i style="background:${l.noData}; outline: 1px solid #3a4a6b"></i>${t.legendNoData}</li>
      </ul>`;
  }

  private label(c: LegendClass): string {
    const t = strings(this.lang);
    if (c.label) return t.urgency[c.label as keyof typeof t.urgency] ?? c.label;
    const fmt = (v: number) => (this.legend!.metric === 'closure_rate' ? formatPercent(v) : String(v));
    if (c.max === null) return `≥ ${fmt(c.min)}`;
    if (this.legend!.metric !== 'closure_rate' && this.legend!.metric !== 'per_1k' && c.max === c.min + 1) return fmt(c.min);
    return `${fmt(c.min)} – ${fmt(c.max)}`;
  }
}

customElements.define('gs-map-legend', MapLegend);

declare global {
  interface HTMLElementTagNameMap {
    'gs-map-legend': MapLegend;
  }
}
