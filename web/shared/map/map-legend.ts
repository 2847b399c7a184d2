import { css, html, LitElement, unsafeCSS } from 'lit';
import { THEME } from './theme.js';

/** One row of a legend, top first: a swatch and its words. `min`/`max` are carried as data attributes (tests, export). */
export interface LegendRow {
  colour: string;
  label: string;
  /** Lower bound as text ('' for "no data"). */
  min: string;
  /** Upper bound as text, when the page has one to show ('' for none). */
  max?: string;
}

/**
 * The colours of a map and what they mean: a heading and one row per class,
 * the page's words already in them. Sizes follow CSS custom properties so a
 * wall (rem-sized for 4K) and a desk page share it: --legend-font-size,
 * --legend-heading-size, --legend-heading-colour, --legend-swatch-width.
 */
export class MapLegend extends LitElement {
  static override properties = { heading: {}, rows: { attribute: false } };
  static override styles = css`
    :host {
      display: block; background: ${unsafeCSS(THEME.panel)}; color: ${unsafeCSS(THEME.text)};
      padding: .5rem .7rem; border-radius: .4rem; font-size: var(--legend-font-size, .82rem);
    }
    h3 {
      margin: 0 0 .3rem; font-size: var(--legend-heading-size, .85rem); font-weight: 600;
      color: var(--legend-heading-colour, ${unsafeCSS(THEME.subtle)}); letter-spacing: var(--legend-heading-spacing, 0);
    }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; gap: .45rem; align-items: center; line-height: var(--legend-line-height, 1.35rem); }
    i { width: var(--legend-swatch-width, 1.4rem); height: .8rem; border-radius: 2px; display: inline-block; }
  `;

  /** The heading (the metric shown). */
  declare heading: string;
  /** The rows, top first; usually the classes from high to low, then "no data". */
  declare rows: LegendRow[];

  constructor() {
    super();
    this.heading = '';
    this.rows = [];
  }

  override render() {
    if (!this.rows.length) return html``;
    return html`<h3>${this.heading}</h3>
      <ul>${this.rows.map((r) => html`<li data-colour=${r.colour} data-min=${r.min} data-max=${r.max ?? ''}><i style="background:${r.colour}"></i>${r.label}</li>`)}</ul>`;
  }
}

customElements.define('gs-map-legend', MapLegend);

declare global {
  interface HTMLElementTagNameMap {
    'gs-map-legend': MapLegend;
  }
}
