import type { InputCrs } from '../geometry/chinese-crs.js';
import type { WorkerPosition } from '../repositories/field-repository.js';
import { inScope } from '../auth/roles.js';
import { principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { visibilityOf } from './actor.js';
import { wgs84Point } from './incident-report-service.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * Where the grid workers are (可视化调度), opt-in: a worker's phone sends its
 * position every few minutes while they share it; only the last is kept, for
 * at most the retention (GRIDSCOPE_POSITION_RETENTION_DAYS), and stopping
 * deletes it. Dispatchers and commanders whose scope covers the worker's grid
 * may read them, each position shown an audit entry (like a phone number);
 * they are never put on the live stream.
 */
export async function sharePosition(deps: ServiceDeps, who: Actor, input: { lon: number; lat: number; accuracy_m: number; crs?: InputCrs }): Promise<void> {
  const principal = principalOf(who);
  // A grid worker's scope is their grid (app_user_grid_worker_scope); a token acting as one has no user to keep it for.
  if (principal.role !== 'grid_worker' || !principal.scope || principal.userId === null || principal.kind !== 'user') {
    throw new DomainError('forbidden', 'only a signed-in grid worker shares a position', { zh: '只有已登录的网格员可以共享位置' });
  }
  if (!Number.isFinite(input.accuracy_m) || input.accuracy_m < 0) throw invalidInput('accuracy_m', 'metres, 0 or more', '单位为米，不小于 0');
  const [lon, lat] = wgs84Point([input.lon, input.lat], input.crs, 'lon/lat');
  await deps.repos.field.putPosition({ userId: principal.userId, grid: principal.scope, lon, lat, accuracyM: input.accuracy_m, at: deps.clock() });
}

/** Stops sharing: the worker's position is deleted at once. */
export async function stopSharingPosition(deps: ServiceDeps, who: Actor): Promise<void> {
  const principal = principalOf(who);
  if (principal.userId === null || principal.kind !== 'user')
    throw new DomainError('forbidden', 'only a signed-in grid worker shares a position', { zh: '只有已登录的网格员可以共享位置' });
  await deps.repos.field.deletePosition(principal.userId);
}

/**
 * The last positions of the workers of one grid, named by the grid or by an
 * incident in it, for a caller whose scope covers it (else 404, as for
 * anything out of sight). Each position shown is audited in the same
 * transaction as the read.
 */
export async function workerPositions(
  deps: ServiceDeps,
  who: Actor,
  input: { incident?: string; grid?: string },
  retentionDays: number,
): Promise<{ grid: string; workers: (Omit<WorkerPosition, 'lon' | 'lat'> & { location: [number, number] })[] }> {
  const principal = principalOf(who);
  if ((input.incident === undefined) === (input.grid === undefined)) {
    throw invalidInput('incident/grid', 'give exactly one of incident=CODE or grid=CODE', '请只给出 incident=事件编号 或 grid=网格编码 之一');
  }
  let grid: string;
  if (input.incident !== undefined) {
    const incident = await deps.repos.workflow.find(input.incident, visibilityOf(principal));
    if (!incident) throw notFoundError(`incident ${input.incident}`, `事件 ${input.incident}`);
    grid = incident.grid_code;
  } else {
    grid = input.grid!;
    if (!inScope(principal.scope, grid) || !(await deps.repos.field.gridExists(grid))) throw notFoundError(`grid ${grid}`, `网格 ${grid}`);
  }
  return deps.db.transaction(async (tx) => {
    const rows = await deps.repos.field.positions(grid, deps.clock(), retentionDays, tx);
    for (const w of rows) {
      await recordAudit(
        deps,
        who,
        'grid_worker.position_viewed',
        { type: 'user', id: String(w.user_id) },
        { after: { grid, at: w.at, ...(input.incident ? { incident: input.incident } : {}) } },
        tx,
      );
    }
    return { grid, workers: rows.map(({ lon, lat, ...w }) => ({ ...w, location: [lon, lat] as [number, number] })) };
  });
}
