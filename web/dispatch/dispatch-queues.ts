import { RED_DISPATCH_MINUTES } from '../../server/contract/incident-workflow.js';

/**
 * The dispatch console's work queues, as pure functions over the incidents
 * the page holds: which queue an incident is in, the order a queue is worked
 * in, and the filters. Queues are computed in the browser from one list of
 * open incidents, so a live event moves an incident between them at once.
 */
export const QUEUES = ['reported', 'filed', 'handling', 'verify', 'overdue', 'red', 'all'] as const;
export type QueueId = (typeof QUEUES)[number];

/** One incident as the list shows it: the list API's properties, kept up to date by the stream. */
export interface QueueItem {
  code: string;
  category: string;
  urgency: 'red' | 'yellow' | 'blue';
  status: string;
  description: string;
  reported_at: string;
  due_at: string | null;
  /** When it was last urged (督办), null or absent if never. */
  urged_at?: string | null;
  grid_code: string;
  street_code: string;
  district_code: string;
  /** [longitude, latitude], from the list's geometry or the stream's event; absent for a record read alone. */
  location?: [number, number];
}

export interface QueueFilters {
  district: string;
  /** A street of the district (or of the caller's scope); '' for any. */
  street: string;
  category: string;
  urgency: string;
  /** Free text for the "all" queue: part of a code, the description, a grid code or a place name (the server searches). */
  search: string;
}

export const NO_FILTERS: QueueFilters = { district: '', street: '', category: '', urgency: '', search: '' };

const URGENCY_RANK: Record<string, number> = { red: 0, yellow: 1, blue: 2 };

/** Whether an incident belongs in a queue at `now` (the "all" queue takes everything). */
export function inQueue(item: QueueItem, queue: QueueId, now: number): boolean {
  switch (queue) {
    case 'reported':
      return item.status === 'reported';
    case 'filed':
      return item.status === 'filed';
    case 'handling':
      return item.status === 'dispatched' || item.status === 'in_progress';
    case 'verify':
      return item.status === 'resolved';
    case 'overdue':
      return (item.status === 'dispatched' || item.status === 'in_progress') && item.due_at !== null && Date.parse(item.due_at) < now;
    // The sweep's rule (incident-workflow.ts): red, not yet dispatched, 30 minutes after the report.
    case 'red':
      return (
        item.urgency === 'red' && (item.status === 'reported' || item.status === 'filed') && Date.parse(item.reported_at) <= now - RED_DISPATCH_MINUTES * 60_000
      );
    case 'all':
      return true;
  }
}

/**
 * Whether an incident passes the filters. The search matches the code, the
 * description or the grid here; `hits` are the codes the server found for
 * the same search (which also matches place names), so both count.
 */
export function matchesFilters(item: QueueItem, f: QueueFilters, hits?: ReadonlySet<string>): boolean {
  if (f.district && item.district_code !== f.district) return false;
  if (f.street && item.street_code !== f.street) return false;
  if (f.category && item.category !== f.category) return false;
  if (f.urgency && item.urgency !== f.urgency) return false;
  const q = f.search.trim().toLowerCase();
  if (q && !hits?.has(item.code) && !item.code.toLowerCase().includes(q) && !item.description.toLowerCase().includes(q) && !item.grid_code.includes(q))
    return false;
  return true;
}

/** Most urgent first, then the longest waiting (oldest report) first; the code breaks ties so the order is stable. */
export function byUrgencyThenWait(a: QueueItem, b: QueueItem): number {
  return (URGENCY_RANK[a.urgency] ?? 9) - (URGENCY_RANK[b.urgency] ?? 9) || a.reported_at.localeCompare(b.reported_at) || a.code.localeCompare(b.code);
}

/** A queue's items in working order. The search box applies to "all" only; the other filters everywhere. */
export function queueItems(items: Iterable<QueueItem>, queue: QueueId, filters: QueueFilters, now: number, hits?: ReadonlySet<string>): QueueItem[] {
  const f = queue === 'all' ? filters : { ...filters, search: '' };
  const out: QueueItem[] = [];
  for (const item of items) if (inQueue(item, queue, now) && matchesFilters(item, f, hits)) out.push(item);
  return out.sort(byUrgencyThenWait);
}

/** How many incidents each queue holds, under the filters (not the search). */
export function queueCounts(items: Iterable<QueueItem>, filters: QueueFilters, now: number): Record<QueueId, number> {
  const counts = Object.fromEntries(QUEUES.map((q) => [q, 0])) as Record<QueueId, number>;
  const f = { ...filters, search: '' };
  for (const item of items) {
    if (!matchesFilters(item, f)) continue;
    for (const q of QUEUES) if (inQueue(item, q, now)) counts[q]++;
  }
  return counts;
}

/** Whole minutes between two moments (negative when `to` is earlier). */
export function minutesBetween(from: string | number, to: number): number {
  return Math.floor((to - (typeof from === 'number' ? from : Date.parse(from))) / 60_000);
}

/** The row `step` rows from the selected one, kept within the list; the first row when none is selected; undefined for an empty list. */
export function rowAfter<T extends { code: string }>(rows: readonly T[], selected: string | null, step: number): T | undefined {
  if (rows.length === 0) return undefined;
  const at = rows.findIndex((r) => r.code === selected);
  return rows[at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step))];
}
