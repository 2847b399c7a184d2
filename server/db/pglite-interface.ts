import type { Worker } from 'node:worker_threads';
import type { Database } from './database.js';
import type { RestartPolicy } from './pglite-restart.js';
import type { QueryLogger } from './pglite-watchdog.js';

/**
 * The embedded database: PGlite with PostGIS, run in a worker thread
 * (pglite-worker.ts) so that a slow statement or a long import blocks that
 * thread only, never this one's event loop (health checks, the live stream,
 * static files, requests that need no database).
 */
export interface PGliteDatabase extends Database {
  /** The whole data directory as a tarball; `openPGlite(undefined, { loadDataDir })` opens a copy (test templates). */
  dumpDataDir(): Promise<Blob>;
  /** How many files and directories PostgreSQL has flushed to disk (see pglite-durability.ts). */
  flushedToDisk(): Promise<number>;
  /**
   * The thread PGlite runs in now: ending it is how tests crash the embedded
   * database. On a data directory a new thread takes its place (see connect).
   */
  readonly thread: Pick<Worker, 'threadId' | 'terminate'>;
  /** Logs each statement's time and the queue in front of it at debug level, the thread's deaths and restarts above it. */
  useLogger(log: QueryLogger): void;
  /**
   * The embedded statement timeout, in ms (0 = none, the default): a
   * statement in the engine longer than this fails as on PostgreSQL's
   * statement_timeout (SQLSTATE 57014) and the thread is ended and opened
   * again on the data directory (see connect), and the same statement with
   * the same values is refused at once for a while (pglite-watchdog.ts). In
   * memory the statement is only reported: ending the thread would end the
   * data with it. `serve` sets it once the demo city is built; maintenance
   * never does. `refusalFactor`: the refusal lasts this many times `ms`
   * (default WEDGE_REFUSAL_FACTOR, 10; tests shorten it).
   */
  limitStatements(ms: number, refusalFactor?: number): void;
  /** Runs maintenance (the daily VACUUM) that the statement timeout never ends: at ~1M incidents it may take the 30 s limit. */
  maintain(sql: string): Promise<void>;
}

export interface PGliteOpenOptions {
  /** Start from this tarball (from dumpDataDir) instead of a fresh initdb: seconds instead of a minute. */
  loadDataDir?: Blob;
  /** Flush each commit to disk (default true; see pglite-durability.ts). Ignored in memory. */
  fsync?: boolean;
  /** When to open a new thread after one died, how long one may take to open, when to say the data directory needs an operator (pglite-restart.ts). */
  restart?: Partial<RestartPolicy>;
}
