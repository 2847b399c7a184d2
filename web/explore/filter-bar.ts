import { css, html, LitElement } from 'lit';
import { strings } from './explore-i18n.js';
import {
  addDays,
  chinaToday,
  daysBetween,
  METRICS,
  OPEN_STATUSES,
  STATUSES,
  URGENCIES,
  type CompareMode,
  type ExploreView,
  type Interval,
  type Metric,
} from './explore-params.js';
import { panelStyles } from './explore-styles.js';

/** How far back the slider reaches: the demo city holds a year of incidents. */
const SLIDER_DAYS = 365;

/**
 * The explorer's controls: window (date pickers, and a slider that moves the
 * window keeping its length), playback, category / urgency / status, metric
 * and comparison. Each change fires `explore-change` with the changed fields
 * of the view; play/pause fires `explore-play`. On a phone the controls fold
 * behind one button naming the window and the metric, so the map comes first.
 */
export class FilterBar extends LitElement {
  static override properties = {
    view: { attribute: false },
    categories: { attribute: false },
    playing: { type: Boolean },
    open: { type: Boolean, reflect: true },
  };
  static override styles = [
    panelStyles,
    css`
    :host { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; padding: .5rem 1rem; background: #101a30; border-bottom: 1px solid #1e2c4a; }
    label { display: flex; flex-direction: column; gap: .15rem; font-size: .75rem; color: #9fb3d1; }
    input, select { background: #0b1220; color: #e6edf7; border: 1px solid #34476e; border-radius: 4px; height: 1.9rem; font: inherit; font-size: .85rem; padding: 0 .3rem; }
    input[type=range] { width: 11rem; padding: 0; }
    .urgency { display: flex; gap: .4rem; align-items: center; height: 1.9rem; font-size: .85rem; color: #e6edf7; }
    .urgency input { height: auto; }
    button { height: 1.9rem; font-size: .85rem; }
    button.play { background: #2f7de1; min-width: 4rem; }
    button.toggle { display: none; }
    @media (max-width: 600px) {
      button.toggle { display: block; width: 100%; height: auto; min-height: 2.4rem; text-align: left; background: #1b2a48; color: #e6edf7; }
      :host(:not([open])) label { display: none; }
    }
  `,
  ];

  declare view: ExploreView;
  declare categories: { code: string; name: string }[];
  declare playing: boolean;
  /** On a phone: the controls unfolded. */
  declare open: boolean;

  constructor() {
    super();
    this.categories = [];
    this.playing = false;
    this.open = false;
  }

  override render() {
    const v = this.view;
    const t = strings(v.lang);
    const today = chinaToday();
    const sliderStart = addDays(today, -SLIDER_DAYS);
    const statusChoice = v.statuses.join(',') === OPEN_STATUSES.join(',') ? 'open' : v.statuses.length === 1 ? v.statuses[0] : '';
    return html`
      <button class="toggle" data-action="filters" aria-expanded=${String(this.open)} @click=${() => (this.open = !this.open)}>
        ${t.filters} · ${v.from} – ${v.to} · ${t.metric[v.metric]} ${this.open ? '▴' : '▾'}</button>
      <label>${t.from}<input type="date" name="from" .value=${v.from} max=${v.to} @change=${(e: Event) => this.emit({ from: this.input(e) })}></label>
      <label>${t.to}<input type="date" name="to" .value=${v.to} min=${v.from} @change=${(e: Event) => this.emit({ to: this.input(e) })}></label>
      <label>${t.slider}<input type="range" name="slider" min="0" max=${SLIDER_DAYS} .value=${String(daysBetween(sliderStart, v.to))}
        @change=${(e: Event) => this.slide(sliderStart, Number(this.input(e)))}></label>
      <label>${t.frame}<span class="urgency">
        <button class="play" data-action="play" @click=${() => this.dispatchEvent(new CustomEvent('explore-play'))}>${this.playing ? t.pause : t.play}</button>
        <select name="interval" @change=${(e: Event) => this.emit({ interval: this.input(e) as Interval })}>
          <option value="day" ?selected=${v.interval === 'day'}>${t.byDay}</option>
          <option value="week" ?selected=${v.interval === 'week'}>${t.byWeek}</option>
        </select>${v.at ? html`<span data-frame=${v.at}>${v.at}</span>` : ''}</span></label>
      <label>${t.category}<select name="category" @change=${(e: Event) => this.emit({ categories: this.input(e) ? [this.input(e)] : [] })}>
        <option value="" ?selected=${!v.categories.length}>${t.all}</option>
        ${this.categories.map((c) => html`<option value=${c.code} ?selected=${v.categories.length === 1 && v.categories[0] === c.code}>${c.name}</option>`)}
      </select></label>
      <label>${t.urgency}<span class="urgency">${URGENCIES.map(
        (u) => html`<span><input type="checkbox" name="urgency" value=${u}
        .checked=${v.urgencies.includes(u)} @change=${(e: Event) => this.toggleUrgency(u, (e.target as HTMLInputElement).checked)}>${t.urgencyName[u]}</span>`,
      )}</span></label>
      <label>${t.status}<select name="status" @change=${(e: Event) => this.pickStatus(this.input(e))}>
        <option value="" ?selected=${statusChoice === ''}>${t.all}</option>
        <option value="open" ?selected=${statusChoice === 'open'}>${t.openOnly}</option>
        ${STATUSES.map((s) => html`<option value=${s} ?selected=${statusChoice === s}>${t.statusName[s]}</option>`)}
      </select></label>
      <label>${t.metricLabel}<select name="metric" @change=${(e: Event) => this.emit({ metric: this.input(e) as Metric })}>
        ${METRICS.map((m) => html`<option value=${m} ?selected=${v.metric === m}>${t.metric[m]}</option>`)}
      </select></label>
      <label>${t.periodB}<select name="compare" @change=${(e: Event) => this.emit({ compare: this.input(e) as CompareMode, at: undefined })}>
        ${(['none', 'side', 'diff'] as const).map((c) => html`<option value=${c} ?selected=${v.compare === c}>${t.compare[c]}</option>`)}
      </select></label>
      ${
        v.compare !== 'none'
          ? html`
        <label>${t.periodB} ${t.from}<input type="date" name="bfrom" .value=${v.bfrom} max=${v.bto} @change=${(e: Event) => this.emit({ bfrom: this.input(e) })}></label>
        <label>${t.periodB} ${t.to}<input type="date" name="bto" .value=${v.bto} min=${v.bfrom} @change=${(e: Event) => this.emit({ bto: this.input(e) })}></label>`
          : ''
      }
    `;
  }

  private input(e: Event): string {
    return (e.target as HTMLInputElement | HTMLSelectElement).value;
  }

  private slide(start: string, offset: number): void {
    const to = addDays(start, offset);
    this.emit({ to, from: addDays(to, -daysBetween(this.view.from, this.view.to)) });
  }

  private toggleUrgency(u: string, on: boolean): void {
    const set = new Set(this.view.urgencies);
    if (on) set.add(u);
    else set.delete(u);
    this.emit({ urgencies: URGENCIES.filter((x) => set.has(x)) });
  }

  private pickStatus(choice: string): void {
    this.emit({ statuses: choice === 'open' ? [...OPEN_STATUSES] : choice ? [choice] : [] });
  }

  private emit(change: Partial<ExploreView>): void {
    // A changed window ends any paused playback frame: the frame belonged to the old window.
    const reset = 'from' in change || 'to' in change || 'interval' in change ? { at: undefined } : {};
    this.dispatchEvent(new CustomEvent<Partial<ExploreView>>('explore-change', { detail: { ...change, ...reset } }));
  }
}

customElements.define('gs-filter-bar', FilterBar);

declare global {
  interface HTMLElementTagNameMap {
    'gs-filter-bar': FilterBar;
  }
}
