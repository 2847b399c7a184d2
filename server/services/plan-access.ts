import type { Queryable } from '../db/database.js';
import { planTransition, type PlanAction } from '../plans/grid-plan-lifecycle.js';
import type { PlanRow } from '../repositories/grid-plan-repository.js';
import type { Actor } from './actor.js';
import { DomainError, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';

/** The region or grid whose plans the actor may see; null = the whole city. */
export const scopeOf = (actor: Actor): string | null => actor.principal?.scope ?? null;

/** A plan the actor may see (its community inside their scope), else not_found. */
export async function scopedPlan(deps: Pick<ServiceDeps, 'repos'>, actor: Actor, id: number, tx?: Queryable): Promise<PlanRow> {
  const plan = await deps.repos.plans.find(id, scopeOf(actor), tx);
  if (!plan) throw notFoundError(`plan ${id}`);
  return plan;
}

/** Locks a plan the actor may change and checks the action is allowed in its state (plan_not_editable otherwise). */
export async function lockedPlan(deps: Pick<ServiceDeps, 'repos'>, actor: Actor, id: number, action: PlanAction, tx: Queryable): Promise<PlanRow> {
  const plan = await deps.repos.plans.lock(id, scopeOf(actor), tx);
  if (!plan) throw notFoundError(`plan ${id}`);
  const t = planTransition(plan.status, action);
  if (!t.valid) throw new DomainError(t.reason, t.message);
  return plan;
}
