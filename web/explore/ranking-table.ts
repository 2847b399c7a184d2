import { html, LitElement } from 'lit';
import type { ChildFigures } from './choropleth.js';
import { downloadCsv } from './csv.js';
import { formatMetric, strings } from './explore-i18n.js';
import { nameWithin, placeName, type Named } from '../shared/i18n.js';
import type { Lang } from './explore-params.js';
import { panelStyles } from './explore-styles.js';
import type { PickDetail } from './explore-map.js';

type SortKey = 'reported' | 'overdue' | 'code';

/**
 * Child places ranked by a figure (the first `limit`), each name a link that
 * drills down (fires `explore-pick`). The CSV holds exactly the rows shown,
 * with every figure.
 */
export class RankingTable extends LitElement {
  static override properties = {
    rows: { attribute: false },
    place: { attribute: false },
    sortBy: {},
    limit: { type: Number },
    heading: {},
    lang: {},
    fileName: {},
  };
  static override styles = panelStyles;

  declare rows?: ChildFigures[];
  /** The place ranked within: a grid's name drops its community's it starts with (the CSV, read elsewhere, keeps it). */
  declare place?: Named;
  declare sortBy: SortKey;
  declare limit: number;
  declare heading: string;
  declare lang: Lang;
  declare fileName: string;

  constructor() {
    super();
    this.sortBy = 'reported';
    this.limit = 10;
    this.heading = '';
    this.lang = 'zh';
    this.fileName = 'explore.csv';
  }

  /** The rows shown, in order: by the figure, largest first, code breaking ties. */
  get shown(): ChildFigures[] {
    const key = this.sortBy;
    const rows = [...(this.rows ?? [])];
    if (key !== 'code') rows.sort((a, b) => b[key] - a[key] || a.code.localeCompare(b.code));
    return rows.slice(0, this.limit);
  }

  override render() {
    const t = strings(this.lang);
    const rows = this.shown;
    return html`<h3>${this.heading}<button data-export=${this.sortBy} @click=${this.export}>${t.exportCsv}</button></h3>
      ${
        rows.length
          ? html`<table>
        <thead><tr><th>${t.name}</th><th class="num">${t.kpi.reported}</th><th class="num">${t.kpi.overdue}</th><th class="num">${t.kpi.closure_rate}</th><th class="num">${t.kpi.per_1k}</th></tr></thead>
        <tbody>${rows.map(
          (r) => html`<tr data-code=${r.code}>
          <td><a class="place" title=${placeName(this.lang, r)} @click=${() => this.pick(r.code)}>${nameWithin(this.lang, r, this.place)}</a></td>
          <td class="num" data-field="reported">${formatMetric('reported', r.reported, this.lang)}</td>
          <td class="num" data-field="overdue">${formatMetric('overdue', r.overdue, this.lang)}</td>
          <td class="num" data-field="closure_rate">${formatMetric('closure_rate', r.closure_rate, this.lang)}</td>
          <td class="num" data-field="per_1k">${formatMetric('per_1k', r.per_1k, this.lang)}</td></tr>`,
        )}</tbody>
      </table>`
          : html`<div class="empty">${this.rows ? t.empty : t.loading}</div>`
      }`;
  }

  private pick(code: string): void {
    this.dispatchEvent(new CustomEvent<PickDetail>('explore-pick', { detail: { code }, bubbles: true, composed: true }));
  }

  private export = () => {
    const t = strings(this.lang);
    const k = t.kpi;
    downloadCsv(
      this.fileName,
      [t.code, t.name, t.population, k.reported!, k.closed!, k.closure_rate!, k.open!, k.overdue!, k.per_1k!, k.mean_hours_to_close!],
      this.shown.map((r) => [
        r.code,
        placeName(this.lang, r),
        r.population,
        r.reported,
        r.closed,
        r.closure_rate,
        r.open,
        r.overdue,
        r.per_1k,
        r.mean_hours_to_close,
      ]),
    );
  };
}

customElements.define('gs-ranking-table', RankingTable);

declare global {
  interface HTMLElementTagNameMap {
    'gs-ranking-table': RankingTable;
  }
}
