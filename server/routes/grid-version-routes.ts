import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sendCacheable } from './http-cache.js';
import { badRequest, notFound } from '../http-errors.js';
import { actorOf } from '../plugins/auth-plugin.js';
import { importGrids } from '../plans/grid-import.js';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../plans/grid-plan-reasons.js';
import { errorResponses, ErrorSchema, FeatureCollectionSchema, RegionCode } from '../schemas/common-schemas.js';
import { IncomingFeatureCollection } from '../schemas/plan-schemas.js';
import { parseTime } from '../schemas/query-parsers.js';
import { callerScope, scopedRegion, scopedRoot } from './region-scope.js';
import { timeWindow } from './plan-scope.js';

/** An import file may be large: a district's surveyed grids. */
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
const ImportReportSchema = Type.Object({}, { additionalProperties: true, description: 'valid, written, communities, problems (feature index, reason, message, geometry), published' });

/** Grid history ("as of"), lineage, export, import, and the planner's workload view. */
const gridVersionRoutes: FastifyPluginAsyncTypebox<{ rules?: PlanRules }> = async (app, opts) => {
  const rules = opts.rules ?? DEFAULT_PLAN_RULES;
  const { repos } = app;

  app.get('/api/grids/history', {
    schema: {
      operationId: 'getGridsAsOf', produces: ['application/geo+json'],
      tags: ['grids'], summary: 'The grids as they were at a moment (default now), with each version\'s valid_from/valid_to',
      querystring: Type.Object({ region: Type.Optional(RegionCode), as_of: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: FeatureCollectionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const asOf = parseTime(request.query.as_of, 'as_of') ?? new Date();
    const region = await scopedRegion(request, request.query.region);
    return reply.type('application/geo+json').send(await repos.gridVersions.asOfText(region, asOf, callerScope(request)));
  });

  app.get('/api/grids/lineage', {
    schema: {
      operationId: 'listGridLineage',
      tags: ['grids'], summary: 'Which old codes became which new codes (split, merge, reshape, new, removed), newest first',
      querystring: Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false }),
      response: { 200: Type.Object({ lineage: Type.Array(Type.Object({}, { additionalProperties: true })) }), ...errorResponses },
    },
  }, async (request) => {
    const region = await scopedRegion(request, request.query.region);
    return { lineage: await repos.gridVersions.lineage(region, callerScope(request)) };
  });

  app.get('/api/grids/export', {
    schema: {
      operationId: 'exportGrids', produces: ['application/geo+json'],
      tags: ['grids'], summary: 'Current grids of a region as a GeoJSON file that /api/grids/import takes back',
      querystring: Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false }),
      response: { 200: FeatureCollectionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const root = await scopedRoot(request, request.query.region);
    const region = root.level === 'city' ? null : root.code;
    reply.header('content-disposition', `attachment; filename="grids-${root.code}.geojson"`);
    return sendCacheable(request, reply, await repos.gridVersions.exportText(region, callerScope(request)), 'application/geo+json', 0);
  });

  app.get('/api/grids/workload', {
    schema: {
      operationId: 'getGridWorkload', produces: ['application/geo+json'],
      tags: ['grids'], summary: 'A community\'s current grids with households, population, workers and incidents in the window (default 90 days)',
      querystring: Type.Object({ community: Type.String({ pattern: '^[0-9]{12}$' }), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: FeatureCollectionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = request.query;
    const region = await repos.regions.find(q.community, callerScope(request));
    if (!region || region.level !== 'community') throw notFound(`community ${q.community}`);
    const w = timeWindow(q.from, q.to, 90);
    return reply.type('application/geo+json').send(await repos.gridVersions.workloadText(q.community, w.from, w.to));
  });

  app.post('/api/grids/import', {
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      operationId: 'importGrids',
      tags: ['grids'],
      summary: 'Import the grids of a community or district from GeoJSON: every problem reported; nothing written unless all are valid (dry_run=true only checks)',
      querystring: Type.Object({
        region: Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,2}$', description: 'district, street or community the file covers' }),
        dry_run: Type.Optional(Type.Boolean({ default: false })),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      }, { additionalProperties: false }),
      body: IncomingFeatureCollection,
      response: { 200: ImportReportSchema, 409: ErrorSchema, 422: ImportReportSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const q = request.query;
    const root = await scopedRoot(request, q.region);
    if (root.level === 'city' || root.level === 'grid') throw badRequest('region', 'must be a district, street or community', '必须是区、街道或社区');
    const report = await importGrids(
      { db: app.db, plans: repos.plans, analysis: repos.planAnalysis, publish: repos.gridPublish, audit: repos.audit },
      { region: root.code, scope: callerScope(request), features: request.body.features, dryRun: q.dry_run ?? false, rules, who: actorOf(request),
        name: q.name ?? `import ${new Date().toISOString().slice(0, 10)}` });
    return reply.status(report.valid ? 200 : 422).send(report);
  });
};

export default gridVersionRoutes;
