import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { closureRate } from '../repositories/stats-repository.js';
import { errorResponses, RegionCode, ReportedFrom, ReportedTo } from '../contract/common-schemas.js';
import { parseTimeRange } from './query-parsers.js';
import { DEFAULT_WALL_OPTIONS, WALL_MIN_GRID_PIXELS, type WallOptions } from '../contract/wall-options.js';
import { CategoryStatsSchema, WallConfigSchema, type WallConfig } from '../contract/wall-schemas.js';
import { scopedRegion } from './region-scope.js';
import { visibilityOf } from '../services/actor.js';

/**
 * The wall's configuration. Also written into /wall's HTML (web-plugin.ts
 * `pageData`), so the page starts loading figures without a round trip first.
 */
export function wallConfig(app: FastifyInstance, wall: WallOptions = DEFAULT_WALL_OPTIONS): WallConfig {
  return {
    metric: wall.metric,
    window: wall.window,
    basemap_style_url: wall.basemapStyleUrl ?? null,
    min_grid_pixels: wall.minGridPixels ?? WALL_MIN_GRID_PIXELS,
    // Asked at request time, after every plugin has registered: the page
    // then never probes a missing route (a 404 is a console error on the wall).
    features: {
      stream: app.hasRoute({ method: 'GET', url: '/api/stream' }),
      directives: app.hasRoute({ method: 'GET', url: '/api/directives' }),
    },
  };
}

/** Routes the wall display uses besides the map: its configuration and the category breakdown. */
const wallRoutes: FastifyPluginAsyncTypebox<{ wall?: WallOptions }> = async (app, opts) => {
  const wall = opts.wall ?? DEFAULT_WALL_OPTIONS;

  app.get(
    '/api/wall/config',
    {
      schema: {
        operationId: 'getWallConfig',
        tags: ['wall'],
        summary: 'Defaults of the wall display and which optional services this server offers',
        response: { 200: WallConfigSchema },
      },
    },
    async () => wallConfig(app, wall),
  );

  app.get(
    '/api/stats/categories',
    {
      schema: {
        operationId: 'getCategoryStats',
        tags: ['stats'],
        summary: 'Reported, closed, closure rate and open per incident category, in the catalogue order',
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            from: ReportedFrom,
            to: ReportedTo,
          },
          { additionalProperties: false },
        ),
        response: { 200: CategoryStatsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { from, to } = parseTimeRange(request.query.from, request.query.to);
      const region = await scopedRegion(request, request.query.region);
      const rows = await app.readRepos.map.categoryCounts({ region, from, to, unit: visibilityOf(request.principal).unit });
      return {
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        categories: rows.map((r) => ({ ...r, closure_rate: closureRate(r) })),
      };
    },
  );
};

export default wallRoutes;
