import { css, html, LitElement } from 'lit';
import type { Legend } from './choropleth.js';
import { formatMetric, strings } from './explore-i18n.js';
import type { Lang, Metric } from './explore-params.js';

/** The legend's rows, top (highest) first, then "no data": shown by the legend and drawn into the PNG export. */
export function legendRows(l: Legend, metric: Metric, lang: Lang): { colour: string; min: string; label: string }[] {
  const fmt = (v: number) => (v === -Infinity ? '' : formatMetric(metric, v, lang));
  const rows = [...l.classes].reverse().map((c, i, all) => {
    const upper = i === 0 ? null : all[i - 1]!.min;
    const label = l.exact ? fmt(c.min) : c.min === -Infinity ? `< ${fmt(upper!)}` : upper === null ? `≥ ${fmt(c.min)}` : `${fmt(c.min)} – ${fmt(upper)}`;
    return { colour: c.colour, min: String(c.min), label };
  });
  return [...rows, { colour: l.noData, min: '', label: strings(lang).noData }];
}

/** The legend's heading. */
export function legendTitle(l: Legend, metric: Metric, lang: Lang): string {
  const t = strings(lang);
  return l.diverging ? `${t.diffLegend} · ${t.metric[metric]}` : t.metric[metric];
}

/** The classes of the choropleth with their breaks; each swatch carries its colour and lower bound as data attributes. */
export class ExploreLegend extends LitElement {
  static override properties = { legend: { attribute: false }, metric: {}, lang: {} };
  static override styles = css`
    :host { display: block; background: rgba(11, 18, 32, .88); padding: .5rem .7rem; border-radius: 6px; font-size: .82rem; }
    h3 { margin: 0 0 .3rem; font-size: .85rem; font-weight: 600; color: #9fb3d1; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; gap: .45rem; align-items: center; line-height: 1.35rem; }
    i { width: 1.4rem; height: .8rem; border-radius: 2px; display: inline-block; }
  `;

  declare legend?: Legend;
  declare metric: Metric;
  declare lang: Lang;

  constructor() {
    super();
    this.metric = 'reported';
    this.lang = 'zh';
  }

  override render() {
    const l = this.legend;
    if (!l) return html``;
    return html`<h3>${legendTitle(l, this.metric, this.lang)}</h3>
      <ul>${legendRows(l, this.metric, this.lang).map((r) => html`<li data-colour=${r.colour} data-min=${r.min}><i style="background:${r.colour}"></i>${r.label}</li>`)}</ul>`;
  }
}

customElements.define('gs-explore-legend', ExploreLegend);

declare global {
  interface HTMLElementTagNameMap {
    'gs-explore-legend': ExploreLegend;
  }
}
