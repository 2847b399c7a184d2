import { css, html, type TemplateResult } from 'lit';
import { type Lang, localeOf } from './i18n.js';

/** One category's counts, as /api/stats/categories and /api/explore/children send them. */
export interface CategoryCounts {
  code: string;
  name_zh: string;
  name_en: string | null;
  reported: number;
  /** Of those reported, how many are closed now. */
  closed: number;
  /** Open now, whatever their report date (a "now" figure: not a part of `reported`). */
  open: number;
}

/** The bars' look; each page sets the row's sizes (`li`) itself. */
export const categoryBarStyles = css`
  ol { list-style: none; margin: 0; padding: 0; }
  li { display: grid; gap: 0.4rem; align-items: center; }
  .track { position: relative; }
  .all, .unclosed { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 0.3rem; }
  .all { background: #245f8f; }
  .unclosed { background: #5cc8ff; }
  .value { text-align: right; font-variant-numeric: tabular-nums; }
  .name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
`;

/**
 * Incidents by category, largest first: a bar per category scaled to the
 * largest, brighter for the part of them not closed (reported − closed, so the
 * bars agree with the closure rate). Not `open`: that counts what is open now
 * whatever its report date, and drew a bright bar longer than the category's
 * own (a category with none reported in the window but one open since before).
 * Used by the wall and the explorer.
 */
export function categoryBarList(categories: readonly CategoryCounts[], lang: Lang): TemplateResult {
  const rows = [...categories].sort((a, b) => b.reported - a.reported);
  const max = Math.max(1, ...rows.map((c) => c.reported));
  const count = (n: number) => n.toLocaleString(localeOf(lang));
  return html`<ol class="figures">${rows.map(
    (c) => html`<li data-category=${c.code} data-value=${c.reported}>
    <span class="name">${lang === 'en' && c.name_en ? c.name_en : c.name_zh}</span>
    <span class="track"><span class="all" style="width:${(c.reported / max) * 100}%"></span><span class="unclosed" style="width:${(Math.max(0, c.reported - c.closed) / max) * 100}%"></span></span>
    <span class="value num">${count(c.reported)}</span></li>`,
  )}</ol>`;
}
