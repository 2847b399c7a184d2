import type { ReplicaState } from '../repositories/replica-repository.js';

/** What /api/health says of the read replica. No address, user or password: only what a balancer or an operator acts on. */
export interface ReplicaHealth extends Partial<ReplicaState> {
  reachable: boolean;
  /** When the replica was last asked (answers are kept for REPLICA_PROBE_CACHE_MS). */
  checked_at: string;
}

/**
 * A balancer may ask for health every second from every node: the replica is
 * asked at most once per this many ms, whatever the number of health calls.
 */
export const REPLICA_PROBE_CACHE_MS = 5_000;

/**
 * How long health waits for the replica. A replica host that vanished
 * without closing its sockets would keep the read pool's connection attempt
 * waiting for its 10 s connection timeout; health must answer well before a
 * balancer gives up on it.
 */
export const REPLICA_PROBE_TIMEOUT_MS = 1_000;

export interface ReplicaProbeOptions {
  cacheMs?: number;
  timeoutMs?: number;
  /** Told why the replica did not answer (for the log). */
  onFailure?: (err: unknown) => void;
  now?: () => number;
}

export interface ReplicaProbe {
  /** The replica's state as last asked, asking again when the answer is older than the cache time. */
  status(): Promise<ReplicaHealth>;
}

/**
 * Asks the replica for its state, cheaply: one answer shared by every caller
 * for a few seconds, one statement in flight at a time (a slow one is not
 * asked again while it still runs), and "unreachable" after a short wait.
 */
export function createReplicaProbe(readState: () => Promise<ReplicaState>, options: ReplicaProbeOptions = {}): ReplicaProbe {
  const { cacheMs = REPLICA_PROBE_CACHE_MS, timeoutMs = REPLICA_PROBE_TIMEOUT_MS, onFailure, now = Date.now } = options;
  let cached: { at: number; health: ReplicaHealth } | undefined;
  let probing: Promise<ReplicaHealth> | undefined;
  let asking: Promise<ReplicaState> | undefined;

  const probe = async (): Promise<ReplicaHealth> => {
    const checked_at = new Date(now()).toISOString();
    asking ??= readState().finally(() => {
      asking = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the replica did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const state = await Promise.race([asking, late]);
      return { reachable: true, ...state, checked_at };
    } catch (err) {
      onFailure?.(err);
      return { reachable: false, checked_at };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    status() {
      if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.health);
      probing ??= probe().then((health) => {
        cached = { at: now(), health };
        probing = undefined;
        return health;
      });
      return probing;
    },
  };
}
