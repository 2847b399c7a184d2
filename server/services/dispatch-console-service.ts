import { refusal, unitCountProblem, type BulkAction } from '../contract/incident-workflow.js';
import { principalOf, visibilityOf, type Actor } from './actor.js';
import { DomainError, invalidInput, notFoundError } from './domain-error.js';
import { applyTransition } from './incident-workflow-service.js';
import { dispatchDeadline } from './incident-workflow-steps.js';
import type { ServiceDeps } from './service-deps.js';

export interface BulkItem {
  code: string;
  action: BulkAction;
  note?: string;
}

/** One item's outcome: done, or the refusal that left it as it was. */
export type BulkOutcome = { code: string; ok: true } | { code: string; ok: false; error: DomainError };

/**
 * Applies each item in its own transaction (applyTransition), one after the
 * other, so one refusal (someone else filed it first, a missing reason)
 * leaves the others done, and each outcome is reported. A failure that is
 * not a refusal (the database went away) stops the batch and propagates: what
 * was done before it stays done, and the client reads the incidents again.
 */
export async function applyBulk(deps: ServiceDeps, who: Actor, items: readonly BulkItem[]): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.code)) throw invalidInput('items', `${item.code} is named twice`, `${item.code} 重复出现`);
    seen.add(item.code);
  }
  for (const item of items) {
    try {
      await applyTransition(deps, who, item);
      outcomes.push({ code: item.code, ok: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      outcomes.push({ code: item.code, ok: false, error: err });
    }
  }
  return outcomes;
}

export interface DeadlinePreview {
  /** The moment the deadline is counted from: now, as if dispatched at once. */
  from: Date;
  due_at: Date;
  deadline_hours: number;
}

/**
 * The deadline a dispatch made now would get, computed by the dispatch's own
 * code (dispatchDeadline, the working calendar) without changing anything.
 * The same checks as the dispatch come first: role, state and, when given,
 * the units (count for the urgency, and that they exist), so a preview that
 * answers 200 is a dispatch that would be accepted.
 */
export async function previewDeadline(deps: ServiceDeps, who: Actor, input: { code: string; units?: string[] }): Promise<DeadlinePreview> {
  const principal = principalOf(who);
  const incident = await deps.repos.workflow.find(input.code, visibilityOf(principal));
  if (!incident) throw notFoundError(`incident ${input.code}`);
  const refused = refusal('dispatch', incident.status, principal.role, { category: incident.category_code });
  if (refused) throw new DomainError(refused.code, refused.message);
  if (input.units) {
    const problem = unitCountProblem(incident.urgency, input.units);
    if (problem) throw invalidInput('units', problem);
    const known = await deps.repos.workflow.existingUnits(input.units, deps.db);
    const unknown = input.units.filter((u) => !known.includes(u));
    if (unknown.length) throw invalidInput('units', `no unit ${unknown.join(', ')}`, `没有单位 ${unknown.join(', ')}`);
  }
  const from = deps.clock();
  return { from, due_at: dispatchDeadline(deps, incident, from), deadline_hours: incident.deadline_hours! };
}
