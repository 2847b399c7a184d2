import { css, html, LitElement } from 'lit';
import type { Category, RegionNode } from './dispatch-api.js';
import { strings, type Lang } from './dispatch-i18n.js';
import type { QueueFilters } from './dispatch-queues.js';
import { consoleStyles } from './dispatch-styles.js';

/**
 * The queues' filters: district, street (of the chosen district, or of every
 * district in the caller's scope), category, urgency, and the search box.
 * Fires `filter` with the changed fields; choosing a district clears a street
 * that is not in it.
 */
export class QueueFiltersBar extends LitElement {
  static override properties = {
    filters: { attribute: false },
    districts: { attribute: false },
    categories: { attribute: false },
    lang: { attribute: false },
  };
  static override styles = [
    consoleStyles,
    css`
    :host { display: flex; gap: .45rem; align-items: center; margin-left: auto; flex-wrap: wrap; }
    input { width: 13rem; }
    select { max-width: 10rem; }
    @media (max-width: 1500px) {
      :host { gap: .3rem; }
      select { max-width: 7rem; }
      input { width: 9rem; }
    }
    /* A phone: the filters fill their rows, the search box the rest of its own, so its hint is not cut. */
    @media (max-width: 600px) {
      :host { margin-left: 0; width: 100%; }
      select { flex: 1 1 6rem; max-width: none; }
      input { flex: 2 1 10rem; width: auto; }
    }
  `,
  ];

  declare filters: QueueFilters;
  /** The districts of the caller's scope, with their streets as children. */
  declare districts: RegionNode[];
  declare categories: Category[];
  declare lang: Lang;

  constructor() {
    super();
    this.districts = [];
    this.categories = [];
    this.lang = 'zh';
  }

  private name(n: { name: string; name_en: string | null }): string {
    return this.lang === 'en' && n.name_en ? n.name_en : n.name;
  }

  private streets(): RegionNode[] {
    const from = this.filters.district ? this.districts.filter((d) => d.code === this.filters.district) : this.districts;
    return from.flatMap((d) => d.children.filter((c) => c.level === 'street'));
  }

  private emit(patch: Partial<QueueFilters>): void {
    this.dispatchEvent(new CustomEvent<Partial<QueueFilters>>('filter', { detail: patch }));
  }

  override render() {
    const t = strings(this.lang);
    const f = this.filters;
    const value = (e: Event) => (e.target as HTMLSelectElement | HTMLInputElement).value;
    return html`
      <select data-filter="district" aria-label=${t.filters.district}
        @change=${(e: Event) => this.emit({ district: value(e), ...(f.street && !f.street.startsWith(value(e)) ? { street: '' } : {}) })}>
        <option value="">${t.filters.any.district}</option>
        ${this.districts.map((d) => html`<option value=${d.code} ?selected=${d.code === f.district}>${this.name(d)}</option>`)}
      </select>
      <select data-filter="street" aria-label=${t.filters.street} @change=${(e: Event) => this.emit({ street: value(e) })}>
        <option value="">${t.filters.any.street}</option>
        ${this.streets().map((s) => html`<option value=${s.code} ?selected=${s.code === f.street}>${this.name(s)}</option>`)}
      </select>
      <select data-filter="category" aria-label=${t.filters.category} @change=${(e: Event) => this.emit({ category: value(e) })}>
        <option value="">${t.filters.any.category}</option>
        ${this.categories.map((c) => html`<option value=${c.code} ?selected=${c.code === f.category}>${this.lang === 'en' ? c.name_en : c.name_zh}</option>`)}
      </select>
      <select data-filter="urgency" aria-label=${t.filters.urgency} @change=${(e: Event) => this.emit({ urgency: value(e) })}>
        <option value="">${t.filters.any.urgency}</option>
        ${['red', 'yellow', 'blue'].map((u) => html`<option value=${u} ?selected=${u === f.urgency}>${t.urgency[u]}</option>`)}
      </select>
      <input type="search" data-filter="search" placeholder=${t.filters.search} .value=${f.search} @input=${(e: Event) => this.emit({ search: value(e) })}>`;
  }

  /** Puts the cursor in the search box (the / key). */
  focusSearch(): void {
    (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement | null)?.focus();
  }
}

customElements.define('gs-queue-filters', QueueFiltersBar);

declare global {
  interface HTMLElementTagNameMap {
    'gs-queue-filters': QueueFiltersBar;
  }
}
