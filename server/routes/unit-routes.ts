import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, RegionCode } from '../contract/common-schemas.js';
import { badRequest } from '../http-errors.js';
import { UnitListSchema } from '../contract/unit-schemas.js';
import { callerScope, scopedRegion } from './region-scope.js';

/** The units incidents are dispatched to: what the dispatch console offers when dispatching. */
const unitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: ['incidents'],
        summary: "The units incidents are dispatched to (交办单位) that serve the caller's scope, with their open assignments",
        description:
          'A city department serves everywhere; a street office its street. `region` keeps the units serving that region ' +
          "(inside the caller's scope, else 404); `category` those of the type that handles the category (the usual choice when dispatching).",
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            category: Type.Optional(Type.String({ maxLength: 40, description: 'an incident category code' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: UnitListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { region, category } = request.query;
      if (category !== undefined && !(await app.repos.incidents.categoryCodes()).includes(category)) {
        throw badRequest('category', `unknown category ${JSON.stringify(category)}`, `未知的事件类别 ${JSON.stringify(category)}`);
      }
      const units = await app.repos.units.list({
        scope: callerScope(request),
        region: region === undefined ? null : await scopedRegion(request, region),
        category: category ?? null,
      });
      return { units };
    },
  );
};

export default unitRoutes;
