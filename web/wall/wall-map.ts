import { css, html, LitElement, unsafeCSS } from 'lit';
import maplibreCss from 'maplibre-gl/dist/maplibre-gl.css?inline';
import type { OutlineCollection } from './api-types.js';
import type { GridTileSource } from '../shared/map/grid-tiles.js';
import { changedGrids, loadGrids, type GridCollection } from './grid-prefetch.js';
import type { RecentIncident, RedMarker } from './live-lists.js';
import { wallScale, WallMapController, type FrameProgress } from './map-controller.js';
import type { Legend } from './metric-scale.js';
import { groupingFor, tileSourceFor, type WallGrouping } from './wall-grouping.js';
import { labelsFrom, type Label } from './wall-layers.js';
import type { Lang } from './wall-params.js';

/**
 * The city map: grids coloured by the wall's metric, district and street
 * outlines with names, the incident heatmap, open red incidents pulsing and
 * new incidents ringed. Fires `wall-map-progress` (detail: FrameProgress) as
 * the first complete frame comes together, and `wall-map-grouping` (detail:
 * WallGrouping) once it knows whether it colours grids or communities: the
 * values it is then given must be keyed by those.
 */
/** How often the wall asks whether the grid boundaries changed. */
const GRID_RELOAD_MS = 5 * 60_000;

export class WallMap extends LitElement {
  static override properties = {
    gridsUrl: {},
    outlines: { attribute: false },
    values: { attribute: false },
    legend: { attribute: false },
    heatBins: { attribute: false },
    redMarkers: { attribute: false },
    recent: { attribute: false },
    lang: {},
    tourSeconds: { type: Number },
    basemapStyleUrl: {},
    legendInset: { type: Number },
    legendHeight: { type: Number },
    by: {},
    valuesBy: {},
    minGridPixels: { type: Number },
  };

  static override styles = [
    unsafeCSS(maplibreCss),
    css`
      :host { display: block; position: relative; }
      #map { position: absolute; inset: 0; }
    `,
  ];

  /** Where the grid polygons come from (/api/map/grids, with the token); set before the first render. */
  declare gridsUrl?: string;
  declare outlines?: OutlineCollection;
  /** Grid id → value of the current metric (null = no data). */
  declare values?: Map<number, number | null>;
  declare legend?: Legend;
  /** Heatmap cells; undefined until loaded. */
  declare heatBins?: [number, number, number][];
  declare redMarkers: RedMarker[];
  declare recent: RecentIncident[];
  declare lang: Lang;
  /** Seconds per district of the tour; 0 = none. */
  declare tourSeconds: number;
  /** Set once, before the first render. */
  declare basemapStyleUrl?: string;
  /** CSS pixels from the map's left edge to the legend's right edge (0 = no legend). */
  declare legendInset: number;
  /** CSS pixels from the map's bottom edge to the legend's top (0 = no legend): no name is placed under it. */
  declare legendHeight: number;
  /** What the URL asked a tiled region to be coloured by; undefined = by its size on screen. */
  declare by?: WallGrouping;
  /** What `values` are keyed by. */
  declare valuesBy?: WallGrouping;
  /** A tiled region's mean grid drawn smaller than this (CSS px a side) is coloured by community (the server's setting). */
  declare minGridPixels?: number;

  private mapController?: WallMapController;

  constructor() {
    super();
    this.redMarkers = [];
    this.recent = [];
    this.lang = 'zh';
    this.tourSeconds = 0;
    this.legendInset = 0;
    this.legendHeight = 0;
  }

  /** The map controller, for tests and the bench (pixel sampling, projection). */
  get controller(): WallMapController | undefined {
    return this.mapController;
  }

  override render() {
    return html`<div id="map"></div>`;
  }

  override firstUpdated(): void {
    this.mapController = new WallMapController(this, {
      basemapStyleUrl: this.basemapStyleUrl,
      onProgress: (detail: FrameProgress) => this.dispatchEvent(new CustomEvent('wall-map-progress', { detail, bubbles: true, composed: true })),
      // The whole city fitted again (a resized window) or a tour's next stop: grids or communities, by their size there.
      onViewZoom: (zoom, fitted) => {
        if (this.tiled) this.groupBy(zoom);
        // The page asks for heat cells as fine as the place is shown (a street's wall is far closer than a city's).
        if (fitted) this.dispatchEvent(new CustomEvent('wall-map-fitted', { detail: zoom, bubbles: true, composed: true }));
      },
    });
    this.mapController.attach(this.renderRoot.querySelector<HTMLElement>('#map')!);
    // The page's head has usually fetched the polygons already (wall.html).
    void loadGrids(this.gridsUrl!, () => this.isConnected).then((loaded) => {
      // Tiles: ask for the whole-city view's now, while the map starts (it asks only once loaded).
      this.takeGrids(loaded?.grids);
      if (this.tiled)
        this.prefetchedTiles =
          this.mapController?.prefetchTiles(tileSourceFor(this.tiled, this.grouping ?? 'grid'), tokenQuery(this.gridsUrl), this.legendInset) ?? [];
      this.gridsEtag = loaded?.etag ?? null;
      this.requestUpdate();
    });
    // Boundaries change when a planner publishes: look every few minutes (a 304 when nothing changed).
    this.gridsTimer = setInterval(() => void this.reloadGridsIfChanged(), GRID_RELOAD_MS);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('resize', this.onResize);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('resize', this.onResize);
    clearInterval(this.gridsTimer);
  }

  /** Names, markers and lines are sized for the window's width (wallScale): a window that changes size redraws them at its new scale. */
  private readonly onResize = (): void => this.requestUpdate();

  private async reloadGridsIfChanged(): Promise<void> {
    if (!this.grids && !this.tiled) return;
    const loaded = await changedGrids(this.gridsUrl!, this.gridsEtag);
    if (!loaded) return;
    this.takeGrids(loaded.grids);
    this.gridsEtag = loaded.etag;
    this.requestUpdate();
  }

  /**
   * Polygons, or (a region over the server's grid threshold) where its vector
   * tiles are: the map draws one or the other. Tiles are drawn by grid or by
   * community, decided here for the whole-city view (and again as the view
   * changes: onViewZoom) and told to the page.
   */
  private takeGrids(answer: GridCollection | undefined): void {
    this.tiled = answer?.tiled;
    this.grids = answer?.tiled ? undefined : answer;
    this.groupBy(this.tiled ? this.mapController?.cityZoomFor(this.tiled.bbox, this.legendInset) : undefined);
  }

  /** Grids or communities for a view at `zoom`; a change goes to the page, whose values must then be keyed alike. */
  private groupBy(zoom: number | undefined): void {
    const grouping = groupingFor(this.tiled, this.by, zoom, this.minGridPixels);
    if (grouping === this.grouping) return;
    this.grouping = grouping;
    this.dispatchEvent(new CustomEvent<WallGrouping>('wall-map-grouping', { detail: grouping, bubbles: true, composed: true }));
    this.requestUpdate();
  }

  override updated(): void {
    const c = this.mapController;
    if (!c?.isLoaded) return;
    c.setContent({
      grids: this.grids,
      tiled: this.tiled,
      tileQuery: tokenQuery(this.gridsUrl),
      grouping: this.grouping,
      valuesBy: this.valuesBy,
      values: this.values,
      legend: this.legend,
      outlines: this.outlines,
      heatBins: this.heatBins ?? [],
      heatLoaded: this.heatBins !== undefined,
      redMarkers: this.redMarkers,
      recent: this.recent,
      labels: this.labelsFor(this.outlines, this.lang),
      scale: wallScale(),
      legendInset: this.legendInset,
      legendHeight: this.legendHeight,
    });
    // Not `changed`: the outlines often arrive before the map has loaded, and an update then returns above.
    if (this.touring?.outlines !== this.outlines || this.touring?.seconds !== this.tourSeconds) this.restartTour();
  }

  /** The grid tile URLs asked for before the map loaded (tests compare them with what the map asked for). */
  prefetchedTiles: string[] = [];
  private grids?: GridCollection;
  /** Set instead of `grids` when the region is drawn from vector tiles. */
  private tiled?: GridTileSource;
  /** What the map colours: grids, or (tiles only) communities; undefined until the grids answer is in. */
  private grouping?: WallGrouping;
  private gridsEtag: string | null = null;
  private gridsTimer?: ReturnType<typeof setInterval>;
  private labels?: { outlines?: OutlineCollection; lang: Lang; labels: Label[] };
  /** What the tour was last started with. */
  private touring?: { outlines?: OutlineCollection; seconds: number };

  /** Labels change only with the outlines or the language: the same array keeps deck.gl's text layer as it is. */
  private labelsFor(outlines: OutlineCollection | undefined, lang: Lang): Label[] {
    const kept = this.labels;
    if (kept && kept.outlines === outlines && kept.lang === lang) return kept.labels;
    this.labels = { outlines, lang, labels: labelsFrom(outlines, lang) };
    return this.labels.labels;
  }

  private restartTour(): void {
    this.touring = { outlines: this.outlines, seconds: this.tourSeconds };
    const districts = (this.outlines?.features ?? []).filter((f) => f.properties.level === 'district').map((f) => f.bbox);
    this.mapController?.startTour(this.tourSeconds, districts);
  }
}

/** The access token the grids URL carries (a wall whose token could not become a session), for the tile URLs too. */
function tokenQuery(gridsUrl: string | undefined): string | undefined {
  const token = gridsUrl ? new URL(gridsUrl).searchParams.get('access_token') : null;
  return token ? `access_token=${encodeURIComponent(token)}` : undefined;
}

customElements.define('gs-wall-map', WallMap);

declare global {
  interface HTMLElementTagNameMap {
    'gs-wall-map': WallMap;
  }
}
