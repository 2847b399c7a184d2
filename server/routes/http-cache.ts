import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type BodyEncoding, chooseEncoding } from './encoded-body-cache.js';

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

/** Below this many bytes compressing costs more than it saves (the same threshold as @fastify/compress in app.ts). */
const COMPRESS_THRESHOLD = 1024;

/** The encoding to send a body of `size` bytes in: none below the threshold or when the client accepts none we make. */
export function encodingFor(request: FastifyRequest, size: number): BodyEncoding | undefined {
  return size >= COMPRESS_THRESHOLD ? chooseEncoding(request.headers['accept-encoding']) : undefined;
}

/**
 * Sends a body that rarely changes (geometry) with an ETag, answering 304
 * when the client already holds it. Responses are `private` because reads are
 * scoped to the caller's region: a shared cache must never hand one user's
 * answer to another. `maxAgeSeconds` 0 means "ask every time" (revalidate).
 *
 * The compressed bytes come from `app.encodedBodies`, computed once per body
 * and encoding (a city of 100k grids is 25 MB of text: compressing it on
 * every request took seconds). Each encoding is its own representation, so
 * its tag has its own suffix (RFC 9110 § 8.8.3) and `Vary: Accept-Encoding`.
 */
export async function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: string, contentType: string, maxAgeSeconds: number) {
  const encoding = encodingFor(request, body.length);
  const hash = createHash('sha1').update(body).digest('base64url');
  const etag = encoding ? `"${hash}.${encoding}"` : `"${hash}"`;
  const cacheControl = maxAgeSeconds > 0 ? `private, max-age=${maxAgeSeconds}` : 'private, no-cache';
  reply.header('ETag', etag).header('Cache-Control', cacheControl).header('Vary', 'Authorization, Cookie, Accept-Encoding');
  if (clientHolds(request.headers['if-none-match'], etag)) return reply.status(304).send();
  reply.type(contentType);
  if (!encoding) return reply.send(body);
  // A Content-Encoding already set tells @fastify/compress to leave the bytes alone.
  const bytes = await request.server.encodedBodies.encoded(hash, encoding, body);
  return reply.header('Content-Encoding', encoding).send(bytes);
}
