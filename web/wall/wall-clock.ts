import { css, html, LitElement } from 'lit';
import { formatTime } from './i18n.js';
import type { Lang } from './wall-params.js';

/** The city's time, ticking on its own so the rest of the wall does not re-render every second. */
export class WallClock extends LitElement {
  static override properties = { lang: {} };
  static override styles = css`:host { font-variant-numeric: tabular-nums; }`;

  declare lang: Lang;
  private timer?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    this.lang = 'zh';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    return html`${formatTime(new Date(), this.lang, true)}:${String(new Date().getSeconds()).padStart(2, '0')}`;
  }
}

customElements.define('gs-wall-clock', WallClock);

declare global {
  interface HTMLElementTagNameMap {
    'gs-wall-clock': WallClock;
  }
}
