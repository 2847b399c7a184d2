import { isDatabaseError } from './database.js';

/**
 * A hot standby cancels a read that holds back WAL replay for longer than
 * max_standby_streaming_delay ("canceling statement due to conflict with
 * recovery"): SQLSTATE 40001, or 40P01 for a buffer-pin deadlock with the
 * startup process. https://www.postgresql.org/docs/15/hot-standby.html#HOT-STANDBY-CONFLICT
 * The read did nothing, and by the time it runs again replay has usually
 * moved past the record that needed it out of the way.
 */
const REPLAY_CONFLICT_SQLSTATES = new Set(['40001', '40P01']);

/** Tries of one read that keeps meeting such conflicts, the first included; then ReplicaConflictError. */
export const REPLICA_READ_ATTEMPTS = 3;

export function isReplayConflict(err: unknown): boolean {
  return isDatabaseError(err) && REPLAY_CONFLICT_SQLSTATES.has(err.code ?? '');
}

/**
 * A read on the replica that was cancelled by replay conflicts on every try.
 * The replica is busy applying the primary's changes, not broken: answered
 * 503 `replica_conflict` with Retry-After (plugins/errors-plugin.ts).
 */
export class ReplicaConflictError extends Error {
  constructor(cause: unknown) {
    super(`read cancelled by a conflict with recovery on the replica ${REPLICA_READ_ATTEMPTS} times`, { cause });
    this.name = 'ReplicaConflictError';
  }
}

/**
 * Runs one statement of the read pool again while the replica cancels it for
 * a replay conflict. Only for single statements outside any transaction, on
 * sessions that cannot write (default_transaction_read_only, pg-database.ts):
 * running one again cannot repeat an effect. A few tries, with a small random
 * wait (up to 25, 50 ms) so that the reads of one busy moment do not all come
 * back at the same instant.
 */
export async function retryingReplayConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isReplayConflict(err)) throw err;
      if (attempt >= REPLICA_READ_ATTEMPTS) throw new ReplicaConflictError(err);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));
    }
  }
}
