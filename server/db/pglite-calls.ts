import type { Worker } from 'node:worker_threads';
import { DatabaseUnavailableError } from './database-unavailable.js';
import type { Reply, Request } from './pglite-protocol.js';
import { fromWire } from './pglite-thread.js';
import { statementName, type QueryLogger } from './pglite-watchdog.js';

/**
 * The calls waiting on the embedded database's thread (pglite-database.ts):
 * what was sent, in order, and the answers matched back to them.
 */

export interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  op: Request['op'];
  commit?: boolean;
  /** For the debug log: the statement (shortened only when logged), when it was sent and how many requests were ahead of it. */
  what?: string;
  /** Its values: the watchdog refuses a statement that wedged the thread with the same ones. */
  params?: readonly unknown[];
  /** Maintenance (the daily VACUUM): the watchdog lets it run past the limit. */
  unlimited?: boolean;
  sent: number;
  queued: number;
}

/** A request before it has its id. */
export type Call = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export function createCallQueue(host: { worker(): Worker; log(): QueryLogger | undefined }) {
  const pending = new Map<number, Pending>();
  // Ids are never reused across threads, so a late answer can never settle a newer call.
  let nextId = 1;

  // The thread must not keep a finished process alive, yet a process awaiting an answer must wait for it.
  const settled = () => {
    if (pending.size === 0) host.worker().unref();
  };

  return {
    get: (id: number) => pending.get(id),

    /** Sends `request` to the current thread; settles with its answer. `what`: the statement, for the log. */
    send<T>(request: Call, what?: string, unlimited?: boolean): Promise<T> {
      const id = nextId++;
      const worker = host.worker();
      if (pending.size === 0) worker.ref();
      const params = request.op === 'query' ? request.params : undefined;
      const commit = request.op === 'end' ? request.commit : undefined;
      return new Promise<T>((resolve, reject) => {
        const queued = pending.size;
        pending.set(id, {
          resolve: resolve as (value: unknown) => void,
          reject,
          op: request.op,
          commit,
          what,
          params,
          unlimited,
          sent: performance.now(),
          queued,
        });
        try {
          worker.postMessage({ ...request, id } as Request);
        } catch (err) {
          // A parameter that cannot be cloned (a function, a class with private state): nothing was sent.
          pending.delete(id);
          settled();
          reject(err as Error);
        }
      });
    },

    /** The current thread's answer to a call. */
    answer(msg: Reply): void {
      const call = pending.get(msg.id);
      if (!call) return;
      pending.delete(msg.id);
      settled();
      const log = host.log();
      if (log && call.what !== undefined && (log.level === 'debug' || log.level === 'trace')) {
        // ms: from sending to the answer (the wait included); run_ms: the thread's time on it; queued: requests ahead of it.
        const ms = Math.round(performance.now() - call.sent);
        log.debug({ statement: statementName(call.what), ms, run_ms: Math.round(msg.ms), queued: call.queued, ok: msg.ok }, 'embedded database statement');
      }
      if (msg.ok) call.resolve(msg.value);
      else call.reject(fromWire(msg.error));
    },

    /** Fails the call `id` now, whatever the thread answers later. */
    fail(id: number, err: Error): void {
      const call = pending.get(id);
      if (!call) return;
      pending.delete(id);
      call.reject(err);
    },

    /** The thread died of `cause`: every call fails with `down`, a COMMIT sent but not answered as "may or may not have happened". */
    failAll(cause: Error, down: DatabaseUnavailableError): void {
      for (const call of pending.values()) call.reject(call.op === 'end' && call.commit ? new DatabaseUnavailableError(cause, true) : down);
      pending.clear();
    },
  };
}
