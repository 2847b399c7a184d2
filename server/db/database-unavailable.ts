/**
 * "The database cannot serve us right now" as opposed to "this statement is
 * wrong": the one place that tells the two apart. Errors of the first kind
 * are answered 503 with Retry-After (errors-plugin.ts), mark the database
 * unavailable for the live stream (event-hub.ts), and never end the process.
 */

/**
 * SQLSTATEs of a server that is going away, starting up or full. Class 08
 * (connection exception) is matched by prefix.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_ctl stop -m fast, pg_terminate_backend
  '57P02', // crash_shutdown: another backend crashed, or pg_ctl stop -m immediate
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
]);

/** Socket and DNS failures as Node reports them. */
const UNAVAILABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * node-postgres raises these as plain Errors without a code: a socket that
 * ended, a client already broken by such an error, a pool that could not
 * open a connection within connectionTimeoutMillis.
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "... unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

/** Whether `err` (or an error it wraps) means the database is unreachable or refusing connections for now. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  if (err instanceof DatabaseUnavailableError) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && ((code.startsWith('08') && code.length === 5) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SYSTEM_CODES.has(code)))
    return true;
  if (UNAVAILABLE_MESSAGES.some((m) => m.test(err.message))) return true;
  // Node wraps the per-address failures of one connect() in an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}

/**
 * The database became unreachable. `commitOutcomeUnknown` says the
 * connection was lost while COMMIT was on its way: the transaction may or
 * may not have been committed, so the caller must not report success, and
 * the client should look before it retries.
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    cause: unknown,
    readonly commitOutcomeUnknown = false,
  ) {
    super(commitOutcomeUnknown ? 'connection lost during COMMIT; the transaction may or may not have been committed' : 'database unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The embedded database's new threads have kept failing to open its data
 * directory (damaged files, a full disk, permissions): unlike a restart in
 * progress, this needs an operator. Still a 503 (the server keeps trying, at
 * the slowest pace, and recovers by itself once the directory is good), but
 * answered with its own reason code (http-errors.ts).
 */
export class DataDirectoryUnusableError extends DatabaseUnavailableError {
  constructor(
    cause: unknown,
    readonly attempts: number,
  ) {
    super(cause);
    this.name = 'DataDirectoryUnusableError';
    this.message = `the embedded database could not be opened on its data directory in ${attempts} attempts`;
  }
}

/**
 * Whether the database is reachable, as the last statements found it. A
 * backend reports each outcome; listeners hear of changes only.
 */
export interface DatabaseAvailability {
  readonly available: boolean;
  /** Called with the new state on every change; returns a function that stops the calls. */
  onChange(listener: (available: boolean) => void): () => void;
}

export interface AvailabilityTracker extends DatabaseAvailability {
  /** A statement or connection succeeded: the database is there. */
  reachable(): void;
  /** A statement or connection failed; only an unavailability error (above) marks the database down. */
  failed(err: unknown): void;
}

export function createAvailabilityTracker(): AvailabilityTracker {
  let available = true;
  const listeners = new Set<(available: boolean) => void>();
  const set = (value: boolean) => {
    if (value === available) return;
    available = value;
    for (const l of [...listeners]) {
      try {
        l(value);
      } catch {
        // A listener's failure must not turn into the caller's query error.
      }
    }
  };
  return {
    get available() {
      return available;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    reachable: () => set(true),
    failed: (err) => {
      if (isDatabaseUnavailable(err)) set(false);
      // Any other error came from a server that answered.
      else set(true);
    },
  };
}

/** An embedded database is in this process: it is there as long as we are. */
export const ALWAYS_AVAILABLE: DatabaseAvailability = { available: true, onChange: () => () => undefined };
