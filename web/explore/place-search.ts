import { css, html, LitElement, nothing } from 'lit';
import type { ExploreSearchResponse } from '../../server/contract/explore-schemas.js';
import { apiRequest } from '../shared/api-request.js';
import { placeName } from '../shared/i18n.js';
import { strings } from './explore-i18n.js';
import type { PickDetail } from './explore-map.js';
import type { Lang } from './explore-params.js';

type Found = ExploreSearchResponse['places'][number];

/** Typing pauses this long before asking: one request per word, not per keystroke. */
const TYPING_PAUSE_MS = 250;

/**
 * The explorer's search box: finds districts, streets, communities and grids
 * in the caller's scope by Chinese or English name or by code
 * (GET /api/explore/search) and fires `explore-pick` (detail: PickDetail)
 * for the one chosen, as a click on the map does.
 */
export class PlaceSearch extends LitElement {
  static override properties = { lang: {}, found: { state: true }, text: { state: true } };
  static override styles = css`
    :host { position: relative; display: block; }
    input { width: 15rem; background: #16223d; color: #e6edf7; border: 1px solid #2a3b60; border-radius: 4px; padding: .3rem .5rem; font: inherit; font-size: .85rem; }
    ul { position: absolute; right: 0; top: calc(100% + 2px); z-index: 10; margin: 0; padding: .2rem 0; list-style: none; min-width: 100%; max-height: 22rem; overflow-y: auto;
         background: #16223d; border: 1px solid #2a3b60; border-radius: 4px; box-shadow: 0 4px 12px rgba(0, 0, 0, .4); }
    li { padding: .3rem .6rem; cursor: pointer; white-space: nowrap; font-size: .85rem; }
    li:hover, li[aria-selected='true'] { background: #24365c; }
    li .where { color: #7d8aa3; font-size: .78rem; margin-left: .4rem; }
    li.none { color: #7d8aa3; cursor: default; }
  `;

  /** Page language. */
  declare lang: Lang;
  declare found: Found[] | undefined;
  declare text: string;
  private timer?: ReturnType<typeof setTimeout>;
  private abort?: AbortController;

  constructor() {
    super();
    this.lang = 'zh';
    this.found = undefined;
    this.text = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  override render() {
    const t = strings(this.lang).search;
    return html`
      <input type="search" aria-label=${t.label} placeholder=${t.placeholder} .value=${this.text} @input=${this.onInput} @keydown=${this.onKey} />
      ${this.found ? this.renderList() : nothing}`;
  }

  private renderList() {
    const found = this.found!;
    if (!found.length) return html`<ul role="listbox"><li class="none">${strings(this.lang).search.none}</li></ul>`;
    const level = strings(this.lang).level;
    return html`<ul role="listbox">
      ${found.map(
        (p, i) => html`<li role="option" data-code=${p.code} aria-selected=${i === 0 ? 'true' : 'false'} @click=${() => this.choose(p)}>
          ${placeName(this.lang, p)}<span class="where">${level[p.level]}${
            p.parent_name ? ` · ${placeName(this.lang, { name: p.parent_name, name_en: p.parent_name_en })}` : ''
          }</span></li>`,
      )}
    </ul>`;
  }

  private onInput = (e: Event) => {
    this.text = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    if (!this.text.trim()) {
      this.abort?.abort();
      this.found = undefined;
      return;
    }
    this.timer = setTimeout(() => void this.search(this.text.trim()), TYPING_PAUSE_MS);
  };

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && this.found?.[0]) this.choose(this.found[0]);
    if (e.key === 'Escape') this.found = undefined;
  };

  private async search(q: string): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    try {
      const answer = await apiRequest<ExploreSearchResponse>('GET', '/api/explore/search', { query: { q }, signal: abort.signal });
      if (!abort.signal.aborted) this.found = answer.places;
    } catch (err) {
      if (abort.signal.aborted) return;
      // One visible place for errors: the page's error banner shows what the API said.
      this.dispatchEvent(new CustomEvent('explore-error', { detail: err, bubbles: true, composed: true }));
    }
  }

  private choose(p: Found): void {
    this.found = undefined;
    this.text = '';
    this.dispatchEvent(new CustomEvent<PickDetail>('explore-pick', { detail: { code: p.code }, bubbles: true, composed: true }));
  }
}

customElements.define('gs-place-search', PlaceSearch);

declare global {
  interface HTMLElementTagNameMap {
    'gs-place-search': PlaceSearch;
  }
}
