import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Feature, Geometry } from 'geojson';
import { nameWithin, placeName, type Lang, type Named } from '../shared/i18n.js';
import { choroplethLayer, heatLayer, labelLayer } from '../shared/map/layers.js';
import { rgba, THEME, uiScale } from '../shared/map/theme.js';
import { NO_DATA } from '../shared/map/colour-scales.js';
import { colourOf, type Legend } from './choropleth.js';

export interface ShapeProperties {
  code: string;
  level: string;
  name: string;
  name_en: string | null;
  population: number;
  label: [number, number];
}
/** A feature of GET /api/explore/shapes: id = code, with a bbox. */
export type ShapeFeature = Omit<Feature<Geometry, ShapeProperties>, 'id' | 'bbox'> & { id: string; bbox: [number, number, number, number] };
export interface ShapeCollection {
  type: 'FeatureCollection';
  features: ShapeFeature[];
}

/** Which shapes these are (their codes): the map fits a place once per key, and its camera says which it framed. */
export const shapesKey = (shapes: ShapeCollection | undefined): string => (shapes?.features ?? []).map((f) => f.id).join();

export interface ExploreLayerProps {
  shapes?: ShapeCollection;
  /** Child code → value of the metric (null = no data). */
  values: Map<string, number | null>;
  legend?: Legend;
  /** [lon, lat, weight] heatmap cells over the place. */
  heatBins: [number, number, number][];
  /** Show names on the shapes (not for the hundreds of grids of a street). */
  labels: boolean;
  /** The codes whose names fit without overlapping (label-placement.ts), each with its pixel offset from its label point; undefined = all, at their points. */
  labelled?: Map<string, [number, number]>;
  lang: Lang;
  /** The place whose parts are drawn (the breadcrumb names it): a grid's name drops its community's it starts with. */
  place?: Named;
  /** The highlighted shape (the grid a leader drilled to). */
  selected?: string;
  /** No hover highlight (the PNG export: the last hovered shape must not come out lighter). */
  noHover?: boolean;
}

/** The names' size in pixels: 14, larger where the page's text is (uiScale). */
export const labelSize = (): number => 14 * uiScale();
/** Shapes before the figures come. */
const NO_LEGEND = rgba(NO_DATA.muted, 200);
const SELECTED = rgba(THEME.accent);
const EDGE = rgba(THEME.background);

/** A shape's name on the map, in the page's language: 第三网格, not 文化路社区第三网格, in 文化路社区. */
export function labelText(f: ShapeFeature, lang: Lang, place?: Named): string {
  return nameWithin(lang, f.properties, place);
}

/** The explorer's deck.gl layers, bottom to top; a pure function of its props. */
export function exploreLayers(p: ExploreLayerProps): Layer[] {
  const legend = p.legend;
  const named = (p.labels ? (p.shapes?.features ?? []) : []).filter((f) => !p.labelled || p.labelled.has(f.properties.code));
  return [
    choroplethLayer<ShapeProperties>({
      id: 'choropleth',
      data: p.shapes,
      pickable: true,
      hover: !p.noHover,
      fill: (f) => (legend ? rgba(colourOf(legend, p.values.get(f.properties.code) ?? null), 215) : NO_LEGEND),
      colourKey: [p.values, legend],
      line: {
        colour: (f) => (f.properties.code === p.selected ? SELECTED : EDGE),
        width: (f) => (f.properties.code === p.selected ? 4 : 1),
        key: [p.selected],
      },
    }),
    heatLayer({ id: 'heat', bins: p.heatBins, radiusPixels: 26, threshold: 0.05 }),
    labelLayer<ShapeFeature>({
      id: 'names',
      data: named,
      position: (f) => f.properties.label,
      text: (f) => labelText(f, p.lang, p.place),
      size: labelSize(),
      offset: (f) => p.labelled?.get(f.properties.code) ?? [0, 0],
      textKey: [p.lang],
    }),
  ];
}

/** The hover text of a shape: its name in the page's language and the value shown. */
export function tooltipText(info: PickingInfo, format: (code: string) => string, lang: Lang): string | null {
  const f = info.object as ShapeFeature | undefined;
  // The tooltip keeps the whole name.
  return f?.properties ? `${placeName(lang, f.properties)}\n${format(f.properties.code)}` : null;
}
