import { isFinishedStatus } from '../../server/contract/vocabulary.js';
import type { IncidentFeature, IncidentPage, Position, StreamIncident, Urgency } from './api-types.js';

/** One line of the ticker. `key` makes an entry idempotent: the same event arriving twice is shown once. */
export interface TickerEntry {
  key: string;
  at: string;
  kind: string;
  code: string;
  category: string;
  urgency: Urgency;
  status: string;
  previousStatus?: string;
  /** The grid's code: the ticker names the part of the wall's place whose code it starts with. */
  gridCode: string;
}

/** A wall runs for days: every live list is capped. */
export const TICKER_MAX = 30;
export const RED_MARKERS_MAX = 2_000;
/** A new incident is ringed on the map for this long. */
export const RECENT_MS = 120_000;

/** Newest first, at most `max`, one entry per key. */
export function addTickerEntries(list: readonly TickerEntry[], added: readonly TickerEntry[], max = TICKER_MAX): TickerEntry[] {
  const byKey = new Map(list.map((e) => [e.key, e]));
  for (const e of added) byKey.set(e.key, e);
  return [...byKey.values()].sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key)).slice(0, max);
}

export function tickerFromFeature(f: IncidentFeature): TickerEntry {
  const p = f.properties;
  // Keyed like the stream's incident.created, so a polled incident and its event are one line.
  return {
    key: `created:${p.code}`,
    at: p.reported_at,
    kind: 'incident.created',
    code: p.code,
    category: p.category,
    urgency: p.urgency,
    status: p.status,
    gridCode: p.grid_code,
  };
}

export function tickerFromEvent(type: string, at: string, i: StreamIncident): TickerEntry {
  const key = type === 'incident.created' ? `created:${i.code}` : `${type}:${i.code}:${i.status}:${at}`;
  return {
    key,
    at,
    kind: type,
    code: i.code,
    category: i.category,
    urgency: i.urgency,
    status: i.status,
    previousStatus: i.previous_status,
    gridCode: i.grid_code,
  };
}

export interface RedMarker {
  code: string;
  position: Position;
}

/** Open red incidents by code: added when one is red and open, removed when it closes or is downgraded. */
export function updateRedMarkers(markers: ReadonlyMap<string, RedMarker>, i: StreamIncident): Map<string, RedMarker> {
  const next = new Map(markers);
  if (i.urgency === 'red' && !isFinishedStatus(i.status)) next.set(i.code, { code: i.code, position: i.location });
  else next.delete(i.code);
  while (next.size > RED_MARKERS_MAX) next.delete(next.keys().next().value!);
  return next;
}

/** The red incidents of a page asked for as open (one finished since is left out), by code. */
export function redMarkersFrom(page: IncidentPage): Map<string, RedMarker> {
  const open = page.features.filter((f) => !isFinishedStatus(f.properties.status));
  return new Map(open.map((f) => [f.properties.code, { code: f.properties.code, position: f.geometry.coordinates }]));
}

export interface RecentIncident {
  code: string;
  position: Position;
  seenAt: number;
}

/** Keeps incidents seen within RECENT_MS, newest last. */
export function pruneRecent(list: readonly RecentIncident[], now: number): RecentIncident[] {
  return list.filter((r) => now - r.seenAt < RECENT_MS).slice(-100);
}
