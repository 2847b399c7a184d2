import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scrubDatabaseError } from './database-errors.js';
import type { Started, WireError, WorkerStart } from './pglite-protocol.js';
import { newEngineClock, type EngineClock } from './pglite-watchdog.js';

/**
 * Starting the embedded database's thread (pglite-worker.ts), for the first
 * open and for each restart after the thread died (pglite-database.ts).
 */

const WORKER_URL = new URL('./pglite-worker.ts', import.meta.url);
// The worker is TypeScript: it registers tsx itself, whether this process runs under it
// (`node --import tsx`) or not (vitest transforms test files itself, but not a worker's).
// Node 20 does not apply `--import` hooks to a worker's entry module, hence the bootstrap.
const TSX_API = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;

/** An error from the worker as the Error the pg backend would throw: SQLSTATE and fields kept, values scrubbed. */
export function fromWire(wire: WireError): Error {
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
export function pgliteEngine(): Promise<WebAssembly.Module> {
  compiledEngine ??= readFile(PGLITE_WASM).then((bytes) => WebAssembly.compile(bytes));
  return compiledEngine;
}

/** A database thread and the clock it keeps of the statement it is running (pglite-watchdog.ts). */
export interface EngineThread {
  worker: Worker;
  clock: EngineClock;
}

/** Starts a thread and resolves once PGlite is open in it. */
export function startWorker(options: Omit<WorkerStart, 'clock'>): Promise<EngineThread> {
  const start: WorkerStart = { ...options, clock: newEngineClock() };
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: start,
    transferList: start.loadDataDir ? [start.loadDataDir] : [],
    execArgv: [],
  });
  return new Promise<EngineThread>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database's thread exited while starting (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (msg: Started) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (msg.started) resolve({ worker, clock: start.clock });
      else {
        reject(fromWire(msg.error));
        void worker.terminate();
      }
    });
  });
}

/** When to open a new thread after one died (see createRestartBackoff), and when to stop saying "restarting". */
export interface RestartPolicy {
  firstMs: number;
  maxMs: number;
  /** A thread that lived this long was healthy: the next wait starts over. */
  stableMs: number;
  /**
   * After this many opens in a row that failed, the data directory needs an
   * operator: the database answers data_directory_unusable instead of
   * database_unavailable, and the server goes on trying every maxMs.
   */
  giveUpAfter: number;
}

/** Five failed opens: 15.5 s of waits between them (0.5 + 1 + 2 + 4 + 8 s) and each open's own seconds, past any slow WAL replay. */
export const RESTART_POLICY: RestartPolicy = { firstMs: 500, maxMs: 20_000, stableMs: 60_000, giveUpAfter: 5 };

/**
 * How long to wait before opening a new thread after one died: half a
 * second, doubled after each death that follows closely on the last restart,
 * so that a thread that dies as it starts (a damaged data directory, memory
 * exhausted) is retried every 20 s rather than in a hot loop.
 */
export function createRestartBackoff({ firstMs, maxMs, stableMs }: Omit<RestartPolicy, 'giveUpAfter'> = RESTART_POLICY) {
  let nextMs = firstMs;
  return {
    /** The wait before the next attempt; `livedMs`: how long the thread that died had run (a long life starts over). */
    next(livedMs = 0): number {
      if (livedMs >= stableMs) nextMs = firstMs;
      const wait = nextMs;
      nextMs = Math.min(nextMs * 2, maxMs);
      return wait;
    },
  };
}
