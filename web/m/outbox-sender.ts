import { ApiError, apiRequest, pageLanguage } from '../shared/api-request.js';
import { transition } from './field-api.js';
import { strings } from './field-i18n.js';
import { type OutboxItem, type OutboxPhoto, outboxStore } from './outbox-store.js';

/**
 * Sends what waits in the outbox, oldest first, one item at a time: new
 * reports, photos for an incident, and workflow steps (resolve with its after
 * photo, the on-site check, a mediation; a start taken offline). Every
 * request carries the item's (or photo's) Idempotency-Key, the same on every
 * try, so a retry after a lost answer never makes a second incident. Progress
 * is saved after each step: a report answered with its code is not sent
 * again, only its photos still unsent.
 *
 * What happens on failure:
 * - no network, 5xx, 429: the item waits (待发送) for the next try;
 * - 401 (the sign-in expired): it waits, marked as needing sign-in;
 * - any other 4xx (403 outside the grid, 400, 409 the incident moved on):
 *   失败 with the server's words in the page's language, kept until the
 *   worker retries or deletes it; never sent again by itself.
 */
let running: Promise<boolean> | null = null;

/** Resolves true when something waited to be sent (the task list may have changed), false when the outbox had nothing due. */
export function sendOutbox(onChange: () => void): Promise<boolean> {
  running ??= sendAll(onChange).finally(() => {
    running = null;
  });
  return running;
}

async function sendAll(onChange: () => void): Promise<boolean> {
  if (!navigator.onLine) return false;
  // 'sending' left over from a page closed mid-send is tried again.
  const due = (await outboxStore.all()).filter((i) => i.state === 'waiting' || i.state === 'sending');
  if (due.length === 0) return false;
  let csrf: string | null;
  try {
    csrf = (await apiRequest<{ csrf_token: string | null }>('GET', '/api/auth/me', { unauthorized: 'throw' })).csrf_token;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) await markAll(due, { needs_login: true }, onChange);
    return true;
  }
  // Steps on one incident go in the order they were taken (start, then resolve): a step behind one the server
  // refused (失败, kept for the worker to retry or delete) waits with it instead of being tried out of order.
  const held = new Set((await outboxStore.all()).filter((i) => i.kind === 'action' && i.state === 'failed').map((i) => i.code));
  for (const item of due) {
    if (item.kind === 'action' && held.has(item.code)) {
      await outboxStore.put({ ...item, state: 'waiting', error: heldReason() });
      onChange();
      continue;
    }
    const stop = await sendOne(item, csrf, onChange);
    if (stop) return true;
    if (item.kind === 'action' && item.state === 'failed') held.add(item.code);
  }
  return true;
}

const heldReason = () => strings(pageLanguage()).waitsForStep;

async function markAll(items: OutboxItem[], change: Partial<OutboxItem>, onChange: () => void): Promise<void> {
  for (const item of items) await outboxStore.put({ ...item, state: 'waiting', ...change });
  onChange();
}

/** Sends one item; true when the rest should wait too (the network or the session is gone). */
async function sendOne(item: OutboxItem, csrf: string | null, onChange: () => void): Promise<boolean> {
  const save = async (change: Partial<OutboxItem>) => {
    Object.assign(item, change);
    await outboxStore.put(item);
    onChange();
  };
  await save({ state: 'sending', error: undefined, needs_login: false });
  try {
    if (!item.code && item.report) {
      const { accuracy_m: _, ...body } = item.report;
      const answer = await apiRequest<{ incident: { properties: { code: string } } }>('POST', '/api/incidents', {
        csrf,
        body,
        unauthorized: 'throw',
        headers: { 'idempotency-key': item.id },
      });
      await save({ code: answer.incident.properties.code });
    }
    for (const photo of item.photos.filter((p) => !p.sent)) {
      await uploadPhoto(item.code!, photo, csrf);
      photo.sent = true;
      await save({});
    }
    if (item.action && !item.action.done) {
      await transition(item.code!, csrf, item.action.body, item.id);
      await save({ action: { ...item.action, done: true } });
    }
    await save({ state: 'sent' });
    return false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await save({ state: 'waiting', needs_login: true });
      return true;
    }
    if (err instanceof ApiError && err.status < 500 && err.status !== 429) {
      await save({ state: 'failed', error: err.message });
      return false;
    }
    // No network (fetch throws TypeError), the server unavailable: try again later.
    await save({ state: 'waiting', error: err instanceof Error ? err.message : String(err) });
    return true;
  }
}

/** One photo, multipart as the API takes it, with its own idempotency key. */
export async function uploadPhoto(code: string, photo: OutboxPhoto, csrf: string | null): Promise<void> {
  const form = new FormData();
  form.append('file', photo.blob, `${photo.kind}.jpg`);
  const headers: Record<string, string> = { 'accept-language': pageLanguage(), 'idempotency-key': photo.key };
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/incidents/${code}/photos?kind=${photo.kind}`, { method: 'POST', headers, body: form });
  if (res.ok) return;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `photo upload: HTTP ${res.status}`);
}

/** Retry a failed item: it waits again and goes with the next send. */
export async function retryItem(item: OutboxItem, onChange: () => void): Promise<void> {
  await outboxStore.put({ ...item, state: 'waiting', error: undefined });
  onChange();
  await sendOutbox(onChange);
}
