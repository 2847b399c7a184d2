import vtpbf from 'vt-pbf';

/** A polygon or multipolygon already in tile coordinates (whole units, y down), as ST_AsGeoJSON writes it. */
export type TileShape = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface TilePolygon {
  id: number;
  properties: Record<string, string | number | null>;
  shape: TileShape;
}

export interface TilePoint {
  id?: number;
  properties: Record<string, string | number | null>;
  x: number;
  y: number;
}

const POINT = 1 as const;
const POLYGON = 3 as const;

/**
 * Encodes one layer as a Mapbox Vector Tile 2.1 for a server without
 * ST_AsMVT. vt-pbf takes geojson-vt's tile form: a polygon's rings one after
 * the other (each closed; exterior rings positive, holes negative, which
 * tile-*-geom.sql ensures), a point as one [x, y]. Null properties are left
 * out, as ST_AsMVT leaves them out.
 */
export function encodeTileLayer(name: string, extent: number, features: (TilePolygon | TilePoint)[]): Uint8Array {
  const encoded = features.map((f) => {
    const tags = Object.fromEntries(Object.entries(f.properties).filter(([, v]) => v !== null));
    if ('shape' in f) {
      const polygons = f.shape.type === 'Polygon' ? [f.shape.coordinates] : f.shape.coordinates;
      return { id: f.id, type: POLYGON, tags, geometry: polygons.flat() };
    }
    return { id: f.id, type: POINT, tags, geometry: [[f.x, f.y]] };
  });
  return vtpbf.fromGeojsonVt({ [name]: { features: encoded } }, { version: 2, extent });
}
