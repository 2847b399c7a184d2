import type { StyleSpecification } from 'maplibre-gl';

export const BACKGROUND = '#0b1220';

/**
 * The offline style: a background and nothing else: no tiles, glyphs or
 * sprites, nothing from outside the service. Grids, outlines and names are
 * deck.gl layers drawn into the map's own canvas (wall-layers.ts), the same
 * over this style or over a site's basemap.
 */
export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  };
}
