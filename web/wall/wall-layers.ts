import type { Layer } from '@deck.gl/core';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { OutlineCollection, Position } from './api-types.js';
import type { RecentIncident, RedMarker } from './live-lists.js';

export interface Label {
  text: string;
  position: Position;
  level: 'district' | 'street';
}

export interface WallLayerProps {
  /** [lon, lat, weight] heatmap cells. */
  heatBins: [number, number, number][];
  redMarkers: RedMarker[];
  recent: RecentIncident[];
  labels: Label[];
  /** 0..1, the phase of the red markers' pulse. */
  pulse: number;
  /** Street names only when zoomed in enough to read them (the district tour). */
  showStreetNames: boolean;
  /** CSS pixels are multiplied by this on 4K walls. */
  scale: number;
}

// Warm and translucent at the low end, so the grid colours stay readable beneath.
const HEAT_COLOURS: [number, number, number, number][] = [
  [255, 255, 178, 40], [254, 217, 118, 110], [254, 178, 76, 150], [253, 141, 60, 180], [240, 59, 32, 210], [189, 0, 38, 235],
];
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';

/** District and street names at their label points, in the language asked for. */
export function labelsFrom(outlines: OutlineCollection | undefined, lang: 'zh' | 'en'): Label[] {
  return (outlines?.features ?? []).map((f) => ({
    text: lang === 'en' && f.properties.name_en ? f.properties.name_en : f.properties.name,
    position: f.properties.label,
    level: f.properties.level,
  }));
}

/** The deck.gl layers of the wall, bottom to top; a pure function of its props, so each update is a prop diff. */
export function wallDeckLayers(p: WallLayerProps): Layer[] {
  const s = p.scale;
  const labels = p.showStreetNames ? p.labels : p.labels.filter((l) => l.level === 'district');
  return [
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
    new TextLayer<Label>({
      id: 'region-names',
      data: labels,
      getPosition: (d) => d.position,
      getText: (d) => d.text,
      getSize: (d) => (d.level === 'district' ? 22 : 13) * s,
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
