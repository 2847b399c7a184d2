import type { LngLatBoundsLike, Map as MapLibreMap } from 'maplibre-gl';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { unionBbox } from '../shared/map/fit.js';
import { MapKitController } from '../shared/map/map-controller.js';
import { prefetchGridTiles, type GridTileSource } from '../shared/map/grid-tiles.js';
import type { Bbox } from './api-types.js';
import { gridsBbox } from './grid-prefetch.js';
import { motionQuery, PULSE_PERIOD_MS, PulseClock, reducedMotion, STILL_PULSE } from './pulse-clock.js';
import { WallGridTiles } from './wall-grid-tiles.js';
import type { WallGrouping } from './wall-grouping.js';
import { wallDeckLayers, type Label, type WallLayerProps } from './wall-layers.js';
import { WallNamePlacement } from './wall-name-placement.js';
import { WallTour } from './wall-tour.js';

/** CSS pixels kept around the city in its whole-city view, and around a district the tour flies to. */
const [CITY_PADDING, DISTRICT_PADDING] = [24, 48];

/** Sizes are designed for 1920 px; a 4K wall doubles them. */
export const wallScale = (): number => Math.min(2.5, Math.max(1, window.innerWidth / 1920));

export interface FrameProgress {
  gridsColoured: boolean;
  heatDrawn: boolean;
  /** The grids' edges, which join after the first complete frame, are painted: the picture is whole. */
  edgesDrawn: boolean;
}

/** What the wall map shows; the controller adds the pulse, the street-name switch and the basemap flag. */
export type WallMapContent = Omit<WallLayerProps, 'pulse' | 'showGridEdges' | 'overBasemap' | 'labels' | 'heatMagnify'> & {
  heatLoaded: boolean;
  /** Every district and street name; the controller picks and places those that fit. */
  labels: Label[];
  /** CSS pixels from the map's left edge to the legend's right edge: the city is fitted beside the legend, never under it. */
  legendInset: number;
  /** CSS pixels from the map's bottom edge to the legend's top: no name is placed under the legend. */
  legendHeight: number;
  /** Set (and `grids` not) when the region is over the server's grid threshold: its grids come from vector tiles. */
  tiled?: GridTileSource;
  /** Added to tile URLs: the access token when the wall has no session cookie. */
  tileQuery?: string;
  /** With `tiled`: whether its grids or its communities are drawn (wall-grouping.ts). */
  grouping?: WallGrouping;
  /** What `values` are keyed by: tiles are coloured only with values of what they draw. */
  valuesBy?: WallGrouping;
};

/**
 * What the wall map shows and when: the kit's map (MapKitController) with deck.gl drawn into its canvas (interleaved),
 * layers rebuilt from props on each change (deck diffs them), so nothing waits for MapLibre's worker to cut tiles.
 * Reports the first complete frame as it comes together (onProgress); timing it is the page's business (first-frame.ts).
 */
export class WallMapController implements ReactiveController {
  private readonly kit: MapKitController;
  private content?: WallMapContent;
  private cityBounds?: Bbox;
  private cityZoom = 0;
  /** The zoom the camera last came to rest at: the heat's radius follows it, not each frame of a flight (a re-aggregation each). */
  private restingZoom = 0;
  private readonly pulseClock = new PulseClock(() => this.pushDeck());
  /** Listened to: one query list, so that the listener can be removed from it. */
  private readonly motion = motionQuery();
  private readonly tour = new WallTour({
    map: () => this.map,
    padding: (atCity) => this.fitPadding(this.content?.legendInset ?? 0, atCity ? CITY_PADDING : DISTRICT_PADDING),
    onStop: (zoom, atCity) => {
      if (atCity) this.fittedInset = this.content?.legendInset ?? 0;
      this.options.onViewZoom?.(zoom);
    },
    ready: () => this.progress.gridsColoured && this.progress.heatDrawn,
  });
  private progress: FrameProgress = { gridsColoured: false, heatDrawn: false, edgesDrawn: false };
  private framesRendered = 0;
  private edgesFromFrame?: number;
  private readonly names = new WallNamePlacement();
  private fittedInset = 0;
  /** Set when new colours went to deck.gl; the next frame it draws shows them. */
  private coloursPending = false;
  /** The grids as MapLibre draws them from vector tiles (a region over the threshold). */
  private readonly tiles: WallGridTiles;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: {
      basemapStyleUrl?: string;
      onProgress(p: FrameProgress): void;
      /** The zoom the map shows, or is about to fly to (a tour's next stop; `fitted`: the whole place, fitted again): what follows it. */
      onViewZoom?(zoom: number, fitted?: boolean): void;
    },
  ) {
    host.addController(this);
    // Grids are translucent over a basemap, opaque on the wall's own dark ground.
    this.tiles = new WallGridTiles(options.basemapStyleUrl ? 180 : 255);
    this.kit = new MapKitController(host, {
      name: 'wall map',
      style: options.basemapStyleUrl,
      interactive: false,
      zoom: 8,
      // deck.gl draws into MapLibre's canvas: a second full-screen canvas would be read back on every frame
      // under software compositing (Chromium without a GPU), about 100 ms a frame on the 2-core reference machine.
      deck: { interleaved: true },
      // Kept only when asked (?readback, as the browser tests do): on software WebGL every kept frame costs a full-screen copy.
      readback: new URLSearchParams(location.search).has('readback'),
      onLoad: (map) => {
        map.on('moveend', () => {
          this.restingZoom = map.getZoom();
          this.pushDeck();
        });
        map.on('render', () => this.onFrameRendered());
        // A window that changes size (a browser going full screen after the wall loaded) shows the whole city again.
        map.on('resize', () => this.fitCity());
        // A fit draws the layers at the city's zoom; with nothing to fit yet, draw what there is.
        if (!this.fitCity()) this.pushDeck();
        host.requestUpdate();
      },
      onDeckFrame: () => this.afterDeckRender(),
    });
  }

  /** The MapLibre map (tests read its canvas and camera). */
  get map(): MapLibreMap | undefined {
    return this.kit.map;
  }

  /** Creates the map in `container` (once). */
  attach(container: HTMLElement): void {
    this.kit.attach(container);
  }

  get isLoaded(): boolean {
    return this.kit.isLoaded;
  }

  /** What to draw. The first grids set the whole-city view; new figures or legend mark the colours pending. */
  setContent(content: WallMapContent): void {
    const before = this.content;
    this.content = content;
    if (content.grids && content.grids !== before?.grids) {
      // New boundaries (a publish) move the camera only if the city's extent moved: a tour flies on.
      const bounds = gridsBbox(content.grids);
      if (bounds && bounds.join() !== this.cityBounds?.join()) {
        this.cityBounds = bounds;
        this.fitCity();
      }
    } else if (!this.cityBounds && content.outlines && content.outlines !== before?.outlines) {
      // No grids yet: the districts' extent will do until they come.
      this.cityBounds = unionBbox(content.outlines.features.filter((f) => f.properties.level === 'district').map((f) => f.bbox));
      this.fitCity();
    }
    if (content.tiled && (content.tiled !== before?.tiled || content.grouping !== before?.grouping)) this.showTiles(content);
    if (content.grids) this.tiles.remove();
    // Away on a tour, a legend that changed size (its heading follows grids/communities) waits for the city's stop.
    if (!this.tour.away && Math.abs(content.legendInset - this.fittedInset) > 4) this.fitCity();
    if (
      content.grids &&
      content.values &&
      content.legend &&
      (content.values !== before?.values || content.legend !== before?.legend || content.grids !== before?.grids)
    ) {
      this.coloursPending = true;
    }
    if (
      this.tiles.active &&
      content.values &&
      content.legend &&
      (content.valuesBy ?? 'grid') === this.tiles.drawnBy &&
      (content.values !== before?.values || content.legend !== before?.legend || content.tiled !== before?.tiled || content.grouping !== before?.grouping)
    ) {
      this.tiles.colour(content.values, content.legend, () => {
        if (!this.progress.gridsColoured) this.markProgress({ gridsColoured: true });
      });
    }
    if (content.heatLoaded && content.heatBins.length === 0) this.markProgress({ heatDrawn: true });
    this.pushDeck();
    this.updatePulse();
  }

  /** Flies from district to district every `seconds`, then back to the whole city, for ever. */
  startTour = (seconds: number, districts: Bbox[]): void => this.tour.start(seconds, districts, this.cityBounds);

  /** Screen position (CSS pixels, relative to the map) of a point: for tests and the bench. */
  project(lon: number, lat: number): { x: number; y: number } {
    return this.kit.project(lon, lat);
  }

  /** The names drawn now and their boxes on screen (CSS pixels, relative to the map): for tests. */
  placedLabels(): ReturnType<WallNamePlacement['placed']> {
    return this.names.placed();
  }

  hostConnected(): void {
    this.motion?.addEventListener('change', this.onMotionPreference);
  }

  hostDisconnected(): void {
    // The kit removes the map itself.
    this.motion?.removeEventListener('change', this.onMotionPreference);
    this.pulseClock.stop();
    this.tour.stop();
  }

  /**
   * As soon as the wall knows where its grid (or community) tiles are, before the map has loaded: asks
   * for those of the whole-city view, at the zoom it will be fitted at, so they are on their way. Returns the URLs.
   */
  prefetchTiles(source: GridTileSource, query: string | undefined, legendInset: number): string[] {
    const zoom = this.cityZoomFor(source.bbox, legendInset);
    return this.tiles.active || zoom === undefined ? [] : prefetchGridTiles(source, Math.floor(zoom), query);
  }

  /** The zoom a whole-city view of `bbox` gets beside a legend this wide (known before the map has loaded). */
  cityZoomFor(bbox: Bbox | null | undefined, legendInset: number): number | undefined {
    if (!this.map || !bbox) return undefined;
    return this.map.cameraForBounds(bbox as LngLatBoundsLike, { padding: this.fitPadding(legendInset) })?.zoom;
  }

  /** Draws the grids from vector tiles (MapLibre, under deck.gl's layers) and fits the city to their extent. */
  private showTiles(content: WallMapContent): void {
    const source = content.tiled!;
    this.tiles.show(this.map, source, content.tileQuery, content.scale, content.grouping ?? 'grid');
    if (source.bbox && source.bbox.join() !== this.cityBounds?.join()) {
      this.cityBounds = source.bbox;
      this.fitCity();
    }
  }

  /** Shows the whole city and draws the layers for it; false when there is no city to fit yet. */
  private fitCity(): boolean {
    if (!this.map || !this.cityBounds) return false;
    this.fittedInset = this.content?.legendInset ?? 0;
    this.tour.away = false;
    this.kit.fit(this.cityBounds, this.fitPadding(this.fittedInset));
    this.cityZoom = this.map.getZoom();
    this.options.onViewZoom?.(this.cityZoom, true);
    // The fit's moveend placed the names against the old city zoom (a window made larger: street names in the city view).
    this.pushDeck();
    return true;
  }

  /** Room around what is fitted (the city, or a district of the tour), never under the legend. */
  private fitPadding(legendInset: number, room = CITY_PADDING): { top: number; right: number; bottom: number; left: number } {
    return { top: room, right: room, bottom: room, left: room + legendInset };
  }

  /** The screen's reduced-motion preference changed: the markers stop pulsing (or start) now, not at the next data change. */
  private readonly onMotionPreference = (): void => {
    this.updatePulse();
    this.pushDeck();
  };

  private updatePulse(): void {
    // Animate only while there is something to pulse, and not before the first complete frame: on software WebGL every animation frame delays it.
    const wanted = (this.content?.redMarkers.length ?? 0) > 0 && this.progress.gridsColoured && this.progress.heatDrawn && !reducedMotion();
    if (wanted) this.pulseClock.start();
    else this.pulseClock.stop();
  }

  private pushDeck(): void {
    if (!this.kit.isLoaded || document.hidden) return;
    const pulse = reducedMotion() ? STILL_PULSE : (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const showGridEdges = this.progress.gridsColoured && this.progress.heatDrawn;
    // Pushed during frame N's drawing (deck.gl's callbacks), they are drawn in frame N + 1.
    if (showGridEdges && this.edgesFromFrame === undefined) this.edgesFromFrame = this.framesRendered + 1;
    this.tiles.showEdges(showGridEdges);
    const layers = this.content
      ? wallDeckLayers({
          ...this.content,
          labels: this.map ? this.names.place(this.map, this.content, this.cityZoom) : [],
          pulse,
          showGridEdges,
          overBasemap: Boolean(this.options.basemapStyleUrl),
          heatMagnify: 2 ** Math.min(3, Math.max(0, this.restingZoom - this.cityZoom)),
        })
      : [];
    this.kit.setLayers(layers);
  }

  private onFrameRendered(): void {
    this.framesRendered++;
    // The frame with the grids' edges has been drawn (it is painted with the next animation frame).
    if (!this.progress.edgesDrawn && this.edgesFromFrame !== undefined && this.framesRendered > this.edgesFromFrame) this.markProgress({ edgesDrawn: true });
  }

  /** Called after each frame deck.gl draws: layers given before it are on the canvas. */
  private afterDeckRender(): void {
    if (this.coloursPending) {
      this.coloursPending = false;
      if (!this.progress.gridsColoured) this.markProgress({ gridsColoured: true });
    }
    if (this.content?.heatLoaded && this.content.heatBins.length > 0 && !this.progress.heatDrawn) this.markProgress({ heatDrawn: true });
  }

  private markProgress(p: Partial<FrameProgress>): void {
    const wasComplete = this.progress.gridsColoured && this.progress.heatDrawn;
    this.progress = { ...this.progress, ...p };
    this.options.onProgress(this.progress);
    this.updatePulse();
    if (!wasComplete && this.progress.gridsColoured && this.progress.heatDrawn) this.pushDeck();
  }
}
