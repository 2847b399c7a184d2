import { Type } from 'typebox';
import type { Action } from './incident-workflow.js';

/**
 * "Someone else acted first": what a refused step (409) says about the step
 * that got there before it — who (their display name), when and what. The
 * server writes the sentence into the error message; the console builds the
 * same sentence from the answer's `acted` fields in its own language.
 */
export interface ActedFirst {
  /** The display name of the user (or the token's name) who took the step. */
  by: string;
  /** When, ISO 8601. */
  at: string;
  action: Action;
}

/** The action as done, for "Already … by". */
const DONE_EN: Record<Action, string> = {
  file: 'filed',
  reject: 'rejected',
  mark_duplicate: 'marked as a duplicate',
  dispatch: 'dispatched',
  start: 'started',
  resolve: 'resolved',
  verify_fail: 'sent back',
  close: 'closed',
  reopen: 'reopened',
  mediate: 'mediated',
  urge: 'urged',
  check: 'checked on site',
};

const DONE_ZH: Record<Action, string> = {
  file: '立案',
  reject: '不予立案',
  mark_duplicate: '标为重复事件',
  dispatch: '派遣',
  start: '开始处置',
  resolve: '处置完毕',
  verify_fail: '退回（核查不通过）',
  close: '核查结案',
  reopen: '重新办理',
  mediate: '调解',
  urge: '督办',
  check: '现场核查',
};

/** The clock time in China (the city's time), hh:mm, 24-hour. */
export function chinaClock(iso: string | Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "已由张三于 10:32 派遣" / "Already dispatched by Zhang San at 10:32". */
export function actedFirstSentence(a: ActedFirst, lang: 'zh' | 'en'): string {
  const clock = chinaClock(a.at);
  return lang === 'en' ? `Already ${DONE_EN[a.action]} by ${a.by} at ${clock}` : `已由${a.by}于 ${clock} ${DONE_ZH[a.action]}`;
}

export const ActedFirstSchema = Type.Object(
  { by: Type.String(), at: Type.String({ format: 'date-time' }), action: Type.String() },
  { description: 'when another user moved the incident on first: who (display name), when and what' },
);

/** A refused step (409): the error, and who acted first when that is why. */
export const RefusedStepSchema = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }), acted: Type.Optional(ActedFirstSchema) },
  { description: 'The error shape; `acted` when another user moved the incident on first' },
);
