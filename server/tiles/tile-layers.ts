/**
 * The vector tile layers served at /tiles/{layer}/{z}/{x}/{y}.mvt, with what
 * their TileJSON documents (server/routes/tile-routes.ts). Zoom ranges say
 * where a layer is worth drawing: below `minzoom` a grid is under a pixel and
 * a tile would hold the whole city, so such tiles answer 204 (empty); above
 * `maxzoom` MapLibre over-zooms the last tile, nothing is lost.
 */
export const TILE_EXTENT = 4096;
/** Tile units drawn past each edge, so strokes do not stop at tile seams (as ST_AsMVTGeom's default). */
export const TILE_BUFFER = 64;
/** The deepest zoom accepted at all (the web mercator pyramid stops being useful well before). */
export const MAX_TILE_ZOOM = 22;
/**
 * From this zoom a grid feature carries its code as text too (`code`, for
 * promoteId); below it only its id (the same code as a number) and population.
 * A whole city's tile at zoom 8 held 81,292 grids: the codes as text were 2 of
 * its 4.7 MB, parsed again by the browser's worker and, for the first feature
 * states, by its main thread (README, "A 100k-grid city").
 */
export const GRID_CODE_ZOOM = 12;
/** From this zoom the incidents layer holds points; below it, square cells with a count. */
export const INCIDENT_POINT_ZOOM = 14;
/** Cell size of the aggregated incidents layer, in tile units: 64 × 64 cells a tile (16 px on a 256-px tile). */
export const INCIDENT_CELL_UNITS = 64;

export type RegionTileLevel = 'district' | 'street' | 'community';

interface LayerBase {
  description: string;
  minzoom: number;
  maxzoom: number;
  /** Property name → MVT/TileJSON type ("String", "Number"). */
  fields: Record<string, string>;
}

export type TileLayer = (LayerBase & { kind: 'grids' }) | (LayerBase & { kind: 'regions'; level: RegionTileLevel }) | (LayerBase & { kind: 'incidents' });

const REGION_FIELDS = { code: 'String', name: 'String', name_en: 'String', population: 'Number' };

export const TILE_LAYERS = {
  grids: {
    kind: 'grids',
    description: 'Current grids; feature id = the grid code as a number, `code` the same as text (promoteId) from zoom 12',
    // A wall shows a whole city at zoom ~8 and a province at ~6 with its grids coloured (big rural grids are
    // several pixels wide there), and draws them from these tiles when the region is over its grid threshold.
    minzoom: 6,
    maxzoom: 16,
    fields: { code: 'String', population: 'Number' },
  },
  districts: { kind: 'regions', level: 'district', description: 'District outlines; id = code', minzoom: 6, maxzoom: 14, fields: REGION_FIELDS },
  streets: { kind: 'regions', level: 'street', description: 'Street outlines; id = code', minzoom: 8, maxzoom: 15, fields: REGION_FIELDS },
  // From zoom 6 like the grids: a wall showing a region too dense for its grids (a grid under a few pixels) colours
  // its communities instead (web/wall/wall-grouping.ts); a city's 1,394 communities are a small tile at zoom 8.
  communities: { kind: 'regions', level: 'community', description: 'Community outlines; id = code', minzoom: 6, maxzoom: 16, fields: REGION_FIELDS },
  incidents: {
    kind: 'incidents',
    description:
      `Incidents: from zoom ${INCIDENT_POINT_ZOOM} one point each (id = internal number, code, status, urgency, category); ` +
      `below it one point per non-empty square cell of ${INCIDENT_CELL_UNITS}/${TILE_EXTENT} of a tile with its count`,
    minzoom: 8,
    maxzoom: 16,
    fields: { code: 'String', status: 'String', urgency: 'String', category: 'String', count: 'Number' },
  },
} as const satisfies Record<string, TileLayer>;

export type TileLayerName = keyof typeof TILE_LAYERS;
export const TILE_LAYER_NAMES = Object.keys(TILE_LAYERS) as TileLayerName[];

export function isTileLayerName(name: string): name is TileLayerName {
  return Object.hasOwn(TILE_LAYERS, name);
}

/** A tile's place in the XYZ scheme (parsed and range-checked from the URL by tile-address.ts). */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}
