import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import type { TestDatabase } from '../helpers/test-database.js';

/**
 * The statements run on every signed-in request (the session lookup, a bearer
 * token's lookup) stay prepared on each PostgreSQL connection
 * (QueryOptions.prepared): planning the session's three-table lookup cost three
 * times its run. Read from `pg_prepared_statements` on a pool of one
 * connection, so the session that lists them is the one that ran them.
 * PostgreSQL only: PGlite has no prepared statements of ours to list.
 */
const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);
if (!ON_POSTGRES) console.log('[prepared statements] skipped: they need real PostgreSQL; set TEST_DATABASE_URL to run them');

describe.skipIf(!ON_POSTGRES)('statements prepared per PostgreSQL connection', () => {
  let t: TestDatabase;
  let db: Database;
  let app: App;

  beforeAll(async () => {
    const { createTestDatabase } = await import('../helpers/test-database.js');
    const { openPostgres } = await import('../../server/db/pg-database.js');
    const { buildApp } = await import('../../server/app.js');
    t = await createTestDatabase();
    db = await openPostgres({ connectionString: t.url!, poolSize: 1, statementTimeoutMs: 60_000 });
    app = await buildApp({ db });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await t?.dispose();
  });

  const prepared = async () => (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((r) => r.statement);

  it('keeps the session and the API token lookups prepared, once each however many requests', async () => {
    const { createUser, login } = await import('../helpers/identity.js');
    const { createTokenRepository } = await import('../../server/repositories/token-repository.js');
    const user = await createUser(db, { username: 'prepared-commander', role: 'commander' });
    const session = await login(app, 'prepared-commander');
    const { token } = await createTokenRepository(db).insert({
      name: 'prepared test',
      role: 'viewer',
      scope: null,
      unit: null,
      createdBy: user.id,
      expiresAt: null,
    });
    expect(await prepared()).toEqual([]);
    for (let k = 0; k < 3; k++) {
      expect((await app.inject({ url: '/api/auth/me', headers: session.read })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    }
    const statements = await prepared();
    expect(statements.filter((s) => /FROM user_session s\b/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /FROM api_token\s+WHERE token_hash = \$1/.test(s))).toHaveLength(1);
  });
});
