import { recordEvent } from '../repositories/event-log-repository.js';
import type { NearbyIncident } from '../repositories/incident-workflow-repository.js';
import { inScope } from '../auth/roles.js';
import { eventIncident } from '../workflow/deadline-sweeper.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { visibilityOf } from './incident-workflow-service.js';
import type { ServiceDeps } from './service-deps.js';

export interface ReportInput {
  category: string;
  urgency?: 'red' | 'yellow' | 'blue';
  description?: string;
  location: number[];
}

/** Possible duplicates are the same category within this distance and time. */
export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_H = 24;

/**
 * A new report (信息采集): the incident, its first history entry and the
 * live event, in one transaction. The database places it in its grid; a grid
 * worker may only report inside their own grid, and nobody outside their
 * scope. Returns the code and the possible duplicates nearby.
 */
export async function reportIncident(deps: ServiceDeps, who: Actor, input: ReportInput): Promise<{ code: string; duplicates: NearbyIncident[] }> {
  const principal = principalOf(who);
  const [lon, lat] = input.location as [number, number];
  if (input.location.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw invalidInput('location', 'expected [longitude, latitude] in WGS84 degrees', '应为 WGS84 经纬度 [经度, 纬度]');
  }
  const categories = await deps.repos.incidents.categoryCodes();
  if (!categories.includes(input.category))
    throw invalidInput(
      'category',
      `unknown category ${JSON.stringify(input.category)}; allowed: ${categories.join(', ')}`,
      `未知的类别 ${JSON.stringify(input.category)}；允许：${categories.join(', ')}`,
    );
  const { actor, actorUserId } = actorFields(who);
  return deps.db.transaction(async (tx) => {
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
      throw new DomainError('outside_your_area', `the location lies in grid ${incident.grid_code}, outside your area ${principal.scope}`);
    }
    await deps.repos.workflow.addHistory({ incidentId: incident.id, at: now, actor, actorUserId, action: 'report', from: null, to: 'reported' }, tx);
    await recordAudit(
      deps,
      who,
      'incident.report',
      { type: 'incident', id: incident.code },
      {
        after: { category: input.category, urgency: incident.urgency, grid_code: incident.grid_code, location: [lon, lat] },
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
    return { code: incident.code, duplicates };
  });
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
