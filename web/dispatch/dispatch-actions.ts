import { actedFirstSentence, type ActedFirst } from '../../server/contract/acted-first.js';
import { refusal, TRANSITIONS, type Action } from '../../server/contract/incident-workflow.js';
import type { Role } from '../../server/contract/vocabulary.js';
import { ApiError, errorMessage } from '../shared/api-request.js';
import { transition, type IncidentDetail, type TransitionBody } from './dispatch-api.js';
import { formatTime, strings, type Lang } from './dispatch-i18n.js';

/**
 * The workflow actions the console offers, and running one. Which of them a
 * user sees is the workflow table's decision (server/workflow/incident-workflow.ts,
 * the same `refusal` the server applies): the role and the incident's state.
 * Handling steps (start, resolve, mediate) belong to the units, not here.
 */
export const CONSOLE_ACTIONS: readonly Action[] = ['file', 'dispatch', 'reject', 'mark_duplicate', 'verify_fail', 'close', 'reopen', 'urge'];

/** Actions taken in one click; the others open a form. */
export const ONE_CLICK: readonly Action[] = ['file'];

/** Whether a role may take any of the console's actions at all (else the console is read-only for it). */
export function mayAct(role: string | undefined): boolean {
  return CONSOLE_ACTIONS.some((a) => (TRANSITIONS[a].roles as readonly string[]).includes(role ?? ''));
}

/** Whether a role may take `action` on an incident in `status`: the workflow table's rule, as the server applies it. */
const mayTake = (role: string | undefined, action: Action, status: 'reported' | 'dispatched') =>
  role !== undefined && refusal(action, status, role as Role) === null;

/** Work on ticked rows: triage of new reports (file, reject), or urging (督办) incidents in hand. */
export type BulkMode = 'triage' | 'urge';
/** The states a row can be ticked in, for each mode: those its steps start from (the workflow table). */
export const TICKABLE: Record<BulkMode, readonly string[]> = { triage: TRANSITIONS.file.from, urge: TRANSITIONS.urge.from };

/** Which bulk work a queue offers a role: new reports to one who files them, the overdue and those in hand to one who urges. */
export function bulkModeOf(queue: string, role: string | undefined): BulkMode | null {
  if (queue === 'reported') return mayTake(role, 'file', 'reported') ? 'triage' : null;
  return (queue === 'overdue' || queue === 'handling') && mayTake(role, 'urge', 'dispatched') ? 'urge' : null;
}

export function allowedActions(role: string | undefined, incident: Pick<IncidentDetail, 'status' | 'category'> | null): Action[] {
  if (!role || !incident) return [];
  return CONSOLE_ACTIONS.filter((a) => refusal(a, incident.status as never, role as Role, { category: incident.category }) === null);
}

export interface ActionOutcome {
  ok: boolean;
  /** What to tell the user. */
  message: string;
  /** The incident as it is now: from the step's answer, or reloaded after a refusal. */
  incident: IncidentDetail | null;
}

/**
 * Runs one step. When another dispatcher acted first the server answers 409
 * with who and when (`acted`), shown as "已由张三于 10:32 派遣" / "Already
 * dispatched by Zhang San at 10:32"; the incident is reloaded either way, so
 * the console shows its state now.
 */
export async function runAction(
  code: string,
  body: TransitionBody,
  csrf: string | null,
  lang: Lang,
  reload: (code: string) => Promise<IncidentDetail | null>,
): Promise<ActionOutcome> {
  const t = strings(lang);
  try {
    const after = await transition(code, body, csrf);
    const message =
      body.action === 'dispatch' && after.due_at ? t.dispatchedDue(code, formatTime(after.due_at, lang)) : t.done(t.act[body.action] ?? body.action, code);
    return { ok: true, message, incident: after };
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const acted = err.body?.acted as ActedFirst | undefined;
      return { ok: false, message: acted ? actedFirstSentence(acted, lang) : err.message, incident: await reload(code) };
    }
    return { ok: false, message: errorMessage(err), incident: null };
  }
}
