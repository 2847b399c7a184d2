import type { Queryable } from '../db/database.js';

/**
 * How a window [from, to) of report times is read (migrations/020): the whole
 * China days inside it from the daily rollup, and the partial days at its two
 * edges from the incident rows. Days are China time by the fixed offset
 * UTC+8, as the rollup buckets them.
 */
export interface RollupSplit {
  /** Rollup days [firstDay, endDay), as date text ('-infinity'/'infinity' for an open end). */
  firstDay: string;
  endDay: string;
  /** The two raw ranges [from, to) of report times, as timestamptz text; an empty one is [x, x). */
  before: [string, string];
  after: [string, string];
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const NO_DAYS = { firstDay: '2000-01-01', endDay: '2000-01-01' };
const NOTHING: [string, string] = ['infinity', 'infinity'];

const dayText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayStart = (day: number) => new Date(day * DAY_MS - CHINA_OFFSET_MS).toISOString();

/** No rollup days: every incident of the window is read from the rows. */
export function rowsOnly(from: Date | undefined, to: Date | undefined): RollupSplit {
  return { ...NO_DAYS, before: [from?.toISOString() ?? '-infinity', to?.toISOString() ?? 'infinity'], after: NOTHING };
}

/**
 * Splits a window. A handler's unit scope has no rollup (assignments are not
 * in it): then every incident of the window is read from the rows, as before.
 */
export function splitWindow(from: Date | undefined, to: Date | undefined, unit?: string | null): RollupSplit {
  const whole: [string, string] = [from?.toISOString() ?? '-infinity', to?.toISOString() ?? 'infinity'];
  if (unit) return rowsOnly(from, to);
  // The first day that starts at or after `from`, and the day holding `to` (the days before it end by `to`).
  const first = from ? Math.ceil((from.getTime() + CHINA_OFFSET_MS) / DAY_MS) : -Infinity;
  const end = to ? Math.floor((to.getTime() + CHINA_OFFSET_MS) / DAY_MS) : Infinity;
  if (first >= end) return { ...NO_DAYS, before: whole, after: NOTHING };
  return {
    firstDay: from ? dayText(first) : '-infinity',
    endDay: to ? dayText(end) : 'infinity',
    before: from ? [from.toISOString(), dayStart(first)] : NOTHING,
    after: to ? [dayStart(end), to.toISOString()] : NOTHING,
  };
}

/** The split as SQL parameters, in the order the rollup readers number them: first day, end day, before, after. */
export function splitParams(s: RollupSplit): string[] {
  return [s.firstDay, s.endDay, ...s.before, ...s.after];
}

/**
 * Recomputes both rollups from the incident rows: the daily one (migrations/020) and the heatmap's (migrations/022);
 * returns the rows written to each. Call it inside a transaction: it reads every incident (twice), so the pool's
 * statement timeout is lifted for that transaction only.
 */
export async function rebuildRollups(tx: Queryable): Promise<{ daily: number; heat: number }> {
  await tx.exec('SET LOCAL statement_timeout = 0');
  const [row] = await tx.query<{ daily: number; heat: number }>('SELECT incident_daily_rebuild() AS daily, incident_heat_rebuild() AS heat');
  return { daily: Number(row!.daily), heat: Number(row!.heat) };
}
