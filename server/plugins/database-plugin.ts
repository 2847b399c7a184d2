import fp from 'fastify-plugin';
import type { Database } from '../db/database.js';
import { createRepositories, type Repositories } from '../repositories/repositories.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    repos: Repositories;
  }
}

/**
 * Makes the database and the repositories over it available to routes. The
 * database is opened (and migrated) by the caller, which also owns closing it:
 * tests share one seeded database between many app instances.
 */
export default fp(
  async (app, opts: { db: Database }) => {
    app.decorate('db', opts.db);
    app.decorate('repos', createRepositories(opts.db));
  },
  { name: 'database' },
);
