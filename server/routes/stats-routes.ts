import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CHILD_CODE_LENGTH, regionFilter } from '../repositories/region-repository.js';
import { closureRate, type Counts } from '../repositories/stats-repository.js';
import { errorResponses, RegionCode } from '../schemas/common-schemas.js';
import { parseTimeRange } from '../schemas/query-parsers.js';
import { scopedRoot } from './region-scope.js';

const Figures = {
  reported: Type.Integer({ description: 'incidents reported in the window' }),
  closed: Type.Integer({ description: 'of those, closed (核查结案)' }),
  closure_rate: Type.Union([Type.Number(), Type.Null()], { description: 'closed / reported, 4 decimals; null when nothing was reported' }),
  open: Type.Integer({ description: 'of those, still open (not closed, rejected or duplicate)' }),
  overdue: Type.Integer({ description: 'of those, dispatched or in progress past their due time (督办)' }),
  red_open: Type.Integer({ description: 'of those, open and of red urgency' }),
};

const Summary = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  ...Figures,
  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...Figures })),
});

const ZERO: Counts = { reported: 0, closed: 0, open: 0, overdue: 0, red_open: 0 };

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/stats/summary', {
    schema: {
      tags: ['stats'],
      summary: 'Reported, closed, closure rate, open, overdue and red open for a region and each child region',
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
    const byChild = await app.repos.stats.countsByChild({ region: regionFilter(region), from, to, childLength: CHILD_CODE_LENGTH[region.level] });
    const children = (await app.repos.regions.children(region)).map((c) => {
      const counts = byChild.get(c.code) ?? ZERO;
      return { code: c.code, name: c.name, ...counts, closure_rate: closureRate(counts) };
    });
    const total = [...byChild.values()].reduce((a, c) => ({
      reported: a.reported + c.reported, closed: a.closed + c.closed, open: a.open + c.open,
      overdue: a.overdue + c.overdue, red_open: a.red_open + c.red_open,
    }), ZERO);
    return {
      region: { code: region.code, name: region.name, level: region.level },
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      ...total,
      closure_rate: closureRate(total),
      children,
    };
  });
};

export default statsRoutes;
