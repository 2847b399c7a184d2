import { recordEvent } from '../repositories/event-log-repository.js';
import type { NearbyIncident } from '../repositories/incident-workflow-repository.js';
import { inScope } from '../auth/roles.js';
import { eventIncident } from './incident-event.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { visibilityOf } from './actor.js';
import type { ServiceDeps } from './service-deps.js';
import { toWgs84, type InputCrs } from '../geometry/chinese-crs.js';
import { hashRequest, writeOnce, type WriteAnswer } from './idempotency.js';

export interface ReportInput {
  category: string;
  urgency?: 'red' | 'yellow' | 'blue';
  description?: string;
  location: number[];
  /** The coordinate system of `location` (phones in Chinese map SDKs give GCJ-02 or BD-09); default WGS84. */
  crs?: InputCrs;
}

/** Possible duplicates are the same category within this distance and time. */
export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_H = 24;

/** A point given by a client, checked as degrees and converted to WGS84 from its `crs`. */
export function wgs84Point(location: readonly number[], crs: InputCrs = 'wgs84', field = 'location'): [number, number] {
  const [lon, lat] = location as [number, number];
  if (location.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw invalidInput(field, `expected [longitude, latitude] in degrees (${crs})`, `应为经纬度 [经度, 纬度]（${crs}）`);
  }
  return toWgs84([lon, lat], crs);
}

/**
 * A new report (信息采集): the incident, its first history entry and the
 * live event, in one transaction. The database places it in its grid; a grid
 * worker may only report inside their own grid, and nobody outside their
 * scope. A location in GCJ-02 or BD-09 is converted to WGS84 first. With an
 * idempotency key, a repeat gets the first answer and files nothing
 * (idempotency.ts). Answers with the incident and the possible duplicates
 * nearby, as the body the API sends (201).
 */
export async function reportIncident(deps: ServiceDeps, who: Actor, input: ReportInput, idempotencyKey?: string): Promise<WriteAnswer> {
  const principal = principalOf(who);
  const [lon, lat] = wgs84Point(input.location, input.crs);
  const categories = await deps.repos.incidents.categoryCodes();
  if (!categories.includes(input.category))
    throw invalidInput(
      'category',
      `unknown category ${JSON.stringify(input.category)}; allowed: ${categories.join(', ')}`,
      `未知的类别 ${JSON.stringify(input.category)}；允许：${categories.join(', ')}`,
    );
  const { actor, actorUserId } = actorFields(who);
  const keyed =
    idempotencyKey === undefined
      ? undefined
      : { key: idempotencyKey, route: 'POST /api/incidents', requestHash: hashRequest({ ...input, crs: input.crs ?? 'wgs84' }) };
  return writeOnce(deps, who, keyed, async (tx) => {
    const now = deps.clock();
    const incident = await deps.repos.workflow.insert(
      {
        category: input.category,
        urgency: input.urgency ?? 'blue',
        description: input.description?.trim() ?? '',
        lon,
        lat,
        reportedAt: now,
        reporter: principal.displayName,
        reporterUserId: actorUserId,
        reporterWorkerId: null,
      },
      tx,
    );
    if (!inScope(principal.scope, incident.grid_code)) {
      throw new DomainError('outside_your_area', `the location lies in grid ${incident.grid_code}, outside your area ${principal.scope}`, {
        zh: `该位置不在您的辖区内（位于网格 ${incident.grid_code}，您的辖区为 ${principal.scope}）`,
      });
    }
    await deps.repos.workflow.addHistory({ incidentId: incident.id, at: now, actor, actorUserId, action: 'report', from: null, to: 'reported' }, tx);
    await recordAudit(
      deps,
      who,
      'incident.report',
      { type: 'incident', id: incident.code },
      {
        after: {
          category: input.category,
          urgency: incident.urgency,
          grid_code: incident.grid_code,
          location: [lon, lat],
          ...(input.crs && input.crs !== 'wgs84' ? { given: { crs: input.crs, location: input.location } } : {}),
        },
      },
      tx,
    );
    const duplicates = await deps.repos.workflow.nearby(
      { id: incident.id, category: input.category, lon, lat, reportedAt: now },
      DUPLICATE_RADIUS_M,
      DUPLICATE_WINDOW_H,
      tx,
    );
    await recordEvent(tx, { type: 'incident.created', scope: incident.grid_code, payload: { incident: eventIncident(incident) } });
    const detail = await deps.repos.workflow.detailText(incident.code, visibilityOf(principal), now, tx);
    if (!detail) throw new Error(`incident ${incident.code} not readable in the transaction that wrote it`);
    return { status: 201, body: `{"incident":${detail},"possible_duplicates":${JSON.stringify(duplicates)}}` };
  });
}

/**
 * Reports of `category` within 50 m of a point, made in the last 24 hours,
 * that the caller may see: what the phone shows before a new report is sent
 * ("此处 2 小时前已有同类上报：补充到该事件？"), so a worker can add a photo to
 * one of them instead. The same SQL as an incident's possible duplicates.
 */
export async function nearbyReports(
  deps: ServiceDeps,
  who: Actor,
  input: { lon: number; lat: number; category: string; crs?: InputCrs },
): Promise<{ location: [number, number]; category: string; incidents: NearbyIncident[] }> {
  const [lon, lat] = wgs84Point([input.lon, input.lat], input.crs, 'lon/lat');
  const categories = await deps.repos.incidents.categoryCodes();
  if (!categories.includes(input.category)) throw invalidInput('category', `unknown category ${JSON.stringify(input.category)}`, `未知的类别`);
  const v = visibilityOf(principalOf(who));
  // No incident to leave out: id 0 is never an incident's.
  const incidents = await deps.repos.workflow.nearby(
    { id: 0, category: input.category, lon, lat, reportedAt: deps.clock() },
    DUPLICATE_RADIUS_M,
    DUPLICATE_WINDOW_H,
    undefined,
    v.scope,
  );
  return { location: [lon, lat], category: input.category, incidents };
}

/**
 * The possible duplicates of one incident, for the dispatch console's map:
 * the same category within 50 m reported in the 24 hours before it, within
 * the caller's scope, each with its position.
 */
export async function possibleDuplicates(
  deps: ServiceDeps,
  who: Actor,
  code: string,
): Promise<{ code: string; location: [number, number]; duplicates: NearbyIncident[] }> {
  const v = visibilityOf(principalOf(who));
  const incident = await deps.repos.workflow.find(code, v);
  if (!incident) throw notFoundError(`incident ${code}`);
  const duplicates = await deps.repos.workflow.nearby(
    { id: incident.id, category: incident.category_code, lon: incident.lon, lat: incident.lat, reportedAt: incident.reported_at },
    DUPLICATE_RADIUS_M,
    DUPLICATE_WINDOW_H,
    undefined,
    v.scope,
  );
  return { code, location: [incident.lon, incident.lat], duplicates };
}
