import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, IntegerId, TimeInput } from '../contract/common-schemas.js';
import { RoleSchema, ScopeCode, TokenSchema, UnitCode } from '../contract/identity-schemas.js';
import { parseTime } from './query-parsers.js';
import { createToken, revokeToken } from '../services/token-service.js';
import { requestActor, serviceDeps } from './request-actor.js';

/** API tokens for devices and wall displays: created and revoked by the commander, shown once, stored hashed. */
const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tokens',
    {
      schema: {
        operationId: 'listTokens',
        tags: ['identity'],
        summary: 'Every API token (never the secret)',
        response: { 200: Type.Object({ tokens: Type.Array(TokenSchema) }), ...errorResponses },
      },
    },
    async () => ({ tokens: await app.repos.tokens.list() }),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        operationId: 'createToken',
        tags: ['identity'],
        summary: 'Create an API token; the secret is in this response only',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            scope: Type.Optional(ScopeCode),
            unit: Type.Optional(UnitCode),
            expires_at: TimeInput('when the token stops working; absent = never'),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String({ description: 'shown once: store it now' }), ...TokenSchema.properties }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { expires_at: expires, ...b } = request.body;
      const expiresAt = parseTime(expires, 'expires_at') ?? null;
      const created = await createToken(serviceDeps(request), requestActor(request), { ...b, expiresAt });
      return reply.status(201).send({ token: created.token, ...created.row });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        operationId: 'revokeToken',
        tags: ['identity'],
        summary: 'Revoke a token; it stops working at once',
        params: Type.Object({ id: IntegerId }),
        response: { 200: TokenSchema, ...errorResponses },
      },
    },
    async (request) => revokeToken(serviceDeps(request), requestActor(request), request.params),
  );
};

export default tokenRoutes;
