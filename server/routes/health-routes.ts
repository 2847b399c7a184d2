import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RETRY_AFTER_SECONDS, unavailableBody } from '../http-errors.js';
import { chooseLanguage } from '../errors/messages.js';
import { ErrorSchema } from '../contract/common-schemas.js';
import { SERVER_VERSIONS_SQL, type ServerVersions } from '../db/database.js';
import { createReplicaProbe, type ReplicaHealth } from '../services/replica-probe.js';

const Replica = Type.Object(
  {
    reachable: Type.Boolean({ description: 'answered within 1 s' }),
    in_recovery: Type.Optional(Type.Boolean({ description: 'pg_is_in_recovery(): false once the replica has been promoted' })),
    seconds_since_last_replay: Type.Optional(
      Type.Union([Type.Number(), Type.Null()], {
        description: 'since the primary committed the last transaction replayed on the replica; also grows while the primary commits nothing',
      }),
    ),
    replay_pending_bytes: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'WAL received by the replica and not yet replayed' })),
    checked_at: Type.String({ format: 'date-time', description: 'when the replica was asked (answers are kept 5 s)' }),
  },
  { description: 'Only when a read replica is configured (DATABASE_READ_URL)' },
);

const Health = Type.Object({
  /** degraded: the primary works, the read replica does not (figure, map, tile and export reads answer 503). */
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable')]),
  database: Type.Object({
    reachable: Type.Boolean(),
    backend: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    postgres_version: Type.Optional(Type.String()),
    postgis_version: Type.Optional(Type.String()),
  }),
  replica: Type.Optional(Replica),
  /** With 503: the one error shape, so a client that only reads `error` understands it too. */
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

// The credentials a request carries are checked before the route runs: while the
// database is down that check fails first, and the answer is the plain error shape.
const HealthUnavailable = Type.Union([Health, ErrorSchema]);

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The replica is asked at most every few seconds and never waited on for long (services/replica-probe.ts).
  const replicaProbe = app.hasReadReplica
    ? createReplicaProbe(app.readRepos.replica.state, {
        onFailure: (err) => app.log.warn({ reason: (err as Error).message }, 'health check: read replica unreachable'),
      })
    : undefined;
  const replicaPart = async (): Promise<{ replica?: ReplicaHealth }> => (replicaProbe ? { replica: await replicaProbe.status() } : {});

  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary:
          'Database reachability, backend and PostGIS version, and the read replica when one is configured (200 "degraded" while only the replica is unreachable; 503 with Retry-After while the database is unavailable)',
        response: { 200: Health, 503: HealthUnavailable },
      },
    },
    async (request, reply) => {
      // Asked beside the primary, not after it: health waits for the slower of the two.
      const replica = replicaPart();
      try {
        const row = app.db.serverVersions ? await app.db.serverVersions() : (await app.db.query<ServerVersions>(SERVER_VERSIONS_SQL))[0];
        const database = { reachable: true, backend: app.db.backend, postgres_version: row!.pg, postgis_version: row!.postgis };
        const part = await replica;
        // Still 200: writes, sign-in and the live stream work, and every process shares the one replica,
        // so a balancer taking processes out for it would take the whole service down.
        return { status: part.replica?.reachable === false ? ('degraded' as const) : ('ok' as const), database, ...part };
      } catch (err) {
        app.log.warn({ reason: (err as Error).message }, 'health check: database unreachable');
        return reply
          .status(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({
            status: 'unavailable',
            database: { reachable: false, backend: app.db.backend },
            ...(await replica),
            // data_directory_unusable when the embedded database keeps failing to open: an operator must look.
            ...unavailableBody(err, chooseLanguage(request.headers['accept-language'])),
          });
      }
    },
  );
};

export default healthRoutes;
