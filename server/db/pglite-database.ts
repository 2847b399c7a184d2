import type { Worker } from 'node:worker_threads';
import { assertChannelName, SERVER_VERSIONS_SQL, type Queryable, type Row, type ServerVersions } from './database.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { createAvailabilityTracker, DatabaseUnavailableError, DataDirectoryUnusableError } from './database-unavailable.js';
import type { Notification, Reply } from './pglite-protocol.js';
import { createRestarter, RESTART_POLICY, type Restarter, type RestartPolicy } from './pglite-restart.js';
import { createCallQueue, type Call } from './pglite-calls.js';
import { pgliteEngine, startWorker, type EngineThread } from './pglite-thread.js';
import { createWatchdog, statementTimeoutError, type QueryLogger } from './pglite-watchdog.js';
import type { PGliteDatabase, PGliteOpenOptions } from './pglite-interface.js';

export type { QueryLogger } from './pglite-watchdog.js';
export type { PGliteDatabase, PGliteOpenOptions } from './pglite-interface.js';

/**
 * Opens PGlite with PostGIS in its thread. With a data directory, the
 * directory is locked first, here in the main thread: PGlite is a
 * single-process engine and two processes writing the same files would
 * corrupt them. Without one (tests), it lives in memory.
 */
export async function openPGlite(dataDir?: string, options: PGliteOpenOptions = {}): Promise<PGliteDatabase> {
  let lock: DataDirLock | undefined;
  if (dataDir) lock = acquireDataDirLock(dataDir);
  const fsync = options.fsync ?? true;
  let thread: EngineThread;
  try {
    const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
    thread = await startWorker({ dataDir, fsync, loadDataDir, engine: await pgliteEngine() });
  } catch (err) {
    lock?.release();
    throw err;
  }
  // A new thread reopens the directory as it is (PGlite replays its WAL, as after a crash), never the tarball it started from.
  // In memory, whatever the thread held died with it: a new thread would silently lose acknowledged writes, so there is none.
  // Only these opens are timed: the first one may create the database, and a process that hangs there has not started serving.
  const policy = { ...RESTART_POLICY, ...options.restart };
  const reopen = dataDir ? async () => startWorker({ dataDir, fsync, engine: await pgliteEngine(), openTimeoutMs: policy.openTimeoutMs }) : undefined;
  return connect(thread, lock, reopen, policy);
}

/** A listen() still wanted: each new thread is asked to listen again. */
interface Subscription {
  channel: string;
  onNotify(payload: string | null): void;
  /** Its id in the thread `generation`, once that thread listens. */
  listener?: number;
  generation?: number;
}

/**
 * The main thread's side of the database thread. When the thread dies
 * (a crash, a WebAssembly abort, terminate()), every call waiting on it
 * fails as on a lost connection and the database is unavailable (503);
 * on a data directory a new thread is opened after a backoff, and once it
 * listens again where the old one did, the database is available again.
 */
function connect(first: EngineThread, lock: DataDirLock | undefined, reopen: (() => Promise<EngineThread>) | undefined, policy: RestartPolicy): PGliteDatabase {
  const availability = createAvailabilityTracker();
  const calls = createCallQueue({ worker: () => worker, log: () => log });
  const subscriptions = new Set<Subscription>();
  /** The current thread's listener ids. */
  const routes = new Map<number, Subscription>();
  let log: QueryLogger | undefined;
  let worker = first.worker;
  /** Which request the current thread's engine is running, since when (pglite-watchdog.ts). */
  let clock = first.clock;
  /** Which thread this is: a transaction lives and dies with the thread that began it. */
  let generation = 0;
  let startedAt = performance.now();
  /** Set while there is no thread: every call fails with it at once. */
  let down: DatabaseUnavailableError | undefined;
  let downSince = 0;
  let closing = false;
  let versions: ServerVersions | undefined;

  function attach(w: Worker): void {
    const threadId = w.threadId;
    // The thread must not keep a finished process alive, yet a process awaiting an answer must wait for it.
    w.unref();
    w.on('message', (msg: Reply | Notification) => {
      if (w !== worker) return;
      if ('notify' in msg) routes.get(msg.notify)?.onNotify(msg.payload);
      else calls.answer(msg);
    });
    // An uncaught error's message may quote a statement: only its name goes to the log.
    w.on('error', (err: Error) => die(w, threadId, new Error(`the embedded database's thread failed: ${err.message}`, { cause: err }), `uncaught ${err.name}`));
    w.on('exit', (code) => die(w, threadId, new Error(`the embedded database's thread exited (code ${code})`), `exit code ${code}`));
  }

  function die(w: Worker, threadId: number, cause: Error, reason: string): void {
    if (w !== worker || down) return;
    down = new DatabaseUnavailableError(cause);
    downSince = performance.now();
    // Closed on purpose: no call may wait forever, but there is nothing to report or restart.
    if (!closing) availability.failed(down);
    calls.failAll(cause, down);
    routes.clear();
    if (closing) return;
    if (!reopen) {
      log?.warn({ threadId, reason }, "the embedded database's thread died; the database was in memory, so it is gone until the process restarts");
      return;
    }
    const retryInMs = restarter!.died(performance.now() - startedAt);
    log?.warn({ threadId, reason, retryInMs }, "the embedded database's thread died; opening a new one on the data directory");
  }

  /** A new thread opened on the data directory (pglite-restart.ts): ready once it listens where the old one did. */
  async function adopt(thread: EngineThread, attempts: number): Promise<boolean> {
    const w = thread.worker;
    worker = w;
    clock = thread.clock;
    generation++;
    startedAt = performance.now();
    attach(w);
    down = undefined;
    // Listen again before saying the database is back: whoever catches up on `available` then misses no notification.
    for (const sub of subscriptions) {
      try {
        await listenIn(sub);
      } catch (err) {
        if (down) return false; // this thread died too: die() has scheduled the next attempt
        log?.warn({ channel: sub.channel, reason: (err as Error).message }, 'listening again on the new embedded database thread failed');
      }
    }
    if (down) return false;
    log?.info({ threadId: w.threadId, attempts, downMs: Math.round(performance.now() - downSince) }, "the embedded database's thread restarted");
    availability.reachable();
    watchdog.threadOpened();
    // Notifications sent while there was no thread are gone: listeners catch up from the data itself.
    for (const sub of subscriptions) sub.onNotify(null);
    return true;
  }

  const restarter: Restarter | undefined = reopen
    ? createRestarter(policy, {
        open: reopen,
        adopt,
        giveUp(cause, attempts) {
          // Answered data_directory_unusable from now on, until a thread opens.
          down = new DataDirectoryUnusableError(cause, attempts);
        },
        log: () => log,
      })
    : undefined;

  // See createWatchdog: on a data directory the wedged call fails as on PostgreSQL's statement_timeout and the thread is
  // ended, so every other call fails as on a lost connection (die), a COMMIT in flight "may or may not have happened",
  // and a new thread is opened.
  const watchdog = createWatchdog({
    clock: () => (down ? undefined : clock),
    call: calls.get,
    end: reopen
      ? (id, limitMs) => {
          const call = calls.get(id);
          // A COMMIT it wedged fails with the others, as "may or may not have happened".
          if (call && !(call.op === 'end' && call.commit)) calls.fail(id, statementTimeoutError());
          const w = worker;
          die(w, w.threadId, new Error(`the embedded database's thread was ended: a statement ran past ${limitMs} ms`), 'statement timeout');
          void w.terminate();
        }
      : undefined,
    log: () => log,
  });

  function call<T>(request: Call, what?: string, unlimited?: boolean): Promise<T> {
    if (down) return Promise.reject(down);
    const refused = watchdog.refusal({ op: request.op, what, params: request.op === 'query' ? request.params : undefined });
    if (refused) return Promise.reject(refused);
    return calls.send<T>(request, what, unlimited);
  }

  /** A call in the transaction `tx` of thread `txGeneration`: if that thread died, so did the transaction (never committed). */
  function callIn<T>(txGeneration: number, request: Call, what: string): Promise<T> {
    if (txGeneration !== generation && !down) {
      return Promise.reject(new DatabaseUnavailableError(new Error("the embedded database's thread this transaction was open in is gone")));
    }
    return call<T>(request, what);
  }

  async function listenIn(sub: Subscription): Promise<void> {
    const listener = await call<number>({ op: 'listen', channel: sub.channel });
    sub.listener = listener;
    sub.generation = generation;
    routes.set(listener, sub);
  }

  const queryable = (tx?: number, txGeneration = generation): Queryable => ({
    query: <T = Row>(sql: string, params: readonly unknown[] = []) => callIn<T[]>(txGeneration, { op: 'query', sql, params, tx }, sql),
    exec: (sql: string) => callIn<void>(txGeneration, { op: 'exec', sql, tx }, sql),
  });

  attach(first.worker);
  const db: PGliteDatabase = {
    backend: 'pglite',
    availability,
    get thread() {
      return worker;
    },
    query: (sql, params = []) => call({ op: 'query', sql, params }, sql),
    exec: (sql) => call({ op: 'exec', sql }, sql),
    maintain: (sql) => call({ op: 'exec', sql }, sql, true),
    // PGlite's own transaction, held open in the thread until `work` settles; statements outside it wait behind it.
    async transaction(work) {
      const txGeneration = generation;
      const tx = await call<number>({ op: 'begin' }, 'BEGIN');
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await work(queryable(tx, txGeneration));
      } catch (err) {
        // The thread may be gone already; the caller hears of `err`, not of the rollback.
        await callIn(txGeneration, { op: 'end', tx, commit: false }, 'ROLLBACK').catch(() => undefined);
        throw err;
      }
      await callIn(txGeneration, { op: 'end', tx, commit: true }, 'COMMIT');
      return result;
    },
    withExclusiveLock: (_key, work) => work(db),
    // PGlite delivers a NOTIFY to its own listeners when the notifying
    // transaction commits, as PostgreSQL does (tests/db/listen.test.ts), so
    // both backends share one delivery path.
    async listen(channel, onNotify) {
      assertChannelName(channel);
      const sub: Subscription = { channel, onNotify };
      await listenIn(sub);
      subscriptions.add(sub);
      return async () => {
        subscriptions.delete(sub);
        if (sub.listener === undefined) return;
        routes.delete(sub.listener);
        if (!down && sub.generation === generation) await call({ op: 'unlisten', listener: sub.listener });
      };
    },
    // Asked once: afterwards health answers while a long statement runs, as long as there is a thread.
    async serverVersions() {
      if (down) throw down;
      versions ??= (await db.query<ServerVersions>(SERVER_VERSIONS_SQL))[0]!;
      return versions;
    },
    dumpDataDir: async () => new Blob([await call<ArrayBuffer>({ op: 'dump' })]),
    flushedToDisk: () => call<number>({ op: 'flushed' }),
    useLogger(logger) {
      log = logger;
    },
    limitStatements(ms, refusalFactor) {
      if (!closing) watchdog.limit(ms, refusalFactor);
    },
    // An intentional close: no new thread after it, even if one was due.
    async close() {
      if (closing) return;
      closing = true;
      const restarts = restarter?.stop();
      watchdog.stop();
      try {
        if (!down) await call({ op: 'close' });
      } finally {
        await restarts;
        await worker.terminate();
        lock?.release();
      }
    },
  };
  return db;
}
