import type { Database } from '../db/database.js';
import { cliSays, refusalSays, SaidError, type Said } from '../cli-messages.js';
import { grantProblem } from './grant-rules.js';
import { hashPassword, passwordProblem } from './password-hash.js';
import { ROLES, type Role } from './roles.js';
import { createAuditRepository } from '../repositories/audit-repository.js';
import { createUserRepository } from '../repositories/user-repository.js';
import { recordAudit } from '../services/audit.js';

export class CreateUserRefused extends SaidError {}

/**
 * `gridscope create-user`: how a deployment without demo users gets its first
 * commander. The password comes from stdin or GRIDSCOPE_NEW_PASSWORD, never
 * from the command line (where `ps` and shell history would keep it).
 */
export interface NewUser {
  username: string;
  role: string;
  scope?: string;
  unit?: string;
  name?: string;
  password: string;
}

/**
 * The refusals that need no database: an unknown role, a scope or unit the role may not have, a weak
 * password, a malformed username. The CLI checks them before it opens the database, so that a typo is
 * answered at once rather than after opening (on the embedded database, seconds) and migrating it.
 */
export function refuseBadNewUser(u: NewUser): void {
  if (!(ROLES as readonly string[]).includes(u.role)) throw new CreateUserRefused(refusalSays.role(ROLES));
  const grant = grantProblem(u.role as Role, u.scope ?? null, u.unit ?? null);
  if (grant) throw new CreateUserRefused(refusalSays.grant(grant.field, grant.reason, grant.zh));
  const weak = passwordProblem(u.password);
  if (weak) throw new CreateUserRefused(refusalSays.password(weak));
  if (!/^[a-z0-9][a-z0-9_.-]{2,39}$/.test(u.username)) throw new CreateUserRefused(refusalSays.username());
}

export async function createUserCommand(db: Database, u: NewUser): Promise<Said> {
  refuseBadNewUser(u);
  const role = u.role as Role;
  const scope = u.scope ?? null;
  const unit = u.unit ?? null;
  const users = createUserRepository(db);
  if (scope && !(await users.scopeExists(scope))) throw new CreateUserRefused(refusalSays.noScope(scope));
  if (unit && !(await users.unitExists(unit))) throw new CreateUserRefused(refusalSays.noUnit(unit));
  const passwordHash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    if (await users.findForLogin(u.username, tx)) throw new CreateUserRefused(refusalSays.usernameTaken(u.username));
    const row = await users.insert({ username: u.username, displayName: u.name ?? u.username, role, scope, unit, passwordHash }, tx);
    await recordAudit(
      { repos: { audit: createAuditRepository(db) } },
      { actor: 'cli', actorUserId: null, clientIp: null },
      'user.create',
      { type: 'user', id: String(row.id) },
      { after: { username: row.username, role, scope_code: scope, unit_code: unit } },
      tx,
    );
    return cliSays.userCreated(row.username, role, scope, unit);
  });
}

export async function readPassword(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GRIDSCOPE_NEW_PASSWORD) return env.GRIDSCOPE_NEW_PASSWORD;
  if (process.stdin.isTTY) throw new CreateUserRefused(refusalSays.passwordSource());
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}
