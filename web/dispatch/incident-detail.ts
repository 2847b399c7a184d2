import { css, html, LitElement, nothing } from 'lit';
import { TRANSITIONS, type Action } from '../../server/contract/incident-workflow.js';
import type { IncidentDetail, Photo } from './dispatch-api.js';
import { actorName, formatTime, strings, type Lang } from './dispatch-i18n.js';
import { minutesBetween } from './dispatch-queues.js';
import { consoleStyles } from './dispatch-styles.js';

/**
 * Everything about one incident beside the list: what, where, who reported
 * it, the deadline and the time left, the units it went to and their state,
 * the photos before and after side by side (click for full size), and the
 * history as a timeline. The page puts the action buttons in the `actions` slot.
 */
export class IncidentDetailView extends LitElement {
  static override properties = {
    incident: { attribute: false },
    lang: { attribute: false },
    placeNames: { attribute: false },
    now: { attribute: false },
    viewing: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
    :host { display: block; overflow-y: auto; min-height: 0; padding: .8rem 1.1rem 2rem; background: #0b1220; }
    header { display: flex; align-items: center; gap: .6rem; flex-wrap: wrap; }
    h2 { margin: 0; font-size: 1.1rem; font-weight: 600; }
    h3 { margin: 1.1rem 0 .45rem; font-size: .92rem; font-weight: 600; color: #5cc8ff; }
    .actions { margin: .7rem 0 .2rem; display: flex; gap: .45rem; flex-wrap: wrap; }
    dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .35rem 1.2rem; margin: .6rem 0 0; font-size: .86rem; }
    dl div { display: flex; gap: .5rem; }
    dt { color: #7d8aa3; white-space: nowrap; min-width: 4.5rem; }
    dd { margin: 0; }
    p.description { margin: 0; font-size: .95rem; line-height: 1.55; background: #111c33; border-left: 3px solid #2f7de1; padding: .5rem .8rem; border-radius: 0 4px 4px 0; }
    .photos { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; }
    .photos figure { margin: 0; background: #111c33; border-radius: 6px; padding: .4rem; min-height: 6rem; }
    .photos figcaption { font-size: .8rem; color: #9fb3d1; margin-bottom: .3rem; }
    .photos img { width: 100%; max-height: 11rem; object-fit: cover; border-radius: 4px; cursor: zoom-in; display: block; margin-bottom: .3rem; }
    table { border-collapse: collapse; width: 100%; font-size: .84rem; }
    th { text-align: left; color: #9fb3d1; font-weight: 500; border-bottom: 1px solid #2a3b60; padding: .25rem .4rem; }
    td { border-bottom: 1px solid #1e2c4a; padding: .25rem .4rem; }
    ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1rem; border-left: 2px solid #24365c; }
    ol.timeline li { position: relative; padding: 0 0 .7rem .6rem; font-size: .85rem; }
    ol.timeline li::before { content: ''; position: absolute; left: -1.42rem; top: .35rem; width: .55rem; height: .55rem; border-radius: 50%; background: #5cc8ff; }
    ol.timeline li.system::before { background: #ffc233; }
    ol.timeline .note { color: #c6d4ea; margin-top: .15rem; }
    .viewer { position: fixed; inset: 0; background: rgba(3, 8, 18, .92); display: flex; align-items: center; justify-content: center; z-index: 20; cursor: zoom-out; }
    .viewer img { max-width: 94vw; max-height: 90vh; }
  `,
  ];

  declare incident: IncidentDetail | null;
  declare lang: Lang;
  declare placeNames: Map<string, string>;
  declare now: number;
  /** The photo open at full size. */
  declare viewing: Photo | null;

  constructor() {
    super();
    this.incident = null;
    this.lang = 'zh';
    this.placeNames = new Map();
    this.now = Date.now();
    this.viewing = null;
  }

  override render() {
    const i = this.incident;
    if (!i) return nothing;
    const t = strings(this.lang);
    const place = [this.placeNames.get(i.district_code), this.placeNames.get(i.street_code), i.grid_name?.[this.lang]].filter(Boolean).join(' · ');
    return html`
      <header>
        <span class="urgency ${i.urgency}"></span>
        <h2 class="mono" data-code=${i.code}>${i.code}</h2>
        <span class="badge ${i.urgency}">${t.urgency[i.urgency]}</span>
        <span class="badge" data-status=${i.status}>${t.status[i.status] ?? i.status}</span>
        ${i.overdue ? html`<span class="badge red">${t.queue.overdue}</span>` : nothing}
        ${i.urged_at ? html`<span class="badge red" data-urged=${i.urged_at}>${t.urged} ${formatTime(i.urged_at, this.lang)}</span>` : nothing}
      </header>
      <div class="actions"><slot name="actions"></slot></div>
      <dl>
        <div><dt>${t.detail.category}</dt><dd>${i.category_name[this.lang]}</dd></div>
        <div><dt>${t.detail.reporter}</dt><dd>${actorName(i.reporter)}</dd></div>
        <div><dt>${t.detail.reportedAt}</dt><dd>${formatTime(i.reported_at, this.lang)}</dd></div>
        <div><dt>${t.detail.grid}</dt><dd data-place>${place} <span class="mono">${i.grid_code}</span></dd></div>
        ${this.renderDeadline(i)}
        ${i.duplicate_of ? html`<div><dt>${t.detail.duplicateOf}</dt><dd class="mono">${i.duplicate_of}</dd></div>` : nothing}
      </dl>
      <h3>${t.detail.description}</h3>
      <p class="description">${i.description || t.detail.none}</p>
      ${this.renderUnits(i)}
      <h3>${t.detail.photos}</h3>
      ${this.renderPhotos(i)}
      <h3>${t.detail.history}</h3>
      ${this.renderHistory(i)}
      ${
        this.viewing
          ? html`<div class="viewer" @click=${() => {
              this.viewing = null;
            }}><img alt="" src=${this.viewing.url}></div>`
          : nothing
      }`;
  }

  private renderDeadline(i: IncidentDetail) {
    const t = strings(this.lang);
    if (!i.due_at) return html`<div><dt>${t.detail.deadline}</dt><dd>${t.workingHours(i.deadline_hours)}</dd></div>`;
    const left = -minutesBetween(i.due_at, this.now);
    const open = i.status === 'dispatched' || i.status === 'in_progress';
    return html`<div><dt>${t.detail.due}</dt><dd data-due=${i.due_at}>${formatTime(i.due_at, this.lang)}</dd></div>
      ${open ? html`<div><dt>${t.detail.timeLeft}</dt><dd class=${left < 0 ? 'late' : ''}>${left < 0 ? `${t.overdueBy} ${t.duration(-left)}` : t.duration(left)}</dd></div>` : nothing}`;
  }

  private renderUnits(i: IncidentDetail) {
    if (i.assignments.length === 0) return nothing;
    const t = strings(this.lang);
    return html`<h3>${t.detail.units}</h3>
      <table><tbody>${i.assignments.map(
        (a) => html`<tr data-unit=${a.unit}>
        <td>${this.lang === 'en' && a.unit_name_en ? a.unit_name_en : a.unit_name}</td><td><span class="badge">${t.detail.unitStatus[a.status] ?? a.status}</span></td>
        <td>${t.detail.due} ${formatTime(a.due_at, this.lang)}</td><td class="muted">${a.feedback}</td></tr>`,
      )}</tbody></table>`;
  }

  private renderPhotos(i: IncidentDetail) {
    const t = strings(this.lang);
    if (i.photos.length === 0 && !i.site_check) return html`<div class="muted">${t.detail.noPhotos}</div>`;
    const check = i.site_check;
    const column = (kind: 'before' | 'after' | 'check') => html`<figure data-kind=${kind}><figcaption>${t.detail[kind]}
      ${
        kind === 'check' && check
          ? html`<span class="badge" data-site-check=${check.verdict}>${t.detail.verdict[check.verdict]}</span>
            <span class="muted">${actorName(check.actor)} · ${formatTime(check.at, this.lang)}</span>`
          : nothing
      }</figcaption>
      ${kind === 'check' && check?.note ? html`<div class="note">${check.note}</div>` : nothing}
      ${i.photos
        .filter((p) => p.kind === kind)
        .map(
          (p) =>
            html`<img alt=${`${t.detail[kind]} ${p.id}`} src=${p.url} @click=${() => {
              this.viewing = p;
            }}>`,
        )}</figure>`;
    // The worker's check of the repair beside the handler's after photo, for the close or send-back decision.
    return html`<div class="photos" style=${check ? 'grid-template-columns: 1fr 1fr 1fr' : ''}>${column('before')}${column('after')}${check ? column('check') : nothing}</div>`;
  }

  private renderHistory(i: IncidentDetail) {
    const t = strings(this.lang);
    const label = (action: string) => (action in TRANSITIONS ? TRANSITIONS[action as Action].label[this.lang] : (t.history[action] ?? action));
    return html`<ol class="timeline">${i.history.map(
      (h) => html`<li class=${h.actor === 'system' ? 'system' : ''} data-action=${h.action}>
      <div><b>${label(h.action)}</b> <span class="muted">${actorName(h.actor)} · ${formatTime(h.at, this.lang)}</span>
        ${h.to_status && h.to_status !== h.from_status ? html`<span class="badge">${t.status[h.to_status] ?? h.to_status}</span>` : nothing}</div>
      ${h.note ? html`<div class="note">${h.note}</div>` : nothing}
    </li>`,
    )}</ol>`;
  }
}

customElements.define('gs-incident-detail', IncidentDetailView);

declare global {
  interface HTMLElementTagNameMap {
    'gs-incident-detail': IncidentDetailView;
  }
}
