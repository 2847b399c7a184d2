import { checkedEdit, type PlanEditInput } from '../plans/plan-edit-input.js';
import { geometrySql } from '../plans/geometry-validity.js';
import type { GeometryLimits } from '../plans/geojson-shape.js';
import type { PlanRow } from '../repositories/grid-plan-repository.js';
import { actorFields, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { lockedPlan, scopeOf } from './plan-access.js';
import type { ServiceDeps } from './service-deps.js';
import { applyPlanEdit } from './plan-edits.js';

/**
 * Draft boundary plans (网格调整方案): created, renamed, abandoned, edited,
 * undone and redone by planners and the commander, inside their scope (a
 * plan of another region is not_found). Each write is one transaction with
 * its audit entry; publishing is grid-publish-service.ts.
 */

const planTarget = (id: number) => ({ type: 'grid_plan', id: String(id) });

/** Starts a draft plan on a community's current grids; returns it. */
export async function createPlan(deps: ServiceDeps, actor: Actor, input: { name: string; community: string }): Promise<PlanRow> {
  const name = input.name.trim();
  if (!name) throw invalidInput('body.name', 'must not be blank');
  const { community } = input;
  const region = await deps.repos.regions.find(community, scopeOf(actor));
  if (!region || region.level !== 'community') throw notFoundError(`community ${community}`);
  const who = actorFields(actor);
  return deps.db.transaction(async (tx) => {
    const id = await deps.repos.plans.create({ name, community, ...who }, tx);
    const row = (await deps.repos.plans.find(id, null, tx))!;
    await recordAudit(deps, actor, 'plan.create', planTarget(id), { after: { name: row.name, community, base_version: row.base_version } }, tx);
    return row;
  });
}

/** Renames a draft or abandons it; returns it as it is now. */
export async function updatePlan(deps: ServiceDeps, actor: Actor, input: { id: number; name?: string; status?: 'abandoned' }): Promise<PlanRow> {
  const { name, status } = input;
  if (name !== undefined && !name.trim()) throw invalidInput('body.name', 'must not be blank');
  return deps.db.transaction(async (tx) => {
    const plan = await lockedPlan(deps, actor, input.id, status ? 'abandon' : 'rename', tx);
    if (name !== undefined) await deps.repos.plans.rename(plan.id, name.trim(), tx);
    if (status) await deps.repos.plans.setStatus(plan.id, status, tx);
    await recordAudit(
      deps,
      actor,
      status ? 'plan.abandon' : 'plan.rename',
      planTarget(plan.id),
      {
        before: { name: plan.name, status: plan.status },
        after: { name: name?.trim() ?? plan.name, status: status ?? plan.status },
      },
      tx,
    );
    return (await deps.repos.plans.find(plan.id, null, tx))!;
  });
}

/**
 * One edit (reshape, split, merge, add, delete) as a new revision. The drawn
 * geometry is checked before any SQL; GEOS refusals become invalid_geometry.
 * Returns the keys of the grids it changed.
 */
export async function editPlan(deps: ServiceDeps, actor: Actor, input: { id: number; edit: PlanEditInput; limits: GeometryLimits }): Promise<number[]> {
  const edit = checkedEdit(input.edit, input.limits);
  return deps.db.transaction(async (tx) => {
    const plan = await lockedPlan(deps, actor, input.id, 'edit', tx);
    const keys = await applyPlanEdit(deps.repos, plan, edit, geometrySql(tx, `the ${edit.op} edit`, deps.log));
    await recordAudit(
      deps,
      actor,
      'plan.edit',
      planTarget(plan.id),
      {
        before: { revision: plan.revision },
        after: { revision: plan.revision + 1, edit, changed: keys },
      },
      tx,
    );
    return keys;
  });
}

/** Back to the previous revision, or forward to the one undone last (nothing_to_undo / nothing_to_redo at either end). */
export async function stepPlan(deps: ServiceDeps, actor: Actor, input: { id: number; action: 'undo' | 'redo' }): Promise<void> {
  const { action } = input;
  await deps.db.transaction(async (tx) => {
    const plan = await lockedPlan(deps, actor, input.id, action, tx);
    const target = plan.revision + (action === 'undo' ? -1 : 1);
    if (target < 0 || target > plan.head_revision) throw new DomainError(`nothing_to_${action}`, `plan ${plan.id} has nothing to ${action}`);
    await deps.repos.plans.setRevision(plan.id, target, tx);
    await recordAudit(deps, actor, `plan.${action}`, planTarget(plan.id), { before: { revision: plan.revision }, after: { revision: target } }, tx);
  });
}
