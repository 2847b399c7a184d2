import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  database: Type.Object({
    reachable: Type.Boolean(),
    backend: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    postgres_version: Type.Optional(Type.String()),
    postgis_version: Type.Optional(Type.String()),
  }),
});

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/health', {
    schema: { operationId: 'getHealth', tags: ['health'], summary: 'Database reachability, backend and PostGIS version', response: { 200: Health, 503: Health } },
  }, async (_request, reply) => {
    try {
      const [row] = await app.db.query<{ pg: string; postgis: string }>(
        "SELECT current_setting('server_version') pg, postgis_lib_version() postgis",
      );
      return { status: 'ok' as const, database: { reachable: true, backend: app.db.backend, postgres_version: row!.pg, postgis_version: row!.postgis } };
    } catch (err) {
      app.log.warn({ err }, 'health check: database unreachable');
      return reply.status(503).send({ status: 'unavailable', database: { reachable: false, backend: app.db.backend } });
    }
  });
};

export default healthRoutes;
