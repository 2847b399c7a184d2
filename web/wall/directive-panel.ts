import { css, html, LitElement } from 'lit';
import type { Directive } from './api-types.js';
import { formatTime, strings } from './i18n.js';
import type { Lang } from './wall-params.js';
import { panelStyles } from './wall-theme.js';

/** The current directive (督办指令) and, per district, whether it answered, sent a zero report, or is still awaited. */
export class DirectivePanel extends LitElement {
  static override properties = { directive: { attribute: false }, regionNames: { attribute: false }, lang: {} };
  static override styles = [panelStyles, css`
    .title { font-size: 1rem; margin-bottom: 0.3rem; }
    .deadline { color: #8a9bb8; font-size: 0.85rem; margin-left: 0.4rem; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 0.15rem 0.8rem; }
    li { display: flex; justify-content: space-between; font-size: 0.9rem; line-height: 1.4rem; }
    .answered { color: #7fd18b; } .zero_report { color: #9fb3d9; } .waiting { color: #f4c430; }
  `];

  /** null = no open directive; undefined = not loaded (or not offered by this server). */
  declare directive?: Directive | null;
  declare regionNames: Map<string, string>;
  declare lang: Lang;

  constructor() {
    super();
    this.regionNames = new Map();
    this.lang = 'zh';
  }

  override render() {
    const t = strings(this.lang);
    const d = this.directive;
    if (!d) return html`<div class="empty" data-directive="none">${t.noDirective}</div>`;
    return html`<div data-directive=${String(d.id)}>
      <div class="title">${d.title}${d.deadline ? html`<span class="deadline">${t.deadline} ${formatTime(d.deadline, this.lang, true)}</span>` : ''}</div>
      <ul>
        ${d.districts.map((x) => html`<li data-code=${x.code} data-status=${x.status}>
          <span>${this.regionNames.get(x.code) ?? x.name ?? x.code}</span><span class=${x.status}>${t.directiveStatus[x.status] ?? x.status}</span>
        </li>`)}
      </ul>
    </div>`;
  }
}

customElements.define('gs-directive-panel', DirectivePanel);

declare global {
  interface HTMLElementTagNameMap {
    'gs-directive-panel': DirectivePanel;
  }
}
