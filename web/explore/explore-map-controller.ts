import { Map as MapLibreMap, type ErrorEvent, type LngLatBoundsLike } from 'maplibre-gl';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { exploreLayers, LABEL_FONT, LABEL_SIZE, labelText, tooltipText, type ExploreLayerProps, type ShapeFeature } from './explore-layers.js';
import { placeLabels, type LabelBox } from './label-placement.js';

export const BACKGROUND = '#0b1220';
type Bbox = [number, number, number, number];

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
    map.on('error', (e: ErrorEvent) => console.error('explore map:', e.error?.message ?? e));
  }

  /** New layer props; the map is fitted to the shapes once per distinct place (`fitKey`). */
  update(props: ExploreLayerProps, fitKey: string): void {
    this.props = props;
    const features = props.shapes?.features ?? [];
    if (this.map && features.length && this.fitted !== fitKey) {
      this.fitted = fitKey;
      const box: Bbox = [
        Math.min(...features.map((f) => f.bbox[0])), Math.min(...features.map((f) => f.bbox[1])),
        Math.max(...features.map((f) => f.bbox[2])), Math.max(...features.map((f) => f.bbox[3])),
      ];
      this.map.fitBounds(box as LngLatBoundsLike, { padding: 30, animate: false });
    }
    this.push();
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

  /** The map and the overlay composed into one PNG (MapLibre's canvas under deck's). */
  async toPng(): Promise<Blob> {
    const base = this.map!.getCanvas();
    const out = document.createElement('canvas');
    out.width = base.width;
    out.height = base.height;
    const ctx = out.getContext('2d')!;
    ctx.drawImage(base, 0, 0);
    const deck = this.overlay?.getCanvas();
    if (deck) ctx.drawImage(deck, 0, 0, out.width, out.height);
    return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'));
  }

  hostDisconnected(): void {
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
