import { PREPARED, type Queryable } from '../db/database.js';
import { encodeTileLayer, type TilePoint, type TilePolygon, type TileShape } from '../tiles/mvt-encode.js';
import type { TileAddress } from '../tiles/tile-layers.js';
import { GRID_CODE_ZOOM, INCIDENT_CELL_UNITS, INCIDENT_POINT_ZOOM, TILE_BUFFER, TILE_EXTENT, type RegionTileLevel } from '../tiles/tile-layers.js';
import { sqlFile } from './sql-file.js';

const CAPABILITY = sqlFile('tile-capability.sql');
const GEOMETRY_REVISION = sqlFile('geometry-revision.sql');
const BOUNDS = sqlFile('tile-bounds.sql');
const GRIDS_MVT = sqlFile('tile-grids-mvt.sql');
const GRIDS_GEOM = sqlFile('tile-grids-geom.sql');
const REGIONS_MVT = sqlFile('tile-regions-mvt.sql');
const REGIONS_GEOM = sqlFile('tile-regions-geom.sql');
const INCIDENTS_MVT = sqlFile('tile-incidents-mvt.sql');
const INCIDENTS_ROWS = sqlFile('tile-incidents.sql');

/** An encoded tile and how many features it holds (0: the route answers 204). */
export interface EncodedTile {
  bytes: Uint8Array;
  features: number;
}

export interface IncidentTileQuery {
  /** District/street/community/grid code the caller may read, or null for the city. */
  region: string | null;
  unit: string | null;
  from?: Date;
  to?: Date;
}

type EncodedRow = { tile: Uint8Array | Buffer; features: number };

/**
 * Vector tiles from PostGIS. Where PostGIS has ST_AsMVT (PostgreSQL builds)
 * it encodes; where it has not (PGlite's build lacks protobuf-c) the same
 * features come back in tile coordinates and are encoded here. Which one is
 * decided once, by asking the database, not by the backend's name.
 * Geometry tiles are found by the GiST index on boundaries whatever the tile
 * (checked with a generic plan at 100k grids), so their statements are
 * PREPARED: planning one cost about as much as building it. Incident tiles
 * are not: how many rows a time window holds decides their plan.
 */
export function createTileRepository(db: Queryable) {
  let native: Promise<boolean> | undefined;
  // Asked at the first tile, when the schema (and PostGIS) is surely there. Only PostGIS's own
  // answer is kept; any other failure (the database briefly away) is asked again next time.
  const nativeMvt = () =>
    (native ??= db.query(CAPABILITY).then(
      () => true,
      (error: unknown) => {
        if (error instanceof Error && /protobuf/i.test(error.message)) return false;
        native = undefined;
        throw error;
      },
    ));
  const encoded = (rows: EncodedRow[]): EncodedTile => ({ bytes: new Uint8Array(rows[0]!.tile), features: rows[0]!.features });

  return {
    /** Whether tiles are encoded by PostGIS (true) or in this process (false). */
    nativeMvt,

    /** The geometry revision (migrations/010): moves with every change to grid or region rows. */
    async geometryRevision(): Promise<string> {
      const [row] = await db.query<{ revision: string }>(GEOMETRY_REVISION);
      return row!.revision;
    },

    /** [west, south, east, north] of the grids under `scope` (a region or grid code; null = the city); the world when there are none. */
    async bounds(scope: string | null): Promise<[number, number, number, number]> {
      const [b] = await db.query<{ west: number | null; south: number; east: number; north: number }>(BOUNDS, [scope]);
      return b?.west == null ? [-180, -85.0511, 180, 85.0511] : [b.west, b.south, b.east, b.north];
    },

    async grids(t: TileAddress, region: string | null): Promise<EncodedTile> {
      const params = [t.z, t.x, t.y, region, TILE_EXTENT, TILE_BUFFER];
      // Below GRID_CODE_ZOOM the feature id alone names a grid: a city's tile holds tens of thousands.
      const withCode = t.z >= GRID_CODE_ZOOM;
      if (await nativeMvt()) return encoded(await db.query<EncodedRow>(GRIDS_MVT, [...params, withCode], PREPARED));
      const rows = await db.query<{ code: string; population: number | null; shape: string }>(GRIDS_GEOM, params);
      return polygons(
        'grids',
        rows.map(({ code, population, shape }) => ({
          code,
          properties: withCode ? { code, population } : ({ population } as TilePolygon['properties']),
          shape,
        })),
      );
    },

    /** Outlines of one level; `scope` is a code prefix (the caller's region) or null. */
    async regions(t: TileAddress, level: RegionTileLevel, layer: string, scope: string | null): Promise<EncodedTile> {
      const params = [t.z, t.x, t.y, scope, TILE_EXTENT, TILE_BUFFER, level];
      if (await nativeMvt()) return encoded(await db.query<EncodedRow>(REGIONS_MVT, [...params, layer], PREPARED));
      const rows = await db.query<{ code: string; name: string; name_en: string | null; population: number | null; shape: string }>(REGIONS_GEOM, params);
      return polygons(
        layer,
        rows.map(({ shape, ...properties }) => ({ code: properties.code, properties, shape })),
      );
    },

    async incidents(t: TileAddress, q: IncidentTileQuery): Promise<EncodedTile> {
      const cell = t.z >= INCIDENT_POINT_ZOOM ? 0 : INCIDENT_CELL_UNITS;
      const params = [t.z, t.x, t.y, q.region, TILE_EXTENT, q.unit, q.from ?? null, q.to ?? null, cell];
      if (await nativeMvt()) return encoded(await db.query<EncodedRow>(INCIDENTS_MVT, params));
      const rows = await db.query<{
        id: string | number;
        code: string | null;
        status: string | null;
        urgency: string | null;
        category: string | null;
        count: number | null;
        px: number;
        py: number;
      }>(INCIDENTS_ROWS, params);
      const features: TilePoint[] = rows.map(({ id, px, py, ...properties }) => ({ id: Number(id), x: px, y: py, properties }));
      return { bytes: features.length ? encodeTileLayer('incidents', TILE_EXTENT, features) : new Uint8Array(), features: features.length };
    },
  };
}

function polygons(layer: string, rows: { code: string; properties: TilePolygon['properties']; shape: string }[]): EncodedTile {
  const features = rows.map((r) => ({ id: Number(r.code), properties: r.properties, shape: JSON.parse(r.shape) as TileShape }));
  return { bytes: features.length ? encodeTileLayer(layer, TILE_EXTENT, features) : new Uint8Array(), features: features.length };
}

export type TileRepository = ReturnType<typeof createTileRepository>;
