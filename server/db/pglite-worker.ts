/**
 * The embedded database's own thread. PGlite runs each statement
 * synchronously; here that blocks only this thread, never the HTTP server's
 * event loop (health checks, the live stream, static files). It answers the
 * main thread's requests (pglite-protocol.ts) one statement at a time, as
 * PGlite itself queues them: a request outside a transaction waits behind
 * an open one, as on a single connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { scrubDatabaseError } from './database-errors.js';
import { flushedToDisk } from './pglite-durability.js';
import { PGLITE_PARSERS, startPGlite } from './pglite-engine.js';
import { ERROR_FIELDS, type Reply, type Request, type Started, type WireError, type WorkerStart } from './pglite-protocol.js';
import { runningRequest, watchEngine } from './pglite-watchdog.js';

const port = parentPort!;
const start = workerData as WorkerStart;

/** Scrubbed of the statement and its values (database-errors.ts) before it leaves the thread. */
function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  scrubDatabaseError(err);
  const wire: WireError = { name: err.name, message: err.message };
  for (const field of ERROR_FIELDS) {
    const value = (err as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') wire[field] = value;
  }
  return wire;
}

interface OpenTransaction {
  tx: Transaction;
  /** The request context its COMMIT or ROLLBACK runs in (begin's): 'end' names itself there, for the watchdog. */
  context: { id: number } | undefined;
  end(commit: boolean): void;
  /** Settles when PGlite has committed or rolled back. */
  done: Promise<void>;
}

const transactions = new Map<number, OpenTransaction>();
const unlisteners = new Map<number, () => Promise<void>>();
let nextId = 1;

/** Runs BEGIN through PGlite's own transaction, held open until the main thread ends it. */
function begin(pg: PGlite): Promise<number> {
  const txId = nextId++;
  const context = runningRequest.getStore();
  return new Promise<number>((begun, failed) => {
    let started = false;
    const done = pg.transaction(async (tx) => {
      const ended = new Promise<boolean>((end) => {
        transactions.set(txId, { tx, context, end, done });
      });
      started = true;
      begun(txId);
      if (!(await ended)) await tx.rollback();
    });
    done.catch((err: unknown) => {
      if (!started) failed(err);
    });
    // `done` is awaited again by 'end'; this catch only keeps a failed BEGIN from going unhandled.
  });
}

async function handle(pg: PGlite, req: Request): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  const target = (tx?: number) => {
    if (tx === undefined) return pg;
    const open = transactions.get(tx);
    if (!open) throw new Error('the transaction is already over');
    return open.tx;
  };
  switch (req.op) {
    case 'query':
      return { value: (await target(req.tx).query(req.sql, req.params as unknown[], { parsers: PGLITE_PARSERS })).rows };
    case 'exec':
      await target(req.tx).exec(req.sql);
      return { value: undefined };
    case 'begin':
      return { value: await begin(pg) };
    case 'end': {
      const open = transactions.get(req.tx);
      if (!open) throw new Error('the transaction is already over');
      if (open.context) open.context.id = req.id;
      open.end(req.commit);
      try {
        await open.done;
      } finally {
        transactions.delete(req.tx);
      }
      return { value: undefined };
    }
    case 'listen': {
      const listener = nextId++;
      unlisteners.set(listener, await pg.listen(req.channel, (payload) => port.postMessage({ notify: listener, payload })));
      return { value: listener };
    }
    case 'unlisten': {
      const unlisten = unlisteners.get(req.listener);
      unlisteners.delete(req.listener);
      await unlisten?.();
      return { value: undefined };
    }
    case 'dump': {
      const bytes = await (await pg.dumpDataDir('none')).arrayBuffer();
      return { value: bytes, transfer: [bytes] };
    }
    case 'flushed':
      return { value: flushedToDisk() };
    case 'close':
      await pg.close();
      return { value: undefined };
  }
}

try {
  const pg = await startPGlite({ ...start, loadDataDir: start.loadDataDir ? new Blob([start.loadDataDir]) : undefined });
  watchEngine(pg, start.clock);
  port.on('message', (req: Request) => {
    const t0 = performance.now();
    runningRequest
      .run({ id: req.id }, () => handle(pg, req))
      .then(
        ({ value, transfer }) => port.postMessage({ id: req.id, ok: true, value, ms: performance.now() - t0 } satisfies Reply, transfer ?? []),
        (err: unknown) => port.postMessage({ id: req.id, ok: false, error: toWire(err), ms: performance.now() - t0 } satisfies Reply),
      );
  });
  port.postMessage({ started: true } satisfies Started);
} catch (err) {
  port.postMessage({ started: false, error: toWire(err) } satisfies Started);
}
