import { Map as MapLibreMap, type ErrorEvent, type LngLatBoundsLike } from 'maplibre-gl';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Bbox } from './api-types.js';
import { gridsBbox } from './grid-prefetch.js';
import { offlineStyle } from './map-style.js';
import { PulseClock } from './pulse-clock.js';
import { placeLabels, type PlacedLabel } from './label-placement.js';
import { FONT, labelSize, wallDeckLayers, type Label, type PlacedMapLabel, type WallLayerProps } from './wall-layers.js';

/** One pulse of the red markers; how often it is redrawn is PulseClock's business. */
const PULSE_PERIOD_MS = 1_600;
/** The halo's phase when the screen asks for reduced motion: a still ring, half grown. */
const STILL_PULSE = 0.3;

/**
 * prefers-reduced-motion: the red markers keep a still halo instead of
 * pulsing, and the map is not redrawn several times a second (on software
 * WebGL pulsing keeps a third of a core busy).
 */
const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
/** How far past the city view the camera must be before street names are readable. */
const STREET_NAME_ZOOM_GAIN = 0.7;
/** CSS pixels kept around the city in its whole-city view. */
const CITY_PADDING = 24;

/** Sizes are designed for 1920 px; a 4K wall doubles them. */
export function wallScale(): number {
  return Math.min(2.5, Math.max(1, window.innerWidth / 1920));
}

export interface FrameProgress {
  gridsColoured: boolean;
  heatDrawn: boolean;
}

/** What the wall map shows; the controller adds the pulse, the street-name switch and the basemap flag. */
export type WallMapContent = Omit<WallLayerProps, 'pulse' | 'showGridEdges' | 'overBasemap' | 'labels'> & {
  heatLoaded: boolean;
  /** Every district and street name; the controller picks and places those that fit. */
  labels: Label[];
  /** CSS pixels from the map's left edge to the legend's right edge: the city is fitted beside the legend, never under it. */
  legendInset: number;
};

/**
 * Owns the MapLibre map and the deck.gl overlay drawn into its canvas
 * (interleaved): created when the host has rendered its container, removed
 * with the host. MapLibre holds the camera and the optional basemap; every
 * layer of ours is deck.gl's, rebuilt from props on each change (deck diffs
 * them), so nothing waits for MapLibre's worker to cut tiles.
 */
export class WallMapController implements ReactiveController {
  map?: MapLibreMap;
  private overlay?: MapLibreOverlay;
  private loaded = false;
  private content?: WallMapContent;
  private cityBounds?: Bbox;
  private cityZoom = 0;
  private readonly pulseClock = new PulseClock(() => this.pushDeck());
  private tourTimer?: ReturnType<typeof setInterval>;
  private progress: FrameProgress = { gridsColoured: false, heatDrawn: false };
  private framesRendered = 0;
  private edgesFromFrame?: number;
  private edgesDrawn = false;
  private placement?: { key: string; labels: Label[]; placed: PlacedLabel<Label & { size: number }>[]; layerData: PlacedMapLabel[] };
  private fittedInset = 0;
  /** Set when new colours went to deck.gl; the next frame it draws shows them. */
  private coloursPending = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { basemapStyleUrl?: string; onProgress(p: FrameProgress): void },
  ) {
    host.addController(this);
  }

  /** Creates the map in `container` (once). */
  attach(container: HTMLElement): void {
    if (this.map) return;
    const map = new MapLibreMap({
      container,
      style: this.options.basemapStyleUrl ?? offlineStyle(),
      interactive: false,
      attributionControl: false,
      center: [113.3, 27.3],
      zoom: 8,
      fadeDuration: 0,
      // Kept only when asked (?readback, as the browser tests do): on software WebGL every kept frame costs a full-screen copy.
      canvasContextAttributes: { preserveDrawingBuffer: new URLSearchParams(location.search).has('readback'), antialias: false },
    });
    this.map = map;
    map.on('load', () => {
      // deck.gl goes on after `load`, as @deck.gl/maplibre requires. Interleaved, it draws into MapLibre's
      // canvas: a second full-screen canvas would be read back on every frame under software compositing
      // (Chromium without a GPU), about 100 ms a frame on the 2-core reference machine.
      this.overlay = new MapLibreOverlay({ interleaved: true, layers: [], onAfterRender: () => this.afterDeckRender() });
      map.addControl(this.overlay);
      this.loaded = true;
      this.fitCity();
      this.pushDeck();
      this.host.requestUpdate();
    });
    map.on('moveend', () => this.pushDeck());
    map.on('render', () => this.onFrameRendered());
    map.on('error', (e: ErrorEvent) => console.error('wall map:', e.error?.message ?? e));
  }

  get isLoaded(): boolean {
    return this.loaded;
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
      const boxes = content.outlines.features.filter((f) => f.properties.level === 'district').map((f) => f.bbox);
      if (boxes.length) this.cityBounds = [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
      this.fitCity();
    }
    if (Math.abs(content.legendInset - this.fittedInset) > 4) this.fitCity();
    if (content.grids && content.values && content.legend && (content.values !== before?.values || content.legend !== before?.legend || content.grids !== before?.grids)) {
      this.coloursPending = true;
    }
    if (content.heatLoaded && content.heatBins.length === 0) this.markProgress({ heatDrawn: true });
    this.pushDeck();
    this.updatePulse();
  }

  /** Flies from district to district every `seconds`, then back to the whole city, for ever. */
  startTour(seconds: number, districts: Bbox[]): void {
    clearInterval(this.tourTimer);
    if (!seconds || !districts.length || !this.cityBounds) return;
    const stops = [...districts, this.cityBounds];
    let next = 0;
    this.tourTimer = setInterval(() => {
      const bounds = stops[next++ % stops.length]!;
      this.map?.fitBounds(bounds as LngLatBoundsLike, { padding: 48, duration: Math.min(4000, seconds * 400), essential: true });
    }, seconds * 1000);
  }

  /** Screen position (CSS pixels, relative to the map) of a point: for tests and the bench. */
  project(lon: number, lat: number): { x: number; y: number } {
    const p = this.map!.project([lon, lat]);
    return { x: p.x, y: p.y };
  }

  /** The names drawn now and their boxes on screen (CSS pixels, relative to the map): for tests. */
  placedLabels(): { text: string; level: string; size: number; box: PlacedLabel<Label>['box'] }[] {
    const p = this.placement;
    return (p?.placed ?? []).map((x, i) => ({ text: x.item.text, level: x.item.level, size: p!.layerData[i]!.size, box: x.box }));
  }

  hostDisconnected(): void {
    this.pulseClock.stop();
    clearInterval(this.tourTimer);
    this.overlay?.finalize();
    this.map?.remove();
    this.map = undefined;
    this.overlay = undefined;
    this.loaded = false;
  }

  private fitCity(): void {
    if (!this.map || !this.cityBounds) return;
    this.fittedInset = this.content?.legendInset ?? 0;
    const padding = { top: CITY_PADDING, right: CITY_PADDING, bottom: CITY_PADDING, left: CITY_PADDING + this.fittedInset };
    this.map.fitBounds(this.cityBounds as LngLatBoundsLike, { padding, animate: false });
    this.cityZoom = this.map.getZoom();
  }

  private updatePulse(): void {
    // Animate only while there is something to pulse, and not before the first
    // complete frame: on software WebGL every animation frame delays it.
    const wanted = (this.content?.redMarkers.length ?? 0) > 0 && this.progress.gridsColoured && this.progress.heatDrawn && !reducedMotion();
    if (wanted) this.pulseClock.start();
    else this.pulseClock.stop();
  }

  private pushDeck(): void {
    if (!this.overlay || document.hidden) return;
    const pulse = reducedMotion() ? STILL_PULSE : (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const showGridEdges = this.progress.gridsColoured && this.progress.heatDrawn;
    // Pushed during frame N's drawing (deck.gl's callbacks), they are drawn in frame N + 1.
    if (showGridEdges && this.edgesFromFrame === undefined) this.edgesFromFrame = this.framesRendered + 1;
    const layers = this.content ? wallDeckLayers({ ...this.content, labels: this.placeNames(this.content), pulse, showGridEdges, overBasemap: Boolean(this.options.basemapStyleUrl) }) : [];
    this.overlay.setProps({ layers });
  }

  /**
   * The names that fit, placed so that none overlaps another: a city wall
   * names its districts (and, zoomed in on the tour, streets too); a
   * district's wall names its streets. Recomputed only when the camera, the
   * size or the names change: the same array keeps deck.gl's text layer as it is.
   */
  private placeNames(content: WallMapContent): PlacedMapLabel[] {
    const map = this.map;
    if (!map) return [];
    const canvas = map.getCanvas();
    const view = { width: canvas.clientWidth, height: canvas.clientHeight };
    const key = [map.getZoom().toFixed(3), map.getCenter().lng.toFixed(5), map.getCenter().lat.toFixed(5), view.width, view.height, content.scale].join();
    if (this.placement?.key === key && this.placement.labels === content.labels) return this.placement.layerData;
    const districts = content.labels.filter((l) => l.level === 'district');
    // One district (or none): the wall is that district's, its name is in the title and its streets are what it shows.
    const streets = districts.length <= 1 || map.getZoom() >= this.cityZoom + STREET_NAME_ZOOM_GAIN;
    const wanted = [...(districts.length > 1 ? districts : []), ...(streets ? content.labels.filter((l) => l.level === 'street') : [])]
      .sort((a, b) => (a.level === b.level ? b.population - a.population : a.level === 'district' ? -1 : 1));
    const measure = textMeasurer();
    const candidates = wanted.map((l) => {
      const size = labelSize(l.level, l.level === 'district' || districts.length <= 1) * content.scale;
      const at = map.project(l.position);
      // The text's outline and a little air around it belong to the label.
      const pad = 3 * content.scale;
      return { item: { ...l, size }, x: at.x, y: at.y, width: measure(l.text, size) + 2 * pad, height: size * 1.25 + 2 * pad };
    });
    const placed = placeLabels(candidates, view);
    const layerData = placed.map((p) => ({ ...p.item, offset: p.offset }));
    this.placement = { key, labels: content.labels, placed, layerData };
    return layerData;
  }

  private onFrameRendered(): void {
    this.framesRendered++;
    if (!this.edgesDrawn && this.edgesFromFrame !== undefined && this.framesRendered > this.edgesFromFrame) {
      this.edgesDrawn = true;
      // For the benchmark: the picture is whole, grid edges included, once this frame is painted
      // (the next animation frame), measured as the first complete frame is (wall-display.ts).
      requestAnimationFrame(() => performance.mark('wall-grid-edges-drawn'));
    }
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

/** Widths of label texts as the text layer draws them: the same font and weight, measured by the browser. */
function textMeasurer(): (text: string, size: number) => number {
  const ctx = document.createElement('canvas').getContext('2d')!;
  return (text, size) => {
    ctx.font = `700 ${size}px ${FONT}`;
    return ctx.measureText(text).width;
  };
}
