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
 * (pglite-database.ts) reads them on a timer. Time a request spends waiting
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
