import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite } from '../../server/db/pglite-database.js';
import { openPostgres } from '../../server/db/pg-database.js';

/** Set to run every DB-backed test on real PostgreSQL + PostGIS instead of PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const BACKEND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  /** Connection string of the scratch database (PostgreSQL only). */
  url?: string;
  /** Closes the database and, on PostgreSQL, drops the scratch database. */
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: PGlite in memory, or a scratch
 * database created on the TEST_DATABASE_URL server (so test files running in
 * parallel never see each other's rows). Not migrated unless asked.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  let testDb: TestDatabase;
  if (!TEST_DATABASE_URL) {
    const db = await openPGlite();
    testDb = { db, dispose: () => db.close() };
  } else {
    const name = `gridscope_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = withDatabaseName(TEST_DATABASE_URL, name);
    const db = await openPostgres({ connectionString: url, poolSize: 4, statementTimeoutMs: 60_000 });
    testDb = {
      db,
      url,
      async dispose() {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  if (options.migrated !== false) await migrate(testDb.db);
  return testDb;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
