import type { Static } from 'typebox';
import type { TokenSchema, UserSchema } from '../../server/contract/identity-schemas.js';

/** The API's shapes, derived from the server's schemas so the two cannot drift apart. */
export type User = Static<typeof UserSchema>;
export type Token = Static<typeof TokenSchema>;
export type CreatedToken = Token & { token: string };

/** One row of GET /api/audit (the route's schema is private to it). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  client_ip: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before: number | null;
}

export type { Lang } from '../shared/i18n.js';

/** Fired (bubbling, composed) by a panel for the outcome of an action outside a form; the page shows it in its one status line. */
export const ADMIN_STATUS = 'gs-admin-status';

export interface AdminStatus {
  kind: 'error' | 'ok';
  message: string;
}

export function report(from: HTMLElement, message: string, kind: AdminStatus['kind'] = 'error'): void {
  from.dispatchEvent(new CustomEvent<AdminStatus>(ADMIN_STATUS, { detail: { kind, message }, bubbles: true, composed: true }));
}
