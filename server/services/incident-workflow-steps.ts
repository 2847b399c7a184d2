import type { Queryable } from '../db/database.js';
import type { Principal } from '../auth/roles.js';
import type { LockedIncident, StatusChange } from '../repositories/incident-workflow-repository.js';
import { DISPUTE_CATEGORIES, MEDIATION_FAILURES_TO_ESCALATE, unitCountProblem, type Action, type Status } from '../contract/incident-workflow.js';
import { visibilityOf } from './actor.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import type { ServiceDeps } from './service-deps.js';
import type { TransitionInput } from './incident-workflow-service.js';

/**
 * What each workflow action does to an incident beyond its status: the
 * checks it needs (units, photos, a verdict), the rows it writes (assignments,
 * mediations), the columns it changes and what it records. applyTransition
 * (incident-workflow-service.ts) locks the row, checks the transition table,
 * runs the step and writes the status, history, audit and live events.
 */

export const conflict = (message: string) => new DomainError('illegal_transition', message);

/**
 * When an incident dispatched at `at` is due: the category's hours, counted
 * on the working calendar from the dispatch. The dispatch and its preview
 * (GET /api/incidents/:code/deadline-preview) both call this.
 */
export function dispatchDeadline(deps: Pick<ServiceDeps, 'calendar'>, incident: Pick<LockedIncident, 'deadline_hours'>, at: Date): Date {
  // The clock starts at dispatch and runs in working hours only.
  return deps.calendar.addWorkingHours(at, incident.deadline_hours!);
}

export interface StepContext {
  deps: ServiceDeps;
  tx: Queryable;
  incident: LockedIncident;
  input: TransitionInput;
  principal: Principal;
  now: Date;
}

export interface StepResult {
  to: Status;
  change?: StatusChange;
  details?: unknown;
  followUps?: { action: string; from: Status; to: Status; note: string; details?: unknown }[];
  /** Set when the urgency rose: the reason, for the live event. */
  escalated?: string;
  /** A live event of its own, for an action that keeps the status (urge, check). */
  announce?: 'incident.urged' | 'incident.checked';
}

/** The handler's own assignment, which start/resolve/mediate act on (commanders act on all). */
async function ownAssignment(c: StepContext) {
  const all = await c.deps.repos.workflow.assignments(c.incident.id, c.tx);
  if (c.principal.role !== 'handler') return { all, mine: null };
  const mine = all.find((a) => a.unit_code === c.principal.unit);
  if (!mine) throw notFoundError(`incident ${c.incident.code}`);
  return { all, mine };
}

export const STEPS: Record<Action, (c: StepContext) => Promise<StepResult>> = {
  async file(c) {
    return { to: 'filed', change: { filed_at: c.now } };
  },

  async reject() {
    return { to: 'rejected' };
  },

  async mark_duplicate(c) {
    if (!c.input.duplicate_of) throw invalidInput('duplicate_of', 'name the incident this one duplicates', '请指明与之重复的事件');
    if (c.input.duplicate_of === c.incident.code) throw invalidInput('duplicate_of', 'an incident cannot duplicate itself', '事件不能与自身重复');
    const original = await c.deps.repos.workflow.lock(c.input.duplicate_of, visibilityOf(c.principal), c.tx);
    if (!original) throw invalidInput('duplicate_of', `no incident ${c.input.duplicate_of}`, `没有事件 ${c.input.duplicate_of}`);
    // Point at the root, so chains of duplicates stay one level deep.
    const rootId = original.duplicate_of ?? original.id;
    return { to: 'duplicate', change: { duplicate_of: rootId }, details: { duplicate_of: c.input.duplicate_of } };
  },

  async dispatch(c) {
    const units = c.input.units ?? [];
    const problem = unitCountProblem(c.incident.urgency, units);
    if (problem) throw invalidInput('units', problem);
    const known = await c.deps.repos.workflow.existingUnits(units, c.tx);
    const unknown = units.filter((u) => !known.includes(u));
    if (unknown.length) throw invalidInput('units', `no unit ${unknown.join(', ')}`, `没有单位 ${unknown.join(', ')}`);
    const dueAt = dispatchDeadline(c.deps, c.incident, c.now);
    await c.deps.repos.workflow.assign(c.incident.id, units, c.now, dueAt, c.tx);
    return { to: 'dispatched', change: { dispatched_at: c.now, due_at: dueAt, overdue_notified_at: null }, details: { units, due_at: dueAt } };
  },

  async start(c) {
    const { mine } = await ownAssignment(c);
    if (mine && mine.status !== 'assigned') throw conflict(`unit ${mine.unit_code} has already started this incident`);
    await c.deps.repos.workflow.setAssignments(c.incident.id, mine?.unit_code ?? null, 'in_progress', c.now, c.tx);
    return { to: 'in_progress', details: { unit: mine?.unit_code ?? 'all' } };
  },

  async resolve(c) {
    const { all, mine } = await ownAssignment(c);
    if (mine?.status === 'resolved') throw conflict(`unit ${mine.unit_code} has already resolved its part`);
    if ((await c.deps.repos.workflow.afterPhotoCount(c.incident.id, c.tx)) === 0) {
      throw new DomainError('after_photo_required', 'resolving needs at least one "after" photo: upload it to /photos?kind=after first', {
        zh: '办结需要至少一张“处置后”照片：请先上传到 /photos?kind=after',
      });
    }
    await c.deps.repos.workflow.setAssignments(c.incident.id, mine?.unit_code ?? null, 'resolved', c.now, c.tx, c.input.note);
    // A yellow incident with several units is resolved when the last of them is.
    const remaining = mine ? all.filter((a) => a.unit_code !== mine.unit_code && a.status !== 'resolved').map((a) => a.unit_code) : [];
    if (remaining.length) return { to: 'in_progress', details: { unit: mine!.unit_code, remaining } };
    return { to: 'resolved', change: { resolved_at: c.now }, details: { unit: mine?.unit_code ?? 'all' } };
  },

  async verify_fail(c) {
    await c.deps.repos.workflow.setAssignments(c.incident.id, null, 'in_progress', c.now, c.tx);
    return { to: 'in_progress', change: { resolved_at: null } };
  },

  async close(c) {
    return { to: 'closed', change: { closed_at: c.now } };
  },

  async reopen(c) {
    // The units start again, with a fresh deadline from now.
    const dueAt = c.deps.calendar.addWorkingHours(c.now, c.incident.deadline_hours!);
    await c.deps.repos.workflow.setAssignments(c.incident.id, null, 'in_progress', c.now, c.tx, undefined, dueAt);
    return { to: 'in_progress', change: { closed_at: null, resolved_at: null, due_at: dueAt, overdue_notified_at: null }, details: { due_at: dueAt } };
  },

  async urge(c) {
    // The units' assignments and the deadline stay as they are: urging records the pressure and tells everyone.
    const overdue = c.incident.due_at !== null && c.incident.due_at.getTime() < c.now.getTime();
    return { to: c.incident.status, details: { overdue, due_at: c.incident.due_at }, announce: 'incident.urged' };
  },

  async check(c) {
    const verdict = c.input.verdict;
    if (verdict !== 'fixed' && verdict !== 'not_fixed') throw invalidInput('verdict', 'fixed or not_fixed', '应为 fixed（已修复）或 not_fixed（未修复）');
    // The photo must be taken for this resolution: one from before a verify_fail does not count again.
    const photoIds = await c.deps.repos.workflow.checkPhotosSinceResolved(c.incident.id, c.tx);
    if (photoIds.length === 0) {
      throw new DomainError('check_photo_required', 'an on-site check needs a "check" photo: upload it to /photos?kind=check first', {
        zh: '现场核查需要一张“核查”照片：请先上传到 /photos?kind=check',
      });
    }
    return { to: c.incident.status, details: { verdict, photo_ids: photoIds }, announce: 'incident.checked' };
  },

  async mediate(c) {
    if (!DISPUTE_CATEGORIES.includes(c.incident.category_code)) throw conflict('only disputes are mediated');
    const outcome = c.input.outcome;
    if (outcome !== 'succeeded' && outcome !== 'failed') throw invalidInput('outcome', 'succeeded or failed', '应为 succeeded 或 failed');
    await ownAssignment(c);
    const { attempt, failures } = await c.deps.repos.workflow.addMediation(
      { incidentId: c.incident.id, at: c.now, outcome, note: c.input.note?.trim() ?? '', actor: c.principal.actor },
      c.tx,
    );
    const details = { attempt, outcome, failures };
    if (outcome === 'failed' && failures >= MEDIATION_FAILURES_TO_ESCALATE && c.incident.urgency === 'blue') {
      const reason = `第${failures}次调解失败，蓝色事件升级为黄色 (mediation failed ${failures} times: blue becomes yellow)`;
      return {
        to: c.incident.status,
        change: { urgency: 'yellow' },
        details,
        escalated: reason,
        followUps: [
          {
            action: 'escalate',
            from: c.incident.status,
            to: c.incident.status,
            note: reason,
            details: { from_urgency: 'blue', to_urgency: 'yellow', failures },
          },
        ],
      };
    }
    return { to: c.incident.status, details };
  },
};
