import type { Config } from '../config.js';
import type { Database } from './database.js';
import { openPGlite } from './pglite-database.js';
import { openPostgres } from './pg-database.js';

/** PostgreSQL when DATABASE_URL is set, else PGlite in the data directory. */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dataFsync' | 'dbPoolSize' | 'statementTimeoutMs'>): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgres({
      connectionString: config.databaseUrl,
      poolSize: config.dbPoolSize,
      statementTimeoutMs: config.statementTimeoutMs,
    });
  }
  return openPGlite(config.dataDir, { fsync: config.dataFsync });
}

/** Strips credentials from a connection string before it goes near a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
