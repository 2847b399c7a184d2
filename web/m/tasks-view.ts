import { css, html, LitElement, nothing } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { OPEN_STATUSES, STATUS_NAMES } from '../../server/contract/vocabulary.js';
import { categoryName } from './field-categories.js';
import { incidentDetail, incidents, type IncidentRow, myTasks } from './field-api.js';
import { type Lang, strings } from './field-i18n.js';
import { DISPUTE_CATEGORIES } from '../../server/contract/incident-workflow.js';
import { newKey, type OutboxAction, type OutboxItem, outboxStore } from './outbox-store.js';
import { downscalePhoto } from './photo-downscale.js';
import { metresBetween } from './point-in-grid.js';
import { fieldStyles, photoPicker } from './field-styles.js';
import { localeOf } from '../shared/i18n.js';

/**
 * 任务. A grid worker: the open incidents of their grid by state, and the
 * resolved ones to check on site (核查: photo, fixed / not fixed, note).
 * A handler: their unit's incidents, overdue first then by due time, urged
 * (督办) ones marked; start, resolve with an after photo, and record the
 * mediations of a dispute (the third failure of a blue one makes it yellow,
 * on the server). Every step (start, resolve, check, mediation) goes through
 * the outbox (fired as `queued`), so it survives a stairwell with no network;
 * a start waiting there already offers the resolve, which the outbox sends
 * after it. The last list is kept on the phone to be shown offline. Fires
 * `counted` with the number of tasks waiting and where the tasks are, for the
 * home screen.
 */
/** A resolved incident of my grid not yet checked by me (the plain list cannot tell: every resolved one). */
const toCheck = (r: IncidentRow) => r.status === 'resolved' && r.needs_check !== false;
const TASKS_KEY = 'gs-field-tasks';

/** A task on the home map. */
export interface TaskPlace {
  code: string;
  location: [number, number];
  urgency: IncidentRow['urgency'];
  overdue: boolean;
}
/** The `counted` event's detail. */
export interface TaskCount {
  waiting: number;
  /** Past their deadline (a handler's tasks; 0 for a grid worker, whose tasks have none of their own). */
  overdue: number;
  places: TaskPlace[];
}

export class TasksView extends LitElement {
  static override properties = {
    lang: { attribute: false },
    duty: { attribute: false },
    csrf: { attribute: false },
    position: { attribute: false },
    rows: { state: true },
    open: { state: true },
    focused: { state: true },
    photo: { state: true },
    problem: { state: true },
    pending: { state: true },
  };
  static override styles = [
    fieldStyles,
    css`
      .row { display: grid; gap: 0.3rem; }
      .tag { display: inline-block; border-radius: 6px; padding: 0 0.4rem; font-size: 0.8rem; margin-left: 0.3rem; }
      .overdue { background: #5a1d24; color: #ffb0b9; }
      .focused { outline: 2px solid #5cc8ff; }
      .urged { background: #3a2a14; color: #ffd873; }
      .where { color: #cfe0f7; font-size: 0.9rem; }
      [data-hours-left], .away { white-space: nowrap; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: 0.4rem; }
      .mediation { display: grid; grid-template-columns: 1fr 1fr; gap: 0.4rem; margin-top: 0.4rem; }
      .mediation input, .mediation .hint { grid-column: 1 / -1; }
      input[type='text'] { font: inherit; min-height: 44px; border-radius: 8px; border: 1px solid #2a3b60; background: #0f1930; color: inherit; padding: 0 0.6rem; }
    `,
  ];

  override lang: Lang = 'zh';
  duty: 'grid_worker' | 'handler' = 'grid_worker';
  csrf: string | null = null;
  /** Where the phone is (lon, lat), or null before a fix: a handler's tasks say how far they are. */
  position: [number, number] | null = null;
  private rows: IncidentRow[] | null = null;
  /** The incident whose photo form is open. */
  private open = '';
  /** The task picked on the home map, marked in the list. */
  private focused = '';
  private photo: { blob: Blob; url: string } | null = null;
  private problem = '';
  /**
   * The steps waiting in the outbox, by incident. Behind a waiting start the incident is worked as started (the
   * outbox sends the resolve after it); behind any other step nothing more is offered until it is sent (or deleted).
   */
  private pending = new Map<string, OutboxAction['body']['action'][]>();
  /** A step is being put in the outbox (not drawn: it only turns away a second tap meanwhile). */
  private queueing = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    await this.readPending();
    try {
      this.rows = await this.fetchRows();
      localStorage.setItem(TASKS_KEY, JSON.stringify(this.rows));
      this.announce();
      this.problem = '';
    } catch (err) {
      // Offline: the list as it was last seen, its steps still taken into the outbox.
      const kept = localStorage.getItem(TASKS_KEY);
      if (!navigator.onLine && kept) {
        this.rows ??= JSON.parse(kept) as IncidentRow[];
        this.announce();
      } else this.problem = errorMessage(err);
    }
  }

  /** Tells the app how many tasks wait for me and where they all are (the home screen's figure and map). */
  private announce(): void {
    const rows = this.rows ?? [];
    const waiting = this.duty === 'handler' ? rows.length : rows.filter(toCheck).length;
    const places = rows.flatMap((r): TaskPlace[] =>
      r.location ? [{ code: r.code, location: r.location, urgency: r.urgency, overdue: r.overdue === true }] : [],
    );
    const overdue = rows.filter((r) => r.overdue === true).length;
    this.dispatchEvent(new CustomEvent<TaskCount>('counted', { detail: { waiting, overdue, places }, bubbles: true, composed: true }));
  }

  /** Shows one task: its row scrolled into view and marked (a tap on its dot on the home map). */
  async show(code: string): Promise<void> {
    this.focused = code;
    await this.updateComplete;
    this.renderRoot.querySelector(`li[data-task="${CSS.escape(code)}"]`)?.scrollIntoView({ block: 'center' });
  }

  private async readPending(): Promise<void> {
    const pending = new Map<string, OutboxAction['body']['action'][]>();
    for (const i of await outboxStore.all())
      if (i.kind === 'action' && i.state !== 'sent') pending.set(i.code!, [...(pending.get(i.code!) ?? []), i.action!.body.action]);
    this.pending = pending;
  }

  private async fetchRows(): Promise<IncidentRow[]> {
    const served = await myTasks();
    if (served) return served;
    if (this.duty === 'handler') {
      const { rows } = await incidents(['dispatched', 'in_progress'], 50);
      // The list has no due time: each of the (few) incidents of the queue is read in full.
      const full = await Promise.all(rows.map(async (r) => ({ ...r, ...(await incidentDetail(r.code)).properties })));
      return full.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.due_at ?? '~').localeCompare(b.due_at ?? '~'));
    }
    return (await incidents(OPEN_STATUSES, 100)).rows;
  }

  private async pick(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const blob = await downscalePhoto(file);
    this.photo = { blob, url: URL.createObjectURL(blob) };
  }

  /** Puts a step (with its photo, when one is needed) into the outbox; the app sends it. */
  private async queueStep(code: string, body: OutboxAction['body'], photoKind?: 'after' | 'check'): Promise<void> {
    // One step per tap: a second tap before the first is in the outbox (and its buttons gone) would queue the step
    // twice under two keys (two mediation records, or a start the server then refuses as already started).
    if (this.queueing) return;
    if (photoKind && !this.photo) {
      this.problem = strings(this.lang).afterPhoto;
      return;
    }
    const item: OutboxItem = {
      id: newKey(),
      created_at: new Date().toISOString(),
      kind: 'action',
      code,
      action: { body, done: false },
      photos: photoKind && this.photo ? [{ key: newKey(), kind: photoKind, blob: this.photo.blob, sent: false }] : [],
      state: 'waiting',
    };
    this.queueing = true;
    try {
      await outboxStore.put(item);
    } catch (err) {
      this.problem = errorMessage(err);
      return;
    } finally {
      this.queueing = false;
    }
    this.pending = new Map([...this.pending, [code, [...(this.pending.get(code) ?? []), body.action]]]);
    this.open = '';
    this.photo = null;
    this.dispatchEvent(new CustomEvent('queued', { detail: item.id, bubbles: true, composed: true }));
  }

  override render() {
    const t = strings(this.lang);
    if (this.rows === null) return html`<p class="hint">${this.problem || t.loading}</p>`;
    const rows = this.duty === 'handler' ? this.rows : [...this.rows].sort((a, b) => Number(toCheck(b)) - Number(toCheck(a)));
    return html`<h3>${this.duty === 'handler' ? t.myUnitTasks : t.myGridTasks}</h3>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${rows.length === 0 ? html`<p class="hint">${t.noTasks}</p>` : nothing}
      <ul>${rows.map((r) => this.renderRow(r))}</ul>`;
  }

  private renderRow(r: IncidentRow) {
    const t = strings(this.lang);
    const due = r.due_at
      ? new Date(r.due_at).toLocaleString(localeOf(this.lang), {
          timeZone: 'Asia/Shanghai',
          dateStyle: this.lang === 'en' ? 'medium' : 'short',
          timeStyle: 'short',
        })
      : '';
    return html`<li class="card row ${this.focused === r.code ? 'focused' : ''}" data-task=${r.code} data-status=${r.status}>
      <div>
        <b>${categoryName(r.category, this.lang)}</b> · ${STATUS_NAMES[r.status as keyof typeof STATUS_NAMES]?.[this.lang] ?? r.status}
        ${r.overdue ? html`<span class="tag overdue" data-overdue>${t.overdue}</span>` : nothing}
        ${r.urged_at ? html`<span class="tag urged" data-urged>${t.urged}</span>` : nothing}
      </div>
      <div class="hint">${r.code}${due ? ` · ${t.due(due)}` : ''}${
        r.working_hours_left !== undefined ? html` · <span data-hours-left=${r.working_hours_left}>${t.hoursLeft(r.working_hours_left)}</span>` : nothing
      }</div>
      ${this.duty === 'handler' && r.place ? html`<div class="where"><span data-place>${r.place[this.lang]}</span>${this.renderAway(r)}</div>` : nothing}
      <div>${r.description}</div>
      ${this.renderActions(r)}
    </li>`;
  }

  private renderAway(r: IncidentRow) {
    if (!this.position || !r.location) return nothing;
    const metres = Math.round(metresBetween(this.position, r.location));
    return html` · <span class="away" data-away=${metres}>${strings(this.lang).away(metres)}</span>`;
  }

  private renderActions(r: IncidentRow) {
    const t = strings(this.lang);
    const pickPhoto = (label: string) =>
      photoPicker(
        label,
        (i) => this.pick(i),
        this.photo ? [this.photo] : [],
        (kb) => `${kb} KB`,
      );
    const steps = this.pending.get(r.code) ?? [];
    const startQueued = steps.length > 0 && steps.every((a) => a === 'start');
    if (steps.length > 0 && !startQueued) return html`<div class="hint" data-queued>${t.queuedStep}</div>`;
    const status = startQueued && r.status === 'dispatched' ? 'in_progress' : r.status;
    const mediation = this.duty === 'handler' && DISPUTE_CATEGORIES.includes(r.category) ? this.renderMediation(r) : nothing;
    if (this.duty === 'handler' && status === 'dispatched')
      return html`<div class="actions"><button type="button" data-start @click=${() => this.queueStep(r.code, { action: 'start' })}>${t.start}</button></div>${mediation}`;
    if (this.duty === 'handler' && status === 'in_progress') {
      const queuedStart = startQueued ? html`<div class="hint" data-queued-start>${t.startQueued}</div>` : nothing;
      if (this.open !== r.code)
        return html`${queuedStart}<div class="actions"><button type="button" data-open-resolve @click=${() => (this.open = r.code)}>${t.resolve}</button></div>${mediation}`;
      return html`${queuedStart}<div class="actions">${pickPhoto(t.afterPhoto)}
        <button type="button" data-resolve ?disabled=${!this.photo} @click=${() => this.queueStep(r.code, { action: 'resolve' }, 'after')}>${t.resolve}</button></div>`;
    }
    if (this.duty === 'grid_worker' && toCheck(r)) {
      if (this.open !== r.code)
        return html`<div class="actions"><button type="button" data-open-check @click=${() => (this.open = r.code)}>${t.check} · ${t.toCheck}</button></div>`;
      const note = () => this.renderRoot.querySelector<HTMLInputElement>('input[name="note"]')?.value ?? '';
      const check = (verdict: 'fixed' | 'not_fixed') => this.queueStep(r.code, { action: 'check', verdict, note: note() }, 'check');
      return html`<div class="actions">${pickPhoto(t.checkPhoto)}
        <input type="text" name="note" placeholder=${t.note} />
        <button type="button" data-verdict="fixed" ?disabled=${!this.photo} @click=${() => check('fixed')}>${t.fixed}</button>
        <button type="button" data-verdict="not_fixed" ?disabled=${!this.photo} @click=${() => check('not_fixed')}>${t.notFixed}</button></div>`;
    }
    return nothing;
  }

  /** A dispute's mediation attempt: how it ended and a note (调解). */
  private renderMediation(r: IncidentRow) {
    const t = strings(this.lang);
    const key = `mediate:${r.code}`;
    if (this.open !== key)
      return html`<div class="actions"><button type="button" data-open-mediate @click=${() => (this.open = key)}>${t.mediate}</button></div>`;
    const note = () => this.renderRoot.querySelector<HTMLInputElement>('input[name="mediation-note"]')?.value ?? '';
    const record = (outcome: 'succeeded' | 'failed') => this.queueStep(r.code, { action: 'mediate', outcome, note: note() });
    return html`<div class="mediation">
      <input type="text" name="mediation-note" placeholder=${t.mediationNote} />
      ${r.urgency === 'blue' ? html`<span class="hint">${t.mediationRule}</span>` : nothing}
      <button type="button" data-mediation="succeeded" @click=${() => record('succeeded')}>${t.mediationSucceeded}</button>
      <button type="button" data-mediation="failed" @click=${() => record('failed')}>${t.mediationFailed}</button>
    </div>`;
  }
}

customElements.define('gs-tasks-view', TasksView);
declare global {
  interface HTMLElementTagNameMap {
    'gs-tasks-view': TasksView;
  }
}
