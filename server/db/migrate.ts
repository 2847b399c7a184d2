import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { refusalSays, SaidError } from '../cli-messages.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
/** Arbitrary but fixed: the advisory lock key that serialises migrators. */
const MIGRATION_LOCK_KEY = 74_201_100;

export class MigrationError extends SaidError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(refusalSays.migrationFailed(file, cause instanceof Error ? cause.message : String(cause)));
    this.cause = cause;
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
}

/** Migration files are applied in lexical order: 001_x.sql, 002_y.sql, ... */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Applies every pending migration, each in its own transaction, recording it
 * in schema_migration. A failure rolls that file back whole and throws a
 * MigrationError naming it; files before it stay applied.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  return db.withExclusiveLock(MIGRATION_LOCK_KEY, async (conn) => {
    await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await conn.query<{ name: string }>('SELECT name FROM schema_migration')).map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file.name)) continue;
      try {
        await conn.transaction(async (tx) => {
          await tx.exec(file.sql);
          await tx.query('INSERT INTO schema_migration (name) VALUES ($1)', [file.name]);
        });
      } catch (err) {
        throw new MigrationError(file.name, err);
      }
      applied.push(file.name);
    }
    return applied;
  });
}
