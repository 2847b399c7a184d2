import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const STATS_SUMMARY = sqlFile('stats-summary.sql');

export interface Counts {
  reported: number;
  closed: number;
  open: number;
  overdue: number;
  red_open: number;
}

export function createStatsRepository(db: Queryable) {
  return {
    /** Counts per child code (by grid-code prefix of `childLength` digits). */
    async countsByChild(
      q: { region: string | null; from?: Date; to?: Date; childLength: number },
      tx: Queryable = db,
    ): Promise<Map<string, Counts>> {
      const rows = await tx.query<Counts & { child_code: string }>(STATS_SUMMARY, [q.region, q.from ?? null, q.to ?? null, q.childLength]);
      return new Map(rows.map(({ child_code, ...counts }) => [child_code, counts]));
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;

export function closureRate(c: Pick<Counts, 'reported' | 'closed'>): number | null {
  return c.reported > 0 ? Math.round((c.closed / c.reported) * 10_000) / 10_000 : null;
}
