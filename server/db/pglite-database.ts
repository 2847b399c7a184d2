import type { Worker } from 'node:worker_threads';
import { assertChannelName, SERVER_VERSIONS_SQL, type Database, type Queryable, type Row, type ServerVersions } from './database.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { createAvailabilityTracker, DatabaseUnavailableError, DataDirectoryUnusableError } from './database-unavailable.js';
import type { Notification, Reply, Request } from './pglite-protocol.js';
import { createRestartBackoff, fromWire, pgliteEngine, RESTART_POLICY, startWorker, type EngineThread, type RestartPolicy } from './pglite-thread.js';
import { engineBusy, statementTimeoutError } from './pglite-watchdog.js';

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
   * again on the data directory (see connect). In memory the statement is
   * only reported: ending the thread would end the data with it. `serve`
   * sets it once the demo city is built; maintenance never does.
   */
  limitStatements(ms: number): void;
}

export interface QueryLogger {
  /** pino's level name: statements are logged at 'debug' and 'trace'. */
  readonly level: string;
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PGliteOpenOptions {
  /** Start from this tarball (from dumpDataDir) instead of a fresh initdb: seconds instead of a minute. */
  loadDataDir?: Blob;
  /** Flush each commit to disk (default true; see pglite-durability.ts). Ignored in memory. */
  fsync?: boolean;
  /** When to open a new thread after one died, and when to say the data directory needs an operator (tests shorten it). */
  restart?: Partial<RestartPolicy>;
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
  const reopen = dataDir ? async () => startWorker({ dataDir, fsync, engine: await pgliteEngine() }) : undefined;
  return connect(thread, lock, reopen, options.restart);
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
function connect(
  first: EngineThread,
  lock: DataDirLock | undefined,
  reopen: (() => Promise<EngineThread>) | undefined,
  restartPolicy: Partial<RestartPolicy> = {},
): PGliteDatabase {
  const availability = createAvailabilityTracker();
  const pending = new Map<number, Pending>();
  const subscriptions = new Set<Subscription>();
  /** The current thread's listener ids. */
  const routes = new Map<number, Subscription>();
  const policy = { ...RESTART_POLICY, ...restartPolicy };
  const backoff = createRestartBackoff(policy);
  // Ids are never reused across threads, so a late answer can never settle a newer call.
  let nextId = 1;
  let log: QueryLogger | undefined;
  let worker = first.worker;
  /** Which request the current thread's engine is running, since when (pglite-watchdog.ts). */
  let clock = first.clock;
  let watchdog: NodeJS.Timeout | undefined;
  let limitMs = 0;
  /** When the statement last reported in memory (where it runs on) went in: each is reported once. */
  let reportedSince = 0;
  /** Which thread this is: a transaction lives and dies with the thread that began it. */
  let generation = 0;
  let startedAt = performance.now();
  /** Set while there is no thread: every call fails with it at once. */
  let down: DatabaseUnavailableError | undefined;
  let downSince = 0;
  let attempts = 0;
  /** Set after policy.giveUpAfter failed opens in a row, until one succeeds. */
  let gaveUp = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  let closing = false;
  let versions: ServerVersions | undefined;

  const onMessage = (msg: Reply | Notification) => {
    if ('notify' in msg) {
      routes.get(msg.notify)?.onNotify(msg.payload);
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
  };

  function attach(w: Worker): void {
    const threadId = w.threadId;
    // The thread must not keep a finished process alive, yet a process awaiting an answer must wait for it.
    w.unref();
    w.on('message', (msg: Reply | Notification) => {
      if (w === worker) onMessage(msg);
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
    for (const call of pending.values()) {
      // A COMMIT sent but not answered may or may not have happened.
      call.reject(call.op === 'end' && call.commit ? new DatabaseUnavailableError(cause, true) : down);
    }
    pending.clear();
    routes.clear();
    if (closing) return;
    if (!reopen) {
      log?.warn({ threadId, reason }, "the embedded database's thread died; the database was in memory, so it is gone until the process restarts");
      return;
    }
    const retryInMs = backoff.next(performance.now() - startedAt);
    log?.warn({ threadId, reason, retryInMs }, "the embedded database's thread died; opening a new one on the data directory");
    scheduleRestart(retryInMs);
  }

  function scheduleRestart(delayMs: number): void {
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    }, delayMs);
    restartTimer.unref();
  }

  async function restart(): Promise<void> {
    attempts++;
    let w: Worker;
    try {
      ({ worker: w, clock } = await reopen!());
    } catch (err) {
      if (closing) return;
      // Errors from the thread are scrubbed of values (fromWire).
      const reason = (err as Error).message;
      if (attempts >= policy.giveUpAfter) {
        // Answered data_directory_unusable from now on, until a thread opens.
        down = new DataDirectoryUnusableError(err, attempts);
        // Once, at error level: from here on only an operator helps.
        if (!gaveUp) {
          log?.error(
            { attempts, retryInMs: policy.maxMs, reason },
            "the embedded database's data directory cannot be opened (check GRIDSCOPE_DATA_DIR: free disk space, permissions, damaged files); trying again every " +
              `${policy.maxMs / 1000} s`,
          );
        }
        gaveUp = true;
      }
      const retryInMs = gaveUp ? policy.maxMs : backoff.next();
      if (!gaveUp) log?.warn({ attempts, retryInMs, reason }, 'opening a new embedded database thread failed; trying again');
      scheduleRestart(retryInMs);
      return;
    }
    if (closing) {
      await w.terminate();
      return;
    }
    worker = w;
    generation++;
    startedAt = performance.now();
    attach(w);
    down = undefined;
    // Listen again before saying the database is back: whoever catches up on `available` then misses no notification.
    for (const sub of subscriptions) {
      try {
        await listenIn(sub);
      } catch (err) {
        if (down) return; // this thread died too: die() has scheduled the next attempt
        log?.warn({ channel: sub.channel, reason: (err as Error).message }, 'listening again on the new embedded database thread failed');
      }
    }
    if (down) return;
    log?.info({ threadId: w.threadId, attempts, downMs: Math.round(performance.now() - downSince) }, "the embedded database's thread restarted");
    attempts = 0;
    gaveUp = false;
    availability.reachable();
    // Notifications sent while there was no thread are gone: listeners catch up from the data itself.
    for (const sub of subscriptions) sub.onNotify(null);
  }

  /**
   * The watchdog, on a timer while a limit is set: a statement in the engine
   * past it will not be interrupted any other way (PGlite ignores
   * statement_timeout, and its thread answers nothing while in the engine).
   * It fails as PostgreSQL's statement_timeout fails it; the thread is ended,
   * so every other call fails as on a lost connection (die), a COMMIT in
   * flight "may or may not have happened", and a new thread is opened on the
   * data directory. In memory nothing is ended: the data would go with the
   * thread, and a call failed while its statement runs on could still commit.
   */
  function watch(): void {
    const busy = down ? undefined : engineBusy(clock);
    if (!busy || limitMs <= 0 || busy.ms <= limitMs) return;
    const call = pending.get(busy.id);
    // The statement's first words (never its values: they are bound parameters), or what the thread was doing.
    const report = { statement: call?.what === undefined ? (call?.op ?? 'unknown') : statement(call.what), ms: Math.round(busy.ms), limitMs };
    if (!reopen) {
      if (busy.since === reportedSince) return;
      reportedSince = busy.since;
      log?.warn(report, 'a statement ran past the embedded statement timeout; the database is in memory, so it runs on');
      return;
    }
    log?.warn(report, "a statement ran past the embedded statement timeout; ending the embedded database's thread");
    if (call && !(call.op === 'end' && call.commit)) {
      pending.delete(busy.id);
      call.reject(statementTimeoutError());
    }
    const w = worker;
    die(w, w.threadId, new Error(`the embedded database's thread was ended: a statement ran past ${limitMs} ms`), 'statement timeout');
    void w.terminate();
  }

  function call<T>(request: Call, what?: string): Promise<T> {
    if (down) return Promise.reject(down);
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
    limitStatements(ms) {
      limitMs = ms;
      clearInterval(watchdog);
      watchdog = undefined;
      if (ms <= 0 || closing) return;
      // Within a tenth of the limit (at most a second late), without waking often for a long one.
      watchdog = setInterval(watch, Math.min(1000, Math.max(10, ms / 10)));
      watchdog.unref();
    },
    // An intentional close: no new thread after it, even if one was due.
    async close() {
      if (closing) return;
      closing = true;
      clearTimeout(restartTimer);
      clearInterval(watchdog);
      try {
        if (!down) await call({ op: 'close' });
      } finally {
        await restarting;
        await worker.terminate();
        lock?.release();
      }
    },
  };
  return db;
}
