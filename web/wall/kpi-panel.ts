import { css, html, LitElement } from 'lit';
import type { Summary } from './api-types.js';
import { formatCount, formatPercent, strings } from './i18n.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

type KpiKey = 'reported' | 'closed' | 'closure_rate' | 'open' | 'overdue' | 'new_today' | 'red_open';

/** Figures that count every incident open now, whatever the window (README, "KPIs"). */
const NOW_FIGURES = new Set<KpiKey>(['open', 'overdue', 'red_open']);

/**
 * The headline figures, exactly as /api/stats/summary gives them: reported,
 * closed and closure rate for the window, open/overdue/red open now (marked
 * so), new today from local midnight. Each tile carries the
 * raw value in data-value so it can be checked against the API. With `stale`
 * set the figures are greyed out: the wall never shows old numbers as current.
 */
export class KpiPanel extends LitElement {
  static override properties = { summary: { attribute: false }, newToday: { type: Number }, lang: {}, stale: { type: Boolean, reflect: true } };
  static override styles = [
    panelStyles,
    css`
    .figures { display: grid; grid-template-columns: repeat(2, 1fr); gap: 0.6rem; }
    .kpi { background: #15203a; border-radius: 0.5rem; padding: 0.55rem 0.8rem; }
    .kpi b { display: block; font-size: 2.1rem; line-height: 1.15; color: #5cc8ff; font-weight: 700; }
    .kpi span { font-size: 0.95rem; color: #b8c6de; }
    .kpi.alert b { color: #ff6b6b; }
    .kpi.wide { grid-column: span 2; }
    .kpi small { margin-left: 0.4em; padding: 0 0.3em; border: 1px solid #3a4a6a; border-radius: 0.25rem; font-size: 0.75rem; color: #8fa3c4; }
  `,
  ];

  declare summary?: Summary;
  declare newToday?: number;
  declare lang: Lang;
  /** True while the server is out of reach. */
  declare stale: boolean;

  constructor() {
    super();
    this.lang = 'zh';
    this.stale = false;
  }

  override render() {
    const s = this.summary;
    const t = strings(this.lang).kpi;
    if (!s) return html`<div class="empty">…</div>`;
    const tiles: [KpiKey, number | null, string, boolean][] = [
      ['reported', s.reported, formatCount(s.reported, this.lang), false],
      ['closed', s.closed, formatCount(s.closed, this.lang), false],
      ['closure_rate', s.closure_rate, formatPercent(s.closure_rate), false],
      ['open', s.open, formatCount(s.open, this.lang), false],
      ['overdue', s.overdue, formatCount(s.overdue, this.lang), s.overdue > 0],
      ['new_today', this.newToday ?? null, this.newToday === undefined ? '—' : formatCount(this.newToday, this.lang), false],
      ['red_open', s.red_open, formatCount(s.red_open, this.lang), s.red_open > 0],
    ];
    return html`<div class="figures">
      ${tiles.map(
        ([key, value, shown, alert], i) => html`
        <div class="kpi ${alert ? 'alert' : ''} ${i === tiles.length - 1 ? 'wide' : ''}" data-kpi=${key} data-value=${String(value)}>
          <b class="num">${shown}</b><span>${t[key]}${NOW_FIGURES.has(key) ? html`<small data-now>${strings(this.lang).kpiNow}</small>` : ''}</span>
        </div>`,
      )}
    </div>`;
  }
}

customElements.define('gs-kpi-panel', KpiPanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-kpi-panel': KpiPanel;
  }
}
