import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createUser, updateUser } from '../services/user-service.js';
import { requestActor, serviceDeps } from './request-actor.js';
import { errorResponses, ErrorSchema, IntegerId } from '../contract/common-schemas.js';
import { RoleSchema, ScopeCode, UnitCode, Username, UserSchema } from '../contract/identity-schemas.js';

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['identity'],
        summary: 'Every user (never their password)',
        response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errorResponses },
      },
    },
    async () => ({ users: await app.repos.users.list() }),
  );

  app.post(
    '/api/users',
    {
      schema: {
        operationId: 'createUser',
        tags: ['identity'],
        summary: 'Create a user with a role and scope',
        body: Type.Object(
          {
            username: Username,
            display_name: Type.String({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            scope: Type.Optional(ScopeCode),
            unit: Type.Optional(UnitCode),
            password: Type.String({ maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, 409: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(serviceDeps(request), requestActor(request), request.body)),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags: ['identity'],
        summary: 'Change a user: name, role, scope, unit, password or disabled. Ends their sessions when access changes.',
        params: Type.Object({ id: IntegerId }),
        body: Type.Object(
          {
            display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(RoleSchema),
            scope: Type.Optional(ScopeCode),
            unit: Type.Optional(UnitCode),
            password: Type.Optional(Type.String({ maxLength: 200 })),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (request) => updateUser(serviceDeps(request), requestActor(request), { ...request.body, id: request.params.id }),
  );
};

export default userRoutes;
