import type { Role } from '../contract/vocabulary.js';

/** The roles live in the shared vocabulary (the browser uses them too). */
export { ROLE_NAMES, ROLES, SCOPED_ROLES, type Role } from '../contract/vocabulary.js';

/** A principal (a logged-in user, an API token or an anonymous reader) always has exactly one role and a scope. */
export interface Principal {
  kind: 'user' | 'token' | 'anonymous';
  /** app_user.id or api_token.id; null when anonymous. */
  id: number | null;
  /** How the audit log names the actor: 'user:alice', 'token:7', 'anonymous'. */
  actor: string;
  role: Role;
  /** Region or grid code whose subtree is visible; null = the whole city. */
  scope: string | null;
  /** The handling unit (handlers only). */
  unit: string | null;
  /** The acting user's id, for foreign keys in history tables (a token acts for its creator). */
  userId: number | null;
  displayName: string;
}

/** True when `code` (a region, grid or incident's grid code) lies in the principal's subtree. */
export function inScope(scope: string | null, code: string): boolean {
  return scope === null || code.startsWith(scope);
}
