import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sendCacheable } from './http-cache.js';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { chooseLanguage, type Lang } from '../errors/messages.js';
import { actorFields } from '../services/actor.js';
import { requestActor, serviceDeps } from './request-actor.js';
import { importGrids, type ImportReport } from '../services/grid-import-service.js';
import { DEFAULT_INPUT_LIMITS, type GeometryInputLimits } from '../plans/geojson-shape.js';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../contract/grid-plan-reasons.js';
import { errorResponses, ErrorSchema, RegionCode, ReportedFrom, ReportedTo, TimeInput } from '../contract/common-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { GridExportCollection, GridHistoryCollection, GridWorkloadCollection } from '../contract/geojson-schemas.js';
import { IncomingFeatureCollection, LineageEntrySchema } from '../contract/plan-schemas.js';
import { parseTime } from './query-parsers.js';
import { callerScope, scopedRegion, scopedRoot } from './region-scope.js';
import { timeWindow } from './plan-scope.js';

const ImportReportSchema = Type.Object({}, { additionalProperties: true, description: 'valid, written, communities, problems (empty), published' });
const ImportProblemsSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.Literal('import_invalid'),
      message: Type.String(),
      problems: Type.Array(
        Type.Object(
          {},
          {
            additionalProperties: true,
            description: 'feature (index from 0, -1 = the file or a community), reason, message, community_code, geometry (where)',
          },
        ),
      ),
      warnings: Type.Optional(
        Type.Array(Type.Object({}, { additionalProperties: true, description: 'problems of grids the file keeps unchanged: not blocking' })),
      ),
    }),
  },
  { description: 'The file has problems, each listed; nothing was written' },
);

/**
 * The 422 answer of an import with problems: the one error shape, with every
 * problem (their messages stay English: they are data, like the geometry).
 */
function importProblems(report: ImportReport, lang: Lang) {
  const n = report.problems.length;
  const first = report.problems[0]!;
  const where = `${first.feature >= 0 ? `feature ${first.feature}: ` : ''}${first.message}`;
  return {
    error: {
      code: 'import_invalid' as const,
      message:
        lang === 'zh'
          ? `文件存在 ${n} 个问题，未写入任何内容（第一个：${where}）`
          : `the file has ${n} problem${n === 1 ? '' : 's'}; nothing was written (first: ${where})`,
      problems: report.problems,
      warnings: report.warnings,
    },
  };
}

/** Grid history ("as of"), lineage, export, import, and the planner's workload view. */
const gridVersionRoutes: FastifyPluginAsyncTypebox<{ rules?: PlanRules; limits?: GeometryInputLimits }> = async (app, opts) => {
  const rules = opts.rules ?? DEFAULT_PLAN_RULES;
  const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
  const { repos } = app;

  app.get(
    '/api/grids/history',
    {
      schema: {
        operationId: 'getGridsAsOf',
        produces: ['application/geo+json'],
        tags: ['grids'],
        summary: "The grids as they were at a moment (default now), with each version's valid_from/valid_to",
        querystring: Type.Object({ region: Type.Optional(RegionCode), as_of: TimeInput('the grids in force at') }, { additionalProperties: false }),
        response: { 200: sentAsText(GridHistoryCollection), ...errorResponses },
      },
    },
    async (request, reply) => {
      const asOf = parseTime(request.query.as_of, 'as_of') ?? new Date();
      const region = await scopedRegion(request, request.query.region);
      return reply.type('application/geo+json').send(await repos.gridVersions.asOfText(region, asOf, callerScope(request)));
    },
  );

  app.get(
    '/api/grids/lineage',
    {
      schema: {
        operationId: 'listGridLineage',
        tags: ['grids'],
        summary: 'Which old codes became which new codes (split, merge, reshape, new, removed), newest first',
        querystring: Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: { 200: Type.Object({ lineage: Type.Array(LineageEntrySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const region = await scopedRegion(request, request.query.region);
      return { lineage: await repos.gridVersions.lineage(region, callerScope(request)) };
    },
  );

  app.get(
    '/api/grids/export',
    {
      schema: {
        operationId: 'exportGrids',
        produces: ['application/geo+json'],
        tags: ['grids'],
        summary: 'Current grids of a region as a GeoJSON file that /api/grids/import takes back',
        querystring: Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: { 200: sentAsText(GridExportCollection), ...errorResponses },
      },
    },
    async (request, reply) => {
      const root = await scopedRoot(request, request.query.region);
      const region = root.level === 'city' ? null : root.code;
      reply.header('content-disposition', `attachment; filename="grids-${root.code}.geojson"`);
      return sendCacheable(request, reply, await app.readRepos.gridVersions.exportText(region, callerScope(request)), 'application/geo+json', 0);
    },
  );

  app.get(
    '/api/grids/workload',
    {
      schema: {
        operationId: 'getGridWorkload',
        produces: ['application/geo+json'],
        tags: ['grids'],
        summary: "A community's current grids with households, population, workers and incidents in the window (default 90 days)",
        querystring: Type.Object({ community: Type.String({ pattern: '^[0-9]{12}$' }), from: ReportedFrom, to: ReportedTo }, { additionalProperties: false }),
        response: { 200: sentAsText(GridWorkloadCollection), ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const region = await repos.regions.find(q.community, callerScope(request));
      if (!region || region.level !== 'community') throw notFound(`community ${q.community}`);
      const w = timeWindow(q.from, q.to, 90);
      return reply.type('application/geo+json').send(await repos.gridVersions.workloadText(q.community, w.from, w.to));
    },
  );

  app.post(
    '/api/grids/import',
    {
      // A district's surveyed grids are large; the limit is named in the 413 (errors-plugin.ts).
      bodyLimit: limits.importMaxBytes,
      config: { bodyLimitSetting: 'GRIDSCOPE_IMPORT_MAX_BYTES' },
      schema: {
        operationId: 'importGrids',
        tags: ['grids'],
        summary:
          'Import the grids of a community or district from GeoJSON: every problem reported; nothing written unless all are valid (dry_run=true only checks)',
        description:
          `Limits: ${limits.importMaxBytes} bytes (413 payload_too_large), ${limits.importMaxFeatures} features (413 too_many_features), ` +
          `${limits.maxVertices} vertices and ${limits.maxRings} rings per feature (a problem of that feature). ` +
          'Problems answer 422 {"error": {"code": "import_invalid", "message", "problems": [{feature, reason, message, community_code, geometry}]}}.',
        querystring: Type.Object(
          {
            region: Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,2}$', description: 'district, street or community the file covers' }),
            dry_run: Type.Optional(Type.Boolean({ default: false })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        body: IncomingFeatureCollection,
        response: { 200: ImportReportSchema, 409: ErrorSchema, 413: ErrorSchema, 422: ImportProblemsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const n = request.body.features.length;
      if (n > limits.importMaxFeatures) {
        throw new HttpError(
          413,
          'too_many_features',
          `body.features: ${n} features, more than the limit of ${limits.importMaxFeatures} per import (GRIDSCOPE_IMPORT_MAX_FEATURES); split the file`,
        );
      }
      const root = await scopedRoot(request, q.region);
      if (root.level === 'city' || root.level === 'grid') throw badRequest('region', 'must be a district, street or community', '必须是区、街道或社区');
      const report = await importGrids(serviceDeps(request), {
        region: root.code,
        scope: callerScope(request),
        features: request.body.features,
        dryRun: q.dry_run ?? false,
        rules,
        who: actorFields(requestActor(request)),
        name: q.name ?? `import ${new Date().toISOString().slice(0, 10)}`,
        limits,
      });
      return report.valid ? report : reply.status(422).send(importProblems(report, chooseLanguage(request.headers['accept-language'])));
    },
  );
};

export default gridVersionRoutes;
