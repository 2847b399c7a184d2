import type { Role } from '../auth/roles.js';
import type { TokenRow } from '../repositories/token-repository.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { invalidInput, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';
import { checkGrant } from './user-service.js';

/** What the audit log keeps of a token: never its secret or hash. */
const auditView = (t: TokenRow) => ({
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  scope_code: t.scope_code,
  unit_code: t.unit_code,
  expires_at: t.expires_at,
  revoked_at: t.revoked_at,
});

const tokenTarget = (id: number) => ({ type: 'token', id: String(id) });

export interface NewTokenInput {
  name: string;
  role: Role;
  scope?: string | null;
  unit?: string | null;
  /** Parsed by the route from the request's ISO 8601 time; null = never. */
  expiresAt: Date | null;
}

/** Creates an API token for a device or wall display; its secret is in this answer only. Made by a signed-in user, never by another token. */
export async function createToken(deps: ServiceDeps, actor: Actor, input: NewTokenInput): Promise<{ token: string; row: TokenRow }> {
  const scope = input.scope ?? null;
  const unit = input.unit ?? null;
  const { expiresAt } = input;
  if (expiresAt && expiresAt.getTime() <= deps.clock().getTime()) throw invalidInput('expires_at', 'must be in the future', '必须是将来的时间');
  await checkGrant(deps, input.role, scope, unit);
  const createdBy = actor.principal?.userId;
  if (!createdBy)
    throw invalidInput('Authorization', 'tokens are created by a signed-in commander, not by another token', '令牌须由已登录的指挥长创建，不能由其他令牌创建');
  return deps.db.transaction(async (tx) => {
    const c = await deps.repos.tokens.insert({ name: input.name, role: input.role, scope, unit, createdBy, expiresAt }, tx);
    await recordAudit(deps, actor, 'token.create', tokenTarget(c.row.id), { after: auditView(c.row) }, tx);
    return c;
  });
}

/** Revokes a token at once, and ends the sessions a wall traded it for; revoking it again changes nothing. */
export async function revokeToken(deps: ServiceDeps, actor: Actor, input: { id: number }): Promise<TokenRow> {
  const { id } = input;
  const revokedBy = actor.principal?.userId;
  if (!revokedBy) throw invalidInput('Authorization', 'tokens are revoked by a signed-in commander', '令牌须由已登录的指挥长吊销');
  return deps.db.transaction(async (tx) => {
    const before = await deps.repos.tokens.find(id, tx);
    if (!before) throw notFoundError(`token ${id}`);
    const after = await deps.repos.tokens.revoke(id, revokedBy, tx);
    if (!after) return before; // already revoked: nothing changes, nothing to audit
    // A wall that traded this token for a cookie stops with it.
    await deps.repos.sessions.deleteForToken(id, tx);
    await recordAudit(deps, actor, 'token.revoke', tokenTarget(id), { before: auditView(before), after: auditView(after) }, tx);
    return after;
  });
}
