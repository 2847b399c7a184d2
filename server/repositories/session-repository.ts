import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import type { UserRow } from './user-repository.js';

/** Only hashes of session ids and tokens are stored; the raw values live in cookies and devices. */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export interface SessionUser extends UserRow {
  csrf_token: string;
  expires_at: Date;
}

export function createSessionRepository(db: Queryable) {
  return {
    /** Opens a session; returns the raw id for the cookie (never stored) and the CSRF token. */
    async create(userId: number, ttlMinutes: number, tx: Queryable = db): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
      const sessionId = newSecret('');
      const csrfToken = randomBytes(24).toString('base64url');
      const rows = await tx.query<{ expires_at: Date }>(
        `INSERT INTO user_session (id_hash, user_id, csrf_token, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4::int)) RETURNING expires_at`,
        [secretHash(sessionId), userId, csrfToken, ttlMinutes]);
      return { sessionId, csrfToken, expiresAt: new Date(rows[0]!.expires_at) };
    },

    /** The live session's user, or null when unknown, expired or the user is disabled. */
    async findUser(sessionId: string, tx: Queryable = db): Promise<SessionUser | null> {
      const rows = await tx.query<SessionUser>(
        `SELECT u.id, u.username, u.display_name, u.role, u.scope_code, u.unit_code, u.disabled, u.created_at,
                s.csrf_token, s.expires_at
           FROM user_session s JOIN app_user u ON u.id = s.user_id
          WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
        [secretHash(sessionId)]);
      return rows[0] ?? null;
    },

    async delete(sessionId: string, tx: Queryable = db): Promise<void> {
      await tx.query('DELETE FROM user_session WHERE id_hash = $1', [secretHash(sessionId)]);
    },

    /** Ends every session of a user (password change, disabling, role change). */
    async deleteForUser(userId: number, tx: Queryable = db): Promise<void> {
      await tx.query('DELETE FROM user_session WHERE user_id = $1', [userId]);
    },

    async pruneExpired(tx: Queryable = db): Promise<void> {
      await tx.query('DELETE FROM user_session WHERE expires_at <= now()');
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
