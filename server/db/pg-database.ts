import pg from 'pg';
import type { Database, Queryable, Row } from './database.js';
import { scrubbed } from './database-errors.js';
import { createPgListener, type PgListener } from './pg-listener.js';

// Counts (int8) and numerics come back as JS numbers on PGlite; do the same
// here so repositories see one shape. Our int8 values (ids, counts) stay far
// below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T = Row>(sql: string, params: readonly unknown[] = []) {
      // PostgreSQL's detail repeats the failing row's values (a password hash, a token hash): scrubbed.
      const result = await scrubbed(q.query(sql, params as unknown[]));
      return result.rows as T[];
    },
    async exec(sql: string) {
      await scrubbed(q.query(sql));
    },
  };
}

async function inTransaction<T>(client: pg.PoolClient, work: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(wrap(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export interface PgOptions {
  connectionString: string;
  poolSize: number;
  statementTimeoutMs: number;
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
    // Times inside JSON built by SQL use the session zone; make it the same
    // as PGlite's so both backends emit identical text.
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  // Fail fast with a clear error if the server is unreachable.
  await pool.query('SELECT 1');

  const base = wrap(pool);
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  // Opened on the first listen(): processes that never listen (CLI commands) hold no extra connection.
  let listener: PgListener | undefined;
  return {
    backend: 'postgres',
    ...base,
    transaction: (work) => withClient((client) => inTransaction(client, work)),
    withExclusiveLock: (key, work) =>
      withClient(async (client) => {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          const conn = { ...wrap(client), transaction: <T>(w: (tx: Queryable) => Promise<T>) => inTransaction(client, w) };
          return await work(conn);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
        }
      }),
    listen(channel, onNotify) {
      listener ??= createPgListener({ connectionString: options.connectionString, onError: options.onListenerError });
      return listener.listen(channel, onNotify);
    },
    async close() {
      await listener?.close();
      await pool.end();
    },
  };
}
