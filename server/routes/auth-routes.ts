import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { HttpError } from '../http-errors.js';
import { LoginThrottle, type ThrottleLimits } from '../auth/login-throttle.js';
import { decide, ROUTE_ACCESS } from '../contract/route-access.js';
import { ROLE_NAMES } from '../auth/roles.js';
import { SESSION_COOKIE } from '../plugins/auth-plugin.js';
import type { NewSession } from '../repositories/session-repository.js';
import { login, logout, startTokenSession } from '../services/session-service.js';
import { ErrorSchema, errorResponses } from '../contract/common-schemas.js';
import { MeSchema, Username } from '../contract/identity-schemas.js';
import { scopedRoot } from './region-scope.js';
import { requestActor, serviceDeps } from './request-actor.js';

/** Login, logout, "who am I", and a token traded for a session. Login attempts are throttled per account and per address. */
const authRoutes: FastifyPluginAsyncTypebox<{ throttle?: ThrottleLimits }> = async (app, opts) => {
  const throttle = new LoginThrottle(app.repos.loginFailures, opts.throttle);

  function setSessionCookie(reply: FastifyReply, session: NewSession): void {
    reply.setCookie(SESSION_COOKIE, session.sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: app.authOptions.cookieSecure,
      expires: session.expiresAt,
    });
  }

  async function me(request: FastifyRequest, csrf: string | null) {
    const p = request.principal!;
    const root = await scopedRoot(request, undefined).catch(() => ({
      code: p.scope,
      name: p.scope ?? '',
      name_en: null,
      level: p.scope ? 'unavailable' : 'city',
    }));
    return {
      principal: {
        kind: p.kind,
        id: p.id,
        display_name: p.displayName,
        role: p.role,
        role_name: ROLE_NAMES[p.role],
        scope: { code: p.scope, name: root.name, name_en: root.name_en ?? null, level: root.level },
        unit: p.unit,
      },
      csrf_token: csrf,
      allowed: Object.entries(ROUTE_ACCESS)
        .filter(([route, access]) => decide(access, route.split(' ')[0]!, p) === 'allow')
        .map(([route]) => route),
    };
  }

  app.post(
    '/api/auth/login',
    {
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with a password; sets an HttpOnly session cookie and returns the CSRF token for writes',
        body: Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: MeSchema, 429: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { session, principal } = await login({ ...serviceDeps(request), throttle }, requestActor(request), {
        ...request.body,
        sessionMinutes: app.authOptions.sessionMinutes,
      });
      setSessionCookie(reply, session);
      request.principal = principal;
      return me(request, session.csrfToken);
    },
  );

  app.post(
    '/api/auth/token-session',
    {
      schema: {
        operationId: 'startTokenSession',
        tags: ['auth'],
        security: [{ bearerToken: [] }],
        summary:
          'Trade the API token in the Authorization header for a session cookie bound to it (a wall display then drops the token from its URL); the session ends when the token is revoked or expires',
        response: { 200: MeSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind !== 'token' || request.credential !== 'bearer') {
        throw new HttpError(401, 'unauthenticated', 'present the API token as "Authorization: Bearer <token>"');
      }
      const session = await startTokenSession(serviceDeps(request), requestActor(request));
      setSessionCookie(reply, session);
      return me(request, session.csrfToken);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { operationId: 'logout', tags: ['auth'], summary: 'End the session (and clear its cookie)', response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId && request.credential === 'cookie') {
        await logout(serviceDeps(request), requestActor(request), { sessionId });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        operationId: 'getCurrentPrincipal',
        tags: ['auth'],
        summary: 'Who is calling: role, scope and the routes they may call',
        response: { 200: MeSchema, ...errorResponses },
      },
    },
    async (request) => me(request, request.sessionCsrf ?? null),
  );
};

export default authRoutes;
