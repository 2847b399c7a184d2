import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent, StyleSpecification } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode, TerraDrawSelectMode, type GeoJSONStoreFeatures } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { movedVertices, type Position } from '../../server/contract/vertex-move.js';
import { bboxOfPositions } from '../shared/map/fit.js';
import { MapKitController } from '../shared/map/map-controller.js';
import { offlineStyle } from '../shared/map/offline-style.js';
import { THEME } from '../shared/map/theme.js';
import type { Lang } from '../shared/i18n.js';
import type { PlanGrid, PlanProblem, PublishedPlaces } from './plan-api.js';
import { PUBLISHED_LAYERS, PublishedLayer } from './plan-published.js';

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

export interface PlanMapCallbacks {
  /** A grid was clicked (outside the drawing tools). */
  onGridClick(key: number): void;
  /** A published district, street or community was clicked (no plan open): go into it. */
  onPlacePick(code: string): void;
  /** A vertex drag finished: the grid's new geometry and which corners moved. */
  onReshape(key: number, geometry: PlanGrid['geometry'], moved: { from: Position; to: Position }[]): void;
  onSplitLine(line: { type: 'LineString'; coordinates: Position[] }): void;
  onDrawnPolygon(polygon: { type: 'Polygon'; coordinates: Position[][] }): void;
}

/**
 * The editor's map (the kit's, without deck.gl) and the terra-draw instance
 * over it. Grids and problems are MapLibre layers from our own data in the
 * offline style (feature-state selection, terra-draw's snapping need them
 * there); terra-draw is started for the
 * drawing tools only: select (drag vertices, snapping to other grids'
 * corners and edges), linestring (the split line), polygon (a new grid).
 */
export class PlanMapController implements ReactiveController {
  private readonly kit: MapKitController;
  private draw?: TerraDraw;
  private grids: PlanGrid[] = [];
  private fitted = '';
  private selected = new Set<number>();
  private drawMode: 'select' | 'linestring' | 'polygon' | null = null;
  private nextDrawId = 1_000_000_000;
  private published?: PublishedLayer;

  constructor(
    host: ReactiveControllerHost,
    private readonly callbacks: PlanMapCallbacks,
  ) {
    host.addController(this);
    this.kit = new MapKitController(host, {
      name: 'plan map',
      style: planStyle(),
      center: [113.15, 27.83],
      zoom: 11,
      deck: false,
      // Lets the browser tests read pixels back.
      readback: true,
      onLoad: (map) => {
        this.published = new PublishedLayer(map, (code) => this.callbacks.onPlacePick(code));
        this.startDrawing(map);
        host.requestUpdate();
      },
    });
  }

  /** The MapLibre map. */
  get map(): MapLibreMap | undefined {
    return this.kit.map;
  }

  attach(container: HTMLElement): void {
    if (this.kit.map) return;
    const map = this.kit.attach(container);
    map.on('click', ['grid-fill'], (e: MapMouseEvent & { features?: { properties: Record<string, unknown> }[] }) => {
      if (this.drawMode) return;
      const key = e.features?.[0]?.properties.key;
      if (key !== undefined) this.callbacks.onGridClick(Number(key));
    });
  }

  private startDrawing(map: MapLibreMap): void {
    this.draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 9 }),
      // Our grid keys are the ids of grids put into the store for reshaping.
      idStrategy: { isValidId: (id: unknown) => typeof id === 'number' || typeof id === 'string', getId: () => this.nextDrawId++ },
      modes: [
        new TerraDrawSelectMode({
          flags: { polygon: { feature: { coordinates: { draggable: true, midpoints: true, snappable: { toCoordinate: true, toLine: true } } } } },
        }),
        new TerraDrawLineStringMode({ snapping: { toCoordinate: true } }),
        new TerraDrawPolygonMode({ snapping: { toCoordinate: true, toLine: true } }),
      ],
    });
    this.draw.start();
    this.draw.on('finish', (id, context) => this.finished(id, context.action));
    this.applyGrids();
    this.applyDrawMode();
  }

  get isLoaded(): boolean {
    return this.kit.isLoaded;
  }

  private get loaded(): boolean {
    return this.kit.isLoaded;
  }

  setGrids(grids: PlanGrid[], fitKey: string): void {
    this.grids = grids;
    this.applyGrids();
    if (this.loaded && fitKey !== this.fitted && grids.length) {
      this.fitted = fitKey;
      this.kit.fit(bboxOfPositions(grids.flatMap((g) => ringsOf(g.geometry).flat()))!, 40);
    }
  }

  /** The published places shown while no plan is open (null: a plan is, and its own grids replace them). */
  setPublished(places: PublishedPlaces | null, lang: Lang): void {
    this.published?.set(places, lang);
  }

  /** Codes of the published places drawn now: for tests. */
  publishedRendered(): string[] {
    return this.published?.rendered() ?? [];
  }

  setProblems(problems: PlanProblem[]): void {
    (this.map?.getSource('problems') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: problems.filter((p) => p.geometry),
    } as never);
  }

  /** What was wrong before the plan, outlined apart from the problems (the list's amber). */
  setWarnings(warnings: PlanProblem[]): void {
    (this.map?.getSource('warnings') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: warnings.filter((p) => p.geometry),
    } as never);
  }

  setSelection(keys: readonly number[]): void {
    if (!this.map || !this.loaded) return;
    for (const k of this.selected) this.map.setFeatureState({ source: 'grids', id: k }, { selected: false });
    this.selected = new Set(keys);
    for (const k of this.selected) this.map.setFeatureState({ source: 'grids', id: k }, { selected: true });
  }

  /** Starts (or stops, with null) a terra-draw tool; reshaping puts the grids into the store, `focus` selected. */
  setDrawMode(mode: 'select' | 'linestring' | 'polygon' | null, focus?: number): void {
    this.drawMode = mode;
    this.focus = focus;
    this.applyDrawMode();
  }

  private focus?: number;

  private applyDrawMode(): void {
    const draw = this.draw;
    if (!draw) return;
    draw.clear();
    if (!this.drawMode) {
      draw.setMode('static');
      return;
    }
    if (this.drawMode === 'select') {
      draw.addFeatures(
        this.grids
          .filter((g) => g.geometry.type === 'Polygon')
          .map(
            (g) =>
              ({
                id: g.properties.key,
                type: 'Feature',
                geometry: g.geometry,
                properties: { mode: 'polygon' },
              }) as GeoJSONStoreFeatures,
          ),
      );
    }
    draw.setMode(this.drawMode);
    if (this.drawMode === 'select' && this.focus !== undefined) draw.selectFeature(this.focus);
  }

  private finished(id: string | number, action: string): void {
    const draw = this.draw!;
    const feature = draw.getSnapshotFeature(id);
    if (!feature) return;
    if (this.drawMode === 'linestring') {
      this.callbacks.onSplitLine(feature.geometry as never);
    } else if (this.drawMode === 'polygon') {
      this.callbacks.onDrawnPolygon(feature.geometry as never);
    } else if (this.drawMode === 'select' && action === 'dragCoordinate') {
      const key = Number(id);
      const before = this.grids.find((g) => g.properties.key === key);
      if (!before || before.geometry.type !== 'Polygon') return;
      const after = feature.geometry as { type: 'Polygon'; coordinates: Position[][] };
      const moved = movedVertices(before.geometry.coordinates[0] as Position[], after.coordinates[0]!);
      this.callbacks.onReshape(key, after, moved);
    }
  }

  private applyGrids(): void {
    if (!this.loaded) return;
    (this.map!.getSource('grids') as GeoJSONSource).setData({ type: 'FeatureCollection', features: this.grids } as never);
    this.setSelection([...this.selected].filter((k) => this.grids.some((g) => g.properties.key === k)));
  }

  /** Screen position of a point, relative to the map: for tests. */
  project(lon: number, lat: number): { x: number; y: number } {
    return this.kit.project(lon, lat);
  }

  hostDisconnected(): void {
    // The kit removes the map itself.
    this.draw?.stop();
    this.draw = undefined;
  }
}

function ringsOf(g: PlanGrid['geometry']): Position[][] {
  return g.type === 'Polygon' ? g.coordinates : (g.coordinates as Position[][][]).flat();
}

/** The offline style with the published places, our grids, the warnings and the problems over them. */
function planStyle(): StyleSpecification {
  return offlineStyle({
    sources: {
      published: { type: 'geojson', data: EMPTY as never },
      grids: { type: 'geojson', data: EMPTY as never, promoteId: 'key' },
      problems: { type: 'geojson', data: EMPTY as never },
      warnings: { type: 'geojson', data: EMPTY as never },
    },
    layers: [
      ...PUBLISHED_LAYERS,
      {
        id: 'grid-fill',
        type: 'fill',
        source: 'grids',
        paint: {
          'fill-color': [
            'case',
            ['boolean', ['feature-state', 'selected'], false],
            THEME.selected,
            ['==', ['get', 'code'], null],
            PLAN_COLOURS.newGrid,
            PLAN_COLOURS.grid,
          ],
          'fill-opacity': 0.85,
        },
      },
      { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': PLAN_COLOURS.gridLine, 'line-width': 1.2 } },
      {
        id: 'warning-line',
        type: 'line',
        source: 'warnings',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'line-color': PLAN_COLOURS.warningLine, 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
      },
      {
        id: 'problem-fill',
        type: 'fill',
        source: 'problems',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': ['match', ['get', 'reason'], 'gap', THEME.alarm, 'overlap', THEME.warning, PLAN_COLOURS.otherProblem], 'fill-opacity': 0.75 },
      },
      {
        id: 'problem-line',
        type: 'line',
        source: 'problems',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'line-color': PLAN_COLOURS.problemLine, 'line-width': 2 },
      },
      {
        id: 'problem-point',
        type: 'circle',
        source: 'problems',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': 7, 'circle-color': THEME.alarm, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
      },
    ],
  });
}

/** The editor's own colours (gaps, overlaps and selection are the theme's). */
const PLAN_COLOURS = { grid: '#22345a', newGrid: '#3a6b4a', gridLine: '#9fb3d9', otherProblem: '#ff7b2e', problemLine: '#ffe0e6', warningLine: '#ffd27a' };
