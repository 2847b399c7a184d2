import type { Queryable } from '../db/database.js';
import { grantProblem } from '../auth/grant-rules.js';
import { hashPassword, passwordProblem } from '../auth/password-hash.js';
import type { Role } from '../auth/roles.js';
import type { UserRow } from '../repositories/user-repository.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

/** Checks a role/scope/unit grant against the rules and the database; invalid_parameter naming the field. */
export async function checkGrant(
  deps: Pick<ServiceDeps, 'db' | 'repos'>,
  role: Role,
  scope: string | null,
  unit: string | null,
  tx: Queryable = deps.db,
): Promise<void> {
  const problem = grantProblem(role, scope, unit);
  if (problem) throw invalidInput(problem.field, problem.reason, problem.zh);
  if (scope && !(await deps.repos.users.scopeExists(scope, tx)))
    throw invalidInput('scope', `no district, street, community or grid ${scope}`, `没有区、街道、社区或网格 ${scope}`);
  if (unit && !(await deps.repos.users.unitExists(unit, tx))) throw invalidInput('unit', `no unit ${unit}`, `没有单位 ${unit}`);
}

/** What the audit log keeps of a user: everything but the password hash. */
const auditView = (u: UserRow) => ({
  username: u.username,
  display_name: u.display_name,
  role: u.role,
  scope_code: u.scope_code,
  unit_code: u.unit_code,
  disabled: u.disabled,
});

const userTarget = (id: number) => ({ type: 'user', id: String(id) });

export interface NewUserInput {
  username: string;
  display_name: string;
  role: Role;
  scope?: string | null;
  unit?: string | null;
  password: string;
}

/** Creates a user with a role and scope (username_taken when the name is in use). */
export async function createUser(deps: ServiceDeps, actor: Actor, input: NewUserInput): Promise<UserRow> {
  const scope = input.scope ?? null;
  const unit = input.unit ?? null;
  const weak = passwordProblem(input.password);
  if (weak) throw invalidInput('password', weak);
  await checkGrant(deps, input.role, scope, unit);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    if (await deps.repos.users.findForLogin(input.username, tx)) throw new DomainError('username_taken', `username ${input.username} is taken`);
    const row = await deps.repos.users.insert({ username: input.username, displayName: input.display_name, role: input.role, scope, unit, passwordHash }, tx);
    await recordAudit(deps, actor, 'user.create', userTarget(row.id), { after: auditView(row) }, tx);
    return row;
  });
}

export interface UserChangeInput {
  id: number;
  display_name?: string;
  role?: Role;
  scope?: string | null;
  unit?: string | null;
  password?: string;
  disabled?: boolean;
}

/** Changes a user; ends their sessions when their access changes. Nobody disables themselves or gives up their own commander role. */
export async function updateUser(deps: ServiceDeps, actor: Actor, input: UserChangeInput): Promise<UserRow> {
  const { id } = input;
  if (input.password !== undefined) {
    const weak = passwordProblem(input.password);
    if (weak) throw invalidInput('password', weak);
  }
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    const before = await deps.repos.users.find(id, tx);
    if (!before) throw notFoundError(`user ${id}`);
    if (actor.principal?.userId === id && (input.disabled || (input.role && input.role !== 'commander'))) {
      throw invalidInput('id', 'you cannot disable yourself or give up your own commander role', '不能停用自己，也不能放弃自己的指挥长角色');
    }
    const role = input.role ?? before.role;
    const scope = input.scope !== undefined ? input.scope : before.scope_code;
    const unit = input.unit !== undefined ? input.unit : role === 'handler' ? before.unit_code : null;
    // Inside the transaction: PGlite has one connection, so a query outside it would wait forever.
    await checkGrant(deps, role, scope, unit, tx);
    const after = (await deps.repos.users.update(
      id,
      { displayName: input.display_name, role: input.role, scope, unit, passwordHash, disabled: input.disabled },
      tx,
    ))!;
    const accessChanged =
      passwordHash !== undefined ||
      after.disabled ||
      after.role !== before.role ||
      after.scope_code !== before.scope_code ||
      after.unit_code !== before.unit_code;
    if (accessChanged) await deps.repos.sessions.deleteForUser(id, tx);
    await recordAudit(
      deps,
      actor,
      passwordHash ? 'user.update_password' : 'user.update',
      userTarget(id),
      { before: auditView(before), after: auditView(after) },
      tx,
    );
    return after;
  });
}
