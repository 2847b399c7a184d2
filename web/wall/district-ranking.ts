import { css, html, LitElement } from 'lit';
import type { Summary } from './api-types.js';
import { formatCount, formatPercent, listedPlaceName, strings } from './i18n.js';
import { nameWithin } from '../shared/i18n.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

export interface RankedRow {
  code: string;
  name: string;
  value: number | null;
}

type Ranking = 'closure_rate' | 'overdue' | 'per_1k';
const RANKINGS: Ranking[] = ['closure_rate', 'overdue', 'per_1k'];
/** A district wall ranks its streets; more than this many rows would not fit. */
const MAX_ROWS = 12;

/**
 * Ranks the summary's children (districts of the city, streets of a
 * district, communities of a street) by one figure, as a supervisor reads it:
 * highest closure rate first, most overdue first, most incidents per 1,000
 * residents first. Rows without a value (nothing reported, no population) go
 * last. Names and residents are the summary's own (a street's wall has no
 * outlines of its communities to take them from).
 */
export function rankChildren(summary: Summary, by: Ranking, lang: Lang): RankedRow[] {
  const rows = summary.children.map((c) => {
    const pop = c.population ?? 0;
    const value = by === 'closure_rate' ? c.closure_rate : by === 'overdue' ? c.overdue : pop > 0 ? (c.reported / pop) * 1000 : null;
    return { code: c.code, name: nameWithin(lang, c, summary.region), value };
  });
  return rows.sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.code.localeCompare(b.code));
}

/** The three district rankings side by side: closure rate, overdue, incidents per 1,000 residents. */
export class DistrictRanking extends LitElement {
  static override properties = { summary: { attribute: false }, lang: {}, stale: { type: Boolean, reflect: true } };
  static override styles = [
    panelStyles,
    css`
    /* Columns as wide as their names: English names are longer, and a narrow figure column lends them room. */
    table { width: 100%; border-collapse: collapse; }
    th { font-size: 0.85rem; font-weight: 600; color: #5cc8ff; text-align: left; padding-bottom: 0.3rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    th.rank { width: 1.3rem; }
    td { font-size: 0.88rem; line-height: 1.4rem; white-space: nowrap; padding-right: 0.3rem; }
    td.rank { color: #8a9bb8; }
    /* Name and figure on one line whatever the language: the name gives way, the figure never wraps below it. */
    .cell { display: flex; gap: 0.3rem; }
    .name { flex: 1; overflow: hidden; text-overflow: ellipsis; }
    .value { color: var(--c); }
  `,
  ];

  declare summary?: Summary;
  declare lang: Lang;
  declare stale: boolean;

  constructor() {
    super();
    this.lang = 'zh';
    this.stale = false;
  }

  override render() {
    if (!this.summary) return html`<div class="empty">…</div>`;
    if (this.summary.children.length === 0) return html`<div class="empty" data-ranking="none">${strings(this.lang).rankingNone}</div>`;
    const t = strings(this.lang).ranking;
    const columns = RANKINGS.map((by) => rankChildren(this.summary!, by, this.lang).slice(0, MAX_ROWS));
    return html`<table class="figures">
      <thead><tr><th class="rank"></th>${RANKINGS.map((by) => html`<th data-ranking=${by}>${t[by]}</th>`)}</tr></thead>
      <tbody>
        ${columns[0]!.map(
          (_, i) => html`<tr>
          <td class="rank num">${i + 1}</td>
          ${RANKINGS.map((by, k) => this.renderCell(by, columns[k]![i]))}
        </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderCell(by: Ranking, row: RankedRow | undefined) {
    if (!row) return html`<td></td>`;
    const v = row.value;
    const shown = v === null ? '—' : by === 'closure_rate' ? formatPercent(v) : by === 'overdue' ? formatCount(v, this.lang) : v.toFixed(2);
    const colour = by === 'closure_rate' ? '#7fd18b' : by === 'overdue' ? (v ? '#ff8a7a' : '#b8c6de') : '#e9c46a';
    return html`<td data-ranking=${by} data-code=${row.code}><div class="cell"><span class="name" title=${row.name}>${listedPlaceName(row.name, this.lang)}</span><span class="value num" style="--c:${colour}">${shown}</span></div></td>`;
  }
}

customElements.define('gs-district-ranking', DistrictRanking);

declare global {
  interface HTMLElementTagNameMap {
    'gs-district-ranking': DistrictRanking;
  }
}
