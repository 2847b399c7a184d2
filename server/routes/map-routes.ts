import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { INCIDENT_STATUSES, URGENCIES } from '../contract/vocabulary.js';
import { GRID_METRIC_FIELDS, GridMetricColumnsSchema, GridMetricsSchema, HeatBinsSchema } from '../contract/wall-schemas.js';
import { BboxParam, errorResponses, RegionCode, ReportedFrom, ReportedTo } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { MapGridCollection, type MapGridTiles, OutlineCollection } from '../contract/geojson-schemas.js';
import { GRID_SIMPLIFY, type GridExtent } from '../repositories/map-repository.js';
import { TILE_LAYERS } from '../tiles/tile-layers.js';
import { Simplify } from '../contract/geo-schemas.js';
import { parseBbox, parseList, parseTimeRange } from './query-parsers.js';
import { badRequest } from '../http-errors.js';
import { sendCacheable } from './http-cache.js';
import { scopedRegion, scopedRoot } from './region-scope.js';
import { regionFilter } from '../repositories/region-repository.js';
import { visibilityOf } from '../services/actor.js';

/** Heatmap cells are this many screen pixels wide at the zoom asked for: finer is invisible under a 20+ px kernel. */
const HEAT_CELL_PIXELS = 4;
/**
 * Zoom 13's cell (5.625° / 2^13, ~70 m here) is the finest: below it a cell holds one incident and aggregation stops
 * paying, and it is the heat rollup's base cell (migrations/022), of which every coarser cell is a power-of-two multiple.
 */
const FINEST_HEAT_ZOOM = 13;
export const HEAT_LIMIT = { default: 5_000, max: 20_000 };
const OUTLINE_LEVELS = ['district', 'street', 'community', 'grid'] as const;
type OutlineLevel = (typeof OUTLINE_LEVELS)[number];
/** Grid outlines are asked for a street, a community or a grid: a city's or a district's are the grid layer's work (/api/map/grids, tiles). */
const GRID_OUTLINE_ROOTS = new Set(['street', 'community', 'grid']);

/** Without `levels`: the place's own outline and its parts', as a wall of the place draws them (a city's: districts and streets). */
function defaultOutlineLevels(level: string): OutlineLevel[] {
  if (level === 'street') return ['street', 'community'];
  if (level === 'community') return ['community', 'grid'];
  if (level === 'grid') return ['grid'];
  return ['district', 'street'];
}

const Window = {
  region: Type.Optional(RegionCode),
  from: ReportedFrom,
  to: ReportedTo,
};
const iso = (d: Date | undefined) => d?.toISOString() ?? null;

/**
 * Cell size for a zoom level: HEAT_CELL_PIXELS of a 256-px web-mercator tile at the whole zoom at or below it (so a
 * power-of-two multiple of the finest cell: an exact union of the rollup's cells), in degrees of longitude.
 */
export function heatCellDegrees(zoom: number): number {
  return (360 / 2 ** Math.min(FINEST_HEAT_ZOOM, Math.floor(zoom)) / 256) * HEAT_CELL_PIXELS;
}

/** Grids above which a region is drawn from vector tiles, unless the app is given another number. */
export const DEFAULT_TILE_GRID_THRESHOLD = 20_000;

/** Where a region's grid tiles are: same origin, the region as the wall asked for it (the tiles scope to the caller themselves). */
function tiledGrids(threshold: number, extent: GridExtent, region: string | undefined, revision: string): MapGridTiles {
  const query = region ? `?region=${encodeURIComponent(region)}` : '';
  const { minzoom, maxzoom } = TILE_LAYERS.grids;
  const communities = {
    tiles: `/tiles/communities/{z}/{x}/{y}.mvt${query}`,
    minzoom: TILE_LAYERS.communities.minzoom,
    maxzoom: TILE_LAYERS.communities.maxzoom,
  };
  return { threshold, grids: extent.grids, bbox: extent.bbox, tiles: `/tiles/grids/{z}/{x}/{y}.mvt${query}`, minzoom, maxzoom, revision, communities };
}

const mapRoutes: FastifyPluginAsyncTypebox<{ tileGridThreshold?: number }> = async (app, opts) => {
  const tileGridThreshold = opts.tileGridThreshold ?? DEFAULT_TILE_GRID_THRESHOLD;
  app.get(
    '/api/map/grids',
    {
      schema: {
        operationId: 'getMapGrids',
        produces: ['application/geo+json'],
        tags: ['map'],
        summary: 'Grid polygons for map colouring: id = grid code, population only; cacheable (ETag)',
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            simplify: Simplify,
            tiles: Type.Optional(
              Type.Literal('auto', { description: 'auto: over GRIDSCOPE_TILE_GRID_THRESHOLD grids, answer no features and where the tiles are (`tiled`)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(MapGridCollection), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const region = await scopedRegion(request, request.query.region);
      if (request.query.tiles === 'auto') {
        // A province's 100k polygons would take the wall a minute to fetch and parse: it draws them from tiles instead.
        const extent = await app.repos.map.gridExtent(region);
        if (extent.grids > tileGridThreshold) {
          // The revision changes the answer (and its ETag) when boundaries are published: the wall then reloads its tiles.
          const tiled = tiledGrids(tileGridThreshold, extent, request.query.region, await app.repos.tiles.geometryRevision());
          return sendCacheable(request, reply, JSON.stringify({ type: 'FeatureCollection', features: [], tiled }), 'application/geo+json', 3600);
        }
      }
      // ~10 m: invisible at city and district zoom, and keeps neighbours' shared edges together.
      const body = await app.readRepos.map.gridsText({ region, simplify: request.query.simplify ?? GRID_SIMPLIFY });
      return sendCacheable(request, reply, body, 'application/geo+json', 3600);
    },
  );

  app.get(
    '/api/map/grid-metrics',
    {
      schema: {
        operationId: 'getGridMetrics',
        tags: ['map'],
        summary: 'Per-grid figures over a time window, keyed by grid code (no geometry)',
        description:
          `Every grid of the region maps to [${GRID_METRIC_FIELDS.join(', ')}] (counts over the window). ` +
          'Overdue = dispatched or in progress past due_at. max_open_urgency: 0 none, 1 blue, 2 yellow, 3 red. ' +
          'With shape=columns the same figures come as `codes` and one array per figure (`columns`), aligned: ' +
          'smaller to build and parse for 100k grids. Sent with an ETag (304 when unchanged; revalidate every time).',
        querystring: Type.Object(
          {
            ...Window,
            shape: Type.Optional(
              Type.Union([Type.Literal('record'), Type.Literal('columns')], { description: 'record (default): grids keyed by code; columns: arrays' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(Type.Union([GridMetricsSchema, GridMetricColumnsSchema])), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { from, to } = parseTimeRange(request.query.from, request.query.to);
      const region = await scopedRegion(request, request.query.region);
      const shape = request.query.shape ?? 'record';
      // Written by the database as text: at 100k grids, rows and JSON.stringify took seconds (README, "A 100k-grid city").
      const members = await app.readRepos.map.gridMetricsJson({ region, from, to, unit: visibilityOf(request.principal).unit, shape });
      const head = JSON.stringify({ from: iso(from), to: iso(to), fields: GRID_METRIC_FIELDS });
      return sendCacheable(request, reply, `${head.slice(0, -1)},${members}}`, 'application/json; charset=utf-8', 0);
    },
  );

  app.get(
    '/api/map/heatmap',
    {
      schema: {
        operationId: 'getHeatmap',
        tags: ['map'],
        summary: 'Incidents aggregated into weighted square cells for a heatmap (never raw points)',
        description: `Cells are ${HEAT_CELL_PIXELS} screen pixels wide at the whole zoom at or below \`zoom\`, and no finer than zoom ${FINEST_HEAT_ZOOM}'s (${heatCellDegrees(FINEST_HEAT_ZOOM)}°); \`bbox\` keeps the whole cells that touch it; the heaviest \`limit\` cells are returned.`,
        querystring: Type.Object(
          {
            ...Window,
            bbox: Type.Optional(BboxParam),
            zoom: Type.Optional(Type.Number({ minimum: 0, maximum: 22, default: 9 })),
            category: Type.Optional(Type.String({ description: 'category codes, comma-separated' })),
            urgency: Type.Optional(Type.String({ description: `${URGENCIES.join(', ')}; comma-separated` })),
            status: Type.Optional(Type.String({ description: `${INCIDENT_STATUSES.join(', ')}; comma-separated` })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HEAT_LIMIT.max, default: HEAT_LIMIT.default })),
          },
          { additionalProperties: false },
        ),
        response: { 200: HeatBinsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const { from, to } = parseTimeRange(q.from, q.to);
      const bbox = parseBbox(q.bbox);
      const categories = parseList(q.category, 'category', await app.repos.incidents.categoryCodes());
      const urgencies = parseList(q.urgency, 'urgency', URGENCIES);
      const statuses = parseList(q.status, 'status', INCIDENT_STATUSES);
      const region = await scopedRegion(request, q.region);
      const cellDegrees = heatCellDegrees(q.zoom ?? 9);
      const { bins, truncated } = await app.readRepos.map.heatBins({
        region,
        from,
        to,
        bbox,
        cellDegrees,
        limit: q.limit ?? HEAT_LIMIT.default,
        categories,
        urgencies,
        statuses,
        unit: visibilityOf(request.principal).unit,
      });
      return { from: iso(from), to: iso(to), cell_degrees: cellDegrees, bins, total_weight: bins.reduce((a, b) => a + b[2], 0), truncated };
    },
  );

  app.get(
    '/api/map/outlines',
    {
      schema: {
        operationId: 'getOutlines',
        produces: ['application/geo+json'],
        tags: ['map'],
        summary: 'District, street, community or grid outlines with names, population, a label point and a bbox (GeoJSON)',
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            levels: Type.Optional(
              Type.String({
                description:
                  "district, street, community, grid; comma-separated (grid only for a street, a community or a grid). Default: the place's level and the one below (a city's or a district's: district, street; a street's: street, community; a community's: community, grid)",
              }),
            ),
            simplify: Simplify,
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(OutlineCollection), 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const root = await scopedRoot(request, request.query.region);
      const levels = parseList(request.query.levels, 'levels', OUTLINE_LEVELS) ?? defaultOutlineLevels(root.level);
      if (levels.includes('grid') && !GRID_OUTLINE_ROOTS.has(root.level))
        throw badRequest(
          'levels',
          `grid outlines are for a street, a community or a grid; ${root.code} is a ${root.level}`,
          `网格边界只按街道、社区或网格提供；${root.code} 是${root.level === 'city' ? '市' : '区县'}级区域`,
        );
      const region = regionFilter(root);
      const body = await app.readRepos.map.outlinesText({ region, levels, simplify: request.query.simplify ?? 0.0005 });
      return sendCacheable(request, reply, body, 'application/geo+json', 3600);
    },
  );
};

export default mapRoutes;
