import type { Database } from '../../server/db/database.js';

export interface TableChecksum {
  t: string;
  n: number;
  h: string;
}

/**
 * A fingerprint of every table, to show that a refused request wrote nothing:
 * per table, its row count and an order-independent sum of hashes of each
 * row's physical version (ctid, xmin). Any insert, update or delete, even one
 * that writes the same values, makes a new row version, so this sees every
 * write without reading (or detoasting) the rows' geometry. Failed logins are
 * audited on purpose (auth.login_failed) and are left out.
 */
export async function tableChecksums(db: Database): Promise<() => Promise<TableChecksum[]>> {
  const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys' ORDER BY 1`);
  // Bookkeeping that a refused request may rightly leave: failed sign-ins (audited and counted by the
  // sign-in throttle on purpose) and a token's last use (stamped at most once a minute).
  const sql = tables
    .filter(({ name }) => name !== 'login_failure')
    .map(({ name }) => {
      const where = name === 'audit_log' ? "WHERE x.action <> 'auth.login_failed'" : '';
      const version =
        name === 'api_token'
          ? 'row(x.id, x.name, x.token_hash, x.role, x.scope_code, x.unit_code, x.expires_at, x.revoked_at)::text'
          : 'x.ctid::text || x.xmin::text';
      return `SELECT '${name}' AS t, count(*)::int AS n, coalesce(sum(hashtext(${version})::bigint), 0)::text AS h FROM ${name} x ${where}`;
    })
    .join('\nUNION ALL ');
  return () => db.query<TableChecksum>(sql);
}
