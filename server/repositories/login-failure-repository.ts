import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const RECENT = sqlFile('login-failures-recent.sql');
const RECORD = sqlFile('login-failures-record.sql');

/** Recent failures per key, oldest first, and the database clock's now (ms since the epoch). */
export interface RecentFailures {
  nowMs: number;
  byKey: Map<string, number[]>;
}

/**
 * Failed sign-ins in the database, so that every server process on one
 * PostgreSQL counts the same failures (login-throttle.ts decides from them).
 */
export function createLoginFailureRepository(db: Queryable) {
  return {
    async recent(keys: readonly string[], windowMs: number): Promise<RecentFailures> {
      const rows = await db.query<{ key: string | null; at_ms: number | null; now_ms: number }>(RECENT, [keys, windowMs]);
      const byKey = new Map<string, number[]>(keys.map((k) => [k, []]));
      for (const r of rows) if (r.key !== null && r.at_ms !== null) byKey.get(r.key)?.push(r.at_ms);
      return { nowMs: rows[0]!.now_ms, byKey };
    },

    async record(keys: readonly string[], windowMs: number): Promise<void> {
      await db.query(RECORD, [keys, windowMs]);
    },

    async clear(key: string): Promise<void> {
      await db.query('DELETE FROM login_failure WHERE key = $1', [key]);
    },
  };
}

export type LoginFailureRepository = ReturnType<typeof createLoginFailureRepository>;
