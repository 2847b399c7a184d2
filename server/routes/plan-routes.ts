import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../http-errors.js';
import { DEFAULT_PLAN_RULES, type PlanRules } from '../contract/grid-plan-reasons.js';
import { DEFAULT_INPUT_LIMITS, type GeometryInputLimits } from '../plans/geojson-shape.js';
import { geometrySql } from '../plans/geometry-validity.js';
import type { PlanEditInput } from '../plans/plan-edit-input.js';
import { publishPlan } from '../services/grid-publish-service.js';
import { createPlan, editPlan, stepPlan, updatePlan } from '../services/plan-service.js';
import { scopedPlan } from '../services/plan-access.js';
import { errorResponses, ErrorSchema, ReportedFrom, ReportedTo } from '../contract/common-schemas.js';
import {
  GeoJsonCollection,
  PlanEditSchema,
  PlanSchema,
  PlanStatusSchema,
  PublishResultSchema,
  ValidationSchema,
  WhatIfResponse,
} from '../contract/plan-schemas.js';
import { sentAsText } from '../contract/geojson-base.js';
import { PlanDiffCollection, PlanGridCollection } from '../contract/geojson-schemas.js';
import { callerScope } from './region-scope.js';
import { timeWindow } from './plan-scope.js';
import { requestActor, serviceDeps } from './request-actor.js';

const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const Window = Type.Object({ from: ReportedFrom, to: ReportedTo }, { additionalProperties: false });
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

  app.get(
    '/api/plans',
    {
      schema: {
        operationId: 'listPlans',
        tags: ['plans'],
        summary: "Boundary plans in the caller's scope, newest first",
        querystring: Type.Object({ community: Type.Optional(CommunityCode), status: Type.Optional(PlanStatusSchema) }, { additionalProperties: false }),
        response: { 200: Type.Object({ plans: Type.Array(PlanSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ plans: await repos.plans.list({ scope: callerScope(request), ...request.query }) }),
  );

  app.post(
    '/api/plans',
    {
      schema: {
        operationId: 'createPlan',
        tags: ['plans'],
        summary: "Start a draft plan on a community's current grids",
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), community: CommunityCode }, { additionalProperties: false }),
        response: { 201: PlanSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await createPlan(serviceDeps(request), requestActor(request), request.body));
    },
  );

  app.get(
    '/api/plans/:id',
    {
      schema: {
        operationId: 'getPlan',
        tags: ['plans'],
        summary: "A plan and its current revision's grids: households, population, workers, incidents in the window (default the last 90 days)",
        params: Id,
        querystring: Window,
        response: { 200: PlanWithFeatures, ...errorResponses },
      },
    },
    async (request) => {
      const w = timeWindow(request.query.from, request.query.to, 90);
      return planWithFeatures(request.params.id, callerScope(request), w.from, w.to);
    },
  );

  app.patch(
    '/api/plans/:id',
    {
      schema: {
        operationId: 'updatePlan',
        tags: ['plans'],
        summary: 'Rename a draft or abandon it',
        params: Id,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            status: Type.Optional(Type.Literal('abandoned')),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PlanSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => updatePlan(serviceDeps(request), requestActor(request), { ...request.body, id: request.params.id }),
  );

  app.post(
    '/api/plans/:id/edits',
    {
      bodyLimit: editBodyLimit(limits),
      config: { bodyLimitSetting: '1 MiB, or 64 bytes per GRIDSCOPE_GEOMETRY_MAX_VERTICES' },
      schema: {
        operationId: 'editPlan',
        tags: ['plans'],
        summary: 'One edit (reshape, split, merge, add, delete) as a new revision; answers the plan and its grids',
        description:
          `A drawn geometry is checked before any SQL: positions within -180..180, -90..90 (a height is dropped), rings closed with at least 4 positions, ` +
          `at most ${limits.maxVertices} vertices and ${limits.maxRings} rings (422 geometry_too_large), spanning at most a few degrees; then GEOS validity ` +
          '(a ring crossing itself). Each refusal is 422 invalid_geometry naming the field; nothing is written.',
        params: Id,
        body: PlanEditSchema,
        response: {
          200: Type.Object({ plan: PlanSchema, features: PlanGridCollection, changed: Type.Array(Type.Integer()) }),
          409: ErrorSchema,
          413: ErrorSchema,
          422: ErrorSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const changed = await editPlan(serviceDeps(request), requestActor(request), { id: request.params.id, edit: request.body as PlanEditInput, limits });
      const w = timeWindow(undefined, undefined, 90);
      return { ...(await planWithFeatures(request.params.id, callerScope(request), w.from, w.to)), changed };
    },
  );

  for (const action of ['undo', 'redo'] as const) {
    app.post(
      `/api/plans/:id/${action}`,
      {
        schema: {
          operationId: `${action}Plan`,
          tags: ['plans'],
          summary: action === 'undo' ? 'Back to the previous revision' : 'Forward to the revision undone last',
          params: Id,
          response: { 200: PlanWithFeatures, 409: ErrorSchema, ...errorResponses },
        },
      },
      async (request) => {
        await stepPlan(serviceDeps(request), requestActor(request), { id: request.params.id, action });
        const w = timeWindow(undefined, undefined, 90);
        return planWithFeatures(request.params.id, callerScope(request), w.from, w.to);
      },
    );
  }

  app.post(
    '/api/plans/:id/validate',
    {
      schema: {
        operationId: 'validatePlan',
        tags: ['plans'],
        summary: 'Every problem of the current revision, each a GeoJSON Feature with its reason and geometry',
        params: Id,
        response: { 200: ValidationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const plan = await scopedPlan(app, requestActor(request), request.params.id);
      return repos.planAnalysis.validate(plan.id, plan.revision, rules, geometrySql(app.db, 'validation', request.log));
    },
  );

  app.get(
    '/api/plans/:id/what-if',
    {
      schema: {
        operationId: 'getPlanWhatIf',
        tags: ['plans'],
        summary: 'Households, population and incidents (default the last 12 months) of each draft grid against the published grids',
        params: Id,
        querystring: Window,
        response: { 200: WhatIfResponse, ...errorResponses },
      },
    },
    async (request) => {
      const plan = await scopedPlan(app, requestActor(request), request.params.id);
      const w = timeWindow(request.query.from, request.query.to, 365);
      return { plan_id: plan.id, revision: plan.revision, from: w.from, to: w.to, ...(await repos.planAnalysis.whatIf(plan.id, plan.revision, w.from, w.to)) };
    },
  );

  app.get(
    '/api/plans/:id/diff',
    {
      schema: {
        operationId: 'getPlanDiff',
        produces: ['application/geo+json'],
        tags: ['plans'],
        summary: 'Changed, new, removed and unchanged grids against the published version (GeoJSON)',
        params: Id,
        response: { 200: sentAsText(PlanDiffCollection), ...errorResponses },
      },
    },
    async (request, reply) => {
      const plan = await scopedPlan(app, requestActor(request), request.params.id);
      return reply.type('application/geo+json').send(await repos.planAnalysis.diffText(plan.id, plan.revision));
    },
  );

  app.post(
    '/api/plans/:id/publish',
    {
      schema: {
        operationId: 'publishPlan',
        tags: ['plans'],
        summary: 'Publish atomically: 422 with the problems when invalid, 409 when the community was published since the plan began',
        params: Id,
        response: {
          200: PublishResultSchema,
          409: ErrorSchema,
          422: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }), problems: GeoJsonCollection }),
          ...errorResponses,
        },
      },
    },
    async (request) => publishPlan(serviceDeps(request), requestActor(request), { id: request.params.id, rules }),
  );
};

export default planRoutes;
