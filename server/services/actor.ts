import type { Principal } from '../auth/roles.js';
import type { Visibility } from '../repositories/incident-workflow-repository.js';

/**
 * Who asks a service for something: the principal the request was
 * authenticated as (undefined before sign-in, or when anonymous reading is
 * off), and the client's address for the audit log. Routes build it from the
 * request (server/routes/request-actor.ts); services never see a request.
 */
export interface Actor {
  principal: Principal | undefined;
  clientIp: string | null;
}

/** The name, user id and address every audit entry and history row records. */
export interface ActorFields {
  actor: string;
  actorUserId: number | null;
  clientIp: string | null;
}

export function actorFields(a: Actor): ActorFields {
  return { actor: a.principal?.actor ?? 'anonymous', actorUserId: a.principal?.userId ?? null, clientIp: a.clientIp };
}

/** The principal of an actor a route has already authenticated (route-access.ts lets no anonymous write through). */
export function principalOf(a: Actor): Principal {
  if (!a.principal) throw new Error('a service that needs a principal was called without one');
  return a.principal;
}

/** What a principal may see of incidents: its region scope, and for handlers only their unit's incidents. */
export function visibilityOf(p: Principal | undefined): Visibility {
  return { scope: p?.scope ?? null, unit: p?.role === 'handler' ? p.unit : null };
}
