import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { assertChannelName, type Database, type Queryable, type Row } from './database.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { ALWAYS_AVAILABLE } from './database-unavailable.js';
import { DURABLE_START_PARAMS, durableNodeFs } from './pglite-durability.js';

// Same conversions as the pg backend (see pg-database.ts): numeric as JS number.
const parsers = { [types.NUMERIC]: (v: string) => Number(v) };

/** Lets pending I/O (a static file, a new request) run before the next query blocks the event loop. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

function wrap(q: PGlite | Transaction, fair: boolean): Queryable {
  return {
    async query<T = Row>(sql: string, params: readonly unknown[] = []) {
      if (fair) await yieldToIo();
      const result = await q.query<T>(sql, params as unknown[], { parsers });
      return result.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  };
}

/**
 * Opens PGlite with PostGIS. With a data directory, the directory is locked
 * first: PGlite is a single-process engine and two processes writing the same
 * files would corrupt them. Without one (tests), it lives in memory.
 */
export async function openPGlite(dataDir?: string, { fsync = true }: { fsync?: boolean } = {}): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = acquireDataDirLock(dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir && fsync
      // Commits flushed to disk as PostgreSQL does it (see pglite-durability.ts).
      ? { dataDir, extensions: { postgis, durable: durableNodeFs }, startParams: DURABLE_START_PARAMS }
      : { dataDir, extensions: { postgis } });
  } catch (err) {
    lock?.release();
    throw err;
  }
    // PGlite runs each query synchronously on the event loop; queued one after another they would
  // starve every other socket (the wall's scripts wait ~0.6 s behind its figures without this).
  const base = wrap(pg, true);
  const db: Database = {
    backend: 'pglite',
    availability: ALWAYS_AVAILABLE,
    ...base,
    transaction: (work) => pg.transaction((tx) => work(wrap(tx, false))),
    withExclusiveLock: (_key, work) => work(db),
    // PGlite delivers a NOTIFY to its own listeners when the notifying
    // transaction commits, as PostgreSQL does (tests/db/listen.test.ts), so
    // both backends share one delivery path.
    async listen(channel, onNotify) {
      assertChannelName(channel);
      const unlisten = await pg.listen(channel, (payload) => onNotify(payload));
      return () => unlisten();
    },
    async close() {
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
  return db;
}
