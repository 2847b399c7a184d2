import { html, nothing } from 'lit';
import { categoryName } from './field-categories.js';
import { icon } from './field-icons.js';
import type { FieldStrings, Lang } from './field-i18n.js';
import type { OutboxItem } from './outbox-store.js';
import { localeOf } from '../shared/i18n.js';

export interface OutboxActions {
  retry(item: OutboxItem): void;
  remove(item: OutboxItem): void;
  sendNow(): void;
}

/** What an item is, in a few words: a report's category, photos added, or the step taken on an incident. */
function itemTitle(item: OutboxItem, lang: Lang, t: FieldStrings): string {
  if (item.kind === 'report') return categoryName(item.report!.category, lang);
  if (item.kind === 'action') return `${t.stepNames[item.action!.body.action]} · ${item.code ?? ''}`;
  return t.photosAdded(item.code ?? '');
}

/**
 * The outbox: each item with its state (待发送 / 发送中 / 已上报 SJ… / 失败：reason)
 * and retry or delete. A refused item (data-attention) stays until the worker
 * decides: it is never sent again by itself.
 */
export function outboxView(items: OutboxItem[], lang: Lang, t: FieldStrings, act: OutboxActions) {
  if (items.length === 0) return html`<p class="hint" data-outbox-empty>${t.outboxEmpty}</p>`;
  const waiting = items.some((i) => i.state === 'waiting');
  return html`
    ${waiting ? html`<button type="button" data-send-now @click=${act.sendNow}>${t.sendNow}</button>` : nothing}
    <ul class="outbox">
      ${[...items].reverse().map((item) => {
        const what = itemTitle(item, lang, t);
        const state =
          item.state === 'sent' && item.code
            ? `${t.states.sent} ${item.code}`
            : item.state === 'failed' && item.error
              ? t.failedBecause(item.error)
              : t.states[item.state];
        const attention = item.state === 'failed' || item.needs_login;
        return html`<li class="card" data-item=${item.id} data-kind=${item.kind} data-state=${item.state} data-code=${item.code ?? ''} ?data-attention=${attention}>
          <b>${what}</b> · ${icon('camera', 16)}×${item.photos.length} · ${new Date(item.created_at).toLocaleTimeString(localeOf(lang), { timeZone: 'Asia/Shanghai' })}
          <div class="state state-${item.state}">${state}</div>
          ${item.report?.description ? html`<div class="hint">${item.report.description}</div>` : nothing}
          ${item.needs_login ? html`<div class="hint" data-needs-login>${t.signInToSend}</div>` : nothing}
          ${item.state === 'failed' ? html`<div class="hint">${t.needsAttention}</div>` : nothing}
          ${item.state === 'failed' ? html`<button type="button" data-retry @click=${() => act.retry(item)}>${t.retry}</button>` : nothing}
          ${item.state !== 'sending' ? html`<button type="button" data-remove @click=${() => act.remove(item)}>${t.remove}</button>` : nothing}
        </li>`;
      })}
    </ul>`;
}
