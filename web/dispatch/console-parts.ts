import { html } from 'lit';
import type { Action } from '../../server/contract/incident-workflow.js';
import { allowedActions } from './dispatch-actions.js';
import type { IncidentDetail } from './dispatch-api.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { QUEUES, type QueueId } from './dispatch-queues.js';

/**
 * The console page's stateless pieces: the queue tabs, the action buttons
 * and the notice line. They take what they show and call back; the page
 * (dispatch-page.ts) holds the state.
 */

/** The work queues as tabs, each with its live count. */
export function queueTabs(lang: Lang, current: QueueId, counts: Record<QueueId, number>, pick: (q: QueueId) => void) {
  const t = strings(lang);
  return html`<div role="tablist">${QUEUES.map(
    (q) => html`<button role="tab" data-queue=${q} aria-selected=${q === current ? 'true' : 'false'} @click=${() => pick(q)}>
          ${t.queue[q]}<span class="n" data-count=${q}>${counts[q]}</span></button>`,
  )}</div>`;
}

/** The workflow actions the role may take on the incident in its state, as buttons. */
export function actionButtons(lang: Lang, role: string | undefined, incident: IncidentDetail | null, busy: boolean, start: (a: Action) => void) {
  const t = strings(lang);
  return allowedActions(role, incident).map(
    (a) => html`<button data-act=${a} ?disabled=${busy}
      class=${a === 'reject' ? 'danger' : a === 'file' || a === 'dispatch' || a === 'close' ? 'primary' : ''} @click=${() => start(a)}>${t.act[a]}</button>`,
  );
}

/** The last outcome or error, until dismissed: the one visible place messages go. */
export const noticeLine = (n: { text: string; error: boolean }, dismiss: () => void) =>
  html`<div class="notice ${n.error ? 'error' : ''}" role=${n.error ? 'alert' : 'status'} data-notice><span>${n.text}</span><button @click=${dismiss}>×</button></div>`;

/** Writes one parameter of the console's address (null removes it) without a navigation: a reload keeps the queue and language. */
export function setUrlParam(name: string, value: string | null): void {
  const url = new URL(location.href);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  history.replaceState(null, '', url);
}
