import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest, HttpError, notFound } from '../http-errors.js';
import { grantProblem } from '../auth/grant-rules.js';
import { hashPassword, passwordProblem } from '../auth/password-hash.js';
import type { Role } from '../auth/roles.js';
import { actorOf } from '../plugins/auth-plugin.js';
import type { Queryable } from '../db/database.js';
import type { UserRow } from '../repositories/user-repository.js';
import { errorResponses, ErrorSchema, IntegerId } from '../contract/common-schemas.js';
import { RoleSchema, ScopeCode, UnitCode, Username, UserSchema } from '../contract/identity-schemas.js';

/** Checks a role/scope/unit grant against the rules and the database; throws 400 naming the field. */
export async function checkGrant(app: FastifyInstance, role: Role, scope: string | null, unit: string | null, tx: Queryable = app.db): Promise<void> {
  const problem = grantProblem(role, scope, unit);
  if (problem) throw badRequest(problem.field, problem.reason, problem.zh);
  if (scope && !(await app.repos.users.scopeExists(scope, tx))) throw badRequest('scope', `no district, street, community or grid ${scope}`, `没有区、街道、社区或网格 ${scope}`);
  if (unit && !(await app.repos.users.unitExists(unit, tx))) throw badRequest('unit', `no unit ${unit}`, `没有单位 ${unit}`);
}

/** What the audit log keeps of a user: everything but the password hash. */
const auditView = (u: UserRow) => ({ username: u.username, display_name: u.display_name, role: u.role, scope_code: u.scope_code, unit_code: u.unit_code, disabled: u.disabled });

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/users', {
    schema: { operationId: 'listUsers', tags: ['identity'], summary: 'Every user (never their password)', response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errorResponses } },
  }, async () => ({ users: await app.repos.users.list() }));

  app.post('/api/users', {
    schema: {
      operationId: 'createUser',
      tags: ['identity'],
      summary: 'Create a user with a role and scope',
      body: Type.Object({
        username: Username,
        display_name: Type.String({ minLength: 1, maxLength: 100 }),
        role: RoleSchema,
        scope: Type.Optional(ScopeCode),
        unit: Type.Optional(UnitCode),
        password: Type.String({ maxLength: 200 }),
      }, { additionalProperties: false }),
      response: { 201: UserSchema, 409: ErrorSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const b = request.body;
    const scope = b.scope ?? null;
    const unit = b.unit ?? null;
    const weak = passwordProblem(b.password);
    if (weak) throw badRequest('password', weak);
    await checkGrant(app, b.role, scope, unit);
    const passwordHash = await hashPassword(b.password);
    const user = await app.db.transaction(async (tx) => {
      if (await app.repos.users.findForLogin(b.username, tx)) throw new HttpError(409, 'username_taken', `username ${b.username} is taken`);
      const row = await app.repos.users.insert({ username: b.username, displayName: b.display_name, role: b.role, scope, unit, passwordHash }, tx);
      await app.repos.audit.record({ ...actorOf(request), action: 'user.create', targetType: 'user', targetId: String(row.id), after: auditView(row) }, tx);
      return row;
    });
    return reply.status(201).send(user);
  });

  app.patch('/api/users/:id', {
    schema: {
      operationId: 'updateUser',
      tags: ['identity'],
      summary: 'Change a user: name, role, scope, unit, password or disabled. Ends their sessions when access changes.',
      params: Type.Object({ id: IntegerId }),
      body: Type.Object({
        display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        role: Type.Optional(RoleSchema),
        scope: Type.Optional(ScopeCode),
        unit: Type.Optional(UnitCode),
        password: Type.Optional(Type.String({ maxLength: 200 })),
        disabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: UserSchema, ...errorResponses },
    },
  }, async (request) => {
    const b = request.body;
    const id = request.params.id;
    if (b.password !== undefined) {
      const weak = passwordProblem(b.password);
      if (weak) throw badRequest('password', weak);
    }
    const passwordHash = b.password === undefined ? undefined : await hashPassword(b.password);
    return app.db.transaction(async (tx) => {
      const before = await app.repos.users.find(id, tx);
      if (!before) throw notFound(`user ${id}`);
      if (request.principal?.userId === id && (b.disabled || (b.role && b.role !== 'commander'))) {
        throw badRequest('id', 'you cannot disable yourself or give up your own commander role', '不能停用自己，也不能放弃自己的指挥长角色');
      }
      const role = b.role ?? before.role;
      const scope = b.scope !== undefined ? b.scope : before.scope_code;
      const unit = b.unit !== undefined ? b.unit : (role === 'handler' ? before.unit_code : null);
      // Inside the transaction: PGlite has one connection, so a query outside it would wait forever.
      await checkGrant(app, role, scope, unit, tx);
      const after = (await app.repos.users.update(id, { displayName: b.display_name, role: b.role, scope, unit, passwordHash, disabled: b.disabled }, tx))!;
      const accessChanged = passwordHash !== undefined || after.disabled || after.role !== before.role || after.scope_code !== before.scope_code || after.unit_code !== before.unit_code;
      if (accessChanged) await app.repos.sessions.deleteForUser(id, tx);
      await app.repos.audit.record({
        ...actorOf(request), action: passwordHash ? 'user.update_password' : 'user.update', targetType: 'user', targetId: String(id),
        before: auditView(before), after: auditView(after),
      }, tx);
      return after;
    });
  });
};

export default userRoutes;
