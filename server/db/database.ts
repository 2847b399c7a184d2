/**
 * One data-access interface over both backends: PGlite in-process (the
 * embedded default) and PostgreSQL through a `pg` pool. Repositories only see
 * `Queryable`, so the SQL they run is the same on both.
 */
import type { DatabaseAvailability } from './database-unavailable.js';

/**
 * Settings of every session on both backends, migrations included.
 * - search_path: where Gridscope's tables and PostGIS live, instead of the
 *   default `"$user", public` (a login role owning a schema of its own name
 *   would migrate into it, then read its empty tables: 503 no_city).
 * - jit: off. Measured on the year-long city figures (README, "Performance"):
 *   compiling costs 1.6–4.2 s where the statements take 0.2–1.9 s, and the
 *   default thresholds start compiling them at about 10M incidents. PGlite has
 *   no JIT at all (pg_jit_available() is false); the setting keeps them alike.
 */
export const SESSION_SETTINGS = { search_path: 'public', jit: 'off' } as const;

export type Row = Record<string, unknown>;

/** How a statement is run; the same SQL on both backends either way. */
export interface QueryOptions {
  /**
   * Keep the statement prepared on each PostgreSQL connection (named by a
   * hash of its text), so that a statement run thousands of times a second is
   * parsed and planned once per connection, not on every call: a vector tile
   * costs about as much to plan as to build (pgbench on the demo city's z14
   * tiles, 1 Dec 2026: 8,200-8,800 tiles/s prepared, 3,700-3,900 not).
   * Only for statements whose plan does not hinge on the parameters' values.
   * PGlite runs in-process and ignores it.
   */
  prepared?: boolean;
}

/** For a statement run on every request, or thousands of times a second, whose plan is the same whatever its parameters. */
export const PREPARED: QueryOptions = { prepared: true };

export interface Queryable {
  /** Runs one statement with positional parameters ($1, $2, ...). */
  query<T = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Backend = 'pglite' | 'postgres';

export interface ServerVersions {
  pg: string;
  postgis: string;
}

export interface Database extends Queryable {
  readonly backend: Backend;
  /**
   * Whether the database answers, as the last statements found it (always
   * true for the embedded one). A transaction whose COMMIT may or may not
   * have happened rejects with DatabaseUnavailableError(commitOutcomeUnknown).
   */
  readonly availability: DatabaseAvailability;
  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws.
   * On PostgreSQL a transaction that loses a deadlock (40P01) or a serialization
   * conflict (40001) is rolled back and `work` runs again on a fresh one (a few
   * times, pg-database.ts): `work` must keep its effects inside `tx`, or make
   * any others (memory, files) safe to repeat.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` holding a cluster-wide advisory lock, so that two processes
   * starting at once do not both migrate. PGlite has one process per data
   * directory (see data-dir-lock.ts), so there it simply runs `work`.
   */
  withExclusiveLock<T>(lockKey: number, work: (conn: Queryable & Pick<Database, 'transaction'>) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel` once the
   * notifying transaction commits, whichever session or process sent it
   * (never for a rolled-back one). `null` means the listening connection was
   * lost and re-established (PostgreSQL only): notifications sent meanwhile
   * are gone, so the listener must catch up from the data itself. Resolves
   * once listening; the returned function stops it. `channel` must be a
   * plain lower-case identifier.
   */
  listen(channel: string, onNotify: (payload: string | null) => void): Promise<() => Promise<void>>;
  /**
   * PostgreSQL's and PostGIS's versions for /api/health, where the backend
   * can tell them without queueing behind other statements (the embedded
   * one, once asked: its thread may be busy with a long statement, and
   * running is all health needs to know). Without it, health asks by query.
   */
  serverVersions?(): Promise<ServerVersions>;
  close(): Promise<void>;
}

/** Channel names go into LISTEN unquoted, so only plain identifiers are allowed. */
export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new TypeError(`not a valid notification channel name: ${JSON.stringify(channel)}`);
}

/** A database error carries the SQLSTATE, which error mapping relies on. */
export interface DatabaseError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  hint?: string;
}

export function isDatabaseError(err: unknown): err is DatabaseError {
  return err instanceof Error && typeof (err as DatabaseError).code === 'string';
}

/** What /api/health reports of the server (see Database.serverVersions). */
export const SERVER_VERSIONS_SQL = "SELECT current_setting('server_version') pg, postgis_lib_version() postgis";
