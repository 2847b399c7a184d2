import { html, LitElement, type PropertyValues } from 'lit';
import type { WallMetric, WallWindow } from '../../server/contract/wall-options.js';
import { ApiClient } from './api-client.js';
import type { WallConfig } from './api-types.js';
import { formatTime, strings } from './i18n.js';
import { nameWithin, placeName } from '../shared/i18n.js';
import { LiveController } from './live-controller.js';
import { FirstFrameController } from './first-frame.js';
import type { FrameProgress } from './map-controller.js';
import { gridValues, legendFor, type Legend } from './metric-scale.js';
import { communityValues, type WallGrouping } from './wall-grouping.js';
import { WallDataController } from './wall-data.js';
import { wallDisplayStyles } from './wall-display-styles.js';
import { parseWallParams, type WallParams } from './wall-params.js';
import './category-chart.js';
import './directive-panel.js';
import './district-ranking.js';
import './incident-ticker.js';
import './kpi-panel.js';
import '../shared/map/map-legend.js';
import { wallLegendHeading, wallLegendRows } from './wall-legend.js';
import './wall-clock.js';

// The map (MapLibre and deck.gl, most of the page's script) loads beside the panels rather than before them: the
// figures' requests start as soon as this module runs, while the map's modules are still being fetched and compiled.
// <gs-wall-map> upgrades when it arrives, keeping the properties already set on it. A wall has nobody at it: if the
// map's script cannot be fetched (the network dropped), the page loads again a little later.
import('./wall-map.js').catch(() => setTimeout(() => location.reload(), 10_000));

/** Seconds between full reloads when the server has no event stream, and as a safety net when it has. */
const POLL_SECONDS = 15;
const STREAM_SAFETY_SECONDS = 60;
const CONFIG_RETRY_MS = 2_000;

/**
 * The command-centre wall at /wall: map, KPIs, rankings, categories,
 * directive and live ticker, full screen and without interaction. It reads
 * its options from the URL (wall-params.ts), talks to the server through one
 * ApiClient, keeps its figures in WallDataController and its link to the
 * server in LiveController. When the first complete frame is on screen
 * (KPIs filled, grids coloured, heatmap drawn) it sets
 * `data-first-frame-ms` and the performance mark `wall-first-frame`.
 */
export class WallDisplay extends LitElement {
  static override styles = wallDisplayStyles;

  readonly params: WallParams = parseWallParams(location.search);
  private readonly api = new ApiClient(this.params.token);
  private readonly data = new WallDataController(this);
  private readonly live = new LiveController(this);
  private config?: WallConfig;
  private metric?: WallMetric;
  private window?: WallWindow;
  private values?: Map<number, number | null>;
  private legend?: Legend;
  private configError?: string;
  /** Whether the wall knows how it authenticates (its token traded for a session, or kept): the map's URLs depend on it. */
  private authReady = !this.params.token;

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.authReady) {
      void this.api.ready().then(() => {
        this.authReady = true;
        this.requestUpdate();
      });
    }
    // Outlines need no configuration: start them at once.
    void this.data.loadOutlines(this.api, this.params.region).catch((err) => {
      this.data.error = String(err?.message ?? err);
      this.requestUpdate();
    });
    void this.start();
  }

  /** Reloads every figure now: the hook for tests and for anyone driving the wall from the console. */
  refresh(): Promise<void> {
    return this.live.refreshNow();
  }

  private async start(): Promise<void> {
    // The server writes the configuration into the page; fetch it only when it is missing (the page opened from a file or a proxy cache).
    const inline = document.getElementById('page-data')?.textContent;
    if (inline && !this.config) {
      try {
        this.config = JSON.parse(inline) as WallConfig;
      } catch {
        this.config = undefined;
      }
    }
    // The configuration says which services exist; without it nothing can start, so keep asking.
    while (!this.config && this.isConnected) {
      try {
        this.config = await this.api.get<WallConfig>('/api/wall/config');
      } catch (err) {
        this.configError = String((err as Error).message ?? err);
        this.requestUpdate();
        await new Promise((r) => setTimeout(r, CONFIG_RETRY_MS));
      }
    }
    const config = this.config;
    if (!config) return;
    // The event stream's URL carries the token only if it could not be traded for a session.
    await this.api.ready();
    this.configError = undefined;
    this.metric = this.params.metric ?? config.metric;
    this.window = this.params.window ?? config.window;
    this.data.configure({
      api: this.api,
      region: this.params.region,
      metric: this.metric,
      window: this.window,
      directives: config.features.directives,
      heatZoom: this.heatZoom(),
    });
    window.addEventListener('resize', this.onResize);
    this.live.start({
      api: this.api,
      stream: config.features.stream,
      refreshSeconds: this.params.refreshSeconds ?? (config.features.stream ? STREAM_SAFETY_SECONDS : POLL_SECONDS),
      onEvent: (e) => this.data.applyEvent(e),
      refresh: () => this.data.refresh(),
    });
    this.requestUpdate();
  }

  /**
   * The heatmap's cells follow the zoom the place is shown at: a city's follows the window's width (asked for with the
   * first figures); a place the map fits closer (a district, street or community) at that whole zoom, once fitted.
   */
  private heatZoom(): number | null {
    return this.params.heat ? Math.max(9 + Math.log2(Math.max(1, window.innerWidth / 1920)), Math.floor(this.fittedZoom)) : null;
  }

  /** The zoom the map last fitted the whole place at (wall-map-fitted). */
  private fittedZoom = 0;

  private onMapFitted(zoom: number): void {
    this.fittedZoom = zoom;
    if (this.data.setHeatZoom(this.heatZoom())) void this.data.reloadHeat().catch(() => undefined);
  }

  /** A window that changes size (a browser going full screen on a 4K wall after it loaded) gets the heatmap's cells for its new size. */
  private readonly onResize = (): void => {
    if (this.data.setHeatZoom(this.heatZoom())) void this.refresh().catch(() => undefined);
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('resize', this.onResize);
  }

  override willUpdate(_changed: PropertyValues<this>): void {
    const { metrics } = this.data;
    if (metrics && this.metric && (this.lastMetrics !== metrics || this.valuesBy !== this.grouping)) {
      this.lastMetrics = metrics;
      this.valuesBy = this.grouping;
      // A community's value is that of its grids' figures added up; the legend's classes are drawn from what is coloured.
      this.values = this.grouping === 'community' ? communityValues(this.metric, metrics) : gridValues(this.metric, metrics);
      this.legend = { ...legendFor(this.metric, [...this.values.values()]), by: this.grouping };
    }
  }

  private lastMetrics?: unknown;
  /** What the map colours (its `wall-map-grouping` event), and what the values were last computed for. */
  private grouping: WallGrouping = 'grid';
  private valuesBy: WallGrouping = 'grid';

  override firstUpdated(): void {
    // The legend's size follows the metric's name and the language: the map fits the city beside it.
    const legend = this.renderRoot.querySelector('gs-map-legend')!;
    new ResizeObserver(() => {
      // Only a legend drawn over the map takes room from the city (on a phone it sits under the map).
      const map = this.renderRoot.querySelector<HTMLElement>('.map')!.getBoundingClientRect();
      const box = legend.getBoundingClientRect();
      const over = legend.offsetWidth > 0 && box.top < map.bottom && box.bottom > map.top && getComputedStyle(legend).position === 'absolute';
      const [inset, height] = over ? [Math.round(box.right - map.left), Math.round(map.bottom - box.top)] : [0, 0];
      if (inset !== this.legendInset || height !== this.legendHeight) {
        [this.legendInset, this.legendHeight] = [inset, height];
        this.requestUpdate();
      }
    }).observe(legend);
  }

  private legendInset = 0;
  private legendHeight = 0;

  override render() {
    const t = strings(this.params.lang);
    const lang = this.params.lang;
    const state = this.live.state;
    const stale = state === 'offline';
    const regionNames = new Map(
      (this.data.outlines?.features ?? []).map((f) => [f.id, lang === 'en' ? (f.properties.name_en ?? f.properties.name) : f.properties.name]),
    );
    const categoryNames = new Map((this.data.categories ?? []).map((c) => [c.code, lang === 'en' ? c.name_en : c.name_zh]));
    // Until the region tree comes (after the first frame), the summary's name of the place stands in (a grid's, always).
    const place = this.data.place ?? this.data.summary?.region;
    const placeTitle = place ? placeName(lang, place) : '';
    // The ticker's lines name the part of the place they are in (the summary's children: districts, streets, communities, grids).
    const summary = this.data.summary;
    const partNames = new Map((summary?.children ?? []).map((c) => [c.code, nameWithin(lang, c, summary?.region)]));
    return html`
      <header>
        <h1 data-place=${place?.code ?? ''}>${placeTitle}${placeTitle && lang === 'en' ? ' ' : ''}${t.title}</h1>
        ${this.renderUnit(t, lang)}
        <span class="meta">${this.window ? t.window[this.window] : ''}${this.data.from ? html` · <span data-from=${this.data.from}>${formatTime(this.data.from, lang, true)}</span>` : ''}</span>
        <span class="spacer"></span>
        <span class="meta"><gs-wall-clock .lang=${lang}></gs-wall-clock></span>
        <span class="conn" data-connection=${state}>${this.renderConnection(t)}</span>
      </header>
      <div class="column">
        <div class="panel"><gs-kpi-panel .summary=${this.data.summary} .newToday=${this.data.newToday} .lang=${lang} ?stale=${stale}></gs-kpi-panel></div>
        <div class="panel"><gs-district-ranking .summary=${this.data.summary} .lang=${lang} ?stale=${stale}></gs-district-ranking></div>
        <div class="panel grow"><h2>${t.categories}</h2><gs-category-chart .categories=${this.data.categories} .lang=${lang} ?stale=${stale}></gs-category-chart></div>
      </div>
      <div class="map">
        ${this.authReady ? this.renderMap(lang) : ''}
        <gs-map-legend .heading=${wallLegendHeading(this.legend, lang)} .rows=${wallLegendRows(this.legend, lang)}></gs-map-legend>
        ${stale ? html`<div class="banner" role="alert" data-banner="offline">${t.connection.offline}${this.live.lastRefreshAt ? html` · ${t.connection.staleSince} ${formatTime(this.live.lastRefreshAt, lang)}` : ''}</div>` : ''}
        ${this.data.error || this.configError ? html`<div class="error" role="status">${this.data.error ?? this.configError}</div>` : ''}
      </div>
      <div class="column">
        <div class="panel directives"><h2>${t.directive}</h2><gs-directive-panel .directives=${this.data.directives} .regionNames=${regionNames} .place=${summary?.region.code} .lang=${lang}></gs-directive-panel></div>
        <div class="panel grow"><h2>${t.ticker}</h2><gs-incident-ticker .entries=${this.data.ticker} .categoryNames=${categoryNames} .partNames=${partNames} .lang=${lang}></gs-incident-ticker></div>
      </div>
    `;
  }

  private renderMap(lang: WallParams['lang']) {
    return html`<gs-wall-map
          .gridsUrl=${this.api.url('/api/map/grids', { region: this.params.region, tiles: 'auto' })} .outlines=${this.data.outlines} .values=${this.values} .legend=${this.legend}
          .heatBins=${this.data.heat?.bins} .redMarkers=${this.data.mapRedMarkers} .recent=${this.data.mapRecent}
          .lang=${lang} .tourSeconds=${this.params.tourSeconds} .basemapStyleUrl=${this.config?.basemap_style_url ?? undefined} .minGridPixels=${this.config?.min_grid_pixels}
          .legendInset=${this.legendInset} .legendHeight=${this.legendHeight} .by=${this.params.by} .valuesBy=${this.valuesBy}
          @wall-map-grouping=${(e: CustomEvent<WallGrouping>) => this.onMapGrouping(e.detail)}
          @wall-map-fitted=${(e: CustomEvent<number>) => this.onMapFitted(e.detail)}
          @wall-map-progress=${(e: CustomEvent<FrameProgress>) => this.onMapProgress(e.detail)}></gs-wall-map>`;
  }

  /** Whose incidents a unit-scoped wall counts (a department handler's), under the region's title. */
  private renderUnit(t: ReturnType<typeof strings>, lang: WallParams['lang']) {
    const unit = this.data.summary?.unit;
    return unit ? html`<span class="unit" data-unit=${unit.code}>${t.unitOnly(lang === 'en' ? (unit.name_en ?? unit.name) : unit.name)}</span>` : '';
  }

  private renderConnection(t: ReturnType<typeof strings>) {
    switch (this.live.state) {
      case 'live':
        return t.connection.live;
      case 'polling':
        return t.connection.polling;
      case 'offline':
        return t.connection.offline;
      default:
        return t.connection.connecting;
    }
  }

  private onMapGrouping(grouping: WallGrouping): void {
    if (grouping === this.grouping) return;
    this.grouping = grouping;
    this.requestUpdate();
  }

  private onMapProgress(p: FrameProgress): void {
    this.firstFrame.mapProgress(p);
  }

  /** After the first complete frame: the place's English name is in the region tree, asked for now so it never competes with the first frame's requests. */
  private readonly firstFrame = new FirstFrameController(
    this,
    () => Boolean(this.data.summary),
    () => {
      void this.data.loadPlace(this.api, this.params.region).catch((err: Error) => {
        this.data.error = String(err?.message ?? err);
        this.requestUpdate();
      });
    },
  );
}

customElements.define('gs-wall-display', WallDisplay);

declare global {
  interface HTMLElementTagNameMap {
    'gs-wall-display': WallDisplay;
  }
}
