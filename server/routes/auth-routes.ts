import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../http-errors.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../auth/password-hash.js';
import { LoginThrottle, type ThrottleLimits } from '../auth/login-throttle.js';
import { decide, ROUTE_ACCESS } from '../contract/route-access.js';
import { ROLE_NAMES } from '../auth/roles.js';
import { actorOf, SESSION_COOKIE } from '../plugins/auth-plugin.js';
import type { NewSession } from '../repositories/session-repository.js';
import { ErrorSchema, errorResponses } from '../contract/common-schemas.js';
import { MeSchema, Username } from '../contract/identity-schemas.js';
import { scopedRoot } from './region-scope.js';

const invalidLogin = () => new HttpError(401, 'invalid_credentials', 'wrong username or password');

/**
 * How long a token's session lasts at most (the token's own expiry comes
 * first): browsers keep a cookie for 400 days at most, and a wall display
 * runs for months on one start.
 */
const TOKEN_SESSION_DAYS = 400;

/** Login, logout, "who am I", and a token traded for a session. Login attempts are throttled per account and per address. */
const authRoutes: FastifyPluginAsyncTypebox<{ throttle?: ThrottleLimits }> = async (app, opts) => {
  const throttle = new LoginThrottle(app.repos.loginFailures, opts.throttle);

  function setSessionCookie(reply: FastifyReply, session: NewSession): void {
    reply.setCookie(SESSION_COOKIE, session.sessionId, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: app.authOptions.cookieSecure, expires: session.expiresAt,
    });
  }

  async function me(request: FastifyRequest, csrf: string | null) {
    const p = request.principal!;
    const root = await scopedRoot(request, undefined).catch(() => ({ code: p.scope, name: p.scope ?? '', level: p.scope ? 'unavailable' : 'city' }));
    return {
      principal: {
        kind: p.kind, id: p.id, display_name: p.displayName, role: p.role, role_name: ROLE_NAMES[p.role],
        scope: { code: p.scope, name: root.name, level: root.level }, unit: p.unit,
      },
      csrf_token: csrf,
      allowed: Object.entries(ROUTE_ACCESS)
        .filter(([route, access]) => decide(access, route.split(' ')[0]!, p) === 'allow')
        .map(([route]) => route),
    };
  }

  app.post('/api/auth/login', {
    schema: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in with a password; sets an HttpOnly session cookie and returns the CSRF token for writes',
      body: Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: MeSchema, 429: ErrorSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const verdict = await throttle.check(username, request.ip);
    if (verdict.refuse) {
      reply.header('retry-after', String(verdict.retryAfterSeconds));
      throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${verdict.retryAfterSeconds} s`);
    }
    if (verdict.delayMs) await sleep(verdict.delayMs);
    const user = await app.repos.users.findForLogin(username);
    // Verify even for unknown users so the answer takes as long either way.
    const ok = await verifyPassword(password, user?.password_hash ?? await dummyHash());
    if (!user || !ok || user.disabled) {
      await throttle.fail(username, request.ip);
      await app.repos.audit.record({ ...actorOf(request), actor: `login:${username}`, action: 'auth.login_failed', targetType: 'user', targetId: username });
      throw invalidLogin();
    }
    await throttle.succeed(username);
    // A hash made with older (cheaper) parameters is replaced now, while the password is at hand.
    const upgraded = needsRehash(user.password_hash) ? await hashPassword(password) : null;
    const session = await app.db.transaction(async (tx) => {
      await app.repos.sessions.pruneExpired(tx);
      const s = await app.repos.sessions.create(user.id, app.authOptions.sessionMinutes, tx);
      const rehashed = upgraded !== null && await app.repos.users.upgradePasswordHash(user.id, user.password_hash, upgraded, tx);
      await app.repos.audit.record({
        actor: `user:${user.username}`, actorUserId: user.id, clientIp: request.ip, action: 'auth.login', targetType: 'user', targetId: String(user.id),
        ...(rehashed ? { after: { password_hash: 'upgraded to the current scrypt parameters' } } : {}),
      }, tx);
      return s;
    });
    setSessionCookie(reply, session);
    request.principal = {
      kind: 'user', id: user.id, actor: `user:${user.username}`, role: user.role, scope: user.scope_code,
      unit: user.unit_code, userId: user.id, displayName: user.display_name,
    };
    return me(request, session.csrfToken);
  });

  app.post('/api/auth/token-session', {
    schema: {
      operationId: 'startTokenSession',
      tags: ['auth'],
      security: [{ bearerToken: [] }],
      summary: 'Trade the API token in the Authorization header for a session cookie bound to it (a wall display then drops the token from its URL); the session ends when the token is revoked or expires',
      response: { 200: MeSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const p = request.principal;
    if (p?.kind !== 'token' || request.credential !== 'bearer') {
      throw new HttpError(401, 'unauthenticated', 'present the API token as "Authorization: Bearer <token>"');
    }
    const session = await app.db.transaction(async (tx) => {
      const token = await app.repos.tokens.find(p.id!, tx);
      if (!token) throw new HttpError(401, 'unauthenticated', 'the API token is unknown, revoked or expired');
      await app.repos.sessions.pruneExpired(tx);
      const s = await app.repos.sessions.createForToken(token, new Date(Date.now() + TOKEN_SESSION_DAYS * 86_400_000), tx);
      await app.repos.audit.record({ ...actorOf(request), action: 'auth.token_session', targetType: 'token', targetId: String(token.id) }, tx);
      return s;
    });
    setSessionCookie(reply, session);
    return me(request, session.csrfToken);
  });

  app.post('/api/auth/logout', {
    schema: { operationId: 'logout', tags: ['auth'], summary: 'End the session (and clear its cookie)', response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId && request.credential === 'cookie') {
      await app.db.transaction(async (tx) => {
        await app.repos.sessions.delete(sessionId, tx);
        await app.repos.audit.record({ ...actorOf(request), action: 'auth.logout', targetType: request.principal!.kind, targetId: String(request.principal!.id) }, tx);
      });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    schema: { operationId: 'getCurrentPrincipal', tags: ['auth'], summary: 'Who is calling: role, scope and the routes they may call', response: { 200: MeSchema, ...errorResponses } },
  }, async (request) => me(request, request.sessionCsrf ?? null));
};

export default authRoutes;
