import fp from 'fastify-plugin';
import type { Database, Queryable } from '../db/database.js';
import { createRepositories, type Repositories } from '../repositories/repositories.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    repos: Repositories;
    /** Where the figure, map, tile and export reads go: the read replica when one is configured, else `db`. */
    readDb: Queryable;
    /** The repositories over `readDb`. Never for a read that must see this request's own writes. */
    readRepos: Repositories;
    /** Whether `readDb` is a replica of its own (DATABASE_READ_URL) rather than `db`: /api/health reports it. */
    hasReadReplica: boolean;
  }
}

/**
 * Makes the database and the repositories over it available to routes. The
 * database is opened (and migrated) by the caller, which also owns closing it:
 * tests share one seeded database between many app instances. `readDb`, a
 * streaming replica (DATABASE_READ_URL), takes the aggregate reads that may
 * lag the primary by a moment; without one they go to `db`.
 */
export default fp(
  async (app, opts: { db: Database; readDb?: Queryable }) => {
    const repos = createRepositories(opts.db);
    app.decorate('db', opts.db);
    app.decorate('repos', repos);
    app.decorate('readDb', opts.readDb ?? opts.db);
    app.decorate('readRepos', opts.readDb ? createRepositories(opts.readDb) : repos);
    app.decorate('hasReadReplica', opts.readDb !== undefined && opts.readDb !== opts.db);
  },
  { name: 'database' },
);
