import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../db/database.js';
import type { Bbox } from '../contract/geo-schemas.js';
import { createRevisionCache } from './revision-cache.js';
import { createSharedEdgeShapes, withSharedEdgeShapes, type SharedEdgeLayer } from './shared-edge-shapes.js';
import { sqlFile } from './sql-file.js';
import { rowsOnly, splitParams, splitWindow } from './daily-rollup.js';
import { heatRollupLevel } from './heat-rollup.js';

const MAP_GRIDS = sqlFile('map-grids.sql');
const MAP_GRID_METRICS = sqlFile('map-grid-metrics.sql');
/** The figures' rows written as JSON text by the database, in each answer's shape (the wrappers name the marker). */
const withGridMetrics = (wrapper: string) => sqlFile(wrapper).replace('/* map-grid-metrics.sql */', MAP_GRID_METRICS.replace(/;\s*$/, ''));
const GRID_METRICS_JSON = { columns: withGridMetrics('map-grid-metrics-columns.sql'), record: withGridMetrics('map-grid-metrics-record.sql') };
const MAP_GRID_EXTENT = sqlFile('map-grid-extent.sql');
const MAP_HEAT_BINS = sqlFile('map-heat-bins.sql');
const HEAT_ROLLUP_DENSITY = sqlFile('heat-rollup-density.sql');
const MAP_OUTLINES = sqlFile('map-outlines.sql');
/** The grid layer's default tolerance in degrees (~10 m): a grid is a few hundred metres across. */
export const GRID_SIMPLIFY = 0.0001;
// The explorer's category query, unfiltered: one SQL for both pages.
const CATEGORY_COUNTS = sqlFile('explore-categories.sql');

/** Incidents reported in [from, to) inside `region` (district/street/community code; null = the whole city). */
export interface WindowQuery {
  region: string | null;
  from?: Date;
  to?: Date;
  /** A handler's unit: only incidents dispatched to it, as in their incident list. */
  unit?: string | null;
}

/** The order of the numbers in each grid's metrics tuple; the API documents it in `fields`. */
export { GRID_METRIC_FIELDS, type GridMetricTuple } from '../contract/wall-schemas.js';

/**
 * Where the heatmap's whole days come from: the heat rollup (migrations/022), the incident rows, or whichever reads
 * fewer rows ('auto', the default: the rollup once it holds fewer than HEAT_ROLLUP_MAX_SHARE rows per incident).
 * The answer is the same either way; tests force each.
 */
export type HeatSource = 'auto' | 'rollup' | 'rows';
/** Below this many rollup rows per incident the rollup is read: a margin for its wider rows and the regrouping. */
export const HEAT_ROLLUP_MAX_SHARE = 0.5;

export interface HeatBins {
  /** [lon, lat, weight] per non-empty cell, heaviest first. */
  bins: [number, number, number][];
  /** True when cells beyond `limit` were left out (the lightest ones). */
  truncated: boolean;
}

/** The two shapes of GET /api/map/grid-metrics: code → tuple, or arrays of codes and of each figure. */
export type GridMetricsShape = 'record' | 'columns';

/** How many grids a region has and where: what the wall needs to choose GeoJSON or vector tiles. */
export interface GridExtent {
  grids: number;
  /** West, south, east, north; null when the region has no grids. */
  bbox: Bbox | null;
}

export interface CategoryCount {
  code: string;
  name_zh: string;
  name_en: string;
  reported: number;
  closed: number;
  open: number;
}

/** Reads behind the wall map: geometry once, then small per-window figures keyed by code. */
export function createMapRepository(db: Queryable) {
  const geometry = createRevisionCache(db);
  const sharedEdgeShapes = createSharedEdgeShapes(db);
  const extents = createRevisionCache<GridExtent>(db);
  return {
    /** The number of grids of a region (null = the city) and their extent; kept until a boundary changes. */
    async gridExtent(region: string | null): Promise<GridExtent> {
      return extents(`extent ${region}`, async () => {
        const [row] = await db.query<{ grids: number; west: number | null; south: number; east: number; north: number }>(MAP_GRID_EXTENT, [region]);
        const r = row!;
        return { grids: r.grids, bbox: r.west === null ? null : ([r.west, r.south, r.east, r.north].map(Number) as Bbox) };
      });
    },

    /** Grid polygons with population only, as GeoJSON text; kept until a boundary changes. */
    async gridsText(q: { region: string | null; simplify: number }): Promise<string> {
      return geometry(`grids ${q.region} ${q.simplify}`, async () => {
        const rows = await db.query<{ body: string }>(MAP_GRIDS, [q.region, q.simplify]);
        if (q.simplify === 0) return rows[0]!.body;
        // 5 decimals, as the SQL writes unsimplified shapes: about 1 m, finer than a wall pixel.
        const collection = JSON.parse(rows[0]!.body) as { features: { id: number; geometry: unknown }[] };
        collection.features = withSharedEdgeShapes(collection.features, await sharedEdgeShapes('grid', q.simplify, 5));
        return JSON.stringify(collection);
      });
    },

    /**
     * Grid code → [reported, closed, open, overdue, max_open_urgency, population], for every grid of the region, as JSON members written by the database (a city of 100k grids: one text value, not 100k rows):
     * `"grids":{code: tuple, …}` (record) or `"codes":[…],"columns":{"reported":[…], …}` (columns, aligned with codes).
     */
    async gridMetricsJson(q: WindowQuery & { shape: GridMetricsShape }, tx: Queryable = db): Promise<string> {
      const [row] = await tx.query<{ members: string }>(GRID_METRICS_JSON[q.shape], [
        q.region,
        ...splitParams(splitWindow(q.from, q.to, q.unit)),
        q.unit ?? null,
      ]);
      return row!.members;
    },

    async heatBins(
      q: WindowQuery & {
        bbox?: Bbox;
        cellDegrees: number;
        limit: number;
        categories?: string[];
        urgencies?: string[];
        statuses?: string[];
        source?: HeatSource;
      },
      tx: Queryable = db,
    ): Promise<HeatBins> {
      const [x0, y0, x1, y1] = q.bbox ?? [null, null, null, null];
      const { depth, ratio } = heatRollupLevel(q.cellDegrees, q.region);
      let fromRollup = q.source === 'rollup';
      if ((q.source ?? 'auto') === 'auto') {
        const [d] = await tx.query<{ rows_per_incident: number | null }>(HEAT_ROLLUP_DENSITY);
        fromRollup = d?.rows_per_incident != null && d.rows_per_incident < HEAT_ROLLUP_MAX_SHARE;
      }
      const split = fromRollup ? splitWindow(q.from, q.to, q.unit) : rowsOnly(q.from, q.to);
      // One extra row tells whether cells were left out.
      const rows = await tx.query<{ lon: number; lat: number; weight: number }>(MAP_HEAT_BINS, [
        q.region,
        ...splitParams(split),
        depth,
        q.cellDegrees,
        ratio,
        x0,
        y0,
        x1,
        y1,
        q.limit + 1,
        q.categories ?? null,
        q.urgencies ?? null,
        q.statuses ?? null,
        q.unit ?? null,
      ]);
      const truncated = rows.length > q.limit;
      return { bins: rows.slice(0, q.limit).map((r) => [r.lon, r.lat, r.weight]), truncated };
    },

    /** District, street, community and/or grid outlines with names and label points, as GeoJSON text; kept until a boundary changes. */
    async outlinesText(q: { region: string | null; simplify: number; levels: string[] }): Promise<string> {
      return geometry(`outlines ${q.region} ${q.simplify} ${q.levels.join(',')}`, async () => {
        const rows = await db.query<{ body: string }>(MAP_OUTLINES, [q.region, q.simplify, q.levels]);
        if (q.simplify === 0) return rows[0]!.body;
        // Each level simplified with the edges its regions share (districts with districts, streets with streets).
        const collection = JSON.parse(rows[0]!.body) as { features: { id: string; geometry: unknown; properties: { level: SharedEdgeLayer } }[] };
        const byLevel = new Map<string, MultiPolygon>();
        for (const level of new Set(collection.features.map((f) => f.properties.level))) {
          // Grids at the grid layer's own tolerance at most: their outlines then lie on the grid polygons drawn under them.
          const tolerance = level === 'grid' ? Math.min(q.simplify, GRID_SIMPLIFY) : q.simplify;
          for (const [code, shape] of await sharedEdgeShapes(level, tolerance, 5)) byLevel.set(code, shape);
        }
        collection.features = withSharedEdgeShapes(collection.features, byLevel);
        return JSON.stringify(collection);
      });
    },

    async categoryCounts(q: WindowQuery, tx: Queryable = db): Promise<CategoryCount[]> {
      return tx.query<CategoryCount>(CATEGORY_COUNTS, [q.region, ...splitParams(splitWindow(q.from, q.to, q.unit)), null, null, null, q.unit ?? null]);
    },
  };
}

export type MapRepository = ReturnType<typeof createMapRepository>;
