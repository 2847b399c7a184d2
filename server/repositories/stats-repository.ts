import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';
import { splitParams, splitWindow } from './daily-rollup.js';

// The explorer's counts with no attribute filters: one SQL for the summary and the explorer.
const COUNTS_BY_CHILD = sqlFile('explore-counts.sql');

export interface Counts {
  reported: number;
  closed: number;
  open: number;
  overdue: number;
  red_open: number;
  closed_with_deadline: number;
  closed_within_deadline: number;
  /** Sum over closed incidents of (closed_at - reported_at), seconds. */
  close_seconds: number;
}

export const ZERO_COUNTS: Counts = {
  reported: 0,
  closed: 0,
  open: 0,
  overdue: 0,
  red_open: 0,
  closed_with_deadline: 0,
  closed_within_deadline: 0,
  close_seconds: 0,
};

export function addCounts(a: Counts, b: Counts): Counts {
  const sum = { ...a };
  for (const k of Object.keys(sum) as (keyof Counts)[]) sum[k] = a[k] + b[k];
  return sum;
}

/** The KPIs the API reports, derived from summed counts (definitions in README, "KPIs"). */
export function kpis(c: Counts) {
  const { closed_with_deadline, close_seconds, ...shown } = c;
  return {
    ...shown,
    closure_rate: closureRate(c),
    within_deadline_rate: closed_with_deadline > 0 ? Math.round((c.closed_within_deadline / closed_with_deadline) * 10_000) / 10_000 : null,
    mean_hours_to_close: c.closed > 0 ? Math.round((close_seconds / c.closed / 3600) * 10) / 10 : null,
  };
}

export function createStatsRepository(db: Queryable) {
  return {
    /** Counts per child code (by grid-code prefix of `childLength` digits). */
    async countsByChild(
      q: { region: string | null; from?: Date; to?: Date; childLength: number; unit?: string | null },
      tx: Queryable = db,
    ): Promise<Map<string, Counts>> {
      const rows = await tx.query<Counts & { child_code: string }>(COUNTS_BY_CHILD, [
        q.region,
        ...splitParams(splitWindow(q.from, q.to, q.unit)),
        null,
        null,
        null,
        q.childLength,
        q.unit ?? null,
      ]);
      return new Map(rows.map(({ child_code, ...counts }) => [child_code, counts]));
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;

export function closureRate(c: Pick<Counts, 'reported' | 'closed'>): number | null {
  return c.reported > 0 ? Math.round((c.closed / c.reported) * 10_000) / 10_000 : null;
}
