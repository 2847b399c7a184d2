import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sends a body that rarely changes (geometry) with a strong ETag, answering
 * 304 when the client already holds it. Responses are `private` because
 * reads will be scoped to the caller's region: a shared cache must never hand
 * one user's answer to another.
 */
export function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: string, contentType: string, maxAgeSeconds: number) {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  reply.header('ETag', etag).header('Cache-Control', `private, max-age=${maxAgeSeconds}`).header('Vary', 'Authorization, Cookie');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.type(contentType).send(body);
}
