import { css, html, LitElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { minutesBetween, type QueueItem } from './dispatch-queues.js';
import { consoleStyles } from './dispatch-styles.js';
import { bulkRowWords } from './bulk-bar.js';
import type { BulkRowResult } from './bulk-selection.js';

/** Rows drawn at first, and added each time the user scrolls to the end of those (or asks for more). */
export const MAX_ROWS = 300;

/**
 * One queue as a list: urgency, code, category, place, status and how long
 * it has waited (or the time left to its deadline once dispatched). Rows are
 * keyed by code, so a live change moves or updates a row without redrawing
 * the others, and the list keeps its scroll position. Fires `select` with
 * the code of a clicked row.
 */
export class IncidentList extends LitElement {
  static override properties = {
    items: { attribute: false },
    selected: { attribute: false },
    lang: { attribute: false },
    categoryNames: { attribute: false },
    placeNames: { attribute: false },
    now: { attribute: false },
    tickable: { attribute: false },
    checked: { attribute: false },
    results: { attribute: false },
    view: { attribute: false },
    limit: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
    :host { display: block; overflow-y: auto; min-height: 0; background: #0d1628; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: grid; grid-template-columns: .8rem 1fr auto; gap: .15rem .5rem; padding: .45rem .7rem; border-bottom: 1px solid #1a2742; cursor: pointer; align-items: center; }
    li:hover { background: #13213d; }
    li[aria-selected="true"] { background: #1b3358; box-shadow: inset 3px 0 0 #5cc8ff; }
    .code { font-size: .8rem; color: #8fd3ff; }
    .what { font-size: .88rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .where { grid-column: 2; font-size: .75rem; color: #7d8aa3; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .when { grid-row: span 2; text-align: right; font-size: .78rem; display: flex; flex-direction: column; align-items: flex-end; gap: .2rem; }
    .empty, .more { padding: 1rem; color: #7d8aa3; font-size: .85rem; }
    .all { display: flex; align-items: center; gap: .5rem; padding: .4rem .7rem; font-size: .8rem; color: #9fb0cc; border-bottom: 1px solid #1a2742; position: sticky; top: 0; background: #0d1628; z-index: 1; cursor: pointer; }
    .more button { margin-left: .6rem; font: inherit; color: #e6edf7; background: #1d3560; border: 1px solid #2f4d80; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
    ol.checkable li { grid-template-columns: 1.1rem .8rem 1fr auto; }
    ol.checkable .where { grid-column: 3; }
    .check { grid-row: span 2; margin: 0; width: 1rem; height: 1rem; accent-color: #5cc8ff; }
    li[data-checked] { background: #15284a; }
    .result { grid-column: 2 / -1; font-size: .78rem; }
    ol.checkable .result { grid-column: 3 / -1; }
    .result.ok { color: #6ee7a8; } .result.refused { color: #ff9aa5; }
  `,
  ];

  /** The queue's incidents, in working order. */
  declare items: QueueItem[];
  declare selected: string | null;
  declare lang: Lang;
  /** Category code → name in the page's language. */
  declare categoryNames: Map<string, string>;
  /** District and street code → name. */
  declare placeNames: Map<string, string>;
  /** The clock the waiting times are counted to (ms). */
  declare now: number;
  /**
   * The statuses whose rows can be ticked (new reports to file, incidents in hand to urge; the others' boxes are
   * disabled); none: no tick boxes. Fires `check` with {code, range} and `check-all` with codes.
   */
  declare tickable: readonly string[];
  declare checked: ReadonlySet<string>;
  /** Bulk outcomes by code, shown on their rows. */
  declare results: ReadonlyMap<string, BulkRowResult>;
  /** Names the queue and filters shown: another one starts again from the first MAX_ROWS rows. */
  declare view: string;
  /** Rows drawn: MAX_ROWS more each time the end of the list comes into view, so every row of a long queue can be reached. */
  declare limit: number;
  private readonly moreObserver = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) this.showMore();
  });

  constructor() {
    super();
    this.items = [];
    this.selected = null;
    this.lang = 'zh';
    this.categoryNames = new Map();
    this.placeNames = new Map();
    this.now = Date.now();
    this.tickable = [];
    this.checked = new Set();
    this.results = new Map();
    this.view = '';
    this.limit = MAX_ROWS;
  }

  /** Whether rows have tick boxes. */
  get checkable(): boolean {
    return this.tickable.length > 0;
  }

  /** Draws MAX_ROWS rows more (the end of the list came into view, or the button under it was pressed). */
  showMore(): void {
    if (this.items.length > this.limit) this.limit += MAX_ROWS;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('view') && changed.get('view') !== undefined) this.limit = MAX_ROWS;
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    // Another queue starts at its top (the browser would keep the last one's offset, or anchor on a row and scroll far down).
    if (changed.has('view') && changed.get('view') !== undefined) this.scrollTop = 0;
    // The end of the drawn rows, watched against the screen: whichever box scrolls (the list, or the page on a phone).
    this.moreObserver.disconnect();
    const more = this.renderRoot.querySelector('.more');
    if (more) this.moreObserver.observe(more);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.moreObserver.disconnect();
  }

  /** Brings the selected row into view (after keyboard moves). */
  revealSelected(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('li[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' }));
  }

  override render() {
    const t = strings(this.lang);
    if (this.items.length === 0) return html`<div class="empty">${t.empty}</div>`;
    // A selection moved past the drawn rows (j/k) is drawn too.
    const drawn = Math.max(this.limit, this.items.findIndex((i) => i.code === this.selected) + 1);
    const rows = this.items.slice(0, drawn);
    return html`${this.checkable ? this.renderTickAll() : ''}<ol role="listbox" class=${this.checkable ? 'checkable' : ''}>${repeat(
      rows,
      (i) => i.code,
      (i) => this.renderRow(i),
    )}</ol>
      ${
        this.items.length > drawn
          ? html`<div class="more" data-more>${t.shown(drawn, this.items.length)}<button type="button" @click=${() => this.showMore()}>${t.showMore(
              Math.min(MAX_ROWS, this.items.length - drawn),
            )}</button></div>`
          : ''
      }`;
  }

  /** One box over the rows ticks every row of the queue that can be ticked, drawn or not (fires `check-all` with their codes, or none). */
  private renderTickAll() {
    const codes = this.items.filter((i) => this.tickable.includes(i.status)).map((i) => i.code);
    const ticked = codes.filter((c) => this.checked.has(c)).length;
    const all = codes.length > 0 && ticked === codes.length;
    return html`<label class="all"><input type="checkbox" class="check" data-check-all ?disabled=${codes.length === 0} .checked=${all}
      .indeterminate=${ticked > 0 && !all} @change=${() => this.dispatchEvent(new CustomEvent('check-all', { detail: all ? [] : codes }))}>
      ${bulkRowWords(this.lang).all(codes.length)}</label>`;
  }

  private renderRow(i: QueueItem) {
    const t = strings(this.lang);
    // District · street · community (the grid's code says which of the community's grids; the detail names it).
    const names = [i.district_code, i.street_code, i.grid_code.slice(0, 12)].map((code) => this.placeNames.get(code));
    const place = names.filter(Boolean).join(' · ');
    const ticked = this.checked.has(i.code);
    const result = this.results.get(i.code);
    const words = bulkRowWords(this.lang);
    return html`<li role="option" data-code=${i.code} data-status=${i.status} aria-selected=${i.code === this.selected ? 'true' : 'false'}
        ?data-checked=${ticked} @click=${() => this.dispatchEvent(new CustomEvent('select', { detail: i.code }))}>
      ${
        this.checkable
          ? html`<input type="checkbox" ?disabled=${!this.tickable.includes(i.status)} class="check" data-check aria-label=${i.code} .checked=${ticked} @click=${(
              e: MouseEvent,
            ) => {
              e.stopPropagation();
              this.dispatchEvent(new CustomEvent('check', { detail: { code: i.code, range: e.shiftKey } }));
            }}>`
          : ''
      }
      <span class="urgency ${i.urgency}" title=${t.urgency[i.urgency] ?? ''}></span>
      <span class="what"><span class="code mono">${i.code}</span> ${this.categoryNames.get(i.category) ?? i.category}${i.description ? html` <span class="muted">· ${i.description}</span>` : ''}</span>
      <span class="when"><span class="badge">${t.status[i.status] ?? i.status}</span>${i.urged_at ? html`<span class="badge red" data-urged>${t.urged}</span>` : ''}${this.renderTime(i)}</span>
      <span class="where" title=${`${place} ${i.grid_code}`}>${place} <span class="mono">${i.grid_code}</span></span>
      ${
        result
          ? html`<span class="result ${result.ok ? 'ok' : 'refused'}" data-result=${result.ok ? 'done' : 'refused'}>${result.ok ? '✓' : '✗'} ${result.ok ? words.done : words.refused}${this.lang === 'en' ? ': ' : '：'}${result.message}</span>`
          : ''
      }
    </li>`;
  }

  /** Before dispatch: how long it has waited. After: the time left, or how long it is overdue. */
  private renderTime(i: QueueItem) {
    const t = strings(this.lang);
    const inHand = i.status === 'dispatched' || i.status === 'in_progress';
    if (inHand && i.due_at) {
      const left = -minutesBetween(i.due_at, this.now);
      return left < 0 ? html`<span class="late">${t.overdueBy} ${t.duration(-left)}</span>` : html`<span>${t.left} ${t.duration(left)}</span>`;
    }
    if (['closed', 'rejected', 'duplicate'].includes(i.status)) return html``;
    return html`<span class="muted">${t.waited} ${t.duration(Math.max(0, minutesBetween(i.reported_at, this.now)))}</span>`;
  }
}

customElements.define('gs-incident-list', IncidentList);

declare global {
  interface HTMLElementTagNameMap {
    'gs-incident-list': IncidentList;
  }
}
