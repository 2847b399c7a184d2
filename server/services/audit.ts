import type { Queryable } from '../db/database.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import { actorFields, type Actor, type ActorFields } from './actor.js';

/** What an entry is about: a user, a token, an incident, a plan, a community… */
export interface AuditTarget {
  type: string;
  id: string;
}

/** The state before and after the change, as the audit log keeps it (never a secret). */
export interface AuditDetail {
  before?: unknown;
  after?: unknown;
}

/**
 * The one way an audit entry is written, called by services only, inside the
 * transaction of the change it describes (pass `tx`), so that a change and
 * its entry commit or vanish together. `as` overrides the recorded actor
 * fields where the actor is not yet a principal (a sign-in).
 */
export async function recordAudit(
  deps: { repos: { audit: AuditRepository } },
  actor: Actor | ActorFields,
  action: string,
  target: AuditTarget,
  detail: AuditDetail = {},
  tx?: Queryable,
): Promise<void> {
  const who = 'principal' in actor ? actorFields(actor) : actor;
  await deps.repos.audit.record({ ...who, action, targetType: target.type, targetId: target.id, ...detail }, tx);
}
