import type { Queryable } from '../db/database.js';
import { recordEvent } from '../repositories/event-log-repository.js';
import type { LockedIncident } from '../repositories/incident-workflow-repository.js';
import { eventIncident } from './incident-event.js';
import { actedFirstSentence, type ActedFirst } from '../contract/acted-first.js';
import { ACTIONS, refusal, TRANSITIONS, type Action, type CheckVerdict } from '../contract/incident-workflow.js';
import { actorFields, principalOf, visibilityOf, type Actor } from './actor.js';
import { conflict, STEPS } from './incident-workflow-steps.js';
import { recordAudit } from './audit.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { hashRequest, writeOnce } from './idempotency.js';
import type { ServiceDeps } from './service-deps.js';

export interface TransitionInput {
  action: Action;
  note?: string;
  units?: string[];
  duplicate_of?: string;
  outcome?: 'succeeded' | 'failed';
  /** check: the grid worker's verdict on site. */
  verdict?: CheckVerdict;
}

/**
 * Applies one workflow action to one incident, in one transaction: lock the
 * row, check the transition table, change the incident, its assignments and
 * its history, and announce it on the live stream. Anything refused changes
 * nothing. With an idempotency key (the phone's outbox sends a resolve, a
 * check or a mediation again when its answer was lost) a repeat takes no
 * second step: a second mediation would count as another failed attempt.
 * Answers whether it was such a repeat.
 */
export async function applyTransition(
  deps: ServiceDeps,
  who: Actor,
  input: TransitionInput & { code: string },
  idempotencyKey?: string,
): Promise<{ replayed: boolean }> {
  const { code } = input;
  const keyed =
    idempotencyKey === undefined ? undefined : { key: idempotencyKey, route: 'POST /api/incidents/:code/transitions', requestHash: hashRequest(input) };
  const principal = principalOf(who);
  const repo = deps.repos.workflow;
  const { actor, actorUserId } = actorFields(who);
  const answer = await writeOnce(deps, who, keyed, async (tx) => {
    const incident = await repo.lock(code, visibilityOf(principal), tx);
    if (!incident) throw notFoundError(`incident ${code}`);
    const refused = refusal(input.action, incident.status, principal.role, { category: incident.category_code });
    if (refused?.code === 'illegal_transition') throw await refusedAfter(deps, tx, incident, input.action, refused.message);
    if (refused) throw new DomainError(refused.code, refused.message);
    const t = TRANSITIONS[input.action];
    if (t.needs?.includes('note') && !input.note?.trim())
      throw invalidInput('note', `${input.action} needs a note saying why`, `${input.action} 需要填写说明原因的备注`);
    const now = deps.clock();
    const step = await STEPS[input.action]({ deps, tx, incident, input, principal, now });
    if (!(await repo.setStatus(incident.id, incident.status, step.to, step.change ?? {}, tx))) {
      throw conflict(`incident ${code} changed while this ${input.action} was being applied`);
    }
    await repo.addHistory(
      {
        incidentId: incident.id,
        at: now,
        actor,
        actorUserId,
        action: input.action,
        from: incident.status,
        to: step.to,
        note: input.note?.trim() ?? '',
        details: step.details,
      },
      tx,
    );
    for (const extra of step.followUps ?? []) await repo.addHistory({ incidentId: incident.id, at: now, actor: 'system', actorUserId: null, ...extra }, tx);
    const after = { ...incident, status: step.to, urgency: (step.change?.urgency ?? incident.urgency) as LockedIncident['urgency'] };
    await recordAudit(
      deps,
      who,
      `incident.${input.action}`,
      { type: 'incident', id: code },
      {
        before: { status: incident.status, urgency: incident.urgency },
        after: { status: after.status, urgency: after.urgency, ...(step.details ? { details: step.details } : {}) },
      },
      tx,
    );
    if (step.escalated) {
      await recordEvent(tx, { type: 'incident.escalated', scope: incident.grid_code, payload: { incident: eventIncident(after), reason: step.escalated } });
    }
    if (step.announce) {
      await recordEvent(tx, {
        type: step.announce,
        scope: incident.grid_code,
        payload: {
          incident: eventIncident(after),
          note: input.note?.trim() ?? '',
          by: principal.displayName,
          ...(input.action === 'check' ? { verdict: input.verdict } : {}),
        },
      });
    }
    if (step.to !== incident.status) {
      await recordEvent(tx, {
        type: 'incident.status_changed',
        scope: incident.grid_code,
        payload: { incident: eventIncident(after, { status: incident.status, urgency: incident.urgency }) },
      });
    }
    // The answer itself is the incident as it is when asked (the route reads it after), so nothing is kept.
    return { status: 200, body: '' };
  });
  return { replayed: answer.replayed };
}

/**
 * The refusal of a step the incident's state no longer allows. When another
 * user's step moved it on from a state that allowed this one (they acted
 * first), the answer names them and when: "已由张三于 10:32 派遣", with the
 * same in `acted` for clients to word in their own language.
 */
async function refusedAfter(deps: ServiceDeps, tx: Queryable, incident: LockedIncident, action: Action, message: string): Promise<DomainError> {
  const last = await deps.repos.workflow.lastStep(incident.id, ACTIONS, tx);
  if (!last || last.from_status === null || last.from_status === incident.status || !TRANSITIONS[action].from.includes(last.from_status)) {
    return new DomainError('illegal_transition', message);
  }
  const acted: ActedFirst = { by: last.by, at: last.at.toISOString(), action: last.action as Action };
  return new DomainError('illegal_transition', actedFirstSentence(acted, 'en'), { zh: actedFirstSentence(acted, 'zh'), details: { acted } });
}
