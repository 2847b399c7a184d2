import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assertChannelName, SERVER_VERSIONS_SQL, type Database, type Queryable, type Row, type ServerVersions } from './database.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { scrubDatabaseError } from './database-errors.js';
import { createAvailabilityTracker, DatabaseUnavailableError } from './database-unavailable.js';
import type { Notification, Reply, Request, Started, WireError, WorkerStart } from './pglite-protocol.js';

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
  /** The thread PGlite runs in: ending it is how tests crash the embedded database. */
  readonly thread: Pick<Worker, 'threadId' | 'terminate'>;
  /** Logs each statement's time and the queue in front of it at debug level. */
  useLogger(log: QueryLogger): void;
}

export interface QueryLogger {
  /** pino's level name: statements are logged at 'debug' and 'trace'. */
  readonly level: string;
  debug(obj: object, msg: string): void;
}

export interface PGliteOpenOptions {
  /** Start from this tarball (from dumpDataDir) instead of a fresh initdb: seconds instead of a minute. */
  loadDataDir?: Blob;
  /** Flush each commit to disk (default true; see pglite-durability.ts). Ignored in memory. */
  fsync?: boolean;
}

const WORKER_URL = new URL('./pglite-worker.ts', import.meta.url);
// The worker is TypeScript: it registers tsx itself, whether this process runs under it
// (`node --import tsx`) or not (vitest transforms test files itself, but not a worker's).
// Node 20 does not apply `--import` hooks to a worker's entry module, hence the bootstrap.
const TSX_API = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;

/** An error from the worker as the Error the pg backend would throw: SQLSTATE and fields kept, values scrubbed. */
function fromWire(wire: WireError): Error {
  const { name, message, ...fields } = wire;
  const err = Object.assign(new Error(message), fields);
  if (name !== 'Error') err.name = name;
  return scrubDatabaseError(err);
}

const PGLITE_WASM = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
let compiledEngine: Promise<WebAssembly.Module> | undefined;

/**
 * PGlite's engine compiled once per process and handed to every database
 * thread: PGlite keeps its compiled module per thread, so each new thread
 * would compile the same ~9 MB of WebAssembly again (about 1.5 s of CPU per
 * open, which a test run pays for every database it opens).
 */
function pgliteEngine(): Promise<WebAssembly.Module> {
  compiledEngine ??= readFile(PGLITE_WASM).then((bytes) => WebAssembly.compile(bytes));
  return compiledEngine;
}

function startWorker(start: WorkerStart): Promise<Worker> {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: start,
    transferList: start.loadDataDir ? [start.loadDataDir] : [],
    execArgv: [],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database's thread exited while starting (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (msg: Started) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (msg.started) resolve(worker);
      else {
        reject(fromWire(msg.error));
        void worker.terminate();
      }
    });
  });
}

/**
 * Opens PGlite with PostGIS in its thread. With a data directory, the
 * directory is locked first, here in the main thread: PGlite is a
 * single-process engine and two processes writing the same files would
 * corrupt them. Without one (tests), it lives in memory.
 */
export async function openPGlite(dataDir?: string, options: PGliteOpenOptions = {}): Promise<PGliteDatabase> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = acquireDataDirLock(dataDir);
  let worker: Worker;
  try {
    const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
    worker = await startWorker({ dataDir, fsync: options.fsync ?? true, loadDataDir, engine: await pgliteEngine() });
  } catch (err) {
    lock?.release();
    throw err;
  }
  return connect(worker, lock);
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  op: Request['op'];
  commit?: boolean;
  /** For the debug log: the statement (shortened only when logged), when it was sent and how many requests were ahead of it. */
  what?: string;
  sent: number;
  queued: number;
}
type Call = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

// The first words of a statement, after the comment a .sql file starts with, name it in the debug
// log (never its values: they are bound parameters).
const statement = (sql: string) =>
  sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);

function connect(worker: Worker, lock: DataDirLock | undefined): PGliteDatabase {
  const availability = createAvailabilityTracker();
  const pending = new Map<number, Pending>();
  const listeners = new Map<number, (payload: string) => void>();
  let nextId = 1;
  let log: QueryLogger | undefined;
  /** Set once the thread is gone: every call from then on fails with it. */
  let dead: DatabaseUnavailableError | undefined;
  let closing = false;
  let versions: ServerVersions | undefined;

  // The thread must not keep a finished process alive, yet a process awaiting an answer must wait for it.
  worker.unref();
  worker.on('message', (msg: Reply | Notification) => {
    if ('notify' in msg) {
      listeners.get(msg.notify)?.(msg.payload);
      return;
    }
    const call = pending.get(msg.id);
    if (!call) return;
    pending.delete(msg.id);
    if (pending.size === 0) worker.unref();
    if (log && call.what !== undefined && (log.level === 'debug' || log.level === 'trace')) {
      // ms: from sending to the answer (the wait included); run_ms: the thread's time on it; queued: requests ahead of it.
      const ms = Math.round(performance.now() - call.sent);
      log.debug({ statement: statement(call.what), ms, run_ms: Math.round(msg.ms), queued: call.queued, ok: msg.ok }, 'embedded database statement');
    }
    if (msg.ok) call.resolve(msg.value);
    else call.reject(fromWire(msg.error));
  });
  const die = (cause: Error) => {
    if (dead) return;
    dead = new DatabaseUnavailableError(cause);
    availability.failed(dead);
    for (const call of pending.values()) {
      // A COMMIT sent but not answered may or may not have happened.
      call.reject(call.op === 'end' && call.commit ? new DatabaseUnavailableError(cause, true) : dead);
    }
    pending.clear();
    listeners.clear();
    lock?.release();
  };
  worker.on('error', (err: Error) => die(new Error(`the embedded database's thread failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => {
    if (!closing) die(new Error(`the embedded database's thread exited (code ${code})`));
  });

  function call<T>(request: Call, what?: string): Promise<T> {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    if (pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      const commit = request.op === 'end' ? request.commit : undefined;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, op: request.op, commit, what, sent: performance.now(), queued: pending.size });
      try {
        worker.postMessage({ ...request, id } as Request);
      } catch (err) {
        // A parameter that cannot be cloned (a function, a class with private state): nothing was sent.
        pending.delete(id);
        if (pending.size === 0) worker.unref();
        reject(err as Error);
      }
    });
  }

  const queryable = (tx?: number): Queryable => ({
    query: <T = Row>(sql: string, params: readonly unknown[] = []) => call<T[]>({ op: 'query', sql, params, tx }, sql),
    exec: (sql: string) => call<void>({ op: 'exec', sql, tx }, sql),
  });

  const db: PGliteDatabase = {
    backend: 'pglite',
    availability,
    thread: worker,
    ...queryable(),
    // PGlite's own transaction, held open in the thread until `work` settles; statements outside it wait behind it.
    async transaction(work) {
      const tx = await call<number>({ op: 'begin' }, 'BEGIN');
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(queryable(tx));
      } catch (err) {
        // The thread may be gone already; the caller hears of `err`, not of the rollback.
        await call({ op: 'end', tx, commit: false }, 'ROLLBACK').catch(() => undefined);
        throw err;
      }
      await call({ op: 'end', tx, commit: true }, 'COMMIT');
      return result;
    },
    withExclusiveLock: (_key, work) => work(db),
    // PGlite delivers a NOTIFY to its own listeners when the notifying
    // transaction commits, as PostgreSQL does (tests/db/listen.test.ts), so
    // both backends share one delivery path.
    async listen(channel, onNotify) {
      assertChannelName(channel);
      const listener = await call<number>({ op: 'listen', channel });
      listeners.set(listener, onNotify);
      return async () => {
        listeners.delete(listener);
        if (!dead) await call({ op: 'unlisten', listener });
      };
    },
    // Asked once: afterwards health answers while a long statement runs, as long as the thread lives.
    async serverVersions() {
      if (dead) throw dead;
      versions ??= (await db.query<ServerVersions>(SERVER_VERSIONS_SQL))[0]!;
      return versions;
    },
    dumpDataDir: async () => new Blob([await call<ArrayBuffer>({ op: 'dump' })]),
    flushedToDisk: () => call<number>({ op: 'flushed' }),
    useLogger(logger) {
      log = logger;
    },
    async close() {
      if (dead) return;
      try {
        await call({ op: 'close' });
      } finally {
        closing = true;
        await worker.terminate();
        lock?.release();
      }
    },
  };
  return db;
}
