import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../http-errors.js';
import { ErrorSchema, errorResponses } from '../contract/common-schemas.js';
import {
  AnswerBody,
  CreateDirectiveBody,
  DirectiveId,
  DirectiveSchema,
  LIST_FILTERS,
  ReminderBody,
  ReminderResult,
  RoundNumber,
  RoundSchema,
  type ListFilter,
} from '../contract/directive-schemas.js';
import { remindDirective } from '../services/directive-reminders.js';
import { answerDirective, createDirective, districtOf } from '../services/directive-service.js';
import { requestActor, serviceDeps } from './request-actor.js';

/** Lists are short on purpose: the command centre's screen shows the current directives, not their history. */
const DEFAULT_LIMIT = 50;

/**
 * Directives (指令) to the district centres and the districts' answers.
 * Who may call what is in route-access.ts; a district-scoped caller sees only
 * directives addressed to its district, and only its district's row.
 */
const directiveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const one = async (id: number, request: FastifyRequest) => {
    const directive = await app.repos.directives.find(id, districtOf(request.principal), new Date());
    if (!directive) throw notFound(`directive ${id}`);
    return directive;
  };

  app.get(
    '/api/directives',
    {
      schema: {
        operationId: 'listDirectives',
        tags: ['directives'],
        summary: "Directives, newest first, with every addressed district's status and time to answer",
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Unsafe<ListFilter>({
                type: 'string',
                enum: [...LIST_FILTERS],
                default: 'open',
                description:
                  "open: some district the caller sees still waiting (default); closed: every such district answered; running: some addressed district still waiting, the caller's own answered or not (a district wall); all",
              }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIMIT })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ directives: Type.Array(DirectiveSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      directives: await app.repos.directives.list({
        district: districtOf(request.principal),
        status: request.query.status ?? 'open',
        now: new Date(),
        limit: request.query.limit ?? DEFAULT_LIMIT,
      }),
    }),
  );

  app.get(
    '/api/directives/:id',
    {
      schema: {
        operationId: 'getDirective',
        tags: ['directives'],
        summary: "One directive; 404 if unknown or not addressed to the caller's district",
        params: Type.Object({ id: DirectiveId }),
        response: { 200: DirectiveSchema, ...errorResponses },
      },
    },
    async (request) => one(request.params.id, request),
  );

  app.post(
    '/api/directives',
    {
      schema: {
        operationId: 'createDirective',
        tags: ['directives'],
        summary: "Send a directive to districts (default: every district inside the caller's scope)",
        body: CreateDirectiveBody,
        response: { 201: DirectiveSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const id = await createDirective(serviceDeps(request), requestActor(request), request.body);
      return reply.status(201).send(await one(id, request));
    },
  );

  app.post(
    '/api/directives/:id/answers',
    {
      schema: {
        operationId: 'answerDirective',
        tags: ['directives'],
        summary: 'Answer a directive for a district with a report or a zero report (零报告); the first answer stands',
        description: 'A district-scoped caller may answer only for its own district (403). Answering again gives 409 already_answered.',
        params: Type.Object({ id: DirectiveId }),
        body: AnswerBody,
        response: { 200: DirectiveSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      await answerDirective(serviceDeps(request), requestActor(request), { ...request.body, id: request.params.id });
      return one(request.params.id, request);
    },
  );

  app.get(
    '/api/directives/:id/rounds',
    {
      schema: {
        operationId: 'listDirectiveRounds',
        tags: ['directives'],
        summary: 'The rounds of a directive that have opened, newest first: one for a one-off directive, one a day for a daily one (日报告)',
        params: Type.Object({ id: DirectiveId }),
        response: { 200: Type.Object({ rounds: Type.Array(RoundSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const rounds = await app.repos.directives.rounds(request.params.id, districtOf(request.principal), new Date());
      if (rounds.length === 0) throw notFound(`directive ${request.params.id}`);
      return { rounds };
    },
  );

  app.post(
    '/api/directives/:id/rounds/:round/answers',
    {
      schema: {
        operationId: 'answerDirectiveRound',
        tags: ['directives'],
        summary: 'Answer one round of a directive for a district; round 1 is the same as POST /api/directives/:id/answers',
        description: 'Answering a round that has not opened gives 409 round_not_open; answering a round again gives 409 already_answered.',
        params: Type.Object({ id: DirectiveId, round: RoundNumber }),
        body: AnswerBody,
        response: { 200: Type.Object({ rounds: Type.Array(RoundSchema) }), 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id, round } = request.params;
      await answerDirective(serviceDeps(request), requestActor(request), { ...request.body, id, round });
      return { rounds: await app.repos.directives.rounds(id, districtOf(request.principal), new Date()) };
    },
  );

  app.post(
    '/api/directives/:id/reminders',
    {
      schema: {
        operationId: 'remindDirective',
        tags: ['directives'],
        summary: 'Remind (催报) the districts that have not answered a round (default: the latest opened one)',
        description:
          'Recorded per district, audited, and announced on the stream as directive.reminded. 409 nothing_to_remind when every district has answered.',
        params: Type.Object({ id: DirectiveId }),
        body: Type.Optional(ReminderBody),
        response: { 201: ReminderResult, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await remindDirective(serviceDeps(request), requestActor(request), { id: request.params.id, round: request.body?.round });
      return reply.status(201).send(result);
    },
  );
};

export default directiveRoutes;
