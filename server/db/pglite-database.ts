import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { assertChannelName, SESSION_SETTINGS, type Database, type Queryable, type Row } from './database.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { scrubbed } from './database-errors.js';
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
      // PGlite's errors carry the statement and its bound values (a password hash, a token hash): scrubbed.
      const result = await scrubbed(q.query<T>(sql, params as unknown[], { parsers }));
      return result.rows;
    },
    async exec(sql: string) {
      await scrubbed(q.exec(sql));
    },
  };
}

/**
 * Opens PGlite with PostGIS. With a data directory, the directory is locked
 * first: PGlite is a single-process engine and two processes writing the same
 * files would corrupt them. Without one (tests), it lives in memory.
 */
export interface PGliteDatabase extends Database {
  /** The whole data directory as a tarball; `openPGlite(undefined, { loadDataDir })` opens a copy (test templates). */
  dumpDataDir(): Promise<Blob>;
}

export interface PGliteOpenOptions {
  /** Start from this tarball (from dumpDataDir) instead of a fresh initdb: seconds instead of a minute. */
  loadDataDir?: Blob;
  /** Flush each commit to disk (default true; see pglite-durability.ts). Ignored in memory. */
  fsync?: boolean;
}

export async function openPGlite(dataDir?: string, options: PGliteOpenOptions = {}): Promise<PGliteDatabase> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = acquireDataDirLock(dataDir);
  let pg: PGlite;
  try {
    const fsync = options.fsync ?? true;
    const load = options.loadDataDir ? { loadDataDir: options.loadDataDir } : {};
    pg = await PGlite.create(
      dataDir && fsync
        ? // Commits flushed to disk as PostgreSQL does it (see pglite-durability.ts).
          { dataDir, extensions: { postgis, durable: durableNodeFs }, startParams: DURABLE_START_PARAMS, ...load }
        : { dataDir, extensions: { postgis }, ...load },
    );
  } catch (err) {
    lock?.release();
    throw err;
  }
  // As on PostgreSQL (database.ts): search_path never "$user" first, whatever schemas exist; jit off.
  await pg.exec(
    Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `SET ${name} = ${value};`)
      .join(' '),
  );
  // PGlite runs each query synchronously on the event loop; queued one after another they would
  // starve every other socket (the wall's scripts wait ~0.6 s behind its figures without this).
  const base = wrap(pg, true);
  const db: PGliteDatabase = {
    backend: 'pglite',
    dumpDataDir: () => pg.dumpDataDir('none'),
    availability: ALWAYS_AVAILABLE,
    ...base,
    // A transaction holds the whole database: let waiting I/O in before it
    // starts, and between its statements (a long import's checks run as many
    // short transactions, and requests in between get their turn).
    transaction: async (work) => {
      await yieldToIo();
      return pg.transaction((tx) => work(wrap(tx, true)));
    },
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
