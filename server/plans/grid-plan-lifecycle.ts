import type { PlanStatus } from '../contract/vocabulary.js';

/**
 * The life of a boundary plan as a state machine: every allowed transition
 * in one table. A draft is edited (each edit, undo and redo stays a draft),
 * then published once or abandoned; both end it.
 */
export { PLAN_STATUSES, type PlanStatus } from '../contract/vocabulary.js';

export const PLAN_ACTIONS = ['edit', 'undo', 'redo', 'rename', 'publish', 'abandon'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const PLAN_TRANSITIONS: Readonly<Record<PlanAction, { from: readonly PlanStatus[]; to: PlanStatus }>> = {
  edit: { from: ['draft'], to: 'draft' },
  undo: { from: ['draft'], to: 'draft' },
  redo: { from: ['draft'], to: 'draft' },
  rename: { from: ['draft'], to: 'draft' },
  publish: { from: ['draft'], to: 'published' },
  abandon: { from: ['draft'], to: 'abandoned' },
};

export const PLAN_TRANSITION_REASON = { notAllowed: 'plan_not_editable' } as const;

/** Whether `action` may be taken on a plan in `status`, and the status after it. */
export function planTransition(
  status: PlanStatus,
  action: PlanAction,
): { valid: true; to: PlanStatus } | { valid: false; reason: typeof PLAN_TRANSITION_REASON.notAllowed; message: string } {
  const t = PLAN_TRANSITIONS[action];
  if (t.from.includes(status)) return { valid: true, to: t.to };
  return { valid: false, reason: PLAN_TRANSITION_REASON.notAllowed, message: `the plan is ${status}; only a draft can be changed (${action})` };
}
