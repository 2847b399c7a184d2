import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CHILD_CODE_LENGTH, regionFilter } from '../repositories/region-repository.js';
import { addCounts, kpis, ZERO_COUNTS } from '../repositories/stats-repository.js';
import { errorResponses, RegionCode } from '../contract/common-schemas.js';
import { parseTimeRange } from '../contract/query-parsers.js';
import { scopedRoot } from './region-scope.js';
import { visibilityOf } from '../services/incident-workflow-service.js';

const Figures = {
  reported: Type.Integer({ description: 'incidents reported in the window' }),
  closed: Type.Integer({ description: 'of those, closed (核查结案)' }),
  closure_rate: Type.Union([Type.Number(), Type.Null()], { description: 'closed / reported, 4 decimals; null when nothing was reported' }),
  open: Type.Integer({ description: 'of those, still open (not closed, rejected or duplicate)' }),
  overdue: Type.Integer({ description: 'of those, dispatched or in progress past their due time (督办)' }),
  red_open: Type.Integer({ description: 'of those, open and of red urgency' }),
  closed_within_deadline: Type.Integer({ description: 'of the closed, resolved no later than their deadline' }),
  within_deadline_rate: Type.Union([Type.Number(), Type.Null()], { description: 'closed within deadline / closed that had a deadline, 4 decimals' }),
  mean_hours_to_close: Type.Union([Type.Number(), Type.Null()], { description: 'mean hours from report to close over the closed, 1 decimal' }),
};

const Summary = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  ...Figures,
  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...Figures })),
});

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/stats/summary', {
    schema: {
      operationId: 'getStatsSummary',
      tags: ['stats'],
      summary: 'The KPIs (README, "KPIs") for a region and each child region, over incidents reported in the window',
      querystring: Type.Object({
        region: Type.Optional(RegionCode),
        from: Type.Optional(Type.String({ description: 'reported at or after (ISO 8601)' })),
        to: Type.Optional(Type.String({ description: 'reported before (ISO 8601)' })),
      }, { additionalProperties: false }),
      response: { 200: Summary, ...errorResponses },
    },
  }, async (request) => {
    const { from, to } = parseTimeRange(request.query.from, request.query.to);
    const region = await scopedRoot(request, request.query.region);
    const byChild = await app.repos.stats.countsByChild({ region: regionFilter(region), from, to, childLength: CHILD_CODE_LENGTH[region.level], unit: visibilityOf(request.principal).unit });
    const children = (await app.repos.regions.children(region)).map((c) => {
      return { code: c.code, name: c.name, ...kpis(byChild.get(c.code) ?? ZERO_COUNTS) };
    });
    const total = [...byChild.values()].reduce(addCounts, ZERO_COUNTS);
    return {
      region: { code: region.code, name: region.name, level: region.level },
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      ...kpis(total),
      children,
    };
  });
};

export default statsRoutes;
