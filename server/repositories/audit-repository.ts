import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const AUDIT_PAGE = sqlFile('audit-page.sql');

export interface AuditEntry {
  actor: string;
  actorUserId: number | null;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  clientIp?: string | null;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  client_ip: string | null;
}

export interface AuditQuery {
  actor?: string;
  targetType?: string;
  targetId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Keyset: entries older than this id. */
  beforeId?: number;
  limit: number;
}

export function createAuditRepository(db: Queryable) {
  return {
    /** Appends one entry; call it inside the transaction of the change it describes. */
    async record(e: AuditEntry, tx: Queryable = db): Promise<void> {
      await tx.query(
        `INSERT INTO audit_log (actor, actor_user_id, action, target_type, target_id, before, after, client_ip)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
        [
          e.actor,
          e.actorUserId,
          e.action,
          e.targetType,
          e.targetId,
          e.before === undefined ? null : JSON.stringify(e.before),
          e.after === undefined ? null : JSON.stringify(e.after),
          e.clientIp ?? null,
        ],
      );
    },

    /** Newest first. */
    async page(q: AuditQuery, tx: Queryable = db): Promise<AuditRow[]> {
      return tx.query<AuditRow>(AUDIT_PAGE, [
        q.actor ?? null,
        q.targetType ?? null,
        q.targetId ?? null,
        q.action ?? null,
        q.from ?? null,
        q.to ?? null,
        q.beforeId ?? null,
        q.limit,
      ]);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
