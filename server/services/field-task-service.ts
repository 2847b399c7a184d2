import type { MyTasks } from '../contract/field-schemas.js';
import { principalOf, type Actor } from './actor.js';
import { DomainError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

/** A phone lists at most this many; a grid with more open incidents than this needs the dispatch console, not a phone. */
const MAX_TASKS = 200;

/**
 * The phone's task list (我的任务), by role. A grid worker: the open
 * incidents of their grid, the resolved ones waiting for their on-site check
 * (核查) first. A handler: their unit's part of incidents in hand, overdue
 * first, with the working time left on the working calendar and whether the
 * centre urged (督办) it.
 */
export async function myTasks(deps: ServiceDeps, who: Actor): Promise<MyTasks> {
  const p = principalOf(who);
  const now = deps.clock();
  const urged = (at: Date | null) => ({ urged: at !== null, urged_at: at });
  if (p.role === 'grid_worker' && p.scope) {
    const rows = await deps.repos.field.gridWorkerTasks(p.scope, MAX_TASKS);
    return {
      role: 'grid_worker',
      tasks: rows.map(({ lon, lat, place_zh, place_en, urged_at, ...r }) => ({
        ...r,
        location: [lon, lat] as [number, number],
        place: { zh: place_zh, en: place_en },
        ...urged(urged_at),
      })),
    };
  }
  if (p.role === 'handler' && p.unit) {
    const rows = await deps.repos.field.handlerTasks(p.unit, now, p.scope, MAX_TASKS);
    return {
      role: 'handler',
      tasks: rows.map(({ lon, lat, place_zh, place_en, urged_at, ...r }) => ({
        ...r,
        location: [lon, lat] as [number, number],
        place: { zh: place_zh, en: place_en },
        ...urged(urged_at),
        // Tenths of an hour: what a phone shows ("剩余 3.5 工作小时").
        working_hours_left: Math.round(deps.calendar.workingHoursBetween(now, new Date(r.due_at)) * 10) / 10,
      })),
    };
  }
  throw new DomainError('forbidden', `the ${p.role} role has no task list`);
}
