import { Map as MapLibreMap, type ErrorEvent, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Bbox, OutlineCollection } from './api-types.js';
import { offlineStyle, wallLayers, wallSources } from './map-style.js';
import { fillColourExpression, type Legend } from './metric-scale.js';
import { wallDeckLayers, type WallLayerProps } from './wall-layers.js';

/** One pulse of the red markers. 10 frames a second is smooth enough on a wall and cheap on software WebGL. */
const PULSE_PERIOD_MS = 1_600;
const PULSE_FRAME_MS = 100;
/** How far past the city view the camera must be before street names are readable. */
const STREET_NAME_ZOOM_GAIN = 0.7;

export interface FrameProgress {
  gridsColoured: boolean;
  heatDrawn: boolean;
}

/**
 * Owns the MapLibre map and the deck.gl overlay over it: created when the
 * host has rendered its container, removed with the host. Colours change
 * through feature state (no polygons re-sent); deck layers are rebuilt from
 * props on every change, which deck diffs.
 */
export class WallMapController implements ReactiveController {
  map?: MapLibreMap;
  private overlay?: MapLibreOverlay;
  private loaded = false;
  private deckProps?: Omit<WallLayerProps, 'pulse' | 'showStreetNames'>;
  private shownValues = new Map<number, number | null>();
  private legend?: Legend;
  private cityBounds?: Bbox;
  private cityZoom = 0;
  private pulseTimer?: ReturnType<typeof setInterval>;
  private tourTimer?: ReturnType<typeof setInterval>;
  private progress: FrameProgress = { gridsColoured: false, heatDrawn: false };
  private pendingColourCheck = false;
  private heatLoaded = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { basemapStyleUrl?: string; onProgress(p: FrameProgress): void },
  ) {
    host.addController(this);
  }

  /** Creates the map in `container` (once); its worker starts fetching the grid polygons from `gridsUrl` at once. */
  attach(container: HTMLElement, gridsUrl: string): void {
    if (this.map) return;
    const basemap = this.options.basemapStyleUrl;
    const map = new MapLibreMap({
      container,
      style: basemap ?? offlineStyle(gridsUrl),
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
      if (basemap) {
        for (const [id, source] of Object.entries(wallSources(gridsUrl))) map.addSource(id, source);
        for (const layer of wallLayers(this.legend, true)) map.addLayer(layer);
      }
      // deck.gl goes on after `load`, as @deck.gl/maplibre requires.
      this.overlay = new MapLibreOverlay({ interleaved: false, layers: [], onAfterRender: () => this.afterDeckRender() });
      map.addControl(this.overlay);
      this.loaded = true;
      this.host.requestUpdate();
    });
    map.on('moveend', () => this.pushDeck());
    // A frame drawn after the colours were set, with every grid tile loaded, shows them. Waiting
    // for 'idle' instead costs a second on software WebGL: deck.gl's overlay keeps the map busy.
    map.on('render', () => this.checkColoured());
    map.on('idle', () => this.checkColoured());
    map.on('error', (e: ErrorEvent) => console.error('wall map:', e.error?.message ?? e));
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  setOutlines(outlines: OutlineCollection): void {
    if (!this.map) return;
    (this.map.getSource('outlines') as GeoJSONSource | undefined)?.setData(outlines as never);
    const boxes = outlines.features.filter((f) => f.properties.level === 'district').map((f) => f.bbox);
    if (!boxes.length) return;
    this.cityBounds = [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
    this.map.fitBounds(this.cityBounds as LngLatBoundsLike, { padding: 24, animate: false });
    this.cityZoom = this.map.getZoom();
  }

  /** Colours each grid by its value; only grids whose value changed are touched. */
  setColours(values: Map<number, number | null>, legend: Legend): void {
    const map = this.map;
    if (!map) return;
    if (legend !== this.legend) {
      this.legend = legend;
      map.setPaintProperty('grid-fill', 'fill-color', fillColourExpression(legend) as never);
    }
    for (const [id, v] of values) {
      if (this.shownValues.get(id) === v) continue;
      map.setFeatureState({ source: 'grids', id }, { v });
      this.shownValues.set(id, v);
    }
    this.pendingColourCheck = true;
    map.triggerRepaint();
  }

  setDeck(props: Omit<WallLayerProps, 'pulse' | 'showStreetNames'> & { heatLoaded: boolean }): void {
    this.deckProps = props;
    this.heatLoaded = props.heatLoaded;
    if (props.heatLoaded && props.heatBins.length === 0) this.markProgress({ heatDrawn: true });
    this.pushDeck();
    this.updatePulse();
  }

  private updatePulse(): void {
    const props = this.deckProps;
    if (!props) return;
    // Animate only while there is something to pulse, and not before the first
    // complete frame: on software WebGL every animation frame delays it.
    const wanted = props.redMarkers.length > 0 && this.progress.gridsColoured && this.progress.heatDrawn;
    if (wanted && !this.pulseTimer) {
      this.pulseTimer = setInterval(() => this.pushDeck(), PULSE_FRAME_MS);
    } else if (!wanted && this.pulseTimer) {
      clearInterval(this.pulseTimer);
      this.pulseTimer = undefined;
    }
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

  hostDisconnected(): void {
    clearInterval(this.pulseTimer);
    clearInterval(this.tourTimer);
    this.pulseTimer = undefined;
    this.overlay?.finalize();
    this.map?.remove();
    this.map = undefined;
    this.overlay = undefined;
    this.loaded = false;
  }

  private pushDeck(): void {
    if (!this.overlay || !this.deckProps || document.hidden) return;
    const pulse = (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const showStreetNames = (this.map?.getZoom() ?? 0) >= this.cityZoom + STREET_NAME_ZOOM_GAIN;
    this.overlay.setProps({ layers: wallDeckLayers({ ...this.deckProps, pulse, showStreetNames }) });
  }

  private afterDeckRender(): void {
    if (this.heatLoaded && (this.deckProps?.heatBins.length ?? 0) > 0 && !this.progress.heatDrawn) this.markProgress({ heatDrawn: true });
  }

  private checkColoured(): void {
    if (this.pendingColourCheck && this.map?.isSourceLoaded('grids') && this.map.areTilesLoaded()) {
      this.pendingColourCheck = false;
      this.markProgress({ gridsColoured: true });
    }
  }

  private markProgress(p: Partial<FrameProgress>): void {
    this.progress = { ...this.progress, ...p };
    this.options.onProgress(this.progress);
    this.updatePulse();
  }
}
