import type { Config } from '../config.js';
import type { Database } from './database.js';
import { openPGlite } from './pglite-database.js';
import { openPostgres } from './pg-database.js';

/** PostgreSQL when DATABASE_URL is set, else PGlite in the data directory. */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dataFsync' | 'dbPoolSize' | 'statementTimeoutMs' | 'embeddedOpenTimeoutMs' | 'embeddedRestartMs'>,
): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgres({
      connectionString: config.databaseUrl,
      poolSize: config.dbPoolSize,
      statementTimeoutMs: config.statementTimeoutMs,
    });
  }
  return openPGlite(config.dataDir, {
    fsync: config.dataFsync,
    restart: { openTimeoutMs: config.embeddedOpenTimeoutMs, firstMs: config.embeddedRestartMs },
  });
}

/**
 * The pool that takes the figure, map, tile and export reads: the streaming
 * replica at DATABASE_READ_URL, or undefined when none is configured (the
 * app then reads everything from the primary). Fails at start-up when the
 * replica does not answer, as the primary does. Its sessions cannot write, and
 * a read the standby cancels for a replay conflict is tried again.
 */
export function openReadDatabase(config: Pick<Config, 'databaseReadUrl' | 'dbPoolSize' | 'statementTimeoutMs'>): Promise<Database> | undefined {
  if (!config.databaseReadUrl) return undefined;
  return openPostgres({
    connectionString: config.databaseReadUrl,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    applicationName: READ_POOL_APPLICATION_NAME,
    readOnly: true,
  });
}

/** application_name of the read pool's sessions: how an operator (and a test) tells them apart in pg_stat_activity. */
export const READ_POOL_APPLICATION_NAME = 'gridscope-read';

/** Strips credentials from a connection string before it goes near a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
