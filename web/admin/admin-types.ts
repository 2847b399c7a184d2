import type { Static } from 'typebox';
import type { Json } from '../../server/contract/common-schemas.js';
import type { AuditPage as AuditPageAnswer, TokenSchema, UserSchema } from '../../server/contract/identity-schemas.js';

/** The API's shapes, derived from the server's schemas so the two cannot drift apart. */
export type User = Static<typeof UserSchema>;
export type Token = Static<typeof TokenSchema>;
export type CreatedToken = Token & { token: string };

export type AuditPage = Json<AuditPageAnswer>;
export type AuditEntry = AuditPage['entries'][number];

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
