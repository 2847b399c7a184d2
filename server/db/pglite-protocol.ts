/**
 * Messages between the main thread (pglite-database.ts) and the database
 * worker (pglite-worker.ts). Values cross by structured clone, so Dates,
 * Uint8Array (bytea) and bigint arrive as they left.
 */

/** What the worker is started with (workerData). */
export interface WorkerStart {
  dataDir?: string;
  fsync: boolean;
  /** A dumpDataDir tarball's bytes (transferred, not copied). */
  loadDataDir?: ArrayBuffer;
  /** PGlite's engine, compiled once in the main thread (a WebAssembly.Module is shared, not copied). */
  engine?: WebAssembly.Module;
  /** Shared with the main thread: which request is in the engine, since when (pglite-watchdog.ts). */
  clock: BigInt64Array;
}

/** `tx` runs the statement inside that open transaction; without it, outside any (queued behind an open one). */
export type Request =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  /** Opens a transaction; answers its id once BEGIN has run. */
  | { id: number; op: 'begin' }
  /** Commits (or rolls back) the transaction `tx`; answers once it is over. */
  | { id: number; op: 'end'; tx: number; commit: boolean }
  /** Answers a listener id; notifications then arrive as `Notification`s. */
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; listener: number }
  | { id: number; op: 'dump' }
  | { id: number; op: 'flushed' }
  | { id: number; op: 'close' };

/** A database error as plain data: the fields error mapping reads, never the statement or its values. */
export interface WireError {
  name: string;
  message: string;
  [field: string]: string;
}

/** `ms`: how long the worker spent on it, queue wait excluded. */
export type Reply = { id: number; ok: true; value: unknown; ms: number } | { id: number; ok: false; error: WireError; ms: number };

export interface Notification {
  notify: number;
  payload: string;
}

/** The first message of a worker: PGlite is open, or could not be. */
export type Started = { started: true } | { started: false; error: WireError };

/** Fields of PostgreSQL's error message that cross the thread boundary (strings only). */
export const ERROR_FIELDS = [
  'code',
  'detail',
  'constraint',
  'hint',
  'severity',
  'schema',
  'table',
  'column',
  'dataType',
  'where',
  'position',
  'routine',
] as const;
