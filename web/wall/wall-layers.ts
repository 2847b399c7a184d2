import type { Layer } from '@deck.gl/core';
import { nameWithin, placeName, type Lang } from '../shared/i18n.js';
import { choroplethLayer, heatLayer, labelLayer, markerLayer, outlineLayer } from '../shared/map/layers.js';
import { LABEL, MARKER, OUTLINE, rgba, THEME, type Rgba } from '../shared/map/theme.js';
import type { OutlineCollection, Position } from './api-types.js';
import type { GridCollection } from './grid-prefetch.js';
import type { RecentIncident, RedMarker } from './live-lists.js';
import { colourFor, type Legend } from './metric-scale.js';

export interface Label {
  text: string;
  position: Position;
  level: 'district' | 'street';
  /** Residents: among labels of a level, the more populous place keeps its name when two collide. */
  population: number;
}

/** A label where the placement put it (label-placement.ts): the pixel offset from its anchor. */
export interface PlacedMapLabel extends Label {
  offset: [number, number];
  /** Font size, CSS pixels (scale included). */
  size: number;
}

type GridFeature = GridCollection['features'][number];

export interface WallLayerProps {
  grids?: GridCollection;
  /** Grid id → value of the wall's metric; with the legend, the grids' colours. */
  values?: Map<number, number | null>;
  legend?: Legend;
  /** Over a site's basemap the grids are translucent, so its streets show through. */
  overBasemap: boolean;
  outlines?: OutlineCollection;
  /** [lon, lat, weight] heatmap cells. */
  heatBins: [number, number, number][];
  redMarkers: RedMarker[];
  recent: RecentIncident[];
  /** The names to draw, already placed so that none overlaps another (label-placement.ts). */
  labels: PlacedMapLabel[];
  /** 0..1, the phase of the red markers' pulse. */
  pulse: number;
  /**
   * The 3,000+ grids' edges: 18,000 segments that cost ~0.8 s more in the
   * first frame under software WebGL, so they join from the next frame on.
   */
  showGridEdges: boolean;
  /** CSS pixels are multiplied by this on 4K walls. */
  scale: number;
  /** How much larger than at the whole-city view a heat cell is drawn: a tour's district, zoomed in, spreads the city view's cells as far. */
  heatMagnify: number;
}

const UNCOLOURED: Rgba = rgba(THEME.uncoloured);

/**
 * The two tiers' names at their label points, in the language asked for. Where the top tier is one place (a
 * community's wall), its parts drop its name they start with: the title says it (第三网格, not 文化路社区第三网格).
 */
export function labelsFrom(outlines: OutlineCollection | undefined, lang: Lang): Label[] {
  const tops = (outlines?.features ?? []).filter((f) => f.properties.level === 'district');
  const place = tops.length === 1 ? tops[0]!.properties : undefined;
  return (outlines?.features ?? []).map((f) => ({
    text: f.properties.level === 'street' ? nameWithin(lang, f.properties, place) : placeName(lang, f.properties),
    position: f.properties.label,
    level: f.properties.level,
    population: f.properties.population ?? 0,
  }));
}

/** Font size of a label in CSS pixels at scale 1; street names are larger where they are the wall's main names (a district's wall). */
export function labelSize(level: Label['level'], main = level === 'district'): number {
  return level === 'district' ? 22 : main ? 18 : 13;
}

/** The deck.gl layers of the wall, bottom to top; a pure function of its props, so each update is a prop diff. */
export function wallDeckLayers(p: WallLayerProps): Layer[] {
  const s = p.scale;
  const alpha = p.overBasemap ? 180 : 255;
  const { values, legend } = p;
  const outlines = p.outlines;
  const outline = (level: 'district' | 'street', colour: Rgba, width: number) =>
    outlineLayer({
      id: `${level}-outlines`,
      source: outlines,
      part: level,
      features: () => outlines!.features.filter((f) => f.properties.level === level),
      colour,
      width: width * s,
    });
  return [
    choroplethLayer<GridFeature['properties']>({
      id: 'grids',
      data: p.grids,
      fill: (f) => (values && legend ? rgba(colourFor(legend, values.get(f.id as number) ?? null), alpha) : UNCOLOURED),
      colourKey: [values, legend, alpha],
    }),
    outlineLayer({
      // Drawn from the frame after the first complete one (see showGridEdges).
      visible: p.showGridEdges,
      id: 'grid-edges',
      source: p.grids,
      part: 'grids',
      features: () => p.grids!.features,
      colour: OUTLINE.gridEdge,
      width: 0.6 * s,
    }),
    outline('street', OUTLINE.street, 0.8),
    outline('district', OUTLINE.district, 2.2),
    // The wall's camera moves only on the tour: re-aggregate promptly after a flight.
    heatLayer({ id: 'incident-heat', bins: p.heatBins, radiusPixels: 28 * s * p.heatMagnify, threshold: 0.04, debounceTimeout: 100 }),
    markerLayer<RecentIncident>({
      id: 'recent-incidents',
      data: p.recent,
      position: (d) => d.position,
      radius: 11 * s,
      rim: { colour: MARKER.ring, width: 3 * s },
    }),
    // The pulse is a uniform (radiusScale, opacity): no attribute is rebuilt per frame.
    markerLayer<RedMarker>({
      id: 'red-open-halo',
      data: p.redMarkers,
      position: (d) => d.position,
      radius: 5 * s,
      fill: MARKER.red,
      radiusScale: 1 + 2.2 * p.pulse,
      opacity: 0.65 * (1 - p.pulse),
    }),
    markerLayer<RedMarker>({
      id: 'red-open',
      data: p.redMarkers,
      position: (d) => d.position,
      radius: 4.5 * s,
      fill: MARKER.red,
      rim: { colour: MARKER.redRim, width: 1.2 * s },
    }),
    labelLayer<PlacedMapLabel>({
      id: 'region-names',
      data: p.labels,
      position: (d) => d.position,
      offset: (d) => d.offset,
      text: (d) => d.text,
      size: (d) => d.size,
      colour: (d) => (d.level === 'district' ? LABEL.colour : LABEL.secondary),
    }),
  ];
}
