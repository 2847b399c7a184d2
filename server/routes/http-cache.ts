import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Entity tags in an If-None-Match header: `*`, or a comma-separated list of (possibly weak) quoted tags. */
function listedTags(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  return [...header.matchAll(/(?:W\/)?("[^"]*")/g)].map((m) => m[1]!);
}

/**
 * Whether the client already holds the representation tagged `etag`. RFC 9110
 * § 13.1.2 asks for the weak comparison here: `W/"x"` matches `"x"` (proxies
 * that compress a body make its tag weak), any tag of a list may match, and
 * `*` matches whatever exists.
 */
export function clientHolds(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const tags = listedTags(ifNoneMatch);
  const opaque = etag.replace(/^W\//, '');
  return tags === '*' || tags.includes(opaque);
}

/**
 * Sends a body that rarely changes (geometry) with an ETag, answering 304
 * when the client already holds it. Responses are `private` because reads are
 * scoped to the caller's region: a shared cache must never hand one user's
 * answer to another. `maxAgeSeconds` 0 means "ask every time" (revalidate).
 */
export function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: string, contentType: string, maxAgeSeconds: number) {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  const cacheControl = maxAgeSeconds > 0 ? `private, max-age=${maxAgeSeconds}` : 'private, no-cache';
  reply.header('ETag', etag).header('Cache-Control', cacheControl).header('Vary', 'Authorization, Cookie');
  if (clientHolds(request.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply.type(contentType).send(body);
}
