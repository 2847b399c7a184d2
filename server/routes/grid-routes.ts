import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../http-errors.js';
import { BboxParam, errorResponses, GridCode, RegionCode } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { GridFeature, GridPage } from '../contract/geojson-schemas.js';
import { Simplify } from '../contract/geo-schemas.js';
import { parseBbox } from './query-parsers.js';
import { callerScope, scopedRegion } from './region-scope.js';
import { sendCacheable } from './http-cache.js';
import { pageLimit, pageMembers } from './feature-paging.js';
import { badRequest } from '../http-errors.js';

export const GRID_LIMIT = { default: 10_000, max: 50_000 };

/** A grid cursor is the base64url of the last code of the page before. */
function decodeGridCursor(raw: string): string {
  const code = Buffer.from(raw, 'base64url').toString('utf8');
  if (!/^[0-9]{15}$/.test(code)) throw badRequest('cursor', 'not a cursor returned by this API', '不是本接口返回的游标');
  return code;
}

const gridRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/grids',
    {
      schema: {
        operationId: 'listGrids',
        produces: ['application/geo+json'],
        tags: ['grids'],
        summary: 'Grids as a GeoJSON FeatureCollection, by region and/or bbox',
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            bbox: Type.Optional(BboxParam),
            simplify: Simplify,
            limit: Type.Optional(Type.Integer({ minimum: 1, default: GRID_LIMIT.default, description: `features per page, at most ${GRID_LIMIT.max}` })),
            cursor: Type.Optional(Type.String({ maxLength: 100, description: 'from the `next` link of the page before' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: sentAsText(GridPage), ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const bbox = parseBbox(q.bbox);
      const region = await scopedRegion(request, q.region);
      const after = q.cursor === undefined ? undefined : decodeGridCursor(q.cursor);
      const page = await app.repos.grids.page({ region, bbox, simplify: q.simplify ?? 0, limit: pageLimit(q.limit, GRID_LIMIT), after });
      const nextCursor = page.lastCode ? Buffer.from(page.lastCode).toString('base64url') : undefined;
      const body = `{"type":"FeatureCollection","features":${page.features}${pageMembers(request, { matched: page.matched, returned: page.returned, nextCursor })}}`;
      // Grids change only when a plan is published: clients revalidate and get a 304 while unchanged.
      return sendCacheable(request, reply, body, 'application/geo+json', 0);
    },
  );

  app.get(
    '/api/grids/:code',
    {
      schema: {
        operationId: 'getGrid',
        produces: ['application/geo+json'],
        tags: ['grids'],
        summary: 'One grid with its boundary and workers (GeoJSON Feature)',
        params: Type.Object({ code: GridCode }),
        response: { 200: sentAsText(GridFeature), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = await app.repos.grids.featureText(request.params.code, callerScope(request));
      if (!body) throw notFound(`grid ${request.params.code}`);
      return reply.type('application/geo+json').send(body);
    },
  );
};

export default gridRoutes;
