import { html, LitElement, nothing } from 'lit';
import { isGridCode } from '../../server/contract/vocabulary.js';
import type { ApiError } from '../shared/api-request.js';
import { currentUser, logout, type Me } from '../shared/session.js';
import { placeName, showDocumentIn } from '../shared/i18n.js';
import { differenceLegend, levelLegend, metricValue, type ChildFigures, type Legend } from './choropleth.js';
import { download } from './csv.js';
import { ExploreDataController } from './explore-data.js';
import { explorePageStyles } from './explore-page-styles.js';
import { legendRows, legendTitle } from './explore-legend.js';
import { MapPairController } from './map-pair.js';
import { errorText, formatMetric, strings } from './explore-i18n.js';
import type { PickDetail, ViewDetail } from './explore-map.js';
import { addDays, parseView, serializeView, type ExploreView } from './explore-params.js';
import './category-bars.js';
import '../shared/map/map-legend.js';
import './explore-map.js';
import './filter-bar.js';
import './grid-panel.js';
import './kpi-strip.js';
import './place-search.js';
import './ranking-table.js';
import './trend-chart.js';

/** Seconds per playback frame: long enough to read the map, and for the server's two answers on the demo city. */
const FRAME_MS = 1_500;

/**
 * /explore: leaders' district explorer. The view lives in the URL
 * (explore-params.ts): every change rewrites it (a new place is a new history
 * entry, so Back goes up a level), and the page is a function of it. Data
 * comes through ExploreDataController; the maps own their MapLibre instances.
 * Sets `data-state="ready"` when nothing is in flight, for tests.
 */
export class ExplorePage extends LitElement {
  static override properties = { view: { state: true }, me: { state: true }, playing: { state: true }, movedFrom: { state: true } };
  static override styles = explorePageStyles;

  declare view: ExploreView;
  declare me: Me | null;
  declare playing: boolean;
  /** The place a link asked for that the caller may not see (or that does not exist): they were shown their own area instead. */
  declare movedFrom: string | undefined;
  private readonly data = new ExploreDataController(this);
  private readonly pair = new MapPairController(this);
  private timer?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    this.view = parseView(location.search);
    this.me = null;
    this.playing = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    showDocumentIn(this.view.lang, strings(this.view.lang).title);
    // Defaults (today's window) are written into the URL at once, so a reload tomorrow shows the same days.
    history.replaceState(null, '', serializeView(this.view));
    window.addEventListener('popstate', this.onPopState);
    currentUser().then(
      (me) => {
        this.me = me;
      },
      (err) => {
        this.data.error = { status: 0, code: 'network', message: String(err) };
        this.requestUpdate();
      },
    );
    void this.load(this.view);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    clearInterval(this.timer);
  }

  override updated(): void {
    this.toggleAttribute('data-busy', this.data.pending > 0);
    const state = this.data.pending > 0 ? 'loading' : this.data.window ? 'ready' : this.data.error ? 'error' : 'loading';
    this.setAttribute('data-state', state);
  }

  /** Applies a change to the view: URL first, then data. */
  change(patch: Partial<ExploreView>): void {
    const next = { ...this.view, ...patch };
    const newPlace = next.region !== this.view.region;
    this.view = next;
    const url = serializeView(next);
    if (newPlace) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    void this.load(next);
  }

  /**
   * Loads a view; a place the caller may not see (a leader following another
   * district's link: the API answers 404, as for a place that does not exist)
   * is replaced by the caller's own area, with a notice, instead of an error
   * over an empty page.
   */
  private async load(view: ExploreView): Promise<void> {
    await this.data.load(view);
    const refused = this.data.error && [403, 404].includes(this.data.error.status);
    if (!refused || !view.region || this.view !== view) return;
    this.movedFrom = view.region;
    this.view = { ...view, region: undefined, at: undefined };
    history.replaceState(null, '', serializeView(this.view));
    await this.data.load(this.view);
  }

  override render() {
    const v = this.view;
    const t = strings(v.lang);
    const w = this.data.window;
    const categories = (w?.categories ?? []).map((c) => ({ code: c.code, name: v.lang === 'en' ? c.name_en : c.name_zh }));
    const stem = `explore-${w?.place.code ?? 'scope'}-${v.from}-${v.to}`;
    return html`
      <header>
        <h1>${t.title}</h1>
        <nav class="crumbs" aria-label="breadcrumb">${this.renderCrumbs()}</nav>
        <gs-place-search .lang=${v.lang} @explore-pick=${(e: CustomEvent<PickDetail>) => this.pick(e.detail.code)}
          @explore-error=${(e: CustomEvent<ApiError>) => this.showError(e.detail)}></gs-place-search>
        <a class="plain" href="/">${t.home}</a>
        <button data-action="lang" @click=${() => this.switchLanguage()}>${v.lang === 'en' ? '中文' : 'English'}</button>
        ${this.me ? html`<span class="who">${this.me.principal.display_name}</span>` : nothing}
        ${this.me?.principal.kind === 'user' ? html`<button @click=${() => logout(this.me!.csrf_token)}>${t.signOut}</button>` : nothing}
      </header>
      <gs-filter-bar .view=${v} .categories=${categories} ?playing=${this.playing}
        @explore-change=${(e: CustomEvent<Partial<ExploreView>>) => this.change(e.detail)} @explore-play=${() => this.togglePlay()}></gs-filter-bar>
      <main>
        <div class="maps" @explore-pick=${(e: CustomEvent<PickDetail>) => this.pick(e.detail.code)}>${this.renderMaps()}</div>
        <aside @explore-pick=${(e: CustomEvent<PickDetail>) => this.pick(e.detail.code)}>
          <gs-kpi-strip .totals=${w?.totals} .compared=${v.compare !== 'none' ? this.data.compared?.totals : undefined} .lang=${v.lang}></gs-kpi-strip>
          ${this.data.grid ? html`<gs-grid-panel .grid=${this.data.grid} .categoryNames=${new Map(categories.map((c) => [c.code, c.name]))} .lang=${v.lang}></gs-grid-panel>` : nothing}
          <gs-trend-chart .series=${this.data.series} .interval=${v.interval} .frame=${v.at} .lang=${v.lang} .fileStem=${stem}></gs-trend-chart>
          <gs-category-bars .categories=${w?.categories} .lang=${v.lang} .fileStem=${stem}></gs-category-bars>
          ${
            w && w.children.length
              ? html`
            <gs-ranking-table id="top-reported" .rows=${w.children} .place=${w.place} sortBy="reported" .heading=${t.topReported} .lang=${v.lang} .fileName=${`${stem}-top-reported.csv`}></gs-ranking-table>
            <gs-ranking-table id="top-overdue" .rows=${w.children} .place=${w.place} sortBy="overdue" .heading=${t.topOverdue} .lang=${v.lang} .fileName=${`${stem}-top-overdue.csv`}></gs-ranking-table>
            <details><summary>${t.children} (${w.children.length})</summary>
              <gs-ranking-table id="all-children" .rows=${w.children} .place=${w.place} sortBy="code" .limit=${Infinity} .heading=${t.children} .lang=${v.lang} .fileName=${`${stem}-children.csv`}></gs-ranking-table>
            </details>`
              : nothing
          }
        </aside>
      </main>`;
  }

  private renderCrumbs() {
    const w = this.data.window;
    if (!w) return this.data.error && this.data.pending === 0 ? '—' : strings(this.view.lang).loading;
    const t = strings(this.view.lang);
    return html`${w.ancestors.map((a) => html`<a data-crumb=${a.code} @click=${() => this.pick(a.code)}>${placeName(this.view.lang, a)}</a><span class="sep">›</span>`)}<b data-place=${w.place.code} data-level=${w.place.level}>${placeName(this.view.lang, w.place)}</b><span class="level">${t.level[w.place.level]}</span>${
      w.unit
        ? html`<span class="unit" data-unit=${w.unit.code}>${t.unitOnly(this.view.lang === 'en' ? (w.unit.name_en ?? w.unit.name) : w.unit.name)}</span>`
        : nothing
    }`;
  }

  private renderMaps() {
    const v = this.view;
    const t = strings(v.lang);
    const { legend, a, b } = this.mapValues();
    const describe = (values: Map<string, number | null>) => (code: string) =>
      `${t.metric[v.metric]}${legend?.diverging ? ' Δ' : ''}: ${formatMetric(v.metric, values.get(code) ?? null, v.lang)}`;
    const selected = isGridCode(v.region) ? v.region : undefined;
    const side = v.compare === 'side';
    return html`
      <gs-explore-map id="map-a" .shapes=${this.data.shapes} .place=${this.data.window?.place} .values=${a} .legend=${legend} .heatBins=${this.data.heat} .selected=${selected} .padding=${this.pair.padding}
        .lang=${v.lang} .caption=${side ? `${t.periodA} ${v.from} – ${v.to}` : v.at ? `${t.frame} ${v.at}` : undefined} .describe=${describe(a)}
        @explore-view=${(e: CustomEvent<ViewDetail>) => void this.data.moved(this.view, e.detail)}></gs-explore-map>
      ${
        side
          ? html`<gs-explore-map id="map-b" .shapes=${this.data.shapes} .place=${this.data.window?.place} .values=${b} .legend=${legend} .heatBins=${this.data.heatCompared} .padding=${this.pair.padding}
        .selected=${selected} .lang=${v.lang} .caption=${`${t.periodB} ${v.bfrom} – ${v.bto}`} .describe=${describe(b)}></gs-explore-map>`
          : nothing
      }
      <gs-map-legend .heading=${legend ? legendTitle(legend, v.metric, v.lang) : ''} .rows=${legend ? legendRows(legend, v.metric, v.lang) : []}></gs-map-legend>
      <div class="tools"><button data-export="png" @click=${() => this.exportPng()}>${t.exportPng}</button></div>
      ${
        this.movedFrom
          ? html`<div class="notice" role="status" data-notice="moved-to-scope">
        ${t.movedToScope(this.movedFrom, this.data.window ? placeName(v.lang, this.data.window.place) : t.yourArea)}
        <button @click=${() => {
          this.movedFrom = undefined;
        }}>${t.dismiss}</button></div>`
          : nothing
      }
      ${this.data.error ? html`<div class="error" role="alert" data-error=${this.data.error.code}>${errorText(this.data.error, v.lang)}</div>` : nothing}`;
  }

  /** Values of the shapes for each map, and one legend for all of them (so colours compare). */
  private mapValues(): { legend?: Legend; a: Map<string, number | null>; b: Map<string, number | null> } {
    const v = this.view;
    const figures = (c?: { place: { code: string }; totals: Omit<ChildFigures, 'code' | 'name' | 'name_en'>; children: ChildFigures[] }) => {
      if (!c) return new Map<string, ChildFigures>();
      // A grid has no children: it is coloured by its own figures.
      const rows = c.children.length ? c.children : [{ ...c.totals, code: c.place.code, name: '', name_en: null }];
      return new Map(rows.map((r) => [r.code, r]));
    };
    const codes = (this.data.shapes?.features ?? []).map((f) => f.id);
    const valuesOf = (m: Map<string, ChildFigures>) => new Map(codes.map((code) => [code, metricValue(v.metric, m.get(code))]));
    const a = valuesOf(figures(this.data.mapped));
    const b = valuesOf(figures(this.data.compared));
    if (!this.data.mapped) return { a, b };
    if (v.compare === 'diff' && this.data.compared) {
      const diff = new Map(
        codes.map((code) => {
          const x = a.get(code) ?? null;
          const y = b.get(code) ?? null;
          return [code, x === null || y === null ? null : Math.round((x - y) * 10_000) / 10_000];
        }),
      );
      return { legend: differenceLegend([...diff.values()]), a: diff, b };
    }
    const all = v.compare === 'side' ? [...a.values(), ...b.values()] : [...a.values()];
    return { legend: levelLegend(v.metric, all), a, b };
  }

  private pick(code: string): void {
    if (code === this.view.region) return;
    this.stopPlay();
    this.movedFrom = undefined;
    this.change({ region: code, at: undefined });
  }

  private showError(err: ApiError): void {
    this.data.error = { status: err.status, code: err.code, message: err.message };
    this.requestUpdate();
  }

  private switchLanguage(): void {
    // First the document: the API client asks for errors in its language.
    const lang = this.view.lang === 'en' ? 'zh' : 'en';
    showDocumentIn(lang, strings(lang).title);
    this.change({ lang });
  }

  private togglePlay(): void {
    if (this.playing) {
      this.stopPlay();
      return;
    }
    this.playing = true;
    if (!this.view.at) this.change({ at: this.view.from, compare: 'none' });
    this.timer = setInterval(() => {
      const step = this.view.interval === 'week' ? 7 : 1;
      const next = addDays(this.view.at ?? this.view.from, step);
      if (next > this.view.to) return this.stopPlay();
      this.change({ at: next });
    }, FRAME_MS);
  }

  private stopPlay(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playing = false;
  }

  private async exportPng(): Promise<void> {
    const v = this.view;
    const t = strings(v.lang);
    const { legend } = this.mapValues();
    const place = this.data.window ? placeName(v.lang, this.data.window.place) : '';
    const periods =
      v.compare === 'side'
        ? [`${t.periodA} ${v.from} – ${v.to}`, `${t.periodB} ${v.bfrom} – ${v.bto}`]
        : v.compare === 'diff'
          ? [`${v.from} – ${v.to} − ${v.bfrom} – ${v.bto}`]
          : [v.at ? `${t.frame} ${v.at}` : `${v.from} – ${v.to}`];
    const blob = await this.pair.exportPng({
      title: `${place} · ${t.metric[v.metric]}${legend?.diverging ? ` (${t.diffLegend})` : ''}`,
      periods,
      legendTitle: legend ? legendTitle(legend, v.metric, v.lang) : t.metric[v.metric],
      legend: legend ? legendRows(legend, v.metric, v.lang) : [],
    });
    if (blob) download(`explore-map-${this.data.window?.place.code ?? 'scope'}-${this.view.from}-${this.view.to}.png`, blob);
  }

  private onPopState = () => {
    this.stopPlay();
    this.view = parseView(location.search);
    void this.load(this.view);
  };
}

customElements.define('gs-explore-page', ExplorePage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-explore-page': ExplorePage;
  }
}
