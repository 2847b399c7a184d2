import type { DatabaseError } from './database.js';

/**
 * Keeps secrets that a failed statement carries out of its error. PGlite
 * attaches the statement and its bound values (`query`, `params`,
 * `queryOptions`) to every error, and PostgreSQL's own `detail` repeats the
 * values of the row or key that failed ("Failing row contains (…)", "Key
 * (token_hash)=(…) already exists"). A failed user update would then log the
 * new password's scrypt hash and salt, a failed token insert the token's hash.
 * Both backends pass every error through here before it leaves the database
 * layer, and the logger's error serializer applies it again (logging.ts).
 */
const STATEMENT_PROPERTIES = ['query', 'params', 'queryOptions', 'parameters', 'values'] as const;

export const REDACTED = '[REDACTED]';

/** PostgreSQL's detail without the values it quotes; the columns and the reason stay. */
export function redactDetail(detail: string): string {
  if (/^Failing row contains /.test(detail)) return `Failing row contains (${REDACTED}).`;
  const key = /^Key \(([^)]*)\)=\(/.exec(detail);
  if (!key) return detail;
  // The reason is at the end, after the values (which may hold anything, parentheses included).
  const reason = /\) (already exists|is not present in table "[^"]*"|is still referenced from table "[^"]*"|conflicts with existing key .*)\.$/s.exec(
    detail,
  )?.[1];
  const tail = reason === undefined ? '' : reason.startsWith('conflicts') ? ' conflicts with an existing key.' : ` ${reason}.`;
  return `Key (${key[1]})=(${REDACTED})${tail}`;
}

/** Removes the statement and its values from a database error, in place; anything else passes through unchanged. */
export function scrubDatabaseError<T>(err: T): T {
  if (!(err instanceof Error)) return err;
  const record = err as unknown as Record<string, unknown>;
  for (const key of STATEMENT_PROPERTIES) {
    if (key in record) delete record[key];
  }
  const dbErr = err as DatabaseError;
  if (typeof dbErr.detail === 'string') dbErr.detail = redactDetail(dbErr.detail);
  return err;
}

/** `work`, with any error it throws scrubbed: the wrapper both backends put around every statement. */
export async function scrubbed<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw scrubDatabaseError(err);
  }
}

/**
 * SQLSTATE 57014 query_canceled: on PostgreSQL the statement ran past the
 * pool's statement_timeout (DB_STATEMENT_TIMEOUT_MS), or an operator
 * cancelled it. The database is fine and the request may succeed when it is
 * less busy, so it is answered 503 `query_timeout` with Retry-After, not 500.
 * PGlite has no statement timeout of its own (no timer interrupts its single
 * thread): its watchdog raises the same error past
 * GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS (pglite-watchdog.ts), and the code
 * raised there any other way (a function) is answered alike.
 */
export function isQueryCanceled(err: unknown): boolean {
  return err instanceof Error && (err as DatabaseError).code === '57014';
}
