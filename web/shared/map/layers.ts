/**
 * deck.gl layer builders with the house's settings: a page composes its map
 * from these (bottom to top) in a pure function of its props, and the map
 * controller hands the array to deck.gl, which diffs it. Every builder takes
 * an `id` (stable across updates: deck matches layers by id).
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Accessor, Color, Position } from '@deck.gl/core';
import { GeoJsonLayer, LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Geometry } from 'geojson';
import { PALETTES } from './colour-scales.js';
import { ringSegments } from './ring-segments.js';
import { LABEL, MAP_FONT, type Rgba } from './theme.js';

type HeatBin = [number, number, number];

/**
 * Polygons filled by value. `colourKey` lists what the fill depends on: a
 * change recolours (a per-vertex colour update, no re-tessellation).
 */
export function choroplethLayer<P>(o: {
  id: string;
  data: unknown;
  fill: Accessor<{ properties: P; id?: unknown }, Color>;
  colourKey: unknown[];
  /** Edges drawn by the polygon layer itself (cheap for hundreds of shapes; use outlineLayer for thousands). */
  line?: { colour: Accessor<{ properties: P }, Color>; width: Accessor<{ properties: P }, number>; key: unknown[] };
  /** Pickable, with a hover highlight unless `hover` is false. */
  pickable?: boolean;
  hover?: boolean;
}): GeoJsonLayer<P> {
  return new GeoJsonLayer<P>({
    id: o.id,
    data: (o.data ?? { type: 'FeatureCollection', features: [] }) as never,
    filled: true,
    stroked: Boolean(o.line),
    pickable: o.pickable ?? false,
    getFillColor: o.fill as never,
    ...(o.line ? { getLineColor: o.line.colour as never, getLineWidth: o.line.width as never, lineWidthUnits: 'pixels' as const } : {}),
    autoHighlight: Boolean(o.pickable) && o.hover !== false,
    highlightColor: [92, 200, 255, 90],
    updateTriggers: { getFillColor: o.colourKey, getLineColor: o.line?.key, getLineWidth: o.line?.key },
  });
}

/** The incident heatmap from [lon, lat, weight] cells, in the house's warm colours. */
export function heatLayer(o: {
  id: string;
  bins: HeatBin[];
  radiusPixels: number;
  threshold: number;
  intensity?: number;
  debounceTimeout?: number;
}): HeatmapLayer<HeatBin> {
  return new HeatmapLayer<HeatBin>({
    id: o.id,
    data: o.bins,
    getPosition: (d) => [d[0], d[1]],
    getWeight: (d) => d[2],
    radiusPixels: o.radiusPixels,
    intensity: o.intensity ?? 1,
    threshold: o.threshold,
    colorRange: PALETTES.heat,
    debounceTimeout: o.debounceTimeout ?? 150,
    // 2048² (the default) float texels are slow on software WebGL; the kernel blurs far more than 512 loses.
    weightsTextureSize: 512,
  });
}

/**
 * Polygon edges as straight segments (ring-segments.ts: one typed array per
 * source object and part), the cheapest line deck.gl draws.
 */
export function outlineLayer(o: {
  id: string;
  source?: object;
  part: string;
  features: () => readonly { geometry: Geometry }[];
  colour: Rgba;
  width: number;
  visible?: boolean;
}): LineLayer {
  return new LineLayer({
    id: o.id,
    visible: o.visible ?? true,
    data: o.source ? ringSegments(o.source, o.part, o.features) : [],
    widthUnits: 'pixels',
    getWidth: o.width,
    getColor: o.colour,
  });
}

/**
 * Names, already placed by placeLabels (label-placement.ts) so none overlaps
 * another: bold, outlined in the background's colour, any characters.
 */
export function labelLayer<T>(o: {
  id: string;
  data: T[];
  position: (d: T) => Position;
  text: (d: T) => string;
  size: Accessor<T, number>;
  colour?: Accessor<T, Color>;
  offset?: (d: T) => [number, number];
  /** What the text depends on besides the data (the language). */
  textKey?: unknown[];
}): TextLayer<T> {
  return new TextLayer<T>({
    id: o.id,
    data: o.data,
    getPosition: o.position,
    getText: o.text,
    getSize: o.size,
    getColor: o.colour ?? LABEL.colour,
    ...(o.offset ? { getPixelOffset: o.offset } : {}),
    fontFamily: MAP_FONT,
    fontWeight: 700,
    // 'auto' collects the characters of the names: Chinese needs no fixed set.
    characterSet: 'auto',
    fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
    outlineWidth: 3,
    outlineColor: LABEL.outline,
    billboard: true,
    updateTriggers: { getText: o.textKey ?? [] },
  });
}

/**
 * Points drawn as circles of a fixed pixel size: a fill, a rim, or both.
 * `radiusScale` and `opacity` are uniforms: animating them rebuilds nothing.
 */
export function markerLayer<T>(o: {
  id: string;
  data: T[];
  position: (d: T) => Position;
  radius: number;
  fill?: Rgba;
  rim?: { colour: Rgba; width: number };
  radiusScale?: number;
  opacity?: number;
  pickable?: boolean;
}): ScatterplotLayer<T> {
  return new ScatterplotLayer<T>({
    id: o.id,
    data: o.data,
    getPosition: o.position,
    radiusUnits: 'pixels',
    getRadius: o.radius,
    filled: Boolean(o.fill),
    stroked: Boolean(o.rim),
    lineWidthUnits: 'pixels',
    getLineWidth: o.rim?.width ?? 0,
    ...(o.fill ? { getFillColor: o.fill } : {}),
    ...(o.rim ? { getLineColor: o.rim.colour } : {}),
    radiusScale: o.radiusScale ?? 1,
    opacity: o.opacity ?? 1,
    pickable: o.pickable ?? false,
  });
}
