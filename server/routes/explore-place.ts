import type { FastifyRequest } from 'fastify';
import { notFound } from '../http-errors.js';
import type { ExploreFilter, Place } from '../repositories/explore-repository.js';
import { ancestorCodes, INCIDENT_STATUSES, isGridCode, URGENCIES } from '../contract/vocabulary.js';
import { parseList, parseTimeRange } from './query-parsers.js';
import { callerScope, scopedRoot } from './region-scope.js';
import { visibilityOf } from '../services/actor.js';

export interface ResolvedPlace {
  place: Place;
  /** From the top of the caller's scope down to the place's parent. */
  ancestors: Place[];
}

/**
 * The place an explorer request is about, limited to the caller's scope like
 * every read (region-scope.ts): no `region` = the caller's whole scope;
 * a region or grid outside it, or unknown, is a 404. Grids are places here
 * (the last step of the drill-down), which scopedRoot does not cover.
 */
export async function resolvePlace(request: FastifyRequest, code: string | undefined): Promise<ResolvedPlace> {
  const scope = callerScope(request);
  const target = isGridCode(code) ? code : (await scopedRoot(request, code)).code;
  if (scope !== null && !target.startsWith(scope)) throw notFound(`grid ${target}`);
  // Ancestors above the caller's scope are not theirs to see, not even by name.
  const above = ancestorCodes(target).filter((c) => scope === null || c.startsWith(scope));
  const found = await request.server.repos.explore.places([...above, target]);
  const place = found.find((p) => p.code === target);
  if (!place) throw notFound(`${isGridCode(target) ? 'grid' : 'region'} ${target}`);
  const ancestors = above.map((c) => found.find((p) => p.code === c)).filter((p): p is Place => p !== undefined);
  return { place, ancestors };
}

/** The SQL filter value of a place: null for the city (everything). */
export function placeFilter(place: Place): string | null {
  return place.level === 'city' ? null : place.code;
}

export interface FilterQuery {
  from?: string;
  to?: string;
  category?: string;
  urgency?: string;
  status?: string;
}

/** Parses the window and attribute filters, naming the field at fault (400). */
export async function parseFilters(request: FastifyRequest, q: FilterQuery): Promise<Omit<ExploreFilter, 'place'>> {
  const { from, to } = parseTimeRange(q.from, q.to);
  return {
    from,
    to,
    categories: parseList(q.category, 'category', await request.server.repos.incidents.categoryCodes()),
    urgencies: parseList(q.urgency, 'urgency', URGENCIES),
    statuses: parseList(q.status, 'status', INCIDENT_STATUSES),
    unit: visibilityOf(request.principal).unit,
  };
}
