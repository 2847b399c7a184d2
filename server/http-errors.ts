/**
 * The one error shape of the API: {"error": {"code", "message"}}. Routes and
 * repositories throw HttpError; everything else becomes a generic 500 in
 * errors-plugin.ts.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (field: string, message: string) => new HttpError(400, 'invalid_parameter', `${field}: ${message}`);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Seconds a client should wait before retrying while the database is unavailable (503). */
export const RETRY_AFTER_SECONDS = 3;

/** The 503 answer while the database is unavailable; see server/db/database-unavailable.ts. */
export function databaseUnavailableBody(commitOutcomeUnknown = false): ErrorBody {
  return errorBody('database_unavailable', commitOutcomeUnknown
    ? 'the database became unavailable while saving: the change may or may not have been saved; check before retrying'
    : `the database is unavailable for the moment; retry in ${RETRY_AFTER_SECONDS} s`);
}
