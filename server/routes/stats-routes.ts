import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { regionFilter } from '../repositories/region-repository.js';
import { createEventLogRepository } from '../repositories/event-log-repository.js';
import { CHILD_CODE_LENGTH } from '../contract/vocabulary.js';
import { addCounts, kpis, ZERO_COUNTS } from '../repositories/stats-repository.js';
import { errorResponses, RegionCode, ReportedFrom, ReportedTo } from '../contract/common-schemas.js';
import { SummarySchema } from '../contract/wall-schemas.js';
import { parseTimeRange } from './query-parsers.js';
import { scopedRoot } from './region-scope.js';
import { visibilityOf } from '../services/actor.js';
import { callerUnit } from './caller-unit.js';

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats/summary',
    {
      schema: {
        operationId: 'getStatsSummary',
        tags: ['stats'],
        summary: 'The KPIs (README, "KPIs") for a region and each child region, over incidents reported in the window',
        querystring: Type.Object(
          {
            region: Type.Optional(RegionCode),
            from: ReportedFrom,
            to: ReportedTo,
          },
          { additionalProperties: false },
        ),
        response: { 200: SummarySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { from, to } = parseTimeRange(request.query.from, request.query.to);
      const region = await scopedRoot(request, request.query.region);
      // The newest event committed before the counts were read: every event up to it is in them, so a live
      // client (the wall) adds to these figures only the events after it (README, "Live"). Both from the
      // same database: a replica's position taken beside the primary's newer one would lose the events between.
      const { newest } = await createEventLogRepository(app.readDb).position();
      reply.header('event-position', String(newest));
      const { unit } = visibilityOf(request.principal);
      const byChild = await app.readRepos.stats.countsByChild({
        region: regionFilter(region),
        from,
        to,
        childLength: CHILD_CODE_LENGTH[region.level],
        unit,
      });
      const children = (await app.readRepos.regions.children(region)).map((c) => {
        return { code: c.code, name: c.name, name_en: c.name_en, population: c.population, ...kpis(byChild.get(c.code) ?? ZERO_COUNTS) };
      });
      const total = [...byChild.values()].reduce(addCounts, ZERO_COUNTS);
      return {
        region: { code: region.code, name: region.name, name_en: region.name_en ?? null, level: region.level },
        unit: await callerUnit(request),
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        ...kpis(total),
        children,
      };
    },
  );
};

export default statsRoutes;
