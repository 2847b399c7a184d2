import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../http-errors.js';
import { BboxParam, errorResponses, FeatureCollectionSchema, FeatureSchema, GridCode, RegionCode } from '../schemas/common-schemas.js';
import { Simplify } from '../schemas/geo-schemas.js';
import { parseBbox } from '../schemas/query-parsers.js';
import { callerScope, scopedRegion } from './region-scope.js';
import { sendCacheable } from './http-cache.js';

export const GRID_LIMIT = { default: 10_000, max: 50_000 };

const gridRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/grids', {
    schema: {
      operationId: 'listGrids', produces: ['application/geo+json'],
      tags: ['grids'],
      summary: 'Grids as a GeoJSON FeatureCollection, by region and/or bbox',
      querystring: Type.Object({
        region: Type.Optional(RegionCode),
        bbox: Type.Optional(BboxParam),
        simplify: Simplify,
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: GRID_LIMIT.max, default: GRID_LIMIT.default })),
      }, { additionalProperties: false }),
      response: { 200: FeatureCollectionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = request.query;
    const bbox = parseBbox(q.bbox);
    const region = await scopedRegion(request, q.region);
    const body = await app.repos.grids.featureCollectionText({ region, bbox, simplify: q.simplify ?? 0, limit: q.limit ?? GRID_LIMIT.default });
    // Grids change only when a plan is published: clients revalidate and get a 304 while unchanged.
    return sendCacheable(request, reply, body, 'application/geo+json', 0);
  });

  app.get('/api/grids/:code', {
    schema: {
      operationId: 'getGrid', produces: ['application/geo+json'],
      tags: ['grids'],
      summary: 'One grid with its boundary and workers (GeoJSON Feature)',
      params: Type.Object({ code: GridCode }),
      response: { 200: FeatureSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const body = await app.repos.grids.featureText(request.params.code, callerScope(request));
    if (!body) throw notFound(`grid ${request.params.code}`);
    return reply.type('application/geo+json').send(body);
  });
};

export default gridRoutes;
