import { css, html, LitElement } from 'lit';
import type { Legend } from './choropleth.js';
import { formatMetric, strings } from './explore-i18n.js';
import type { Lang, Metric } from './explore-params.js';

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
    const t = strings(this.lang);
    const fmt = (v: number) => (v === -Infinity ? '' : formatMetric(this.metric, v, this.lang));
    return html`<h3>${l.diverging ? `${t.diffLegend} · ${t.metric[this.metric]}` : t.metric[this.metric]}</h3>
      <ul>${[...l.classes].reverse().map((c, i, all) => {
        const upper = i === 0 ? null : all[i - 1]!.min;
        const label = l.exact ? fmt(c.min) : c.min === -Infinity ? `< ${fmt(upper!)}` : upper === null ? `≥ ${fmt(c.min)}` : `${fmt(c.min)} – ${fmt(upper)}`;
        return html`<li data-colour=${c.colour} data-min=${String(c.min)}><i style="background:${c.colour}"></i>${label}</li>`;
      })}
        <li data-colour=${l.noData} data-min=""><i style="background:${l.noData}"></i>${t.noData}</li>
      </ul>`;
  }
}

customElements.define('gs-explore-legend', ExploreLegend);

declare global {
  interface HTMLElementTagNameMap {
    'gs-explore-legend': ExploreLegend;
  }
}
