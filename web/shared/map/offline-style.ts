import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { THEME } from './theme.js';

/**
 * The offline style: our background and, when a page asks, its own GeoJSON
 * sources and MapLibre layers over it; no tiles, glyphs or sprites, nothing
 * from outside the service. Most of what a page draws is deck.gl's
 * (layers.ts), the same over this style or over a site's basemap.
 */
export function offlineStyle(extra: { sources?: Record<string, SourceSpecification>; layers?: LayerSpecification[] } = {}): StyleSpecification {
  return {
    version: 8,
    sources: extra.sources ?? {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': THEME.background } }, ...(extra.layers ?? [])],
  };
}
