import { setTimeout as sleep } from 'node:timers/promises';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../auth/password-hash.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { Principal } from '../auth/roles.js';
import type { NewSession } from '../repositories/session-repository.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * How long a token's session lasts at most (the token's own expiry comes
 * first): browsers keep a cookie for 400 days at most, and a wall display
 * runs for months on one start.
 */
const TOKEN_SESSION_DAYS = 400;

const invalidLogin = () => new DomainError('invalid_credentials', 'wrong username or password');

/**
 * Signs in with a password, throttled per account and per address: a new
 * session, and the principal it stands for. Wrong passwords, unknown and
 * disabled users get the same answer in about the same time.
 */
export async function login(
  deps: ServiceDeps & { throttle: LoginThrottle },
  actor: Actor,
  input: { username: string; password: string; sessionMinutes: number },
): Promise<{ session: NewSession; principal: Principal }> {
  const { username, password } = input;
  const address = actor.clientIp ?? '';
  const verdict = await deps.throttle.check(username, address);
  if (verdict.refuse) {
    throw new DomainError('too_many_attempts', `too many failed sign-ins; try again in ${verdict.retryAfterSeconds} s`, {
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
  }
  if (verdict.delayMs) await sleep(verdict.delayMs);
  const user = await deps.repos.users.findForLogin(username);
  // Verify even for unknown users so the answer takes as long either way.
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) {
    await deps.throttle.fail(username, address);
    await recordAudit(deps, { ...actorFields(actor), actor: `login:${username}` }, 'auth.login_failed', { type: 'user', id: username });
    throw invalidLogin();
  }
  await deps.throttle.succeed(username);
  // A hash made with older (cheaper) parameters is replaced now, while the password is at hand.
  const upgraded = needsRehash(user.password_hash) ? await hashPassword(password) : null;
  const session = await deps.db.transaction(async (tx) => {
    await deps.repos.sessions.pruneExpired(tx);
    const s = await deps.repos.sessions.create(user.id, input.sessionMinutes, tx);
    const rehashed = upgraded !== null && (await deps.repos.users.upgradePasswordHash(user.id, user.password_hash, upgraded, tx));
    await recordAudit(
      deps,
      { actor: `user:${user.username}`, actorUserId: user.id, clientIp: actor.clientIp },
      'auth.login',
      { type: 'user', id: String(user.id) },
      rehashed ? { after: { password_hash: 'upgraded to the current scrypt parameters' } } : {},
      tx,
    );
    return s;
  });
  return {
    session,
    principal: {
      kind: 'user',
      id: user.id,
      actor: `user:${user.username}`,
      role: user.role,
      scope: user.scope_code,
      unit: user.unit_code,
      userId: user.id,
      displayName: user.display_name,
    },
  };
}

/** Trades the API token the actor presented for a session bound to it; the session ends when the token is revoked or expires. */
export async function startTokenSession(deps: ServiceDeps, actor: Actor): Promise<NewSession> {
  const p = principalOf(actor);
  return deps.db.transaction(async (tx) => {
    const token = await deps.repos.tokens.find(p.id!, tx);
    if (!token) throw new DomainError('unauthenticated', 'the API token is unknown, revoked or expired');
    await deps.repos.sessions.pruneExpired(tx);
    const s = await deps.repos.sessions.createForToken(token, new Date(deps.clock().getTime() + TOKEN_SESSION_DAYS * 86_400_000), tx);
    await recordAudit(deps, actor, 'auth.token_session', { type: 'token', id: String(token.id) }, {}, tx);
    return s;
  });
}

/** Ends the actor's session. */
export async function logout(deps: ServiceDeps, actor: Actor, input: { sessionId: string }): Promise<void> {
  const p = principalOf(actor);
  await deps.db.transaction(async (tx) => {
    await deps.repos.sessions.delete(input.sessionId, tx);
    await recordAudit(deps, actor, 'auth.logout', { type: p.kind, id: String(p.id) }, {}, tx);
  });
}
