import type { EngineThread } from './pglite-thread.js';
import type { QueryLogger } from './pglite-watchdog.js';

/**
 * When the embedded database opens a new thread after one died, and when it
 * stops saying "restarting" and says the data directory needs an operator
 * (pglite-database.ts owns the thread; this owns the attempts).
 */

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
  /**
   * An open that takes longer fails (its thread is ended) and counts toward
   * giveUpAfter, so that a directory on which PGlite hangs is reported, not
   * waited on forever. 0 = no limit. GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS.
   */
  openTimeoutMs: number;
}

/**
 * Five failed opens: 15.5 s of waits between them (0.5 + 1 + 2 + 4 + 8 s) and each open's own seconds, past any slow WAL replay.
 * Two minutes for one open: a 74 MB directory opens in ~2.4 s, and replaying a crash's WAL (up to max_wal_size, 1 GB) in
 * WebAssembly on a busy 2-core machine takes far longer; a killed replay starts over, so too short a limit never recovers.
 */
export const RESTART_POLICY: RestartPolicy = { firstMs: 500, maxMs: 20_000, stableMs: 60_000, giveUpAfter: 5, openTimeoutMs: 120_000 };

/**
 * How long to wait before opening a new thread after one died: half a
 * second, doubled after each death that follows closely on the last restart,
 * so that a thread that dies as it starts (a damaged data directory, memory
 * exhausted) is retried every 20 s rather than in a hot loop.
 */
export function createRestartBackoff({ firstMs, maxMs, stableMs }: Pick<RestartPolicy, 'firstMs' | 'maxMs' | 'stableMs'> = RESTART_POLICY) {
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

export interface RestarterHost {
  /** Opens a new thread on the data directory (no tarball: PGlite replays its WAL, as after a crash). */
  open(): Promise<EngineThread>;
  /** Takes an open thread in: false when it died before it was ready (its death has scheduled the next attempt). */
  adopt(thread: EngineThread, attempts: number): Promise<boolean>;
  /** The opens have failed policy.giveUpAfter times in a row: answer data_directory_unusable from now on. */
  giveUp(cause: unknown, attempts: number): void;
  log(): QueryLogger | undefined;
}

export interface Restarter {
  /** The thread died after `livedMs`: the next open is scheduled; answers the wait before it. */
  died(livedMs: number): number;
  /** No open after this; resolves once one under way is over. */
  stop(): Promise<void>;
}

/** The attempts to open a new thread after one died, their waits, and giving up (then trying every maxMs). */
export function createRestarter(policy: RestartPolicy, host: RestarterHost): Restarter {
  const backoff = createRestartBackoff(policy);
  let attempts = 0;
  /** Set after policy.giveUpAfter failed opens in a row, until one succeeds. */
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      timer = undefined;
      running = attempt().finally(() => {
        running = undefined;
      });
    }, delayMs);
    timer.unref();
  }

  async function attempt(): Promise<void> {
    attempts++;
    let thread: EngineThread;
    try {
      thread = await host.open();
    } catch (err) {
      if (stopped) return;
      // Errors from the thread are scrubbed of values (fromWire).
      const reason = (err as Error).message;
      if (attempts >= policy.giveUpAfter) {
        host.giveUp(err, attempts);
        // Once, at error level: from here on only an operator helps.
        if (!gaveUp) {
          host
            .log()
            ?.error(
              { attempts, retryInMs: policy.maxMs, reason },
              "the embedded database's data directory cannot be opened (check GRIDSCOPE_DATA_DIR: free disk space, permissions, damaged files; " +
                `an open that hangs is ended after GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS); trying again every ${policy.maxMs / 1000} s`,
            );
        }
        gaveUp = true;
      }
      const retryInMs = gaveUp ? policy.maxMs : backoff.next();
      if (!gaveUp) host.log()?.warn({ attempts, retryInMs, reason }, 'opening a new embedded database thread failed; trying again');
      schedule(retryInMs);
      return;
    }
    if (stopped) {
      await thread.worker.terminate();
      return;
    }
    if (await host.adopt(thread, attempts)) {
      attempts = 0;
      gaveUp = false;
    }
  }

  return {
    died(livedMs) {
      const retryInMs = backoff.next(livedMs);
      schedule(retryInMs);
      return retryInMs;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
