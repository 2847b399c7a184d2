import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../http-errors.js';
import { errorResponses, RegionCode } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { RegionFeature } from '../contract/geojson-schemas.js';
import { Simplify } from '../contract/geo-schemas.js';
import { RegionNodeSchema } from '../contract/wall-schemas.js';
import { callerScope } from './region-scope.js';

const regionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/regions',
    {
      schema: {
        operationId: 'getRegionTree',
        tags: ['regions'],
        summary: "The region tree (city → district → street → community) within the caller's scope, without geometry",
        response: { 200: Type.Object({ regions: Type.Array(RegionNodeSchema) }), 500: errorResponses[500] },
      },
    },
    async (request) => ({ regions: await app.repos.regions.tree(callerScope(request)) }),
  );

  app.get(
    '/api/regions/:code',
    {
      schema: {
        operationId: 'getRegion',
        produces: ['application/geo+json'],
        tags: ['regions'],
        summary: "One region with its boundary and its children's codes (GeoJSON Feature)",
        params: Type.Object({ code: RegionCode }),
        querystring: Type.Object({ simplify: Simplify }, { additionalProperties: false }),
        response: { 200: sentAsText(RegionFeature), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = await app.repos.regions.featureText(request.params.code, callerScope(request), request.query.simplify ?? 0);
      if (!body) throw notFound(`region ${request.params.code}`);
      return reply.type('application/geo+json').send(body);
    },
  );
};

export default regionRoutes;
