import { PREPARED, type Queryable } from '../db/database.js';
import type { Role } from '../auth/roles.js';
import { newSecret, secretHash } from './session-repository.js';

/** A token as the API lists it: the prefix identifies it, the secret is never shown again. */
export interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  scope_code: string | null;
  unit_code: string | null;
  created_by: number;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface NewToken {
  name: string;
  role: Role;
  scope: string | null;
  unit: string | null;
  createdBy: number;
  expiresAt: Date | null;
}

/** Tokens start with gst_ so secret scanners and people can recognise them. */
export const TOKEN_PREFIX = 'gst_';
const COLUMNS = 'id, name, prefix, role, scope_code, unit_code, created_by, created_at, expires_at, revoked_at, last_used_at';

export function createTokenRepository(db: Queryable) {
  return {
    async list(tx: Queryable = db): Promise<TokenRow[]> {
      return tx.query<TokenRow>(`SELECT ${COLUMNS} FROM api_token ORDER BY id`);
    },

    async find(id: number, tx: Queryable = db): Promise<TokenRow | null> {
      const rows = await tx.query<TokenRow>(`SELECT ${COLUMNS} FROM api_token WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    /** Creates a token; the raw secret is returned here once and never stored. */
    async insert(t: NewToken, tx: Queryable = db): Promise<{ token: string; row: TokenRow }> {
      const token = newSecret(TOKEN_PREFIX);
      const rows = await tx.query<TokenRow>(
        `INSERT INTO api_token (name, token_hash, prefix, role, scope_code, unit_code, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [t.name, secretHash(token), token.slice(0, TOKEN_PREFIX.length + 6), t.role, t.scope, t.unit, t.createdBy, t.expiresAt],
      );
      return { token, row: rows[0]! };
    },

    /** The live token for a secret, or null when unknown, revoked or expired. */
    async findLive(token: string, tx: Queryable = db): Promise<TokenRow | null> {
      // Run on every request with a bearer token: prepared, as the session lookup (session-repository.ts).
      const rows = await tx.query<TokenRow>(
        `SELECT ${COLUMNS} FROM api_token
          WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [secretHash(token)],
        PREPARED,
      );
      return rows[0] ?? null;
    },

    /** Notes use at most once a minute, so a busy wall display does not write on every request. */
    async touch(id: number, tx: Queryable = db): Promise<void> {
      await tx.query(
        `UPDATE api_token SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [id],
      );
    },

    async revoke(id: number, by: number, tx: Queryable = db): Promise<TokenRow | null> {
      const rows = await tx.query<TokenRow>(
        `UPDATE api_token SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [id, by],
      );
      return rows[0] ?? null;
    },
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
