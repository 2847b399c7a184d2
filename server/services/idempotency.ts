import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { principalOf, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * Idempotent writes (the IETF draft "The Idempotency-Key HTTP Header Field"):
 * the phone's outbox sends each report with a key it made, and sends it again
 * until it hears an answer. The key is claimed inside the transaction of the
 * write, so the write and the key commit or vanish together; a repeat of the
 * key by the same user gets the first answer back, and a repeat that arrives
 * while the first is still being written waits for it (the primary key of
 * idempotency_key), then gets the same answer. Keys are kept
 * IDEMPOTENCY_KEY_DAYS, then swept (server/workflow/field-retention-sweeper.ts).
 */
export const IDEMPOTENCY_KEY_DAYS = 7;

/** What a keyed request is: its key, the route it was sent to, and a hash of what it asked for. */
export interface IdempotentRequest {
  key: string;
  route: string;
  requestHash: string;
}

/** The answer to a write: its HTTP-free status and body text, and whether it is a stored one given again. */
export interface WriteAnswer {
  status: number;
  body: string;
  replayed: boolean;
}

/** A stable hash of a request's content: the same fields in any order hash the same. */
export function hashRequest(content: unknown): string {
  return createHash('sha256').update(stableJson(content)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Runs `write` in one transaction, at most once per (user, key): the first
 * time its answer is stored with the key; afterwards the stored answer is
 * returned and `write` is not run. The same key with another request is
 * refused (idempotency_key_reused). Without a key, `write` simply runs.
 */
export async function writeOnce(
  deps: Pick<ServiceDeps, 'db' | 'repos' | 'clock'>,
  who: Actor,
  request: IdempotentRequest | undefined,
  write: (tx: Queryable) => Promise<{ status: number; body: string }>,
): Promise<WriteAnswer> {
  return deps.db.transaction(async (tx) => {
    if (!request) return { ...(await write(tx)), replayed: false };
    const userId = principalOf(who).userId;
    // Every writer acts for a user (a token for its creator); the check keeps the type honest.
    if (userId === null) throw new Error('an idempotent write needs a user to keep its key for');
    const fields = { userId, key: request.key, route: request.route, requestHash: request.requestHash, at: deps.clock() };
    if (!(await deps.repos.field.claimKey(fields, tx))) {
      const stored = await deps.repos.field.storedAnswer(userId, request.key, tx);
      if (!stored || stored.status_code === null) throw new Error(`idempotency key of user ${userId} committed without an answer`);
      if (stored.route !== request.route || stored.request_hash !== request.requestHash) {
        throw new DomainError(
          'idempotency_key_reused',
          `Idempotency-Key: this key was used for another request (${stored.route}); make a new key for a new request`,
          { zh: `Idempotency-Key：该键已用于另一请求（${stored.route}），新的请求请使用新的键` },
        );
      }
      return { status: stored.status_code, body: stored.response, replayed: true };
    }
    const answer = await write(tx);
    await deps.repos.field.storeAnswer(userId, request.key, answer.status, answer.body, tx);
    return { ...answer, replayed: false };
  });
}
