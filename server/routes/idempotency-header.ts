import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from '../contract/field-schemas.js';
import { badRequest } from '../http-errors.js';
import type { WriteAnswer } from '../services/idempotency.js';

/** Printable ASCII, as the IETF draft's keys are (a UUID, a ULID, a random string). */
const KEY = /^[\x20-\x7e]{1,200}$/;

/** For a route's schema: the header, documented (its value is checked by idempotencyKeyOf, which names it). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'makes the write idempotent: 1–200 printable ASCII characters made by the client (e.g. a UUID); a repeat by the same user gets the first answer (header Idempotent-Replayed: true), the same key with another request 422 idempotency_key_reused; kept at least 7 days',
    }),
  ),
});

/** The request's Idempotency-Key, or undefined without one; a malformed one is a 400 naming the header. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw badRequest(IDEMPOTENCY_HEADER, 'expected one header of 1 to 200 printable ASCII characters', '应为一个由 1 至 200 个可打印 ASCII 字符组成的请求头');
  }
  return value;
}

/** Sends a write's answer (JSON text), saying when it is a stored one given again. */
export function sendAnswer(reply: FastifyReply, answer: WriteAnswer) {
  if (answer.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.status(answer.status).type('application/json').send(answer.body);
}
