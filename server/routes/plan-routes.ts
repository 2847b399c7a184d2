import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { actorOf } from '../plugins/auth-plugin.js';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../contract/grid-plan-reasons.js';
import { DEFAULT_INPUT_LIMITS, type GeometryInputLimits } from '../plans/geojson-shape.js';
import { geometrySql } from '../plans/geometry-validity.js';
import { checkedEdit, type PlanEditInput } from '../plans/plan-edit-input.js';
import { errorResponses, ErrorSchema } from '../contract/common-schemas.js';
import { GeoJsonCollection, PlanEditSchema, PlanSchema, PlanStatusSchema, PublishResultSchema, ValidationSchema, WhatIfResponse } from '../contract/plan-schemas.js';
import { PlanDiffCollection, PlanGridCollection, sentAsText } from '../contract/geojson-schemas.js';
import { callerScope } from './region-scope.js';
import { lockedPlan, scopedPlan, timeWindow } from './plan-scope.js';

const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const Window = Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }, { additionalProperties: false });
const PlanWithFeatures = Type.Object({ plan: PlanSchema, features: PlanGridCollection });
const CommunityCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit community code' });

export interface PlanRouteOptions {
  /** Household bounds per grid (config GRIDSCOPE_GRID_HOUSEHOLDS*). */
  rules?: PlanRules;
  /** Size limits of a drawn geometry (config GRIDSCOPE_GEOMETRY_MAX_*). */
  limits?: GeometryInputLimits;
}

/** Room for the most vertices a feature may have, written at full precision (about 45 bytes each), and a list of moves. */
const editBodyLimit = (limits: GeometryInputLimits) => Math.max(1024 * 1024, limits.maxVertices * 64);

/**
 * Draft boundary plans (网格调整方案): planners and the commander, inside
 * their scope (a plan of another region is 404). Every write is audited.
 */
const planRoutes: FastifyPluginAsyncTypebox<PlanRouteOptions> = async (app, opts) => {
  const rules = opts.rules ?? DEFAULT_PLAN_RULES;
  const limits = opts.limits ?? DEFAULT_INPUT_LIMITS;
  const { repos } = app;

  async function planWithFeatures(id: number, scope: string | null, from: Date, to: Date) {
    const plan = await repos.plans.find(id, scope);
    if (!plan) throw notFound(`plan ${id}`);
    return { plan, features: JSON.parse(await repos.plans.featuresText(id, plan.revision, from, to)) };
  }

  app.get('/api/plans', {
    schema: {
      operationId: 'listPlans',
      tags: ['plans'], summary: 'Boundary plans in the caller\'s scope, newest first',
      querystring: Type.Object({ community: Type.Optional(CommunityCode), status: Type.Optional(PlanStatusSchema) }, { additionalProperties: false }),
      response: { 200: Type.Object({ plans: Type.Array(PlanSchema) }), ...errorResponses },
    },
  }, async (request) => ({ plans: await repos.plans.list({ scope: callerScope(request), ...request.query }) }));

  app.post('/api/plans', {
    schema: {
      operationId: 'createPlan',
      tags: ['plans'], summary: 'Start a draft plan on a community\'s current grids',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), community: CommunityCode }, { additionalProperties: false }),
      response: { 201: PlanSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { name, community } = request.body;
    if (!name.trim()) throw badRequest('body.name', 'must not be blank');
    const region = await repos.regions.find(community, callerScope(request));
    if (!region || region.level !== 'community') throw notFound(`community ${community}`);
    const plan = await app.db.transaction(async (tx) => {
      const id = await repos.plans.create({ name: name.trim(), community, ...actorOf(request) }, tx);
      const row = (await repos.plans.find(id, null, tx))!;
      await repos.audit.record({ ...actorOf(request), action: 'plan.create', targetType: 'grid_plan', targetId: String(id), after: { name: row.name, community, base_version: row.base_version } }, tx);
      return row;
    });
    return reply.status(201).send(plan);
  });

  app.get('/api/plans/:id', {
    schema: {
      operationId: 'getPlan',
      tags: ['plans'], summary: 'A plan and its current revision\'s grids: households, population, workers, incidents in the window (default the last 90 days)',
      params: Id, querystring: Window, response: { 200: PlanWithFeatures, ...errorResponses },
    },
  }, async (request) => {
    const w = timeWindow(request.query.from, request.query.to, 90);
    return planWithFeatures(request.params.id, callerScope(request), w.from, w.to);
  });

  app.patch('/api/plans/:id', {
    schema: {
      operationId: 'updatePlan',
      tags: ['plans'], summary: 'Rename a draft or abandon it',
      params: Id,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        status: Type.Optional(Type.Literal('abandoned')),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: PlanSchema, 409: ErrorSchema, ...errorResponses },
    },
  }, async (request) => {
    const { name, status } = request.body;
    if (name !== undefined && !name.trim()) throw badRequest('body.name', 'must not be blank');
    return app.db.transaction(async (tx) => {
      const plan = await lockedPlan(request, request.params.id, status ? 'abandon' : 'rename', tx);
      if (name !== undefined) await repos.plans.rename(plan.id, name.trim(), tx);
      if (status) await repos.plans.setStatus(plan.id, status, tx);
      await repos.audit.record({ ...actorOf(request), action: status ? 'plan.abandon' : 'plan.rename', targetType: 'grid_plan', targetId: String(plan.id),
        before: { name: plan.name, status: plan.status }, after: { name: name?.trim() ?? plan.name, status: status ?? plan.status } }, tx);
      return (await repos.plans.find(plan.id, null, tx))!;
    });
  });

  app.post('/api/plans/:id/edits', {
    bodyLimit: editBodyLimit(limits),
    config: { bodyLimitSetting: '1 MiB, or 64 bytes per GRIDSCOPE_GEOMETRY_MAX_VERTICES' },
    schema: {
      operationId: 'editPlan',
      tags: ['plans'], summary: 'One edit (reshape, split, merge, add, delete) as a new revision; answers the plan and its grids',
      description: `A drawn geometry is checked before any SQL: positions within -180..180, -90..90 (a height is dropped), rings closed with at least 4 positions, `
        + `at most ${limits.maxVertices} vertices and ${limits.maxRings} rings (422 geometry_too_large), spanning at most a few degrees; then GEOS validity `
        + '(a ring crossing itself). Each refusal is 422 invalid_geometry naming the field; nothing is written.',
      params: Id, body: PlanEditSchema,
      response: { 200: Type.Object({ plan: PlanSchema, features: PlanGridCollection, changed: Type.Array(Type.Integer()) }), 409: ErrorSchema, 413: ErrorSchema, 422: ErrorSchema, ...errorResponses },
    },
  }, async (request) => {
    const edit = checkedEdit(request.body as PlanEditInput, limits);
    const changed = await app.db.transaction(async (tx) => {
      const plan = await lockedPlan(request, request.params.id, 'edit', tx);
      const keys = await repos.planEdits.apply(plan, edit, geometrySql(tx, `the ${edit.op} edit`, request.log));
      await repos.audit.record({ ...actorOf(request), action: `plan.edit`, targetType: 'grid_plan', targetId: String(plan.id),
        before: { revision: plan.revision }, after: { revision: plan.revision + 1, edit, changed: keys } }, tx);
      return keys;
    });
    const w = timeWindow(undefined, undefined, 90);
    return { ...(await planWithFeatures(request.params.id, callerScope(request), w.from, w.to)), changed };
  });

  for (const action of ['undo', 'redo'] as const) {
    app.post(`/api/plans/:id/${action}`, {
      schema: {
        operationId: `${action}Plan`,
        tags: ['plans'], summary: action === 'undo' ? 'Back to the previous revision' : 'Forward to the revision undone last',
        params: Id, response: { 200: PlanWithFeatures, 409: ErrorSchema, ...errorResponses },
      },
    }, async (request) => {
      await app.db.transaction(async (tx) => {
        const plan = await lockedPlan(request, request.params.id, action, tx);
        const target = plan.revision + (action === 'undo' ? -1 : 1);
        if (target < 0 || target > plan.head_revision) throw new HttpError(409, `nothing_to_${action}`, `plan ${plan.id} has nothing to ${action}`);
        await repos.plans.setRevision(plan.id, target, tx);
        await repos.audit.record({ ...actorOf(request), action: `plan.${action}`, targetType: 'grid_plan', targetId: String(plan.id),
          before: { revision: plan.revision }, after: { revision: target } }, tx);
      });
      const w = timeWindow(undefined, undefined, 90);
      return planWithFeatures(request.params.id, callerScope(request), w.from, w.to);
    });
  }

  app.post('/api/plans/:id/validate', {
    schema: {
      operationId: 'validatePlan',
      tags: ['plans'], summary: 'Every problem of the current revision, each a GeoJSON Feature with its reason and geometry',
      params: Id, response: { 200: ValidationSchema, ...errorResponses },
    },
  }, async (request) => {
    const plan = await scopedPlan(request, request.params.id);
    return repos.planAnalysis.validate(plan.id, plan.revision, rules, geometrySql(app.db, 'validation', request.log));
  });

  app.get('/api/plans/:id/what-if', {
    schema: {
      operationId: 'getPlanWhatIf',
      tags: ['plans'], summary: 'Households, population and incidents (default the last 12 months) of each draft grid against the published grids',
      params: Id, querystring: Window, response: { 200: WhatIfResponse, ...errorResponses },
    },
  }, async (request) => {
    const plan = await scopedPlan(request, request.params.id);
    const w = timeWindow(request.query.from, request.query.to, 365);
    return { plan_id: plan.id, revision: plan.revision, from: w.from, to: w.to, ...(await repos.planAnalysis.whatIf(plan.id, plan.revision, w.from, w.to)) };
  });

  app.get('/api/plans/:id/diff', {
    schema: {
      operationId: 'getPlanDiff', produces: ['application/geo+json'],
      tags: ['plans'], summary: 'Changed, new, removed and unchanged grids against the published version (GeoJSON)',
      params: Id, response: { 200: sentAsText(PlanDiffCollection), ...errorResponses },
    },
  }, async (request, reply) => {
    const plan = await scopedPlan(request, request.params.id);
    return reply.type('application/geo+json').send(await repos.planAnalysis.diffText(plan.id, plan.revision));
  });

  app.post('/api/plans/:id/publish', {
    schema: {
      operationId: 'publishPlan',
      tags: ['plans'],
      summary: 'Publish atomically: 422 with the problems when invalid, 409 when the community was published since the plan began',
      params: Id,
      response: { 200: PublishResultSchema, 409: ErrorSchema, 422: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }), problems: GeoJsonCollection }), ...errorResponses },
    },
  }, async (request, reply) => {
    const outcome = await app.db.transaction(async (tx) => {
      const plan = await lockedPlan(request, request.params.id, 'publish', tx);
      const geometry = geometrySql(tx, 'publishing', request.log);
      await repos.gridPublish.assertCurrent(plan, geometry);
      const report = await repos.planAnalysis.validate(plan.id, plan.revision, rules, geometry);
      if (!report.valid) return { report };
      return { published: await repos.gridPublish.publish(plan, actorOf(request), geometry) };
    });
    if (outcome.report) {
      const n = outcome.report.problems.features.length;
      return reply.status(422).send({ error: { code: 'plan_invalid', message: `the plan has ${n} problem${n === 1 ? '' : 's'}; fix them before publishing` }, problems: outcome.report.problems });
    }
    return outcome.published;
  });
};

export default planRoutes;
