import { INCIDENT_STATUSES, OPEN_STATUSES, URGENCIES } from '../../server/contract/vocabulary.js';

/**
 * The explorer's view as a URL: everything shown follows from these values,
 * and every value is always written back (defaults included), so a reload
 * or a shared link restores exactly the same view, even on another day.
 * Dates are China calendar days, both ends inclusive.
 */
export const METRICS = ['reported', 'per_1k', 'closure_rate', 'overdue', 'mean_hours_to_close'] as const;
export type Metric = (typeof METRICS)[number];
// The open statuses (README, "KPIs") are offered as one choice.
export { INCIDENT_STATUSES as STATUSES, OPEN_STATUSES, URGENCIES };
export type Interval = 'day' | 'week';
export type CompareMode = 'none' | 'side' | 'diff';
import type { Lang } from '../shared/i18n.js';
export type { Lang };

export interface ExploreView {
  /** Place code (region or grid); undefined = the caller's whole scope. */
  region?: string;
  from: string;
  to: string;
  metric: Metric;
  categories: string[];
  urgencies: string[];
  statuses: string[];
  interval: Interval;
  compare: CompareMode;
  /** The period compared with (B), when compare is not 'none'. */
  bfrom: string;
  bto: string;
  /** The playback frame's first day, when paused mid-playback; undefined = the whole window. */
  at?: string;
  lang: Lang;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in China (UTC+8), whatever the browser's zone. */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The API window of China days [from, to] inclusive: midnight China time to the midnight after `to`. */
export function apiWindow(from: string, to: string): { from: string; to: string } {
  return { from: `${from}T00:00:00+08:00`, to: `${addDays(to, 1)}T00:00:00+08:00` };
}

const list = (raw: string | null, allowed?: readonly string[]) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && (!allowed || allowed.includes(s)));
const date = (raw: string | null, fallback: string) => (raw && DATE.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : fallback);

/** Reads a view from a query string; anything missing or malformed takes its default (the last 30 days). */
export function parseView(search: string, today = chinaToday()): ExploreView {
  const q = new URLSearchParams(search);
  const to = date(q.get('to'), today);
  let from = date(q.get('from'), addDays(to, -29));
  if (from > to) from = to;
  const span = daysBetween(from, to);
  const bto = date(q.get('bto'), addDays(from, -1));
  let bfrom = date(q.get('bfrom'), addDays(bto, -span));
  if (bfrom > bto) bfrom = bto;
  const region = q.get('region') ?? undefined;
  const at = q.get('at');
  return {
    region: region && /^\d{6}(\d{3}){0,3}$/.test(region) ? region : undefined,
    from,
    to,
    metric: (METRICS as readonly string[]).includes(q.get('metric') ?? '') ? (q.get('metric') as Metric) : 'reported',
    categories: list(q.get('category')),
    urgencies: list(q.get('urgency'), URGENCIES),
    statuses: list(q.get('status'), INCIDENT_STATUSES),
    interval: q.get('interval') === 'week' ? 'week' : 'day',
    compare: q.get('compare') === 'side' || q.get('compare') === 'diff' ? (q.get('compare') as CompareMode) : 'none',
    bfrom,
    bto,
    at: at && DATE.test(at) && at >= from && at <= to ? at : undefined,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
  };
}

/** The query string of a view, in a fixed order; empty filters are left out. */
export function serializeView(v: ExploreView): string {
  const q = new URLSearchParams();
  if (v.region) q.set('region', v.region);
  q.set('from', v.from);
  q.set('to', v.to);
  q.set('metric', v.metric);
  if (v.categories.length) q.set('category', v.categories.join(','));
  if (v.urgencies.length) q.set('urgency', v.urgencies.join(','));
  if (v.statuses.length) q.set('status', v.statuses.join(','));
  q.set('interval', v.interval);
  if (v.compare !== 'none') {
    q.set('compare', v.compare);
    q.set('bfrom', v.bfrom);
    q.set('bto', v.bto);
  }
  if (v.at) q.set('at', v.at);
  if (v.lang === 'en') q.set('lang', 'en');
  return `?${q.toString().replaceAll('%2C', ',')}`;
}

/** The API query for a period of a view: place, window and attribute filters. */
export function apiFilters(v: ExploreView, period: { from: string; to: string }): Record<string, string | undefined> {
  return {
    region: v.region,
    ...apiWindow(period.from, period.to),
    category: v.categories.join(',') || undefined,
    urgency: v.urgencies.join(',') || undefined,
    status: v.statuses.join(',') || undefined,
  };
}

/** The period the map shows: the playback frame when there is one, else the window. */
export function mapPeriod(v: ExploreView): { from: string; to: string } {
  if (!v.at) return { from: v.from, to: v.to };
  const end = addDays(v.at, v.interval === 'week' ? 6 : 0);
  return { from: v.at, to: end < v.to ? end : v.to };
}
