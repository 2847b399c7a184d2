import type { FastifyServerOptions } from 'fastify';
import { REDACTED, scrubDatabaseError } from './db/database-errors.js';

/**
 * Logger options that keep secrets out of the logs: the Authorization and
 * Cookie headers are redacted, Set-Cookie never logged, tokens in a URL are
 * masked before the URL is written, and errors are written field by field,
 * never with the statement or the values a database error carries.
 */

/** Query parameters that hold a secret, by name once decoded and lower-cased. */
const SECRET_PARAMETERS = new Set(['token', 'access_token']);
/** An API token (server/repositories/token-repository.ts: TOKEN_PREFIX), wherever it appears. */
const API_TOKEN = /gst_/i;

/**
 * Decodes percent-escapes (and `+`) until nothing changes, so that
 * `%61ccess_token`, `%2561ccess_token` and `gst%5F…` are seen for what they
 * are. A malformed escape stops decoding there: the text is then judged as it is.
 */
function decoded(text: string): string {
  let current = text.replaceAll('+', ' ');
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

function maskPair(pair: string): string {
  const eq = pair.indexOf('=');
  const name = eq < 0 ? pair : pair.slice(0, eq);
  const value = eq < 0 ? '' : pair.slice(eq + 1);
  const plainName = decoded(name).trim().toLowerCase();
  if (API_TOKEN.test(decoded(name))) return REDACTED;
  if (SECRET_PARAMETERS.has(plainName) || API_TOKEN.test(decoded(value))) return `${name}=${REDACTED}`;
  return pair;
}

/**
 * A URL fit for a log: the values of `token` and `access_token` (however
 * their names are encoded) and anything that looks like an API token, in the
 * path or the query, are replaced by [REDACTED].
 */
export function maskUrlSecrets(url: string): string {
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  const q = withoutFragment.indexOf('?');
  const path = q < 0 ? withoutFragment : withoutFragment.slice(0, q);
  const maskedPath = path
    .split('/')
    .map((segment) => (API_TOKEN.test(decoded(segment)) ? REDACTED : segment))
    .join('/');
  if (q < 0) return maskedPath;
  const query = withoutFragment.slice(q + 1);
  return `${maskedPath}?${query
    .split(/([&;])/)
    .map((part) => (part === '&' || part === ';' ? part : maskPair(part)))
    .join('')}`;
}

/** Fields of an error worth logging: what failed and where, never the statement or its values. */
const ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'constraint',
  'table',
  'column',
  'schema',
  'severity',
  'routine',
  'where',
  'statusCode',
  'validationContext',
] as const;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError | string;
  [field: string]: unknown;
}

/** Serialises an error for the log from an allow-list of fields, after scrubbing what a database error carries. */
export function serializeError(err: unknown, depth = 0): SerializedError | string {
  if (!(err instanceof Error)) return typeof err === 'string' ? err : String(err);
  const copy = scrubDatabaseError(Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error, err, { message: err.message, stack: err.stack }));
  const out: SerializedError = { type: err.name || err.constructor?.name || 'Error', message: copy.message, stack: copy.stack };
  for (const field of ERROR_FIELDS) {
    const value = (copy as unknown as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && typeof value !== 'object' && typeof value !== 'function') out[field] = value;
  }
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

export function secretSafeLogger(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) => ({
        method: req.method,
        url: maskUrlSecrets(req.url),
        remoteAddress: req.ip,
      }),
      err: (err: Error) => {
        const out = serializeError(err);
        return typeof out === 'string' ? { type: 'Error', message: out, stack: '' } : { ...out, stack: out.stack ?? '' };
      },
    },
  };
}
