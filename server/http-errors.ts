import { DatabaseUnavailableError, DataDirectoryUnusableError } from './db/database-unavailable.js';
import { wordsFor } from './errors/messages.js';

/**
 * The one error shape of the API: {"error": {"code", "message"}}. Routes and
 * plugins throw HttpError for what is about HTTP itself (credentials, content
 * types, a query string); services throw DomainError with a reason code
 * (server/services/domain-error.ts), which errors-plugin.ts maps to a status;
 * everything else becomes a generic 500 there. The message is English; `zh` is its Chinese, sent when the
 * client asks for Chinese (server/errors/messages.ts has the words of codes
 * thrown without one).
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly zh?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming the field first, as `field: reason`, in both languages when given. */
export const badRequest = (field: string, message: string, zh?: string) =>
  new HttpError(400, 'invalid_parameter', `${field}: ${message}`, zh === undefined ? undefined : `${field}：${zh}`);
export const notFound = (what: string, zh?: string) => new HttpError(404, 'not_found', `${what} not found`, zh === undefined ? undefined : `未找到${zh}`);

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Seconds a client should wait before retrying while the database is unavailable (503). */
export const RETRY_AFTER_SECONDS = 3;

/** The 503 answer while the database is unavailable; see server/db/database-unavailable.ts. */
export function databaseUnavailableBody(commitOutcomeUnknown = false, lang: 'en' | 'zh' = 'en'): ErrorBody {
  if (lang === 'zh') {
    return errorBody(
      'database_unavailable',
      commitOutcomeUnknown ? '保存时数据库中断：本次修改可能已保存，也可能没有，请先查看再重试' : `数据库暂时不可用，请 ${RETRY_AFTER_SECONDS} 秒后重试`,
    );
  }
  return errorBody(
    'database_unavailable',
    commitOutcomeUnknown
      ? 'the database became unavailable while saving: the change may or may not have been saved; check before retrying'
      : `the database is unavailable for the moment; retry in ${RETRY_AFTER_SECONDS} s`,
  );
}

/**
 * The 503 answer for an error that means the database is unavailable: its
 * own reason code when the embedded database's data directory keeps failing
 * to open (an operator must look), else database_unavailable.
 */
export function unavailableBody(err: unknown, lang: 'en' | 'zh' = 'en'): ErrorBody {
  if (err instanceof DataDirectoryUnusableError) return errorBody('data_directory_unusable', wordsFor('data_directory_unusable')[lang]);
  return databaseUnavailableBody(err instanceof DatabaseUnavailableError && err.commitOutcomeUnknown, lang);
}
