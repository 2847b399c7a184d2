import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { sameRoom, unionBbox, type Bbox, type FitPadding, type FitRoom } from '../shared/map/fit.js';
import { largestPiece, placeLabels, textMeasurer, type ScreenBox } from '../shared/map/label-placement.js';
import { MapKitController } from '../shared/map/map-controller.js';
import { MAP_FONT } from '../shared/map/theme.js';
import { exploreLayers, labelSize, labelText, tooltipText, type ExploreLayerProps, type ShapeFeature } from './explore-layers.js';

export type { FitPadding, FitRoom };

/** Room around a fitted place on the sides no legend is on (the top clear of the export button). */
export const MAP_EDGES: FitPadding = { top: 50, right: 30, bottom: 30, left: 30 };

/** A name drawn on the map and its box on screen (CSS pixels from the map's top left). */
export interface LabelBox {
  code: string;
  /** From the shape's label point to the name's centre, pixels (moved out of a crowd, still over its shape). */
  offset: [number, number];
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Gap kept between two names, in pixels, so their outlines do not touch either. */
const LABEL_MARGIN = 4;
/**
 * Where a name whose label point is taken may go instead, as fractions of its
 * width and height: a grid of spots up to a width aside and 1.8 heights up or
 * down, nearest first (for a name of three characters); only spots over the
 * shape's largest piece count. Small districts crowd at city level (荷塘区
 * between 石峰区 and 芦淞区): this is what gives each its name at 1600 px.
 */
const LABEL_SPOTS: [number, number][] = [0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1, -1]
  .flatMap((fx) => [0, 0.6, -0.6, 1.2, -1.2, 1.8, -1.8].map((fy): [number, number] => [fx, fy]))
  .filter(([fx, fy]) => fx !== 0 || fy !== 0)
  .sort((a, b) => Math.hypot(a[0] * 48, a[1] * 20) - Math.hypot(b[0] * 48, b[1] * 20));

export interface MapCallbacks {
  /** A shape was clicked. */
  onPick(code: string): void;
  /** The camera settled: what is on screen, for heatmap bins at this zoom, and which shapes it was fitted to (`fitKey`). */
  onView(view: { bbox: Bbox; zoom: number; framed: string }): void;
  /** Hover text for a shape. */
  describe(code: string): string;
  /** What lies over the map that no name may be drawn under (the legend), in the map's pixels; none if nothing does. */
  keepClear?(): ScreenBox | undefined;
}

/**
 * What an explorer map shows: the choropleth, heatmap and names over the
 * kit's map (MapKitController), fitted to the place once per place and kept
 * clear of the legend; names placed so that none touches another.
 */
export class ExploreMapController implements ReactiveController {
  private readonly kit: MapKitController;
  private props?: ExploreLayerProps;
  private fitted?: string;
  padding: FitRoom = MAP_EDGES;
  /** The names drawn, with their boxes on screen: none overlaps another. */
  labels: LabelBox[] = [];
  private measure?: (text: string, size: number) => number;

  constructor(
    host: ReactiveControllerHost,
    private readonly callbacks: MapCallbacks,
  ) {
    host.addController(this);
    this.kit = new MapKitController(host, {
      name: 'explore map',
      zoom: 7,
      map: { dragRotate: false, pitchWithRotate: false },
      deck: { interleaved: false, getTooltip: (info) => tooltipText(info, (code) => this.callbacks.describe(code), this.props?.lang ?? 'zh') },
      // The PNG export and the browser tests read the canvas back.
      readback: true,
      onLoad: () => this.push(),
    });
  }

  /** The MapLibre map (the export, map-sync and tests use its camera). */
  get map(): MapLibreMap | undefined {
    return this.kit.map;
  }

  attach(container: HTMLElement): void {
    if (this.kit.map) return;
    const map = this.kit.attach(container);
    map.on('click', (e) => {
      const f = this.kit.pick(e.point.x, e.point.y, ['choropleth']) as ShapeFeature | undefined;
      if (f?.properties?.code) this.callbacks.onPick(f.properties.code);
    });
    map.on('moveend', () => {
      this.push();
      // Before the first fit the camera is the kit's start view, not the place: no heatmap is wanted for it.
      if (this.fitted === undefined) return;
      const b = map.getBounds();
      this.callbacks.onView({ bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: map.getZoom(), framed: this.fitted });
    });
    // The container changes size when the second map comes or goes (compare mode): the kit fits the place again.
  }

  /** New layer props; the map is fitted to the shapes once per distinct place (`fitKey`). */
  update(props: ExploreLayerProps, fitKey: string): void {
    this.props = props;
    const features = props.shapes?.features ?? [];
    if (this.kit.map && features.length && this.fitted !== fitKey) {
      this.fitted = fitKey;
      const box = unionBbox(features.map((f) => f.bbox));
      if (box) this.kit.frame(box, this.padding);
    }
    this.push();
  }

  /** New room to keep free (the legend grew or shrank): refit unless the user has moved the map. */
  setPadding(padding: FitRoom): void {
    if (sameRoom(this.padding, padding)) return;
    this.padding = padding;
    this.kit.framePadding(padding);
  }

  /** Metres per CSS pixel at the centre of the map, for the scale bar. */
  metresPerPixel(): number {
    return this.kit.metresPerPixel();
  }

  /** Deck frames drawn so far: tests wait for the count to move after new data. */
  get frames(): number {
    return this.kit.frames;
  }

  /** Screen position (CSS pixels, relative to the map) of a point: for tests. */
  project(lon: number, lat: number): { x: number; y: number } {
    return this.kit.project(lon, lat);
  }

  /** Size of the map in CSS pixels. */
  get size(): { width: number; height: number } {
    return this.kit.size;
  }

  /**
   * Draws a frame without the hover highlight (the pointer was on the map just
   * before the export button was pressed), waiting for deck to draw it; a second
   * at most, so the export never hangs. `restore` puts the hover back.
   */
  async frameForExport(): Promise<() => void> {
    if (!this.kit.overlay || !this.props) return () => {};
    this.kit.setLayers(exploreLayers({ ...this.props, labelled: new Map(this.labels.map((l) => [l.code, l.offset])), noHover: true }));
    await this.kit.nextDeckFrame();
    return () => this.push();
  }

  /** Draws the map and the overlay (MapLibre's canvas under deck's) into `ctx` at (x, y), `width` × `height` canvas pixels. */
  drawInto(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
    this.kit.drawInto(ctx, x, y, width, height);
  }

  hostDisconnected(): void {
    // The kit removes the map (and what it framed): a map made again frames its place again.
    this.fitted = undefined;
  }

  private push(): void {
    if (!this.kit.isLoaded || !this.props) return;
    this.labels = this.placeNames(this.props);
    const shown = new Map(this.labels.map((l) => [l.code, l.offset]));
    this.kit.setLayers(exploreLayers({ ...this.props, labelled: shown }));
  }

  /** The names that fit at the current camera, bigger places first. */
  private placeNames(p: ExploreLayerProps): LabelBox[] {
    const map = this.kit.map;
    if (!p.labels || !map || !p.shapes) return [];
    this.measure ??= textMeasurer(MAP_FONT);
    const measure = this.measure;
    const size = labelSize();
    const candidates = p.shapes.features
      .map((f) => {
        const at = map.project(f.properties.label);
        const [w, s, e, n] = f.bbox;
        const a = map.project([w, n]);
        const b = map.project([e, s]);
        // Outline (3 px each side) included.
        const width = measure(labelText(f, p.lang, p.place), size) + 6;
        const piece = largestPiece(polygonsOf(f.geometry));
        const within = piece?.map((ring) => ring.map(([lon, lat]) => map.project([lon, lat])).map((q): [number, number] => [q.x, q.y]));
        return {
          item: f.properties.code,
          x: at.x,
          y: at.y,
          width,
          height: size + 6,
          priority: Math.abs((b.x - a.x) * (b.y - a.y)),
          ...(within ? { within } : {}),
        };
      })
      .sort((a, b) => b.priority - a.priority || a.item.localeCompare(b.item));
    // The place is fitted clear of the legend, but a name near its edge is wider than the shape under it.
    const avoid = this.callbacks.keepClear?.();
    return placeLabels(candidates, this.kit.size, { spots: LABEL_SPOTS, margin: LABEL_MARGIN, secondRound: true, ...(avoid ? { avoid } : {}) }).map(
      ({ item, box, offset }) => ({
        code: item,
        offset,
        left: box.x,
        top: box.y,
        right: box.x + box.width,
        bottom: box.y + box.height,
      }),
    );
  }
}

/** The polygons of a shape's geometry as rings of [lon, lat] (none for anything not polygonal, or no geometry yet). */
function polygonsOf(g: ShapeFeature['geometry'] | null): [number, number][][][] {
  if (g?.type === 'Polygon') return [g.coordinates as [number, number][][]];
  if (g?.type === 'MultiPolygon') return g.coordinates as [number, number][][][];
  return [];
}
