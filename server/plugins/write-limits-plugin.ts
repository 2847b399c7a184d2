import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-errors.js';

/**
 * Limits on writes (every POST, PUT, PATCH and DELETE under /api: incident
 * reports, photos, imports, plan edits, users, tokens, sign-ins), counted over
 * a sliding minute twice: per address, before anything else is done with the
 * request (a flood of made-up tokens never reaches the database), and per
 * principal (user or token), once the request is identified, before its body
 * is read. Reads are not limited: the wall and the explorer read in bursts.
 * Counts are kept per process; sign-in failures have their own throttle,
 * shared through the database (login-throttle.ts).
 */
export interface WriteLimits {
  /** Writes one user or token may make per window; 0 = unlimited. */
  perPrincipal: number;
  /** Writes one client address may make per window, whoever signs them; 0 = unlimited. */
  perAddress: number;
  windowMs: number;
}

/**
 * Generous: a dispatcher or a field device never comes near them, nor do the
 * test suite and the benchmarks (the wall soak writes ~450 a minute as one
 * dispatcher); a runaway script or a stolen token is still held to 20 a second.
 */
export const DEFAULT_WRITE_LIMITS: WriteLimits = { perPrincipal: 1200, perAddress: 3000, windowMs: 60_000 };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isWrite = (request: FastifyRequest) => WRITE_METHODS.has(request.method) && request.url.startsWith('/api/');

export const tooManyWrites = (by: 'address' | 'principal', seconds: number) =>
  new HttpError(429, 'rate_limited', `too many writes ${by === 'address' ? 'from this address' : 'by this user or token'}; try again in ${seconds} s`);

export default fp<WriteLimits>(
  async (app, limits) => {
    // Limits are applied by the hooks below, not per route.
    await app.register(rateLimit, { global: false, timeWindow: limits.windowMs });
    const limiter = (max: number, key: (request: FastifyRequest) => string, by: 'address' | 'principal') => {
      if (max <= 0) return undefined;
      const check = app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: key });
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const verdict = await check(request);
        if (verdict.isAllowed || !verdict.isExceeded) return;
        reply.header('retry-after', String(Math.max(1, verdict.ttlInSeconds)));
        throw tooManyWrites(by, Math.max(1, verdict.ttlInSeconds));
      };
    };
    const byAddress = limiter(limits.perAddress, (request) => `address:${request.ip}`, 'address');
    const byPrincipal = limiter(limits.perPrincipal, (request) => `principal:${request.principal!.actor}`, 'principal');
    // onRequest runs before the auth plugin's (registered after this one).
    if (byAddress) app.addHook('onRequest', async (request, reply) => (isWrite(request) ? byAddress(request, reply) : undefined));
    // preParsing: after authentication, before the body (a 10 MiB photo, a large import) is read.
    if (byPrincipal) {
      app.addHook('preParsing', async (request, reply, payload) => {
        const p = request.principal;
        if (isWrite(request) && p && p.kind !== 'anonymous') await byPrincipal(request, reply);
        return payload;
      });
    }
  },
  { name: 'write-limits' },
);
