/**
 * Slows, then refuses, repeated failed logins, counted per account and per
 * client address over a sliding window. Kept in memory: one process serves a
 * data directory (PGlite), and on PostgreSQL each process keeps its own
 * count, which bounds an attacker to (limit × processes) guesses per window.
 */
export interface ThrottleLimits {
  windowMs: number;
  /** Failures after which each attempt is delayed, doubling each time. */
  slowAfter: number;
  /** Failures after which attempts are refused with 429 until the window passes. */
  accountLimit: number;
  addressLimit: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000, slowAfter: 3, accountLimit: 10, addressLimit: 30, baseDelayMs: 250, maxDelayMs: 4000,
};

/** So that a flood of made-up usernames cannot grow memory without bound. */
const MAX_KEYS = 20_000;

export type Verdict = { refuse: true; retryAfterSeconds: number } | { refuse: false; delayMs: number };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {}

  /** What to do with an attempt before checking the password. */
  check(account: string, address: string): Verdict {
    const byAccount = this.recent(`a:${account}`);
    const byAddress = this.recent(`i:${address}`);
    const { accountLimit, addressLimit, windowMs, slowAfter, baseDelayMs, maxDelayMs } = this.limits;
    if (byAccount.length >= accountLimit || byAddress.length >= addressLimit) {
      const oldest = Math.min(
        byAccount.length >= accountLimit ? byAccount[byAccount.length - accountLimit]! : Infinity,
        byAddress.length >= addressLimit ? byAddress[byAddress.length - addressLimit]! : Infinity);
      return { refuse: true, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - this.now()) / 1000)) };
    }
    const excess = Math.max(byAccount.length - slowAfter, byAddress.length - Math.floor(addressLimit / 2));
    return { refuse: false, delayMs: excess < 0 ? 0 : Math.min(maxDelayMs, baseDelayMs * 2 ** excess) };
  }

  fail(account: string, address: string): void {
    for (const key of [`a:${account}`, `i:${address}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.delete(key); // re-insert: the Map's order is then least recently failed first
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A correct password clears the account's count (not the address's). */
  succeed(account: string): void {
    this.failures.delete(`a:${account}`);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
}
