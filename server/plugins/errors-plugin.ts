import fp from 'fastify-plugin';
import type { FastifyError, FastifyRequest } from 'fastify';
import { isDatabaseError } from '../db/database.js';
import { clientErrorAnswer } from '../errors/framework-errors.js';
import { findUnsafeInput } from '../errors/input-guard.js';
import { chooseLanguage, isKnownCode, statusOf, wordsFor, type Words } from '../errors/messages.js';
import { validationWords } from '../errors/validation-words.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/database-unavailable.js';
import { isQueryCanceled } from '../db/database-errors.js';
import { ReplicaConflictError } from '../db/replica-conflicts.js';
import { errorBody, HttpError, RETRY_AFTER_SECONDS, unavailableBody } from '../http-errors.js';
import { DomainError } from '../services/domain-error.js';
import { mostRelevantError } from './validation-error.js';

/** The Chinese of an error thrown with English only: the code's words, then the English detail. */
export function chineseOf(err: { code: string; message: string; zh?: string | undefined }): string {
  if (err.zh) return err.zh;
  const general = wordsFor(err.code).zh;
  if (err.code === 'invalid_parameter') {
    // `field: reason` keeps its field first, so a client can still find it.
    const colon = err.message.indexOf(': ');
    if (colon > 0) return `${err.message.slice(0, colon)}：${general}（${err.message.slice(colon + 2)}）`;
  }
  if (err.code === 'not_found' && err.message.endsWith(' not found')) return `${general}：${err.message.slice(0, -' not found'.length)}`;
  return `${general}（${err.message}）`;
}

/** SQLSTATE class 22, data exceptions: a value the database refused (out of range, bad encoding, bad date…). */
const isDataException = (err: unknown) => isDatabaseError(err) && /^22[0-9A-Z]{3}$/.test(err.code ?? '');

/**
 * Translates every error into the one JSON shape, in one place, in English or
 * (Accept-Language: zh) Chinese; codes are the same in both. Client mistakes
 * get a 4xx naming the field; anything unexpected is logged with its stack and
 * answered with a generic 500 that leaks nothing.
 */
export default fp(
  async (app) => {
    // After schema validation (and ajv's coercion of query strings to numbers),
    // before any handler: values no route may store or compute with. Every
    // route, present and future, gets this without a line in its schema.
    app.addHook('preHandler', async (request) => {
      for (const [part, value] of [
        ['params', request.params],
        ['querystring', request.query],
        ['body', request.body],
      ] as const) {
        if (value === undefined || value === null) continue;
        const unsafe = findUnsafeInput(value, part);
        if (unsafe) throw new HttpError(400, 'invalid_parameter', `${unsafe.field}: ${unsafe.words.en}`, `${unsafe.field}：${unsafe.words.zh}`);
      }
    });

    app.setErrorHandler((err: FastifyError, request, reply) => {
      const lang = chooseLanguage(request.headers['accept-language']);
      const say = (words: Words) => words[lang];
      if (err instanceof HttpError) {
        return reply.status(err.statusCode).send(errorBody(err.code, lang === 'zh' ? chineseOf(err) : err.message));
      }
      // A service's refusal: its reason code decides the status (server/errors/messages.ts).
      // A reason the table does not know is our bug: it falls through to the generic 500.
      if (err instanceof DomainError && isKnownCode(err.reason)) {
        const { details, retryAfterSeconds } = err.options;
        if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
        const message = lang === 'zh' ? chineseOf({ code: err.reason, message: err.message, zh: err.zh }) : err.message;
        return reply.status(statusOf(err.reason)).send({ ...errorBody(err.reason, message), ...details });
      }
      if (err.validation) {
        const { field, reason } = validationWords(mostRelevantError(err.validation), err.validationContext ?? undefined, err.message);
        return reply.status(400).send(errorBody('invalid_parameter', lang === 'zh' ? `${field}：${reason.zh}` : `${field}: ${reason.en}`));
      }
      // A restarting or unreachable database: the request may succeed in a
      // moment, so say when to try again; the server reconnects by itself.
      if (isDatabaseUnavailable(err)) {
        const commitOutcomeUnknown = err instanceof DatabaseUnavailableError && err.commitOutcomeUnknown;
        // One line, no stack: during an outage every request ends here.
        request.log.warn({ reason: (err.cause as Error | undefined)?.message ?? err.message, commitOutcomeUnknown }, 'database unavailable');
        return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(unavailableBody(err, lang));
      }
      // A statement past DB_STATEMENT_TIMEOUT_MS (on PGlite, its watchdog's limit): its transaction rolled back, and the same
      // request may pass when the database is less busy. Not our bug, so no stack.
      if (isQueryCanceled(err)) {
        request.log.warn({ route: request.routeOptions.url, reason: err.message }, 'statement timeout');
        return reply
          .status(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(errorBody('query_timeout', say(wordsFor('query_timeout'))));
      }
      // The replica kept cancelling a read to apply the primary's changes, after
      // the read pool's own retries: busy, not broken, and nothing was written.
      if (err instanceof ReplicaConflictError) {
        request.log.warn({ route: request.routeOptions.url, reason: (err.cause as Error | undefined)?.message }, 'read cancelled by replica replay');
        return reply
          .status(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(errorBody('replica_conflict', say(wordsFor('replica_conflict'))));
      }
      // Our own trigger refuses a point outside every grid (migrations/003).
      if (isDatabaseError(err) && err.code === 'GS422') {
        return reply.status(422).send(errorBody('outside_service_area', lang === 'zh' ? say(wordsFor('outside_service_area')) : err.message));
      }
      // A unique constraint lost a race with a concurrent write of the same key.
      if (isDatabaseError(err) && err.code === '23505') {
        return reply.status(409).send(errorBody('conflict', say(wordsFor('conflict'))));
      }
      if (isDataException(err)) {
        // A value got past validation that the database would not take. The
        // request changed nothing (its transaction rolled back); the database's
        // own text may quote internals, so it goes to the log only.
        request.log.warn({ sqlState: (err as { code: string }).code, route: request.routeOptions.url }, 'database refused a value');
        return reply.status(400).send(errorBody('invalid_value', say(wordsFor('invalid_value'))));
      }
      // A body over the route's limit is refused before it is read: say the limit, and the setting that raises it.
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const setting = (request.routeOptions.config as { bodyLimitSetting?: string }).bodyLimitSetting;
        const limit = `${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes${setting ? `, ${setting}` : ''}`;
        return reply
          .status(413)
          .send(
            errorBody(
              'payload_too_large',
              lang === 'zh' ? `${wordsFor('payload_too_large').zh}（上限 ${limit}）` : `the request body is larger than this route's limit (${limit})`,
            ),
          );
      }
      const client = clientErrorAnswer(err);
      if (client) {
        // Fastify's own client errors: bad JSON, body too large, unsupported media type.
        return reply.status(client.status).send(errorBody(client.code, say(wordsFor(client.code))));
      }
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send(errorBody('internal_error', say(wordsFor('internal_error'))));
    });

    app.setNotFoundHandler((request: FastifyRequest, reply) => {
      const route = `${request.method} ${request.url.split('?')[0]}`;
      const lang = chooseLanguage(request.headers['accept-language']);
      reply.status(404).send(errorBody('not_found', lang === 'zh' ? `没有 ${route} 这个接口` : `no route for ${route}`));
    });
  },
  { name: 'errors' },
);
