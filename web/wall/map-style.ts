import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { fillColourExpression, type Legend } from './metric-scale.js';

export const BACKGROUND = '#0b1220';
const EMPTY = { type: 'FeatureCollection', features: [] } as const;

/**
 * Our sources: grids keyed by numeric code (feature state carries the
 * metric), loaded by MapLibre's worker from `gridsUrl` as soon as the map
 * starts; region outlines, set from data the page already holds.
 */
export function wallSources(gridsUrl: string): Record<string, SourceSpecification> {
  return {
    grids: { type: 'geojson', data: gridsUrl },
    outlines: { type: 'geojson', data: EMPTY as never },
  };
}

/** Grid fills, grid edges, street and district outlines, bottom to top. */
export function wallLayers(legend: Legend | undefined, overBasemap: boolean): LayerSpecification[] {
  return [
    {
      id: 'grid-fill',
      type: 'fill',
      source: 'grids',
      paint: {
        'fill-color': (legend ? fillColourExpression(legend) : '#1a2336') as never,
        // Over a basemap the streets beneath should show through.
        'fill-opacity': overBasemap ? 0.7 : 1,
        'fill-antialias': false,
      },
    },
    { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': BACKGROUND, 'line-width': 0.4, 'line-opacity': 0.6 } },
    { id: 'street-line', type: 'line', source: 'outlines', filter: ['==', ['get', 'level'], 'street'], paint: { 'line-color': '#9fb3d9', 'line-width': 0.8, 'line-opacity': 0.55 } },
    { id: 'district-line', type: 'line', source: 'outlines', filter: ['==', ['get', 'level'], 'district'], paint: { 'line-color': '#e6edf7', 'line-width': 2.2 } },
  ];
}

/**
 * The offline style: no tiles, no glyphs, no sprites, nothing from outside
 * the service. Labels are drawn by deck.gl with the system's CJK font (see
 * wall-layers.ts), so the style needs no glyph server.
 */
export function offlineStyle(gridsUrl: string): StyleSpecification {
  return {
    version: 8,
    sources: wallSources(gridsUrl),
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }, ...wallLayers(undefined, false)],
  };
}
