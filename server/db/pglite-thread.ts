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

/**
 * Starts a thread and resolves once PGlite is open in it. Past `openTimeoutMs`
 * (0 = never) the open fails and the thread is ended: PGlite may hang while
 * opening a damaged or unreachable directory, and the thread answers nothing
 * meanwhile. A thread blocked inside a system call ends only once the call
 * returns (Worker.terminate() stops JavaScript and WebAssembly, not the kernel).
 */
export function startWorker({ openTimeoutMs = 0, ...options }: Omit<WorkerStart, 'clock'> & { openTimeoutMs?: number }): Promise<EngineThread> {
  const start: WorkerStart = { ...options, clock: newEngineClock() };
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: start,
    transferList: start.loadDataDir ? [start.loadDataDir] : [],
    execArgv: [],
  });
  return new Promise<EngineThread>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      worker.off('error', fail);
      worker.off('exit', onExit);
      worker.off('message', onStarted);
    };
    const fail = (err: Error) => {
      settle();
      reject(err);
    };
    const onExit = (code: number) => fail(new Error(`the embedded database's thread exited while starting (code ${code})`));
    const onStarted = (msg: Started) => {
      settle();
      if (msg.started) resolve({ worker, clock: start.clock });
      else {
        reject(fromWire(msg.error));
        void worker.terminate();
      }
    };
    worker.once('error', fail);
    worker.once('exit', onExit);
    worker.once('message', onStarted);
    if (openTimeoutMs > 0) {
      timer = setTimeout(() => {
        fail(new Error(`the embedded database's thread did not open the data directory within ${openTimeoutMs} ms`));
        // Ended, and no longer anyone's: an error it still throws must not go unhandled in this thread.
        worker.on('error', () => undefined);
        void worker.terminate();
      }, openTimeoutMs);
    }
  });
}
