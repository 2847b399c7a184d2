import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { badRequest, notFound } from '../http-errors.js';
import { actorOf } from '../plugins/auth-plugin.js';
import type { TokenRow } from '../repositories/token-repository.js';
import { errorResponses, IntegerId } from '../contract/common-schemas.js';
import { RoleSchema, ScopeCode, TokenSchema, UnitCode } from '../contract/identity-schemas.js';
import { parseTime } from './query-parsers.js';
import { checkGrant } from './user-routes.js';

const auditView = (t: TokenRow) => ({ name: t.name, prefix: t.prefix, role: t.role, scope_code: t.scope_code, unit_code: t.unit_code, expires_at: t.expires_at, revoked_at: t.revoked_at });

/** API tokens for devices and wall displays: created and revoked by the commander, shown once, stored hashed. */
const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/tokens', {
    schema: { operationId: 'listTokens', tags: ['identity'], summary: 'Every API token (never the secret)', response: { 200: Type.Object({ tokens: Type.Array(TokenSchema) }), ...errorResponses } },
  }, async () => ({ tokens: await app.repos.tokens.list() }));

  app.post('/api/tokens', {
    schema: {
      operationId: 'createToken',
      tags: ['identity'],
      summary: 'Create an API token; the secret is in this response only',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        role: RoleSchema,
        scope: Type.Optional(ScopeCode),
        unit: Type.Optional(UnitCode),
        expires_at: Type.Optional(Type.String({ description: 'ISO 8601 time; absent = never' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: Type.String({ description: 'shown once: store it now' }), ...TokenSchema.properties }), ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const scope = b.scope ?? null;
    const unit = b.unit ?? null;
    const expiresAt = parseTime(b.expires_at, 'expires_at') ?? null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw badRequest('expires_at', 'must be in the future', '必须是将来的时间');
    await checkGrant(app, b.role, scope, unit);
    const createdBy = request.principal?.userId;
    if (!createdBy) throw badRequest('Authorization', 'tokens are created by a signed-in commander, not by another token', '令牌须由已登录的指挥长创建，不能由其他令牌创建');
    const created = await app.db.transaction(async (tx) => {
      const c = await app.repos.tokens.insert({ name: b.name, role: b.role, scope, unit, createdBy, expiresAt }, tx);
      await app.repos.audit.record({ ...actorOf(request), action: 'token.create', targetType: 'token', targetId: String(c.row.id), after: auditView(c.row) }, tx);
      return c;
    });
    return reply.status(201).send({ token: created.token, ...created.row });
  });

  app.delete('/api/tokens/:id', {
    schema: {
      operationId: 'revokeToken',
      tags: ['identity'],
      summary: 'Revoke a token; it stops working at once',
      params: Type.Object({ id: IntegerId }),
      response: { 200: TokenSchema, ...errorResponses },
    },
  }, async (request) => {
    const { id } = request.params;
    const revokedBy = request.principal?.userId;
    if (!revokedBy) throw badRequest('Authorization', 'tokens are revoked by a signed-in commander', '令牌须由已登录的指挥长吊销');
    return app.db.transaction(async (tx) => {
      const before = await app.repos.tokens.find(id, tx);
      if (!before) throw notFound(`token ${id}`);
      const after = await app.repos.tokens.revoke(id, revokedBy, tx);
      if (!after) return before; // already revoked: nothing changes, nothing to audit
      // A wall that traded this token for a cookie stops with it.
      await app.repos.sessions.deleteForToken(id, tx);
      await app.repos.audit.record({ ...actorOf(request), action: 'token.revoke', targetType: 'token', targetId: String(id), before: auditView(before), after: auditView(after) }, tx);
      return after;
    });
  });
};

export default tokenRoutes;
