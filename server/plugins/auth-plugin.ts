import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-errors.js';
import { accessOf, decide } from '../contract/route-access.js';
import type { Principal } from '../auth/roles.js';
import type { UserRow } from '../repositories/user-repository.js';
import type { TokenRow } from '../repositories/token-repository.js';

export interface AuthOptions {
  /** Let requests without credentials read as a city-wide viewer (the demo's wall display). */
  anonymousRead: boolean;
  sessionMinutes: number;
  /** Mark the session cookie Secure (HTTPS deployments). */
  cookieSecure: boolean;
}

export const SESSION_COOKIE = 'gs_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyInstance {
    authOptions: AuthOptions;
  }
  interface FastifyRequest {
    /** Who is calling; undefined when no credentials were given and anonymous reading is off. */
    principal?: Principal;
    /** The session's CSRF token, when the principal came from a session cookie. */
    sessionCsrf?: string;
    /** How the principal was identified: an API token presented with the request, a session cookie, or neither. */
    credential?: 'bearer' | 'cookie';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthenticated = (message = 'sign in or present an API token') => new HttpError(401, 'unauthenticated', message);

function fromUser(u: UserRow): Principal {
  return {
    kind: 'user',
    id: u.id,
    actor: `user:${u.username}`,
    role: u.role,
    scope: u.scope_code,
    unit: u.unit_code,
    userId: u.id,
    displayName: u.display_name,
  };
}

function fromToken(t: TokenRow): Principal {
  return { kind: 'token', id: t.id, actor: `token:${t.id}`, role: t.role, scope: t.scope_code, unit: t.unit_code, userId: null, displayName: t.name };
}

/** Who a request without credentials is when anonymous reading is on. */
export const ANONYMOUS: Principal = {
  kind: 'anonymous',
  id: null,
  actor: 'anonymous',
  role: 'viewer',
  scope: null,
  unit: null,
  userId: null,
  displayName: 'anonymous',
};

/** A bearer token from the Authorization header, or from `access_token` on reads (EventSource and wall URLs cannot set headers). */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
    return match[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.access_token;
  if (query && fromQuery !== undefined) {
    // Route schemas do not know this parameter; it is consumed here.
    delete query.access_token;
    if (!SAFE_METHODS.has(request.method)) throw unauthenticated('access_token is accepted on reads only; send an Authorization header');
    if (typeof fromQuery !== 'string') throw unauthenticated('access_token must be given once');
    return fromQuery;
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Authentication and authorisation for every request. The principal comes
 * from an API token, else a session cookie, else (if enabled) the anonymous
 * reader. Access is then decided from route-access.ts; routes themselves only
 * apply the principal's scope to their SQL.
 */
export default fp(
  async (app, opts: AuthOptions) => {
    await app.register(cookie);
    app.decorate('authOptions', opts);
    app.decorateRequest('principal', undefined);
    app.decorateRequest('sessionCsrf', undefined);
    app.decorateRequest('credential', undefined);

    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/') && !route.url.startsWith('/tiles/')) return;
      for (const method of [route.method].flat()) {
        if (!accessOf(method, route.url)) throw new Error(`${method} ${route.url} has no access declared in server/contract/route-access.ts`);
      }
    });

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const access = request.routeOptions.url ? accessOf(request.method, request.routeOptions.url) : undefined;
      if (!access) return; // static files and unknown routes
      await identify(request, reply);
      const decision = decide(access, request.method, request.principal);
      if (decision === 'unauthenticated') throw unauthenticated();
      if (decision === 'forbidden')
        throw new HttpError(403, 'forbidden', `the ${request.principal!.role} role may not ${request.method} ${request.routeOptions.url}`);
      if (request.sessionCsrf && !SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, request.sessionCsrf)) {
          throw new HttpError(403, 'csrf_token_invalid', `writes with a session cookie need the ${CSRF_HEADER} header from /api/auth/me or the login response`);
        }
      }
    });

    async function identify(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const token = bearerToken(request);
      if (token !== undefined) {
        const row = await app.repos.tokens.findLive(token);
        if (!row) throw unauthenticated('the API token is unknown, revoked or expired');
        await app.repos.tokens.touch(row.id);
        request.principal = fromToken(row);
        request.credential = 'bearer';
        return;
      }
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const session = await app.repos.sessions.find(sessionId);
        if (session) {
          // A token's session (a wall display) acts as the token itself: its role, its scope, its audit name.
          if (session.kind === 'token') await app.repos.tokens.touch(session.token.id);
          request.principal = session.kind === 'user' ? fromUser(session.user) : fromToken(session.token);
          request.sessionCsrf = session.csrfToken;
          request.credential = 'cookie';
          return;
        }
        // Expired or ended elsewhere: drop the stale cookie so the web app shows the login page.
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
      if (opts.anonymousRead) request.principal = ANONYMOUS;
    }
  },
  { name: 'auth', dependencies: ['database'] },
);
