import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { databaseUnavailableBody, RETRY_AFTER_SECONDS } from '../http-errors.js';
import { ErrorSchema } from '../contract/common-schemas.js';
import { SERVER_VERSIONS_SQL, type ServerVersions } from '../db/database.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Object({
    reachable: Type.Boolean(),
    backend: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    postgres_version: Type.Optional(Type.String()),
    postgis_version: Type.Optional(Type.String()),
  }),
  /** With 503: the one error shape, so a client that only reads `error` understands it too. */
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

// The credentials a request carries are checked before the route runs: while the
// database is down that check fails first, and the answer is the plain error shape.
const HealthUnavailable = Type.Union([Health, ErrorSchema]);

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Database reachability, backend and PostGIS version (503 with Retry-After while the database is unavailable)',
        response: { 200: Health, 503: HealthUnavailable },
      },
    },
    async (_request, reply) => {
      try {
        const row = app.db.serverVersions ? await app.db.serverVersions() : (await app.db.query<ServerVersions>(SERVER_VERSIONS_SQL))[0];
        return { status: 'ok' as const, database: { reachable: true, backend: app.db.backend, postgres_version: row!.pg, postgis_version: row!.postgis } };
      } catch (err) {
        app.log.warn({ reason: (err as Error).message }, 'health check: database unreachable');
        return reply
          .status(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ status: 'unavailable', database: { reachable: false, backend: app.db.backend }, ...databaseUnavailableBody() });
      }
    },
  );
};

export default healthRoutes;
