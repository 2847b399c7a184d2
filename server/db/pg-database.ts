import { createHash } from 'node:crypto';
import pg from 'pg';
import { isDatabaseError, SESSION_SETTINGS, type Database, type Queryable, type QueryOptions, type Row } from './database.js';
import { scrubbed } from './database-errors.js';
import { createAvailabilityTracker, DatabaseUnavailableError, isDatabaseUnavailable, type AvailabilityTracker } from './database-unavailable.js';
import { createPgListener, type PgListener } from './pg-listener.js';
import { retryingReplayConflicts } from './replica-conflicts.js';

// Counts (int8) and numerics come back as JS numbers on PGlite; do the same
// here so repositories see one shape. Our int8 values (ids, counts) stay far
// below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Tells the tracker how a statement (or a connection attempt) went, and passes the outcome on. */
async function observed<T>(tracker: AvailabilityTracker, pending: Promise<T>): Promise<T> {
  try {
    const result = await pending;
    tracker.reachable();
    return result;
  } catch (err) {
    tracker.failed(err);
    throw err;
  }
}

/** A prepared statement's name on every connection: from its text, so that one name never stands for two statements. */
const preparedNames = new Map<string, string>();
function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (name === undefined) {
    name = `gs_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    preparedNames.set(sql, name);
  }
  return name;
}

function wrap(q: pg.Pool | pg.PoolClient, tracker: AvailabilityTracker): Queryable {
  return {
    async query<T = Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) {
      const values = params as unknown[];
      const config = options?.prepared ? { name: preparedName(sql), text: sql, values } : { text: sql, values };
      // PostgreSQL's detail repeats the failing row's values (a password hash, a token hash): scrubbed.
      const result = await scrubbed(observed(tracker, q.query(config)));
      return result.rows as T[];
    },
    async exec(sql: string) {
      await scrubbed(observed(tracker, q.query(sql)));
    },
  };
}

async function inTransaction<T>(client: pg.PoolClient, tracker: AvailabilityTracker, work: (tx: Queryable) => Promise<T>): Promise<T> {
  await observed(tracker, client.query('BEGIN'));
  let result: T;
  try {
    result = await work(wrap(client, tracker));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  try {
    await observed(tracker, client.query('COMMIT'));
  } catch (err) {
    // The server may have committed just before the connection dropped; only
    // we do not know. Say so, so that nobody answers this write with a 2xx.
    if (isDatabaseUnavailable(err)) throw new DatabaseUnavailableError(err, true);
    throw err;
  }
  return result;
}

/**
 * SQLSTATEs after which the transaction was rolled back and the same work may
 * well pass if run again: it lost a deadlock (40P01), or a serialization
 * conflict (40001). https://www.postgresql.org/docs/15/mvcc-serialization-failure-handling.html
 */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);

/** Tries of a transaction that keeps losing such conflicts, the first included; then the error goes to the caller. */
export const TRANSACTION_ATTEMPTS = 4;

/**
 * Runs a whole transaction again while it fails with a retryable conflict.
 * The wait before each try is random (full jitter, up to 10, 20, 40 ms): the
 * two sides of a deadlock retried in step would meet again.
 */
async function retryingConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isDatabaseError(err) || !RETRYABLE_SQLSTATES.has(err.code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}

export interface PgOptions {
  connectionString: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** Shown in pg_stat_activity (default: node-postgres's, none). */
  applicationName?: string;
  /**
   * A pool for reads only, the replica's (DATABASE_READ_URL): its sessions
   * refuse writes (default_transaction_read_only), and a single statement
   * outside a transaction that the hot standby cancels for a conflict with
   * replay is run again a few times (replica-conflicts.ts).
   */
  readOnly?: boolean;
  /** Told when the LISTEN connection drops or fails to reconnect (it keeps retrying). */
  onListenerError?: (err: Error) => void;
}

/** Opens a pool on PostgreSQL + PostGIS. Every statement has a timeout. */
export async function openPostgres(options: PgOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    // A runaway query must not hold a connection forever.
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
    application_name: options.applicationName,
    // Times inside JSON built by SQL use the session zone; make it the same
    // as PGlite's so both backends emit identical text. Then the settings of
    // every session (database.ts): search_path and jit.
    options: [
      '-c TimeZone=UTC',
      ...Object.entries(SESSION_SETTINGS).map(([name, value]) => `-c ${name}=${value}`),
      ...(options.readOnly ? ['-c default_transaction_read_only=on'] : []),
    ].join(' '),
    // Finds a peer that vanished without closing the socket (a host gone, a firewall).
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the
  // pool drops it and opens a fresh one on the next checkout.
  pool.on('error', () => undefined);
  // And no client may ever be without an 'error' listener, which Node turns
  // into the end of the process: the pool takes its own off at checkout, and
  // a new connection's first answer and a FATAL error can arrive in one read,
  // before the caller of pool.connect() has run. The pool and withClient
  // below deal with the broken client; this only keeps the event handled.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Fail fast with a clear error if the server is unreachable at start-up.
  await pool.query('SELECT 1');

  const tracker = createAvailabilityTracker();
  const plain = wrap(pool, tracker);
  const base: Queryable = options.readOnly
    ? {
        query: <T = Row>(sql: string, params?: readonly unknown[]) => retryingReplayConflicts(() => plain.query<T>(sql, params)),
        exec: (sql: string) => retryingReplayConflicts(() => plain.exec(sql)),
      }
    : plain;
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>) => {
    const client = await observed(tracker, pool.connect());
    // While a client is checked out the pool does not listen for its errors,
    // and a connection dropped by a server restart is an 'error' event: with
    // no listener, Node ends the process. The statement in flight, if any,
    // rejects by itself; a broken client is destroyed rather than reused.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
      tracker.failed(err);
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      // A session the server is ending (57P01 ...) is useless even before its socket closes.
      if (isDatabaseUnavailable(err)) broken ??= err as Error;
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };
  // Opened on the first listen(): processes that never listen (CLI commands) hold no extra connection.
  let listener: PgListener | undefined;
  return {
    backend: 'postgres',
    availability: tracker,
    ...base,
    transaction: (work) => retryingConflicts(() => withClient((client) => inTransaction(client, tracker, work))),
    withExclusiveLock: (key, work) =>
      withClient(async (client) => {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          const conn = {
            ...wrap(client, tracker),
            transaction: <T>(w: (tx: Queryable) => Promise<T>) => retryingConflicts(() => inTransaction(client, tracker, w)),
          };
          return await work(conn);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
        }
      }),
    listen(channel, onNotify) {
      listener ??= createPgListener({
        connectionString: options.connectionString,
        onError: options.onListenerError,
        onAttempt: (ok, err) => (ok ? tracker.reachable() : tracker.failed(err)),
      });
      return listener.listen(channel, onNotify);
    },
    async close() {
      await listener?.close();
      await pool.end();
    },
  };
}
