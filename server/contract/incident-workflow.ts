import type { IncidentStatus as Status, Role } from './vocabulary.js';

/**
 * The incident workflow (事件闭环) as a state machine, after the national
 * digital city-management process: 信息采集 reported → 立案 filed (or
 * rejected, or a duplicate) → 派遣 dispatched → 处置 in progress → 处理反馈
 * resolved → 核查结案 closed. This table is the only place the allowed
 * transitions are written; the routes, the tests and the demo data read it.
 */
export { INCIDENT_STATUSES as STATUSES, type IncidentStatus as Status } from './vocabulary.js';

export type Action =
  | 'file'
  | 'reject'
  | 'mark_duplicate'
  | 'dispatch'
  | 'start'
  | 'resolve'
  | 'verify_fail'
  | 'close'
  | 'reopen'
  | 'mediate'
  | 'urge'
  | 'check';

/** Things the system records in the history on its own. */
export type SystemAction = 'report' | 'escalate' | 'overdue' | 'red_alert';

export interface Transition {
  from: readonly Status[];
  /** The status after the action; 'same' keeps it (mediation, urging), 'resolved*' = resolved once every unit has resolved. */
  to: Status | 'same' | 'resolved*';
  roles: readonly Role[];
  /** What the request must carry. */
  needs?: readonly ('note' | 'units' | 'duplicate_of' | 'after_photo' | 'outcome' | 'verdict' | 'check_photo')[];
  label: { zh: string; en: string };
}

const COMMAND: readonly Role[] = ['commander', 'dispatcher'];
const HANDLING: readonly Role[] = ['commander', 'handler'];

export const TRANSITIONS: Record<Action, Transition> = {
  file: { from: ['reported'], to: 'filed', roles: COMMAND, label: { zh: '立案', en: 'File' } },
  reject: { from: ['reported'], to: 'rejected', roles: COMMAND, needs: ['note'], label: { zh: '不予立案', en: 'Reject' } },
  mark_duplicate: { from: ['reported', 'filed'], to: 'duplicate', roles: COMMAND, needs: ['duplicate_of'], label: { zh: '重复事件', en: 'Mark duplicate' } },
  dispatch: { from: ['filed'], to: 'dispatched', roles: COMMAND, needs: ['units'], label: { zh: '派遣', en: 'Dispatch' } },
  start: { from: ['dispatched', 'in_progress'], to: 'in_progress', roles: HANDLING, label: { zh: '开始处置', en: 'Start work' } },
  resolve: { from: ['in_progress'], to: 'resolved*', roles: HANDLING, needs: ['after_photo'], label: { zh: '处置完毕', en: 'Resolve' } },
  verify_fail: { from: ['resolved'], to: 'in_progress', roles: COMMAND, needs: ['note'], label: { zh: '核查不通过', en: 'Verification failed' } },
  close: { from: ['resolved'], to: 'closed', roles: COMMAND, label: { zh: '核查结案', en: 'Verify and close' } },
  reopen: { from: ['closed'], to: 'in_progress', roles: ['commander'], needs: ['note'], label: { zh: '重新办理', en: 'Reopen' } },
  mediate: { from: ['dispatched', 'in_progress'], to: 'same', roles: HANDLING, needs: ['outcome'], label: { zh: '调解', en: 'Mediation' } },
  // 督办: the centre presses the units on an incident in hand (usually an overdue one); recorded and announced, the status stays.
  urge: { from: ['dispatched', 'in_progress'], to: 'same', roles: COMMAND, needs: ['note'], label: { zh: '督办', en: 'Urge' } },
  // 核查: the grid worker goes back to a resolved incident in their grid, photographs it and says whether it is fixed.
  // The status stays resolved: closing or sending it back (verify_fail) remains the centre's decision, now made with
  // the worker's verdict and photo beside the handler's after photo. A later check (after verify_fail and a new resolve) adds another.
  check: {
    from: ['resolved'],
    to: 'same',
    roles: ['grid_worker'],
    needs: ['note', 'verdict', 'check_photo'],
    label: { zh: '现场核查', en: 'On-site check' },
  },
};

export const ACTIONS = Object.keys(TRANSITIONS) as Action[];

/** Categories whose handling is mediation between people. */
export const DISPUTE_CATEGORIES: readonly string[] = ['neighbour_dispute'];
/** A blue dispute becomes yellow at this many failed mediations. */
export const MEDIATION_FAILURES_TO_ESCALATE = 3;
/** The grid worker's verdict in an on-site check (核查). */
export const CHECK_VERDICTS = ['fixed', 'not_fixed'] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

/** A red incident not dispatched within this many minutes of its report raises an alert. */
export const RED_DISPATCH_MINUTES = 30;

export type Refusal = { code: 'forbidden_transition'; message: string } | { code: 'illegal_transition'; message: string };

/**
 * Whether `role` may take `action` on an incident in `status`: null when
 * allowed, else why not: forbidden_transition for the role, illegal_transition
 * for the state (server/errors/messages.ts gives them their HTTP statuses).
 */
export function refusal(action: Action, status: Status, role: Role, context: { category?: string } = {}): Refusal | null {
  const t = TRANSITIONS[action];
  if (!t.roles.includes(role)) return { code: 'forbidden_transition', message: `the ${role} role may not ${action} an incident` };
  if (!t.from.includes(status)) {
    return { code: 'illegal_transition', message: `cannot ${action} an incident that is ${status}; allowed from ${t.from.join(', ')}` };
  }
  if (action === 'mediate' && context.category !== undefined && !DISPUTE_CATEGORIES.includes(context.category)) {
    return { code: 'illegal_transition', message: `only disputes (${DISPUTE_CATEGORIES.join(', ')}) are mediated` };
  }
  return null;
}

/** Yellow incidents may go to several units at once; red and blue to exactly one. */
export function unitCountProblem(urgency: string, units: readonly string[]): string | null {
  if (units.length === 0) return 'dispatch needs at least one unit';
  if (new Set(units).size !== units.length) return 'a unit is named twice';
  if (urgency !== 'yellow' && units.length > 1) return `a ${urgency} incident goes to one unit; only yellow (complex) incidents go to several`;
  return null;
}

/** The steps the dispatch console takes on several incidents at once: triage of new reports, and urging (督办) those in hand. */
export const BULK_ACTIONS = ['file', 'reject', 'urge'] as const satisfies readonly Action[];
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** At most this many incidents in one bulk request (a bounded request); the console sends a longer selection in parts. */
export const BULK_MAX = 100;
