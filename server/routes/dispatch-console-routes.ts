import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ActedFirstSchema } from '../contract/acted-first.js';
import { errorResponses, ErrorSchema } from '../contract/common-schemas.js';
import { chooseLanguage } from '../errors/messages.js';
import { errorBody } from '../http-errors.js';
import { chineseOf } from '../plugins/errors-plugin.js';
import { BULK_ACTIONS, BULK_MAX, type BulkAction } from '../contract/incident-workflow.js';
import { applyBulk, previewDeadline } from '../services/dispatch-console-service.js';
import { requestActor, serviceDeps } from './request-actor.js';

const IncidentCode = Type.String({ pattern: '^SJ[0-9]{15}$', description: 'incident code, e.g. SJ202606159000123' });
const BulkResult = Type.Object({
  code: Type.String(),
  ok: Type.Boolean(),
  status: Type.Optional(Type.String({ description: 'the status after the step (done items filed or rejected; urging keeps it)' })),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  acted: Type.Optional(ActedFirstSchema),
});

const STATUS_AFTER: Record<BulkAction, { status?: string }> = { file: { status: 'filed' }, reject: { status: 'rejected' }, urge: {} };

/**
 * The dispatch console's own calls beside the workflow step: a bulk step on
 * several incidents (new reports filed or rejected, incidents in hand urged),
 * and the deadline a dispatch would get.
 */
const dispatchConsoleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A server batch rather than one request per item from the browser: one
  // round trip and one CSRF-checked request for up to BULK_MAX items, and the
  // per-item refusals come back in the same words (code, message, who acted
  // first) as the single step's 409s, in the caller's language. Each item is
  // still its own transaction: a refusal touches only that item.
  app.post(
    '/api/incidents/transitions',
    {
      schema: {
        operationId: 'transitionIncidents',
        tags: ['incidents'],
        summary:
          'File or reject several new reports, or urge several incidents in hand, at once (立案/不予立案/督办): each its own transaction, a result per item',
        description:
          'Always 200 when the request itself is valid: `results` says for each item whether it was done, or refused with the same error (code, message, `acted`) a single step would have answered.',
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                {
                  code: IncidentCode,
                  action: Type.Union(BULK_ACTIONS.map((a) => Type.Literal(a))),
                  note: Type.Optional(Type.String({ maxLength: 2000, description: 'reject: the reason; urge: what is asked of the unit (required for both)' })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: BULK_MAX },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ done: Type.Integer(), refused: Type.Integer(), results: Type.Array(BulkResult) }),
          ...errorResponses,
          403: ErrorSchema,
        },
      },
    },
    async (request) => {
      const lang = chooseLanguage(request.headers['accept-language']);
      const outcomes = await applyBulk(serviceDeps(request), requestActor(request), request.body.items);
      const actions = new Map(request.body.items.map((i): [string, BulkAction] => [i.code, i.action]));
      const results = outcomes.map((o) => {
        // Urging keeps the status, which the batch does not read: the console reads each incident again.
        if (o.ok) return { code: o.code, ok: true, ...STATUS_AFTER[actions.get(o.code)!] };
        const e = o.error;
        const message = lang === 'zh' ? chineseOf({ code: e.reason, message: e.message, zh: e.zh }) : e.message;
        return { code: o.code, ok: false, ...errorBody(e.reason, message), ...(e.options.details as object | undefined) };
      });
      const done = results.filter((r) => r.ok).length;
      return { done, refused: results.length - done, results };
    },
  );

  app.get(
    '/api/incidents/:code/deadline-preview',
    {
      schema: {
        operationId: 'previewDispatchDeadline',
        tags: ['incidents'],
        summary: "The deadline a dispatch made now would get (working calendar), with the dispatch's own checks; changes nothing",
        params: Type.Object({ code: IncidentCode }),
        querystring: Type.Object(
          {
            units: Type.Optional(
              Type.String({
                pattern: '^[a-z0-9_.-]{2,60}(,[a-z0-9_.-]{2,60}){0,9}$',
                description: 'the units to dispatch to, comma-separated: checked as the dispatch would',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String({ format: 'date-time', description: 'counted from: now' }),
            due_at: Type.String({ format: 'date-time' }),
            deadline_hours: Type.Number({ description: "the category's time limit in working hours" }),
          }),
          ...errorResponses,
          403: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const units = request.query.units?.split(',');
      const p = await previewDeadline(serviceDeps(request), requestActor(request), { code: request.params.code, units });
      return { from: p.from.toISOString(), due_at: p.due_at.toISOString(), deadline_hours: p.deadline_hours };
    },
  );
};

export default dispatchConsoleRoutes;
