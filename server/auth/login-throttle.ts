import type { LoginFailureRepository } from '../repositories/login-failure-repository.js';

/**
 * Slows, then refuses, repeated failed logins, counted per account and per
 * client address over a sliding window. The failures are kept in the
 * database (table login_failure), so several server processes on one
 * PostgreSQL count together: an attacker gets `accountLimit` guesses per
 * window however many processes serve the city.
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
  windowMs: 15 * 60_000,
  slowAfter: 3,
  accountLimit: 10,
  addressLimit: 30,
  baseDelayMs: 250,
  maxDelayMs: 4000,
};

export type Verdict = { refuse: true; retryAfterSeconds: number } | { refuse: false; delayMs: number };

/**
 * What to do with an attempt, from the times (ms, oldest first, inside the
 * window) of the account's and the address's recent failures. Pure: the
 * clock is the database's, passed in as `now`.
 */
export function judge(limits: ThrottleLimits, byAccount: readonly number[], byAddress: readonly number[], now: number): Verdict {
  const { accountLimit, addressLimit, windowMs, slowAfter, baseDelayMs, maxDelayMs } = limits;
  if (byAccount.length >= accountLimit || byAddress.length >= addressLimit) {
    // Refused until the failure that reached the limit leaves the window.
    const oldest = Math.min(
      byAccount.length >= accountLimit ? byAccount[byAccount.length - accountLimit]! : Infinity,
      byAddress.length >= addressLimit ? byAddress[byAddress.length - addressLimit]! : Infinity,
    );
    return { refuse: true, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
  }
  const excess = Math.max(byAccount.length - slowAfter, byAddress.length - Math.floor(addressLimit / 2));
  return { refuse: false, delayMs: excess < 0 ? 0 : Math.min(maxDelayMs, baseDelayMs * 2 ** excess) };
}

const accountKey = (account: string) => `account:${account}`;
const addressKey = (address: string) => `address:${address}`;

export class LoginThrottle {
  constructor(
    private readonly failures: LoginFailureRepository,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  /** What to do with an attempt before checking the password. */
  async check(account: string, address: string): Promise<Verdict> {
    const { nowMs, byKey } = await this.failures.recent([accountKey(account), addressKey(address)], this.limits.windowMs);
    return judge(this.limits, byKey.get(accountKey(account)) ?? [], byKey.get(addressKey(address)) ?? [], nowMs);
  }

  async fail(account: string, address: string): Promise<void> {
    await this.failures.record([accountKey(account), addressKey(address)], this.limits.windowMs);
  }

  /** A correct password clears the account's count (not the address's). */
  async succeed(account: string): Promise<void> {
    await this.failures.clear(accountKey(account));
  }
}
