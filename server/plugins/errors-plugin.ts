import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { isDatabaseError } from '../db/database.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/database-unavailable.js';
import { databaseUnavailableBody, errorBody, HttpError, RETRY_AFTER_SECONDS } from '../http-errors.js';

/**
 * Translates every error into the one JSON shape, in one place. Client
 * mistakes get a 4xx naming the field; anything unexpected is logged with its
 * stack and answered with a generic 500 that leaks nothing.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof HttpError) {
        return reply.status(err.statusCode).send(errorBody(err.code, err.message));
      }
      if (err.validation) {
        const first = err.validation[0];
        const field = first ? `${err.validationContext ?? 'request'}${first.instancePath.replaceAll('/', '.') || ''}` : 'request';
        const param = (first?.params as { missingProperty?: string; additionalProperty?: string } | undefined) ?? {};
        const name = param.missingProperty ?? param.additionalProperty;
        return reply.status(400).send(errorBody('invalid_parameter', `${name ? `${field}.${name}` : field}: ${first?.message ?? err.message}`));
      }
      // A restarting or unreachable database: the request may succeed in a
      // moment, so say when to try again; the server reconnects by itself.
      if (isDatabaseUnavailable(err)) {
        const commitOutcomeUnknown = err instanceof DatabaseUnavailableError && err.commitOutcomeUnknown;
        // One line, no stack: during an outage every request ends here.
        request.log.warn({ reason: (err.cause as Error | undefined)?.message ?? err.message, commitOutcomeUnknown }, 'database unavailable');
        return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(databaseUnavailableBody(commitOutcomeUnknown));
      }
      // Our own trigger refuses a point outside every grid (migrations/003).
      if (isDatabaseError(err) && err.code === 'GS422') {
        return reply.status(422).send(errorBody('outside_service_area', err.message));
      }
      // A unique constraint lost a race with a concurrent write of the same key.
      if (isDatabaseError(err) && err.code === '23505') {
        return reply.status(409).send(errorBody('conflict', 'conflicts with an existing record'));
      }
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        // Fastify's own client errors: bad JSON, body too large, unsupported media type.
        return reply.status(err.statusCode).send(errorBody(err.code?.toLowerCase() ?? 'bad_request', err.message));
      }
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send(errorBody('internal_error', 'internal server error'));
    });

    app.setNotFoundHandler((request, reply) => {
      reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
    });
  },
  { name: 'errors' },
);
