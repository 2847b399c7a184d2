import type { Layer, PickingInfo } from '@deck.gl/core';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, Geometry } from 'geojson';
import { colourOf, rgba, type Legend } from './choropleth.js';

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
export interface ShapeCollection { type: 'FeatureCollection'; features: ShapeFeature[] }

export interface ExploreLayerProps {
  shapes?: ShapeCollection;
  /** Child code → value of the metric (null = no data). */
  values: Map<string, number | null>;
  legend?: Legend;
  /** [lon, lat, weight] heatmap cells over the place. */
  heatBins: [number, number, number][];
  /** Show names on the shapes (not for the hundreds of grids of a street). */
  labels: boolean;
  /** The codes whose names fit without overlapping (label-placement.ts); undefined = all. */
  labelled?: Set<string>;
  lang: 'zh' | 'en';
  /** The highlighted shape (the grid a leader drilled to). */
  selected?: string;
  /** No hover highlight (the PNG export: the last hovered shape must not come out lighter). */
  noHover?: boolean;
}

export const LABEL_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
export const LABEL_SIZE = 14;

/** A shape's name in the page's language. */
export function labelText(f: ShapeFeature, lang: 'zh' | 'en'): string {
  return lang === 'en' && f.properties.name_en ? f.properties.name_en : f.properties.name;
}
// Warm and translucent at the low end so the choropleth stays readable beneath.
const HEAT_COLOURS: [number, number, number, number][] = [
  [255, 255, 204, 30], [255, 237, 160, 100], [254, 178, 76, 150], [253, 141, 60, 190], [240, 59, 32, 220], [128, 0, 38, 240],
];

/** The explorer's deck.gl layers, bottom to top; a pure function of its props. */
export function exploreLayers(p: ExploreLayerProps): Layer[] {
  const legend = p.legend;
  const name = (f: ShapeFeature) => labelText(f, p.lang);
  const named = (p.labels ? (p.shapes?.features ?? []) : []).filter((f) => !p.labelled || p.labelled.has(f.properties.code));
  return [
    new GeoJsonLayer<ShapeProperties>({
      id: 'choropleth',
      data: p.shapes as never,
      pickable: true,
      stroked: true,
      filled: true,
      getFillColor: (f) => (legend ? rgba(colourOf(legend, p.values.get(f.properties.code) ?? null), 215) : [42, 50, 69, 200]),
      getLineColor: (f) => (f.properties.code === p.selected ? [92, 200, 255, 255] : [11, 18, 32, 255]),
      getLineWidth: (f) => (f.properties.code === p.selected ? 4 : 1),
      lineWidthUnits: 'pixels',
      autoHighlight: !p.noHover,
      highlightColor: [92, 200, 255, 90],
      updateTriggers: { getFillColor: [p.values, legend], getLineColor: [p.selected], getLineWidth: [p.selected] },
    }),
    new HeatmapLayer<[number, number, number]>({
      id: 'heat',
      data: p.heatBins,
      getPosition: (d) => [d[0], d[1]],
      getWeight: (d) => d[2],
      radiusPixels: 26,
      threshold: 0.05,
      colorRange: HEAT_COLOURS,
      debounceTimeout: 150,
      // 2048² (the default) float texels are slow on software WebGL; the kernel blurs far more than 512 loses.
      weightsTextureSize: 512,
    }),
    new TextLayer<ShapeFeature>({
      id: 'names',
      data: named,
      getPosition: (f) => f.properties.label,
      getText: name,
      getSize: LABEL_SIZE,
      getColor: [255, 255, 255, 255],
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      // 'auto' collects the characters of the names: Chinese needs no fixed set.
      characterSet: 'auto',
      fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
      outlineWidth: 3,
      outlineColor: [11, 18, 32, 235],
      updateTriggers: { getText: [p.lang] },
    }),
  ];
}

/** The hover text of a shape: its name and the value shown. */
export function tooltipText(info: PickingInfo, format: (code: string) => string): string | null {
  const f = info.object as ShapeFeature | undefined;
  return f?.properties ? `${f.properties.name}\n${format(f.properties.code)}` : null;
}
