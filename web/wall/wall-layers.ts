import type { Layer } from '@deck.gl/core';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { GeoJsonLayer, LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { OutlineCollection, Position } from './api-types.js';
import type { GridCollection } from './grid-prefetch.js';
import type { RecentIncident, RedMarker } from './live-lists.js';
import { BACKGROUND } from './map-style.js';
import { colourFor, hexToRgb, type Legend } from './metric-scale.js';
import { ringSegments } from './ring-segments.js';

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

type Rgba = [number, number, number, number];
type GridFeature = GridCollection['features'][number];
type OutlineFeature = OutlineCollection['features'][number];

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
}

// Warm and translucent at the low end, so the grid colours stay readable beneath.
const HEAT_COLOURS: [number, number, number, number][] = [
  [255, 255, 178, 40], [254, 217, 118, 110], [254, 178, 76, 150], [253, 141, 60, 180], [240, 59, 32, 210], [189, 0, 38, 235],
];
const UNCOLOURED: Rgba = [26, 35, 54, 255];
const GRID_EDGE: Rgba = [...hexToRgb(BACKGROUND), 150];
const STREET_LINE: Rgba = [159, 179, 217, 140];
const DISTRICT_LINE: Rgba = [230, 237, 247, 255];
export const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';

/** District and street names at their label points, in the language asked for. */
export function labelsFrom(outlines: OutlineCollection | undefined, lang: 'zh' | 'en'): Label[] {
  return (outlines?.features ?? []).map((f) => ({
    text: lang === 'en' && f.properties.name_en ? f.properties.name_en : f.properties.name,
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
  const outline = (level: 'district' | 'street', colour: Rgba, width: number) => new LineLayer({
    id: `${level}-outlines`,
    data: outlines ? ringSegments(outlines, level, () => outlines.features.filter((f) => f.properties.level === level)) : [],
    widthUnits: 'pixels',
    getWidth: width * s,
    getColor: colour,
  });
  return [
    new GeoJsonLayer<GridFeature['properties']>({
      id: 'grids',
      data: (p.grids ?? { type: 'FeatureCollection', features: [] }) as never,
      filled: true,
      stroked: false,
      getFillColor: (f) => {
        if (!values || !legend) return UNCOLOURED;
        return [...hexToRgb(colourFor(legend, values.get(f.id as number) ?? null)), alpha];
      },
      // Recoloured only when the figures or the classes change: a per-vertex colour update, no re-tessellation.
      updateTriggers: { getFillColor: [values, legend, alpha] },
    }),
    new LineLayer({
      // Drawn from the frame after the first complete one (see showGridEdges).
      visible: p.showGridEdges,
      id: 'grid-edges',
      data: p.grids ? ringSegments(p.grids, 'grids', () => p.grids!.features) : [],
      widthUnits: 'pixels',
      getWidth: 0.6 * s,
      getColor: GRID_EDGE,
    }),
    outline('street', STREET_LINE, 0.8),
    outline('district', DISTRICT_LINE, 2.2),
    new HeatmapLayer<[number, number, number]>({
      id: 'incident-heat',
      data: p.heatBins,
      getPosition: (d) => [d[0], d[1]],
      getWeight: (d) => d[2],
      radiusPixels: 28 * s,
      intensity: 1,
      threshold: 0.04,
      colorRange: HEAT_COLOURS,
      // The wall's camera moves only on the tour: re-aggregate promptly after a flight.
      debounceTimeout: 100,
      // 2048² (the default) float texels are slow on software WebGL; the kernel blurs far more than 512 loses.
      weightsTextureSize: 512,
    }),
    new ScatterplotLayer<RecentIncident>({
      id: 'recent-incidents',
      data: p.recent,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 11 * s,
      stroked: true,
      filled: false,
      lineWidthUnits: 'pixels',
      getLineWidth: 3 * s,
      getLineColor: [255, 255, 255, 230],
    }),
    new ScatterplotLayer<RedMarker>({
      id: 'red-open-halo',
      data: p.redMarkers,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 5 * s,
      // The pulse is a uniform (radiusScale, opacity): no attribute is rebuilt per frame.
      radiusScale: 1 + 2.2 * p.pulse,
      opacity: 0.65 * (1 - p.pulse),
      getFillColor: [230, 57, 70],
    }),
    new ScatterplotLayer<RedMarker>({
      id: 'red-open',
      data: p.redMarkers,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 4.5 * s,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.2 * s,
      getFillColor: [230, 57, 70],
      getLineColor: [255, 235, 235],
    }),
    new TextLayer<PlacedMapLabel>({
      id: 'region-names',
      data: p.labels,
      getPosition: (d) => d.position,
      getPixelOffset: (d) => d.offset,
      getText: (d) => d.text,
      getSize: (d) => d.size,
      getColor: (d) => (d.level === 'district' ? [255, 255, 255, 255] : [210, 222, 245, 230]),
      fontFamily: FONT,
      fontWeight: 700,
      // 'auto' collects the characters of the names: Chinese needs no fixed set.
      characterSet: 'auto',
      fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
      outlineWidth: 3,
      outlineColor: [11, 18, 32, 235],
      billboard: true,
    }),
  ];
}
