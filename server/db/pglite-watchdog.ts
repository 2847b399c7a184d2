import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite } from '@electric-sql/pglite';

/**
 * How long the embedded database's thread has been inside one statement,
 * readable from the main thread while that thread is stuck in it.
 *
 * PGlite runs a statement as one synchronous call into WebAssembly
 * (`execProtocolRawSync`, once per protocol message; in 0.5.8 the only caller
 * of PostgreSQL's main loop, to be checked on an upgrade): while it runs, the
 * thread answers nothing, so it cannot say how long it has been busy. It
 * writes the request and the start time into shared memory before each such
 * call instead, and clears the request after; the main thread's watchdog
 * (createWatchdog, below) reads them on a timer. Time a request spends waiting
 * in PGlite's own queue (behind an open transaction) is not counted: only
 * the engine's time on one statement is, as PostgreSQL's statement_timeout
 * counts it.
 */

/** [0]: the request running in the engine (0 = none); [1]: when it went in, epoch ms. Both written with Atomics. */
export type EngineClock = BigInt64Array;

export function newEngineClock(): EngineClock {
  return new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
}

// Epoch ms, the same in every thread (performance.now() starts at each thread's own origin).
const now = () => performance.timeOrigin + performance.now();

/**
 * The request whose work is running: set around each request the worker
 * handles, and followed by Node through PGlite's awaits. A transaction's
 * COMMIT runs in the context of the request that began it; the worker points
 * that context at the request that ends it (see pglite-worker.ts).
 */
export const runningRequest = new AsyncLocalStorage<{ id: number }>();

/** In the worker: records each synchronous call into the engine on `clock`. */
export function watchEngine(pg: PGlite, clock: EngineClock): void {
  const run = pg.execProtocolRawSync.bind(pg);
  pg.execProtocolRawSync = (message: Uint8Array) => {
    // The start before the request: a reader that sees the request sees its start.
    Atomics.store(clock, 1, BigInt(Math.round(now())));
    Atomics.store(clock, 0, BigInt(runningRequest.getStore()?.id ?? -1));
    try {
      return run(message);
    } finally {
      Atomics.store(clock, 0, 0n);
    }
  };
}

/** In the main thread: the request in the engine now and for how long; undefined when the engine is idle. -1: none of ours. */
export function engineBusy(clock: EngineClock): { id: number; since: number; ms: number } | undefined {
  const id = Number(Atomics.load(clock, 0));
  if (id === 0) return undefined;
  const since = Number(Atomics.load(clock, 1));
  return { id, since, ms: now() - since };
}

/**
 * The error of a statement the watchdog ended: what PostgreSQL raises when
 * statement_timeout cancels one (SQLSTATE 57014), so that callers and the
 * errors plugin treat it alike (503 query_timeout with Retry-After).
 */
export function statementTimeoutError(): Error {
  return Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014', severity: 'ERROR' });
}

/** pino's logger as the embedded database uses it; 'level' is pino's level name (statements are logged at 'debug' and 'trace'). */
export interface QueryLogger {
  readonly level: string;
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

// The first words of a statement, after the comment a .sql file starts with, name it in the log
// (never its values: they are bound parameters).
export const statementName = (sql: string) =>
  sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);

/** A call waiting on the thread, as the watchdog sees it. */
export interface WatchedCall {
  op: string;
  commit?: boolean;
  /** The statement, when the call is one. */
  what?: string;
  params?: readonly unknown[];
  /** Maintenance run on purpose past the limit (PGliteDatabase.maintain): never ended. */
  unlimited?: boolean;
}

export interface WatchdogHost {
  /** The current thread's clock; undefined while there is none. */
  clock(): EngineClock | undefined;
  call(id: number): WatchedCall | undefined;
  /** On a data directory: fails the call `id` (a COMMIT excepted) and ends the thread. Absent in memory, where nothing is ended. */
  end?: (id: number, limitMs: number) => void;
  log(): QueryLogger | undefined;
}

/**
 * A statement that wedged the thread is refused at once, the same SQL with the same values, for this many times the
 * limit (5 min at the default 30 s) from when the new thread is open (a slow reopen does not eat into it): a client
 * repeating it on every Retry-After would otherwise end the thread, and every other request with it, once per limit.
 * The same statement with other values still runs, unless it wedges the thread again within that time: then the
 * statement is refused whatever its values (clients varying a window or a box would otherwise end the thread as often).
 */
export const WEDGE_REFUSAL_FACTOR = 10;

/** The statement with its values, and the statement alone, as keys; undefined when they cannot be written out (nothing is refused then). */
function wedgeKeys(call: WatchedCall): { values: string; statement: string } | undefined {
  if ((call.op !== 'query' && call.op !== 'exec') || call.what === undefined) return undefined;
  try {
    const values = JSON.stringify([call.what, call.params ?? []], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return { values, statement: JSON.stringify([call.what]) };
  } catch {
    return undefined;
  }
}

/**
 * The watchdog, on a timer while a limit is set: a statement in the engine
 * past it will not be interrupted any other way (PGlite ignores
 * statement_timeout, and its thread answers nothing while in the engine).
 * It fails as PostgreSQL's statement_timeout fails it and the thread is
 * ended (host.end). In memory nothing is ended: the data would go with the
 * thread, and a call failed while its statement runs on could still commit;
 * the statement is only reported, once.
 */
export function createWatchdog(host: WatchdogHost) {
  let limitMs = 0;
  let refusalFactor = WEDGE_REFUSAL_FACTOR;
  let timer: NodeJS.Timeout | undefined;
  /** When the statement last reported in memory (where it runs on) went in: each is reported once. */
  let reportedSince = 0;
  /** Statements that wedged the thread: refused until `until` (Infinity until a new thread is open); `logged` once the first refusal is. */
  const wedged = new Map<string, { until: number; forMs: number; name: string; logged: boolean }>();
  /** Statements (whatever their values) that wedged the thread, remembered as long as a refusal lasts: a second wedge refuses any values. */
  const struck = new Map<string, number>();

  function watch(): void {
    const clock = host.clock();
    const busy = clock && engineBusy(clock);
    if (!busy || limitMs <= 0 || busy.ms <= limitMs) return;
    const call = host.call(busy.id);
    if (call?.unlimited) return;
    // The statement's first words (never its values), or what the thread was doing.
    const name = call?.what === undefined ? (call?.op ?? 'unknown') : statementName(call.what);
    const report = { statement: name, ms: Math.round(busy.ms), limitMs };
    if (!host.end) {
      if (busy.since === reportedSince) return;
      reportedSince = busy.since;
      host.log()?.warn(report, 'a statement ran past the embedded statement timeout; the database is in memory, so it runs on');
      return;
    }
    const keys = call && wedgeKeys(call);
    const refusedForMs = keys === undefined ? 0 : refusalFactor * limitMs;
    let anyValues = false;
    if (keys !== undefined) {
      const now = performance.now();
      for (const [k, entry] of wedged) if (entry.until <= now) wedged.delete(k);
      for (const [k, until] of struck) if (until <= now) struck.delete(k);
      // A second wedge by the statement while the first is remembered: refused whatever its values.
      anyValues = struck.has(keys.statement);
      wedged.set(anyValues ? keys.statement : keys.values, { until: Number.POSITIVE_INFINITY, forMs: refusedForMs, name, logged: false });
      struck.set(keys.statement, Number.POSITIVE_INFINITY);
    }
    host
      .log()
      ?.warn(
        { ...report, refusedForMs, anyValues },
        anyValues
          ? "a statement ran past the embedded statement timeout again; ending the embedded database's thread, and refusing the statement whatever its values for a while"
          : "a statement ran past the embedded statement timeout; ending the embedded database's thread, and refusing the same statement with the same values for a while",
      );
    host.end(busy.id, limitMs);
  }

  return {
    limit(ms: number, factor = WEDGE_REFUSAL_FACTOR): void {
      limitMs = ms;
      refusalFactor = factor;
      clearInterval(timer);
      timer = undefined;
      if (ms <= 0) return;
      // Within a tenth of the limit (at most a second late), without waking often for a long one.
      timer = setInterval(watch, Math.min(1000, Math.max(10, ms / 10)));
      timer.unref();
    },
    /** A new thread is open: the refusals of the statements that wedged the last one start to run out. */
    threadOpened(): void {
      const now = performance.now();
      for (const entry of wedged.values()) if (entry.until === Number.POSITIVE_INFINITY) entry.until = now + entry.forMs;
      for (const [k, until] of struck) if (until === Number.POSITIVE_INFINITY) struck.set(k, now + refusalFactor * limitMs);
    },
    /** The error to fail `call` with at once: the same statement (with the same values, or with any) wedged the thread a moment ago. */
    refusal(call: WatchedCall): Error | undefined {
      if (wedged.size === 0) return undefined;
      const keys = wedgeKeys(call);
      const key = keys && (wedged.has(keys.statement) ? keys.statement : keys.values);
      const entry = key === undefined ? undefined : wedged.get(key);
      if (!entry) return undefined;
      const leftMs = entry.until - performance.now();
      if (leftMs <= 0) {
        wedged.delete(key!);
        return undefined;
      }
      // Once per wedge: a client repeating it every few seconds would fill the log.
      if (!entry.logged) {
        entry.logged = true;
        host
          .log()
          ?.warn(
            { statement: entry.name, leftMs: Math.round(leftMs) },
            'refusing a statement that wedged the embedded database a moment ago (a client repeating it?)',
          );
      }
      return statementTimeoutError();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
