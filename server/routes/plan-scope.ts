import { parseTimeRange } from './query-parsers.js';

const DAY_MS = 86_400_000;

/** [from, to) from the query, defaulting to the `days` before now. */
export function timeWindow(from: string | undefined, to: string | undefined, days: number): { from: Date; to: Date } {
  const range = parseTimeRange(from, to);
  const end = range.to ?? new Date();
  return { from: range.from ?? new Date(end.getTime() - days * DAY_MS), to: end };
}
