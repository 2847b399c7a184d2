import { isFinishedStatus } from '../../server/contract/vocabulary.js';
import type { Figures, GridMetrics, StreamIncident, Summary } from './api-types.js';

/**
 * The KPIs patched from one stream event, so the wall reacts without asking
 * the server (README, "Live"). Only what the event determines exactly is
 * changed, with the definitions of explore-counts.sql:
 * - reported, closed (window figures): incidents reported since `from`;
 * - open, red open ("now" figures): every incident not closed, rejected or duplicate.
 * Overdue depends on deadlines and the clock, which events do not carry: it
 * waits for the next reconciliation with the API, as does everything after
 * an event that does not say what the incident was before.
 */
export interface FigureChange {
  reported: number;
  closed: number;
  open: number;
  red_open: number;
  /** Reported since local midnight (the "new today" tile). */
  today: number;
}

export interface FigureContext {
  /** Start of the wall's window (ISO). */
  from: string;
  /** Local midnight (ISO). */
  today: string;
  /** The wall's region (a district's wall, say); undefined = everything the stream sends. */
  region?: string;
}

/** Whether a grid lies in a region: codes nest by prefix, except that the city's 6-digit code ends in 00 pairs its districts do not share. */
export function inRegion(gridCode: string, region: string | undefined): boolean {
  if (!region) return true;
  const prefix = region.length === 6 ? region.replace(/(00)+$/, '') : region;
  return gridCode.startsWith(prefix);
}

const isOpen = (status: string) => !isFinishedStatus(status);

/**
 * What one incident event changes, or null when the event does not say
 * enough (an escalation or overdue alert, or a status change without the
 * previous urgency): the caller then waits for the API.
 */
export function figureChange(type: string, i: StreamIncident, ctx: FigureContext): FigureChange | null {
  const none: FigureChange = { reported: 0, closed: 0, open: 0, red_open: 0, today: 0 };
  if (!inRegion(i.grid_code, ctx.region)) return none;
  // ISO strings of one format (toISOString) compare as the instants they name.
  const inWindow = i.reported_at >= ctx.from;
  if (type === 'incident.created') {
    const open = isOpen(i.status) ? 1 : 0;
    return {
      reported: inWindow ? 1 : 0,
      closed: inWindow && i.status === 'closed' ? 1 : 0,
      open,
      red_open: open && i.urgency === 'red' ? 1 : 0,
      today: i.reported_at >= ctx.today ? 1 : 0,
    };
  }
  if (type !== 'incident.status_changed' || !i.previous_status || !i.previous_urgency) return null;
  const wasOpen = isOpen(i.previous_status) ? 1 : 0;
  const nowOpen = isOpen(i.status) ? 1 : 0;
  return {
    ...none,
    closed: inWindow ? (i.status === 'closed' ? 1 : 0) - (i.previous_status === 'closed' ? 1 : 0) : 0,
    open: nowOpen - wasOpen,
    red_open: (nowOpen && i.urgency === 'red' ? 1 : 0) - (wasOpen && i.previous_urgency === 'red' ? 1 : 0),
  };
}

/** The closure rate as the API rounds it (stats-repository.ts). */
function closureRate(reported: number, closed: number): number | null {
  return reported > 0 ? Math.round((closed / reported) * 10_000) / 10_000 : null;
}

function patch<T extends Figures>(f: T, c: FigureChange): T {
  const reported = f.reported + c.reported;
  const closed = f.closed + c.closed;
  return { ...f, reported, closed, closure_rate: closureRate(reported, closed), open: f.open + c.open, red_open: f.red_open + c.red_open };
}

const isZero = (c: FigureChange) => !c.reported && !c.closed && !c.open && !c.red_open && !c.today;

/** The summary with one change applied: the place's figures and those of the child the grid lies in (the ranking). Same object when nothing changed. */
export function applyFigureChange(summary: Summary, gridCode: string, c: FigureChange): Summary {
  if (isZero(c)) return summary;
  return {
    ...patch(summary, c),
    children: summary.children.map((child) => (gridCode.startsWith(child.code) ? patch(child, c) : child)),
  };
}

/** A change applied from the event with this id. */
export interface LoggedChange {
  id: number;
  gridCode: string;
  change: FigureChange;
}

/**
 * The changes a summary answered as of event `position` (its Event-Position
 * header) does not count yet: those of later events. Unknown position: none.
 */
export function laterChanges(log: readonly LoggedChange[], position: number | null): LoggedChange[] {
  return position === null ? [] : log.filter((c) => c.id > position);
}

/**
 * The figures once the API has answered again: each answer plus the changes
 * of events it does not count yet (after its position), and the log kept only
 * for events after the older of the two positions (an unknown one keeps all).
 */
export function reconcileFigures(
  log: readonly LoggedChange[],
  summary: { answer: Summary; position: number | null },
  today: { reported: number; position: number | null },
): { summary: Summary; newToday: number; log: LoggedChange[] } {
  const patched = laterChanges(log, summary.position).reduce((s, c) => applyFigureChange(s, c.gridCode, c.change), summary.answer);
  const newToday = laterChanges(log, today.position).reduce((n, c) => n + c.change.today, today.reported);
  const older = summary.position === null || today.position === null ? null : Math.min(summary.position, today.position);
  return { summary: patched, newToday, log: older === null ? [...log] : log.filter((c) => c.id > older) };
}

/** Whether two grid-metrics answers hold the same figures for the same grids (then the map need not recolour). */
export function sameMetrics(a: GridMetrics, b: GridMetrics): boolean {
  if (a.from !== b.from) return false;
  const same = (x: readonly (string | number)[], y: readonly (string | number)[]) => x.length === y.length && x.every((v, n) => v === y[n]);
  return same(a.codes, b.codes) && (Object.keys(b.columns) as (keyof GridMetrics['columns'])[]).every((k) => same(a.columns[k], b.columns[k]));
}
