import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.js';
import { HttpError, notFound } from '../http-errors.js';
import { planTransition, type PlanAction } from '../plans/grid-plan-lifecycle.js';
import type { PlanRow } from '../repositories/grid-plan-repository.js';
import { parseTimeRange } from './query-parsers.js';
import { callerScope } from './region-scope.js';

/** A plan the caller may see (its community inside their scope), else 404. */
export async function scopedPlan(request: FastifyRequest, id: number, tx?: Queryable): Promise<PlanRow> {
  const plan = await request.server.repos.plans.find(id, callerScope(request), tx);
  if (!plan) throw notFound(`plan ${id}`);
  return plan;
}

/** Locks a plan the caller may change and checks the action is allowed in its state (409 otherwise). */
export async function lockedPlan(request: FastifyRequest, id: number, action: PlanAction, tx: Queryable): Promise<PlanRow> {
  const plan = await request.server.repos.plans.lock(id, callerScope(request), tx);
  if (!plan) throw notFound(`plan ${id}`);
  const t = planTransition(plan.status, action);
  if (!t.valid) throw new HttpError(409, t.reason, t.message);
  return plan;
}

const DAY_MS = 86_400_000;

/** [from, to) from the query, defaulting to the `days` before now. */
export function timeWindow(from: string | undefined, to: string | undefined, days: number): { from: Date; to: Date } {
  const range = parseTimeRange(from, to);
  const end = range.to ?? new Date();
  return { from: range.from ?? new Date(end.getTime() - days * DAY_MS), to: end };
}
