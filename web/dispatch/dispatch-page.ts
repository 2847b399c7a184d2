import { html, LitElement, nothing } from 'lit';
import type { Action } from '../../server/contract/incident-workflow.js';
import { errorMessage } from '../shared/api-request.js';
import { currentUser, logout, type Me } from '../shared/session.js';
import { allowedActions, mayAct, ONE_CLICK, runAction } from './dispatch-actions.js';
import { categories, districtsOf, noteContact, regionTree, type TransitionBody } from './dispatch-api.js';
import { DispatchDataController, OPEN_CAP } from './dispatch-data.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { keyCommand } from './dispatch-keys.js';
import { NO_FILTERS, QUEUES, queueCounts, queueItems, type QueueFilters, type QueueId } from './dispatch-queues.js';
import { consoleStyles, pageStyles } from './dispatch-styles.js';
import type { IncidentList } from './incident-list.js';
import './action-dialog.js';
import './incident-detail.js';
import './incident-list.js';
import './incident-map.js';

/** The clock the queues are judged by moves on this often: "red after 30 minutes" and "overdue" need no event. */
const TICK_MS = 30_000;

/**
 * /dispatch: the dispatch console (事项交办). Work queues as tabs with live
 * counts, the chosen queue as a list, the selected incident beside it with
 * the actions its state and the user's role allow. Everything comes over the
 * HTTP API; DispatchDataController keeps it live from the event stream.
 * Language and queue live in the URL (?lang=en&queue=filed).
 */
export class DispatchPage extends LitElement {
  static override properties = {
    lang: { state: true },
    queue: { state: true },
    filters: { state: true },
    me: { state: true },
    notice: { state: true },
    dialog: { state: true },
    duplicateOf: { state: true },
    help: { state: true },
    busy: { state: true },
    now: { state: true },
  };
  static override styles = [consoleStyles, pageStyles];

  declare lang: Lang;
  declare queue: QueueId;
  declare filters: QueueFilters;
  declare me: Me | null;
  declare notice: { text: string; error: boolean } | null;
  /** The action whose form is open. */
  declare dialog: Action | null;
  /** The original a duplicate picked on the map points at (prefills the form). */
  declare duplicateOf: string;
  declare help: boolean;
  declare busy: boolean;
  declare now: number;
  private readonly data = new DispatchDataController(this);
  private categoryNames = new Map<string, string>();
  private categoryList: { code: string; name_zh: string; name_en: string }[] = [];
  private districts: { code: string; name: string; name_en: string | null }[] = [];
  private placeNames = new Map<string, string>();
  private timer?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    const params = new URLSearchParams(location.search);
    this.lang = params.get('lang') === 'en' ? 'en' : 'zh';
    const queue = params.get('queue') as QueueId | null;
    this.queue = queue && QUEUES.includes(queue) ? queue : 'reported';
    this.filters = NO_FILTERS;
    this.me = null;
    this.notice = null;
    this.dialog = null;
    this.duplicateOf = '';
    this.help = false;
    this.busy = false;
    this.now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = this.lang === 'en' ? 'en' : 'zh-CN';
    currentUser().then(
      (me) => {
        this.me = me;
      },
      (err) => this.say(errorMessage(err), true),
    );
    void this.loadReference();
    window.addEventListener('keydown', this.onKey);
    this.timer = setInterval(() => {
      this.now = Date.now();
    }, TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    clearInterval(this.timer);
  }

  override updated(): void {
    this.setAttribute('data-state', this.data.loaded ? 'ready' : 'loading');
    this.setAttribute('data-live', this.data.state);
  }

  private async loadReference(): Promise<void> {
    try {
      const [cats, tree] = await Promise.all([categories(), regionTree()]);
      this.categoryList = cats;
      this.districts = districtsOf(tree);
      this.names();
      const walk = (nodes: typeof tree) =>
        nodes.forEach((n) => {
          if (n.level !== 'community') {
            this.placeNames.set(n.code, this.lang === 'en' && n.name_en ? n.name_en : n.name);
            walk(n.children);
          }
        });
      walk(tree);
      this.requestUpdate();
    } catch (err) {
      this.say(errorMessage(err), true);
    }
  }

  private names(): void {
    this.categoryNames = new Map(this.categoryList.map((c) => [c.code, this.lang === 'en' ? c.name_en : c.name_zh]));
  }

  private get visible() {
    return queueItems(this.data.items.values(), this.queue, this.filters, this.now);
  }

  override render() {
    const t = strings(this.lang);
    const counts = queueCounts(this.data.items.values(), this.filters, this.now);
    const p = this.me?.principal;
    return html`
      <header>
        <h1>${t.title}</h1>
        <span class="live" data-state=${this.data.state}>${t.live[this.data.state]}</span>
        ${p ? html`<span class="who">${p.display_name} · ${p.role_name[this.lang]}${mayAct(p.role) ? '' : ` · ${t.readOnly}`}</span>` : nothing}
        <button data-action="lang" @click=${this.switchLanguage}>${this.lang === 'en' ? '中文' : 'English'}</button>
        <button data-action="help" title="?" @click=${() => {
          this.help = !this.help;
        }}>?</button>
        <a href="/directives${this.lang === 'en' ? '?lang=en' : ''}" data-link="directives">${t.directives}</a>
        <a href="/">${t.home}</a>
        ${p?.kind === 'user' ? html`<button @click=${() => void logout(this.me?.csrf_token ?? null)}>${t.signOut}</button>` : nothing}
      </header>
      <div class="bar">
        <div role="tablist">${QUEUES.map(
          (q) => html`<button role="tab" data-queue=${q} aria-selected=${q === this.queue ? 'true' : 'false'} @click=${() => this.pickQueue(q)}>
          ${t.queue[q]}<span class="n" data-count=${q}>${counts[q]}</span></button>`,
        )}</div>
        <div class="filters">
          <select data-filter="district" aria-label=${t.filters.district} @change=${(e: Event) => this.filter({ district: (e.target as HTMLSelectElement).value })}>
            <option value="">${t.filters.any.district}</option>
            ${this.districts.map((d) => html`<option value=${d.code} ?selected=${d.code === this.filters.district}>${this.lang === 'en' && d.name_en ? d.name_en : d.name}</option>`)}
          </select>
          <select data-filter="category" aria-label=${t.filters.category} @change=${(e: Event) => this.filter({ category: (e.target as HTMLSelectElement).value })}>
            <option value="">${t.filters.any.category}</option>
            ${this.categoryList.map((c) => html`<option value=${c.code} ?selected=${c.code === this.filters.category}>${this.categoryNames.get(c.code)}</option>`)}
          </select>
          <select data-filter="urgency" aria-label=${t.filters.urgency} @change=${(e: Event) => this.filter({ urgency: (e.target as HTMLSelectElement).value })}>
            <option value="">${t.filters.any.urgency}</option>
            ${['red', 'yellow', 'blue'].map((u) => html`<option value=${u} ?selected=${u === this.filters.urgency}>${t.urgency[u]}</option>`)}
          </select>
          <input type="search" data-filter="search" placeholder=${t.filters.search} .value=${this.filters.search}
            @input=${(e: Event) => this.search((e.target as HTMLInputElement).value)}>
        </div>
      </div>
      <main>
        <gs-incident-list .items=${this.data.loaded ? this.visible : []} .selected=${this.data.selected} .lang=${this.lang} .now=${this.now}
          .categoryNames=${this.categoryNames} .placeNames=${this.placeNames} @select=${(e: CustomEvent<string>) => void this.data.select(e.detail)}></gs-incident-list>
        ${
          this.data.detail
            ? html`<div class="side"><gs-incident-detail .incident=${this.data.detail} .lang=${this.lang} .now=${this.now} .placeNames=${this.placeNames}>
            <span slot="actions">${this.renderActions()}</span></gs-incident-detail>
          <gs-incident-map .incident=${this.data.detail} .lang=${this.lang} .canMark=${allowedActions(p?.role, this.data.detail).includes('mark_duplicate')}
            .canCall=${p?.role === 'commander' || p?.role === 'dispatcher'}
            @duplicate=${(e: CustomEvent<string>) => this.markDuplicateOf(e.detail)} @contact=${(e: CustomEvent<number>) => void this.contacted(e.detail)}></gs-incident-map></div>`
            : html`<div class="pick">${this.data.loaded ? t.pick : t.loading}</div>`
        }
      </main>
      ${this.data.capped ? html`<div class="notice error">${t.capped(OPEN_CAP)}</div>` : nothing}
      ${
        this.notice
          ? html`<div class="notice ${this.notice.error ? 'error' : ''}" role=${this.notice.error ? 'alert' : 'status'} data-notice>
        <span>${this.notice.text}</span><button @click=${() => {
          this.notice = null;
        }}>×</button></div>`
          : nothing
      }
      ${this.data.error ? html`<div class="notice error" role="alert">${this.data.error}</div>` : nothing}
      ${
        this.dialog && this.data.detail
          ? html`<gs-action-dialog .action=${this.dialog} .incident=${this.data.detail} .lang=${this.lang}
          .deadlineHours=${this.data.detail.deadline_hours ?? null} .busy=${this.busy} .duplicateOf=${this.duplicateOf}
          @confirm=${(e: CustomEvent<TransitionBody>) => void this.act(e.detail)} @cancel=${() => {
            this.dialog = null;
          }}></gs-action-dialog>`
          : nothing
      }
      ${this.help ? this.renderHelp() : nothing}`;
  }

  private renderActions() {
    const t = strings(this.lang);
    return allowedActions(this.me?.principal.role, this.data.detail).map(
      (a) => html`<button data-act=${a} ?disabled=${this.busy}
      class=${a === 'reject' ? 'danger' : a === 'file' || a === 'dispatch' || a === 'close' ? 'primary' : ''} @click=${() => this.start(a)}>${t.act[a]}</button>`,
    );
  }

  private renderHelp() {
    const t = strings(this.lang);
    return html`<div class="help" data-help @click=${() => {
      this.help = false;
    }}><div>
      <h3>${t.help.title}</h3>
      <table>${t.help.keys.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</table>
      <button @click=${() => {
        this.help = false;
      }}>${t.help.close}</button></div></div>`;
  }

  /** Starts an action the current incident allows: at once for one-click actions, else its form. */
  start(action: Action): void {
    const d = this.data.detail;
    if (!d || this.busy || !allowedActions(this.me?.principal.role, d).includes(action)) return;
    if (ONE_CLICK.includes(action)) void this.act({ action });
    else {
      this.duplicateOf = '';
      this.dialog = action;
    }
  }

  /** A duplicate picked on the map: the mark-duplicate form, filled in, asks to confirm. */
  private markDuplicateOf(code: string): void {
    this.duplicateOf = code;
    this.dialog = 'mark_duplicate';
  }

  /** A call to a grid worker started (tel: link): noted in the history, which is read again. */
  private async contacted(worker: number): Promise<void> {
    const code = this.data.detail?.code;
    if (!code) return;
    try {
      await noteContact(code, worker, this.me?.csrf_token ?? null);
      const d = await this.data.loadDetail(code);
      if (d) this.data.accept(d);
    } catch (err) {
      this.say(errorMessage(err), true);
    }
  }

  private async act(body: TransitionBody): Promise<void> {
    const code = this.data.detail?.code;
    if (!code) return;
    this.busy = true;
    const outcome = await runAction(code, body, this.me?.csrf_token ?? null, this.lang, (c) => this.data.loadDetail(c));
    this.busy = false;
    this.dialog = null;
    if (outcome.incident) this.data.accept(outcome.incident);
    this.say(outcome.message, !outcome.ok);
  }

  private say(text: string, error = false): void {
    this.notice = { text, error };
  }

  private pickQueue(q: QueueId): void {
    this.queue = q;
    const url = new URL(location.href);
    url.searchParams.set('queue', q);
    history.replaceState(null, '', url);
    if (q === 'all') void this.data.loadRecent(this.filters);
  }

  private filter(patch: Partial<QueueFilters>): void {
    this.filters = { ...this.filters, ...patch };
    if (this.queue === 'all') void this.data.loadRecent(this.filters);
  }

  /** Searching looks in every incident: it moves to "all"; a whole code is fetched even if it is not loaded. */
  private search(text: string): void {
    this.filters = { ...this.filters, search: text };
    if (text && this.queue !== 'all') this.pickQueue('all');
    const code = text.trim().toUpperCase();
    if (/^SJ\d{15}$/.test(code) && !this.data.items.has(code)) void this.data.loadDetail(code);
  }

  private switchLanguage(): void {
    this.lang = this.lang === 'en' ? 'zh' : 'en';
    document.documentElement.lang = this.lang === 'en' ? 'en' : 'zh-CN';
    const url = new URL(location.href);
    if (this.lang === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    history.replaceState(null, '', url);
    this.names();
    void this.loadReference();
  }

  /** Moves the selection through the shown queue by `step` rows. */
  move(step: number): void {
    const items = this.visible;
    if (items.length === 0) return;
    const at = items.findIndex((i) => i.code === this.data.selected);
    const next = items[at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + step))]!;
    void this.data.select(next.code);
    (this.renderRoot.querySelector('gs-incident-list') as IncidentList | null)?.revealSelected();
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const command = keyCommand(e, this.dialog !== null);
    if (!command) return;
    e.preventDefault();
    if (command === 'help') this.help = !this.help;
    else if (command === 'escape') {
      this.help = false;
      this.dialog = null;
    } else if (command === 'next') this.move(1);
    else if (command === 'previous') this.move(-1);
    else if (command === 'search') (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement | null)?.focus();
    else this.start(command);
  };
}

customElements.define('gs-dispatch-page', DispatchPage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-dispatch-page': DispatchPage;
  }
}
