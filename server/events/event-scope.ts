/**
 * Which subscribers see which events. An event's scope is the most specific
 * region it concerns (a grid for an incident, a district for a district's
 * answer, the city for a city-wide directive); a subscriber's scope is the
 * region they govern. They match when one contains the other: a district
 * office sees incidents in its grids, and a grid worker sees the directives
 * addressed to the district or the city above.
 *
 * Region codes nest by prefix (district 430202, street 430202001, grid
 * 430202001001001) except at the top: the city 430200 and the province
 * 430000 end in 00 pairs that their districts do not share. Stripping those
 * pairs from 6-digit codes restores the prefix rule. event-after.sql applies
 * the same rule in SQL for replays.
 */
import { codePrefix } from '../contract/vocabulary.js';

export { EVENT_TYPES, type EventType } from '../contract/stream-events.js';

const REGION_OR_GRID_CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;

export function isScopeCode(code: string): boolean {
  return REGION_OR_GRID_CODE.test(code);
}

/** The prefix that every code inside `code` starts with. */
export function scopePrefix(code: string): string {
  if (!isScopeCode(code)) throw new TypeError(`not a region or grid code: ${JSON.stringify(code)}`);
  return codePrefix(code);
}

/**
 * A subscriber's filter: null sees everything (no principal, or one without
 * a region); otherwise the subscriber's scope prefix. The city code gives
 * the city's prefix, which in a one-city deployment is everything.
 */
export type ScopeFilter = string | null;

export function scopeFilter(subscriberScope: string | null | undefined): ScopeFilter {
  // Only an absent scope means everything: a malformed one (even '') throws
  // rather than widen what the caller sees.
  if (subscriberScope === null || subscriberScope === undefined) return null;
  return scopePrefix(subscriberScope);
}

/** Whether an event with `eventScope` is delivered to a subscriber with `filter`. */
export function scopeMatches(filter: ScopeFilter, eventScope: string): boolean {
  return prefixesMatch(filter, scopePrefix(eventScope));
}

/** The same, with the event's prefix already computed (the hub does it once per event, not per subscriber). */
export function prefixesMatch(filter: ScopeFilter, eventPrefix: string): boolean {
  return filter === null || eventPrefix.startsWith(filter) || filter.startsWith(eventPrefix);
}
