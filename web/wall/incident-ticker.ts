import { css, html, LitElement } from 'lit';
import { formatTime, listedPlaceName, strings } from './i18n.js';
import type { TickerEntry } from './live-lists.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/** The latest incidents and state changes, newest on top; the list is capped (live-lists.ts). */
export class IncidentTicker extends LitElement {
  static override properties = {
    entries: { attribute: false },
    categoryNames: { attribute: false },
    partNames: { attribute: false },
    lang: {},
  };
  static override styles = [
    panelStyles,
    css`
    :host { overflow: hidden; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: grid; grid-template-columns: 4.6rem 0.7rem minmax(0, 1fr) max-content; gap: 0.45rem; align-items: baseline; font-size: 0.92rem; line-height: 1.5rem; border-bottom: 1px solid #1c2945; white-space: nowrap; }
    /* What happened gives way (ellipsis); the code, what one looks an incident up by, is always whole. */
    .what { overflow: hidden; text-overflow: ellipsis; }
    .time { color: #8a9bb8; }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; display: inline-block; }
    .red { background: #e63946; } .yellow { background: #f4c430; } .blue { background: #3a86ff; }
    .kind { color: #5cc8ff; margin-right: 0.35rem; }
    .code { color: #8a9bb8; font-size: 0.74rem; }
    /* A phone (16 px rem): the code at 12 px, still readable. */
    @media (max-width: 899px) { .code { font-size: 0.75rem; } }
    li.new { animation: flash 2s ease-out; }
    @keyframes flash { from { background: #2a3f6b; } to { background: transparent; } }
  `,
  ];

  declare entries: TickerEntry[];
  /** Category code → display name in the wall's language. */
  declare categoryNames: Map<string, string>;
  /**
   * The parts of the wall's place, code → name: a line names the part its grid lies in, the district on a city wall,
   * the street on a district's, the community on a street's (where every line would name the same district or street).
   */
  declare partNames: Map<string, string>;
  declare lang: Lang;

  constructor() {
    super();
    this.entries = [];
    this.categoryNames = new Map();
    this.partNames = new Map();
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    if (!this.entries.length) return html`<div class="empty">${t.empty}</div>`;
    return html`<ol>
      ${this.entries.map(
        (e, i) => html`<li data-code=${e.code} data-kind=${e.kind} data-status=${e.status} class=${i === 0 ? 'new' : ''}>
        <span class="time num">${formatTime(e.at, this.lang)}</span>
        <span class="dot ${e.urgency}"></span>
        <span class="what"><span class="kind">${t.event[e.kind] ?? e.kind}</span><span class="place">${listedPlaceName(this.placeOf(e), this.lang)}</span> ·
          ${this.categoryNames.get(e.category) ?? e.category}${e.kind === 'incident.status_changed' ? html` → ${t.status[e.status] ?? e.status}` : ''}</span>
        <span class="code num">${e.code}</span>
      </li>`,
      )}
    </ol>`;
  }

  private placeOf(e: TickerEntry): string {
    // The parts are of one level: their codes are of one length, the first digits of their grids' codes.
    const [first] = this.partNames.keys();
    return first ? (this.partNames.get(e.gridCode.slice(0, first.length)) ?? '') : '';
  }
}

customElements.define('gs-incident-ticker', IncidentTicker);

declare global {
  interface HTMLElementTagNameMap {
    'gs-incident-ticker': IncidentTicker;
  }
}
