import type { GridWorkerContact } from '../contract/incident-geojson-schemas.js';
import { actorFields, principalOf, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { invalidInput, notFoundError } from './domain-error.js';
import { visibilityOf } from './actor.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * The workers of an incident's grid with their phone numbers in clear (可视化
 * 调度: the dispatcher calls them to check on site). Each number shown is an
 * audit entry, written with the read, so nobody sees a number unrecorded.
 */
export async function incidentContacts(deps: ServiceDeps, who: Actor, code: string): Promise<GridWorkerContact[]> {
  const incident = await deps.repos.workflow.find(code, visibilityOf(principalOf(who)));
  if (!incident) throw notFoundError(`incident ${code}`);
  return deps.db.transaction(async (tx) => {
    const workers = await deps.repos.grids.workerContacts(incident.grid_code, tx);
    for (const w of workers) {
      await recordAudit(
        deps,
        who,
        'grid_worker.phone_viewed',
        { type: 'grid_worker', id: String(w.id) },
        { after: { incident: code, grid: incident.grid_code } },
        tx,
      );
    }
    return workers;
  });
}

/**
 * A call to one of the grid's workers, noted in the incident's history
 * ("contacted") and the audit log; the status stays. The worker must serve
 * the incident's grid.
 */
export async function recordContact(deps: ServiceDeps, who: Actor, input: { code: string; worker: number }): Promise<void> {
  const principal = principalOf(who);
  const { actor, actorUserId } = actorFields(who);
  await deps.db.transaction(async (tx) => {
    const incident = await deps.repos.workflow.lock(input.code, visibilityOf(principal), tx);
    if (!incident) throw notFoundError(`incident ${input.code}`);
    const worker = (await deps.repos.grids.workerContacts(incident.grid_code, tx)).find((w) => w.id === input.worker);
    if (!worker)
      throw invalidInput(
        'worker',
        `no grid worker ${input.worker} serves grid ${incident.grid_code}`,
        `网格 ${incident.grid_code} 没有编号为 ${input.worker} 的网格员`,
      );
    await deps.repos.workflow.addHistory(
      {
        incidentId: incident.id,
        at: deps.clock(),
        actor,
        actorUserId,
        action: 'contact',
        from: incident.status,
        to: incident.status,
        note: `联系网格员 ${worker.name} (called grid worker ${worker.name})`,
        details: { worker_id: input.worker },
      },
      tx,
    );
    await recordAudit(deps, who, 'incident.contact', { type: 'incident', id: input.code }, { after: { worker_id: input.worker } }, tx);
  });
}
