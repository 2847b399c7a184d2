import { Map as MapLibreMap, type ErrorEvent, type LngLatBoundsLike } from 'maplibre-gl';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { exploreLayers, LABEL_FONT, LABEL_SIZE, labelText, tooltipText, type ExploreLayerProps, type ShapeFeature } from './explore-layers.js';
import { placeLabels, type LabelBox } from './label-placement.js';

export const BACKGROUND = '#0b1220';
type Bbox = [number, number, number, number];
/** Room kept free around the fitted place (CSS pixels): the legend sits in the bottom-left corner. */
export interface FitPadding { top: number; right: number; bottom: number; left: number }

export interface MapCallbacks {
  /** A shape was clicked. */
  onPick(code: string): void;
  /** The camera settled: what is on screen, for heatmap bins at this zoom. */
  onView(view: { bbox: Bbox; zoom: number }): void;
  /** Hover text for a shape. */
  describe(code: string): string;
}

/**
 * Owns the MapLibre map and the deck.gl overlay drawing the choropleth,
 * heatmap and names: created when the host has rendered its container,
 * removed with the host. The style is offline (a background only): nothing
 * is fetched from outside the service.
 */
export class ExploreMapController implements ReactiveController {
  map?: MapLibreMap;
  private overlay?: MapLibreOverlay;
  private props?: ExploreLayerProps;
  private fitted?: string;
  private fitBox?: Bbox;
  /** The user moved the camera since the last fit: a resize then keeps their view. */
  private userMoved = false;
  private resizeObserver?: ResizeObserver;
  padding: FitPadding = { top: 50, right: 30, bottom: 30, left: 30 };
  private rendered = 0;
  /** The names drawn, with their boxes on screen (label-placement.ts): none overlaps another. */
  labels: LabelBox[] = [];
  private measure?: CanvasRenderingContext2D;

  constructor(private readonly host: ReactiveControllerHost, private readonly callbacks: MapCallbacks) {
    host.addController(this);
  }

  attach(container: HTMLElement): void {
    if (this.map) return;
    const map = new MapLibreMap({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] },
      center: [113.3, 27.3],
      zoom: 7,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      fadeDuration: 0,
      // The PNG export and the browser tests read the canvas back.
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
    });
    this.map = map;
    map.on('load', () => {
      // deck.gl goes on after `load`, as @deck.gl/maplibre requires.
      this.overlay = new MapLibreOverlay({
        interleaved: false,
        layers: [],
        getTooltip: (info) => tooltipText(info, (code) => this.callbacks.describe(code)),
        onAfterRender: () => { this.rendered++; },
      });
      map.addControl(this.overlay);
      this.push();
    });
    map.on('click', (e) => {
      const picked = this.overlay?.pickObject({ x: e.point.x, y: e.point.y, layerIds: ['choropleth'] });
      const f = picked?.object as ShapeFeature | undefined;
      if (f?.properties?.code) this.callbacks.onPick(f.properties.code);
    });
    map.on('moveend', () => {
      this.push();
      const b = map.getBounds();
      this.callbacks.onView({ bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: map.getZoom() });
    });
    map.on('movestart', (e) => { if ((e as { originalEvent?: unknown }).originalEvent) this.userMoved = true; });
    // The container changes size when the second map comes or goes (compare mode): fit the place to the new size.
    this.resizeObserver = new ResizeObserver(() => {
      map.resize();
      if (!this.userMoved) this.fit();
    });
    this.resizeObserver.observe(container);
    map.on('error', (e: ErrorEvent) => console.error('explore map:', e.error?.message ?? e));
  }

  /** New layer props; the map is fitted to the shapes once per distinct place (`fitKey`). */
  update(props: ExploreLayerProps, fitKey: string): void {
    this.props = props;
    const features = props.shapes?.features ?? [];
    if (this.map && features.length && this.fitted !== fitKey) {
      this.fitted = fitKey;
      this.fitBox = [
        Math.min(...features.map((f) => f.bbox[0])), Math.min(...features.map((f) => f.bbox[1])),
        Math.max(...features.map((f) => f.bbox[2])), Math.max(...features.map((f) => f.bbox[3])),
      ];
      this.userMoved = false;
      this.fit();
    }
    this.push();
  }

  /** New room to keep free (the legend grew or shrank): refit unless the user has moved the map. */
  setPadding(padding: FitPadding): void {
    const p = this.padding;
    if (p.top === padding.top && p.right === padding.right && p.bottom === padding.bottom && p.left === padding.left) return;
    this.padding = padding;
    if (!this.userMoved) this.fit();
  }

  private fit(): void {
    const map = this.map;
    if (!map || !this.fitBox) return;
    const c = map.getContainer();
    const p = this.padding;
    // Too small to hold the padding (a hidden or collapsing container): wait for the next resize.
    if (c.clientWidth <= p.left + p.right + 20 || c.clientHeight <= p.top + p.bottom + 20) return;
    map.fitBounds(this.fitBox as LngLatBoundsLike, { padding: p, animate: false });
  }

  /** Metres per CSS pixel at the centre of the map, for the scale bar. */
  metresPerPixel(): number {
    const map = this.map!;
    const lat = map.getCenter().lat;
    // Web Mercator with MapLibre's 512-pixel world at zoom 0.
    return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
  }

  /** Deck frames drawn so far: tests wait for the count to move after new data. */
  get frames(): number {
    return this.rendered;
  }

  /** Screen position (CSS pixels, relative to the map) of a point: for tests. */
  project(lon: number, lat: number): { x: number; y: number } {
    const p = this.map!.project([lon, lat]);
    return { x: p.x, y: p.y };
  }

  /** Size of the map in CSS pixels. */
  get size(): { width: number; height: number } {
    const c = this.map!.getCanvas();
    return { width: c.clientWidth, height: c.clientHeight };
  }

  /**
   * Draws a frame without the hover highlight (the pointer was on the map just
   * before the export button was pressed), waiting for deck to draw it; a second
   * at most, so the export never hangs. `restore` puts the hover back.
   */
  async frameForExport(): Promise<() => void> {
    if (!this.overlay || !this.props) return () => {};
    const before = this.rendered;
    this.overlay.setProps({ layers: exploreLayers({ ...this.props, labelled: new Set(this.labels.map((l) => l.code)), noHover: true }) });
    this.map?.triggerRepaint();
    const until = performance.now() + 1_000;
    while (this.rendered === before && performance.now() < until) await new Promise<void>((r) => requestAnimationFrame(() => r()));
    return () => this.push();
  }

  /** Draws the map and the overlay (MapLibre's canvas under deck's) into `ctx` at (x, y), `width` × `height` canvas pixels. */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
    // preserveDrawingBuffer keeps the last frame readable.
    ctx.drawImage(this.map!.getCanvas(), x, y, width, height);
    const deck = this.overlay?.getCanvas();
    if (deck) ctx.drawImage(deck, x, y, width, height);
  }

  hostDisconnected(): void {
    this.resizeObserver?.disconnect();
    this.overlay?.finalize();
    this.map?.remove();
    this.map = undefined;
    this.overlay = undefined;
  }

  private push(): void {
    if (!this.overlay || !this.props) return;
    this.labels = this.placeNames(this.props);
    const shown = new Set(this.labels.map((l) => l.code));
    this.overlay.setProps({ layers: exploreLayers({ ...this.props, labelled: shown }) });
  }

  /** The names that fit at the current camera, bigger places first. */
  private placeNames(p: ExploreLayerProps): LabelBox[] {
    if (!p.labels || !this.map || !p.shapes) return [];
    this.measure ??= document.createElement('canvas').getContext('2d')!;
    this.measure.font = `700 ${LABEL_SIZE}px ${LABEL_FONT}`;
    const canvas = this.map.getCanvas();
    const candidates = p.shapes.features.map((f) => {
      const at = this.map!.project(f.properties.label);
      const [w, s, e, n] = f.bbox;
      const a = this.map!.project([w, n]);
      const b = this.map!.project([e, s]);
      // Outline (3 px each side) included.
      const width = this.measure!.measureText(labelText(f, p.lang)).width + 6;
      return { code: f.properties.code, x: at.x, y: at.y, width, height: LABEL_SIZE + 6, priority: Math.abs((b.x - a.x) * (b.y - a.y)) };
    });
    return placeLabels(candidates, { width: canvas.clientWidth, height: canvas.clientHeight });
  }
}
