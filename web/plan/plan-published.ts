import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { nameWithin, type Lang } from '../shared/i18n.js';
import { fitBbox, unionBbox, type Bbox } from '../shared/map/fit.js';
import { placeLabels, textMeasurer } from '../shared/map/label-placement.js';
import { MAP_FONT, uiScale } from '../shared/map/theme.js';
import type { PublishedPlaces } from './plan-api.js';

/** The editor's colours for what is published: a faint fill, a dashed outline, nothing like a draft's grids. */
const COLOURS = { fill: '#142038', line: '#7f96c2' };
const LABEL_SIZE = { grid: 14, region: 15 };
/** Room around the places fitted, CSS pixels: more at the top, where the page's word about the map sits. */
const FIT_PADDING = { top: 56, right: 40, bottom: 40, left: 40 };
/** Gap kept between two names, CSS pixels. */
const LABEL_MARGIN = 4;

/** The MapLibre layers of the published places, drawn under a plan's own (which hide them: the page hands none then). */
export const PUBLISHED_LAYERS: LayerSpecification[] = [
  { id: 'published-fill', type: 'fill', source: 'published', paint: { 'fill-color': COLOURS.fill, 'fill-opacity': 0.9 } },
  { id: 'published-line', type: 'line', source: 'published', paint: { 'line-color': COLOURS.line, 'line-width': 1.4, 'line-dasharray': [3, 2] } },
];

/**
 * What the editor's map shows while no plan is open: the published grids of
 * the community chosen (before one is, the places of the planner's scope),
 * outlined and named, read-only: terra-draw never sees them, and a click on a
 * district, street or community (never a grid) goes into it (`onPick`). The
 * names are HTML over the map, placed without overlaps (label-placement.ts)
 * each time the camera moves; a name with no room is left out until zooming
 * in makes some.
 */
export class PublishedLayer {
  private places: PublishedPlaces | null = null;
  private lang: Lang = 'zh';
  /** The region the camera was last fitted to ('' is the scope's; null: none yet, or a plan's grids since). */
  private fitted: string | null = null;
  /** The planner has panned or zoomed since the last fit: a resize then leaves the camera alone. */
  private moved = false;
  private readonly labels: HTMLElement;
  private readonly measure = textMeasurer(MAP_FONT, 600);

  constructor(
    private readonly map: MapLibreMap,
    onPick: (code: string) => void,
  ) {
    map.on('click', 'published-fill', (e) => {
      const place = e.features?.[0]?.properties;
      if (place && place.level !== 'grid') onPick(String(place.code));
    });
    map.on('mousemove', 'published-fill', (e) => {
      map.getCanvas().style.cursor = e.features?.[0]?.properties.level === 'grid' ? '' : 'pointer';
    });
    map.on('mouseleave', 'published-fill', () => (map.getCanvas().style.cursor = ''));
    this.labels = Object.assign(document.createElement('div'), { className: 'published-labels' });
    map.getContainer().append(this.labels);
    map.on('move', () => this.placeLabels());
    // Only a gesture has an originalEvent; our own fits have none.
    map.on('movestart', (e: { originalEvent?: Event }) => {
      if (e.originalEvent) this.moved = true;
    });
    // A phone turned, a window resized: the places shown fit again, unless the planner has moved the map.
    map.on('resize', () => (this.places && !this.moved ? this.fit(true) : this.placeLabels()));
  }

  /** Shows `places` (null: none, a plan is open); the map fits them when their region changes. */
  set(places: PublishedPlaces | null, lang: Lang): void {
    this.places = places;
    this.lang = lang;
    (this.map.getSource('published') as GeoJSONSource).setData({ type: 'FeatureCollection', features: places?.shapes.features ?? [] } as never);
    if (!places) this.fitted = null;
    this.fit(false);
  }

  /** Fits the places shown when their region is new (or `again`), then places their names. */
  private fit(again: boolean): void {
    const places = this.places;
    const box = places ? unionBbox(places.shapes.features.map((f) => f.bbox)) : undefined;
    if (places && box && (again || places.region !== this.fitted) && fitBbox(this.map, box as Bbox, FIT_PADDING)) {
      this.fitted = places.region;
      this.moved = false;
    }
    this.placeLabels();
  }

  /** The codes of the published places drawn on the map now (MapLibre's rendered features): for tests. */
  rendered(): string[] {
    const codes = this.map.queryRenderedFeatures({ layers: ['published-fill'] }).map((f) => String(f.properties.code));
    return [...new Set(codes)].sort();
  }

  private placeLabels(): void {
    const shapes = this.places?.shapes.features ?? [];
    const community = this.places?.community ?? null;
    const size = (shapes.some((f) => f.properties.level === 'grid') ? LABEL_SIZE.grid : LABEL_SIZE.region) * uiScale();
    const { clientWidth: width, clientHeight: height } = this.map.getContainer();
    // Largest first: a big grid keeps its name where a sliver beside it has no room.
    const candidates = [...shapes]
      .sort((a, b) => area(b.bbox) - area(a.bbox))
      .map((f) => {
        // A grid in its community's view loses the community's name, which the picker already says (第五网格, "Grid 5").
        const text = nameWithin(this.lang, f.properties, community ?? undefined);
        const at = this.map.project(f.properties.label);
        return { item: { code: f.properties.code, text }, x: at.x, y: at.y, width: this.measure(text, size) + 6, height: size * 1.3 };
      });
    const placed = placeLabels(candidates, { width, height }, { nudge: false, margin: LABEL_MARGIN });
    this.labels.replaceChildren(
      ...placed.map(({ item, box }) => {
        const el = Object.assign(document.createElement('span'), { textContent: item.text });
        el.dataset.publishedLabel = item.code;
        el.style.cssText = `left:${box.x}px;top:${box.y}px;font-size:${size}px`;
        return el;
      }),
    );
  }
}

function area(b: readonly number[]): number {
  return (b[2]! - b[0]!) * (b[3]! - b[1]!);
}
