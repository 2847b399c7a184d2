import { css, html, LitElement } from 'lit';
import type { ExploreChildren } from '../../server/contract/explore-schemas.js';
import { formatMetric, strings } from './explore-i18n.js';
import type { Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';

type Totals = ExploreChildren['totals'];
const SHOWN = ['reported', 'closed', 'closure_rate', 'open', 'overdue', 'per_1k', 'mean_hours_to_close', 'within_deadline_rate'] as const;

/** The place's KPIs over the window; with a compared period, each with its change (▲ more, ▼ fewer). */
export class KpiStrip extends LitElement {
  static override properties = { totals: { attribute: false }, compared: { attribute: false }, lang: {} };
  static override styles = [
    panelStyles,
    css`
    :host { display: grid; grid-template-columns: repeat(4, 1fr); gap: .4rem; }
    div { background: #15203a; border-radius: 6px; padding: .35rem .5rem; }
    b { display: block; font-size: 1.15rem; color: #5cc8ff; font-variant-numeric: tabular-nums; }
    span { font-size: .74rem; color: #9fb3d1; }
    small { display: block; font-size: .72rem; color: #c9d6ea; }
  `,
  ];

  declare totals?: Totals;
  declare compared?: Totals;
  declare lang: Lang;

  constructor() {
    super();
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    const tot = this.totals;
    return SHOWN.map((k) => {
      const v = tot ? tot[k] : null;
      const metric = k === 'closed' || k === 'open' ? 'reported' : k;
      const b = this.compared ? this.compared[k] : undefined;
      const delta = v !== null && b !== undefined && b !== null ? v - b : null;
      return html`<div data-kpi=${k} data-value=${String(v)}>
        <b>${tot ? formatMetric(metric, v, this.lang) : '…'}</b><span>${t.kpi[k]}</span>
        ${b !== undefined ? html`<small data-compared=${String(b)}>${formatMetric(metric, b, this.lang)}${delta === null || delta === 0 ? '' : delta > 0 ? ' ▲' : ' ▼'}</small>` : ''}
      </div>`;
    });
  }
}

customElements.define('gs-kpi-strip', KpiStrip);

declare global {
  interface HTMLElementTagNameMap {
    'gs-kpi-strip': KpiStrip;
  }
}
