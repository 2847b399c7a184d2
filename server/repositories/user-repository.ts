import type { Queryable } from '../db/database.js';
import type { Role } from '../auth/roles.js';

/** A user as the API shows it: never the password hash. */
export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  scope_code: string | null;
  unit_code: string | null;
  disabled: boolean;
  created_at: Date;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  scope: string | null;
  unit: string | null;
  passwordHash: string;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  scope?: string | null;
  unit?: string | null;
  passwordHash?: string;
  disabled?: boolean;
}

const COLUMNS = 'id, username, display_name, role, scope_code, unit_code, disabled, created_at';

export function createUserRepository(db: Queryable) {
  return {
    async list(tx: Queryable = db): Promise<UserRow[]> {
      return tx.query<UserRow>(`SELECT ${COLUMNS} FROM app_user ORDER BY id`);
    },

    async find(id: number, tx: Queryable = db): Promise<UserRow | null> {
      const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM app_user WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    /** The user and hash for a login; disabled users are returned so the caller can say so only after checking the password. */
    async findForLogin(username: string, tx: Queryable = db): Promise<(UserRow & { password_hash: string }) | null> {
      const rows = await tx.query<UserRow & { password_hash: string }>(`SELECT ${COLUMNS}, password_hash FROM app_user WHERE username = $1`, [username]);
      return rows[0] ?? null;
    },

    async insert(u: NewUser, tx: Queryable = db): Promise<UserRow> {
      const rows = await tx.query<UserRow>(
        `INSERT INTO app_user (username, display_name, role, scope_code, unit_code, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [u.username, u.displayName, u.role, u.scope, u.unit, u.passwordHash],
      );
      return rows[0]!;
    },

    /** Applies only the fields given; returns the row after the change (null if no such user). */
    async update(id: number, c: UserChanges, tx: Queryable = db): Promise<UserRow | null> {
      const rows = await tx.query<UserRow>(
        `UPDATE app_user SET
           display_name  = coalesce($2, display_name),
           role          = coalesce($3, role),
           scope_code    = CASE WHEN $4::boolean THEN $5 ELSE scope_code END,
           unit_code     = CASE WHEN $6::boolean THEN $7 ELSE unit_code END,
           password_hash = coalesce($8, password_hash),
           disabled      = coalesce($9, disabled)
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          c.displayName ?? null,
          c.role ?? null,
          c.scope !== undefined,
          c.scope ?? null,
          c.unit !== undefined,
          c.unit ?? null,
          c.passwordHash ?? null,
          c.disabled ?? null,
        ],
      );
      return rows[0] ?? null;
    },

    /**
     * Stores a hash made with the current parameters in place of an older one
     * (at sign-in), unless the password changed meanwhile; true if stored.
     */
    async upgradePasswordHash(id: number, oldHash: string, newHash: string, tx: Queryable = db): Promise<boolean> {
      const rows = await tx.query('UPDATE app_user SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id', [id, oldHash, newHash]);
      return rows.length === 1;
    },

    async count(tx: Queryable = db): Promise<number> {
      const rows = await tx.query<{ n: number }>('SELECT count(*)::int n FROM app_user');
      return rows[0]!.n;
    },

    /** Whether a scope names a real district/street/community or grid (the city itself is scope NULL). */
    async scopeExists(code: string, tx: Queryable = db): Promise<boolean> {
      const rows = await tx.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM region WHERE code = $1 AND level <> 'city')
             OR EXISTS (SELECT 1 FROM grid WHERE code = $1) AS ok`,
        [code],
      );
      return rows[0]!.ok;
    },

    async unitExists(code: string, tx: Queryable = db): Promise<boolean> {
      const rows = await tx.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM unit WHERE code = $1) AS ok', [code]);
      return rows[0]!.ok;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
