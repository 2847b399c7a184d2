import { type ExpressionSpecification, type LayerSpecification, type Map as MapLibreMap, Marker } from 'maplibre-gl';
import type { OutlineCollection } from '../../server/contract/geojson-schemas.js';
import { type Lang, nameWithin } from '../shared/i18n.js';
import { placeLabels } from '../shared/map/label-placement.js';
import { THEME } from '../shared/map/theme.js';

/**
 * A handler's map has no grid of their own to frame, and the phone's offline
 * style has no basemap: their tasks' dots would lie on a plain background. The
 * outlines of their area's districts and streets (/api/map/outlines, ~18 kB
 * compressed for the city, kept for offline: field-api.ts) give the dots a
 * place, and the coarser level's names say which. Names are HTML markers (the
 * offline style has no glyphs), placed clear of each other by the map kit's
 * label placement each time the map settles.
 */
export type AreaOutline = OutlineCollection['features'][number];

export const AREA_SOURCE = 'areas';

/** Coarsest first: a line's weight and which level is named go by this order. */
const LEVELS: readonly AreaOutline['properties']['level'][] = ['district', 'street', 'community', 'grid'];
/** The finer level is named when it has at most this many shapes (a district's streets), else the coarser (a city's districts). */
const MOST_NAMED = 24;

/** The levels among the outlines, coarsest first. */
function levelsPresent(outlines: readonly AreaOutline[]): AreaOutline['properties']['level'][] {
  return LEVELS.filter((level) => outlines.some((o) => o.properties.level === level));
}

/** The coarsest level among the outlines (a handler's districts, a worker's community), or null when there are none. */
export function coarsestLevel(outlines: readonly AreaOutline[]): AreaOutline['properties']['level'] | null {
  return levelsPresent(outlines)[0] ?? null;
}

/** The lines' colour and width: the coarsest level's (a district's boundary, a worker's community's) brighter. */
export function areaLinePaint(coarsest: string): { 'line-color': ExpressionSpecification; 'line-width': ExpressionSpecification } {
  return {
    'line-color': ['match', ['get', 'level'], coarsest, THEME.muted, '#3a4a66'],
    'line-width': ['match', ['get', 'level'], coarsest, 1.4, 0.8],
  };
}

/** Under the task dots: every outline thin and faint, the coarser level's brighter (areaLinePaint, set again with the data). */
export function areaLayers(): LayerSpecification[] {
  return [
    {
      id: 'area-lines',
      type: 'line',
      source: AREA_SOURCE,
      paint: { ...areaLinePaint('district'), 'line-opacity': 0.85 },
    },
  ];
}

/** The shapes whose names are shown: one level, as MOST_NAMED says; the most populous first (they win a collision). */
export function namedOutlines(outlines: readonly AreaOutline[]): AreaOutline[] {
  const [coarse, fine] = levelsPresent(outlines);
  const count = (level: string | undefined) => outlines.filter((o) => o.properties.level === level).length;
  const level = fine && (count(fine) <= MOST_NAMED || count(coarse) < 2) ? fine : coarse;
  return outlines.filter((o) => o.properties.level === level).sort((a, b) => (b.properties.population ?? 0) - (a.properties.population ?? 0));
}

/** The named shapes' labels on one map: made once per set of outlines, placed again whenever the map settles. */
export class AreaNames {
  private labels: { marker: Marker; element: HTMLElement; at: [number, number] }[] = [];

  constructor(private readonly map: MapLibreMap) {
    map.on('moveend', () => this.place());
    map.on('resize', () => this.place());
  }

  show(outlines: readonly AreaOutline[], lang: Lang): void {
    for (const { marker } of this.labels) marker.remove();
    // Parts of one place are named within it (a worker's community's grids: 第五网格, not 李家冲社区第五网格).
    const [whole, ...more] = outlines.filter((o) => o.properties.level === coarsestLevel(outlines));
    const place = more.length === 0 ? whole?.properties : undefined;
    this.labels = namedOutlines(outlines).map((o) => {
      const element = Object.assign(document.createElement('div'), { className: 'area-name', textContent: nameWithin(lang, o.properties, place) });
      element.dataset.area = o.properties.code;
      const at = o.properties.label;
      return { marker: new Marker({ element }).setLngLat(at).addTo(this.map), element, at };
    });
    this.place();
  }

  /** Each name at its shape's label point, or beside it; one with no room left out until a zoom gives it some. */
  private place(): void {
    const canvas = this.map.getCanvas();
    const view = { width: canvas.clientWidth, height: canvas.clientHeight };
    const candidates = this.labels.map((label) => {
      const p = this.map.project(label.at);
      return { item: label, x: p.x, y: p.y, width: label.element.offsetWidth, height: label.element.offsetHeight };
    });
    const placed = new Map(placeLabels(candidates, view, { margin: 4 }).map((p) => [p.item, p]));
    for (const label of this.labels) {
      const spot = placed.get(label);
      label.element.toggleAttribute('data-shown', Boolean(spot));
      label.element.style.visibility = spot ? 'visible' : 'hidden';
      if (spot) label.marker.setOffset(spot.offset);
    }
  }
}
