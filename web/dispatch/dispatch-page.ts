import { html, LitElement, nothing } from 'lit';
import type { Action, BulkAction } from '../../server/contract/incident-workflow.js';
import { errorMessage } from '../shared/api-request.js';
import { currentUser, type Me } from '../shared/session.js';
import { allowedActions, bulkModeOf, ONE_CLICK, runAction, TICKABLE } from './dispatch-actions.js';
import { noteContact, type TransitionBody } from './dispatch-api.js';
import { ReferenceData } from './reference-data.js';
import { BulkSelection } from './bulk-selection.js';
import { DispatchDataController, OPEN_CAP } from './dispatch-data.js';
import { strings, type Lang } from './dispatch-i18n.js';
import { showDocumentIn } from '../shared/i18n.js';
import { ConsoleKeys, keyHelp, type KeyCommand } from './dispatch-keys.js';
import { NO_FILTERS, QUEUES, queueCounts, queueItems, rowAfter, type QueueFilters, type QueueId } from './dispatch-queues.js';
import { consoleStyles, pageStyles } from './dispatch-styles.js';
import type { IncidentList } from './incident-list.js';
import type { QueueFiltersBar } from './queue-filters.js';
import { actionButtons, noticeLine, queueTabs, setUrlParam } from './console-parts.js';
import './action-dialog.js';
import { bulkBarFor } from './bulk-bar.js';
import './console-header.js';
import './queue-filters.js';
import './incident-detail.js';
import './incident-list.js';
import './incident-map.js';
import './queue-map.js';

/** The clock the queues are judged by moves on this often: "red after 30 minutes" and "overdue" need no event. */
const TICK_MS = 30_000;
/** The server is searched once typing pauses this long. */
const SEARCH_PAUSE_MS = 250;

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
  private readonly bulk = new BulkSelection(this);
  private readonly ref = new ReferenceData();
  private timer?: ReturnType<typeof setInterval>;
  private searchTimer?: ReturnType<typeof setTimeout>;

  constructor() {
    super();
    new ConsoleKeys(this); // a controller: the host keeps it
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
    showDocumentIn(this.lang, strings(this.lang).title);
    currentUser().then(
      (me) => (this.me = me),
      (err) => this.say(errorMessage(err), true),
    );
    void this.loadReference();
    this.timer = setInterval(() => (this.now = Date.now()), TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override willUpdate(): void {
    if (this.bulk.checked.size) this.bulk.keepOnly(this.bulkMode ? this.visible.map((i) => i.code) : []);
  }

  override updated(): void {
    this.setAttribute('data-state', this.data.loaded ? 'ready' : 'loading');
    this.setAttribute('data-live', this.data.state);
  }

  private async loadReference(): Promise<void> {
    try {
      await this.ref.load(this.lang);
      this.requestUpdate();
    } catch (err) {
      this.say(errorMessage(err), true);
    }
  }

  /** The queue's rows; rows with a bulk outcome stay (at the end) until it is cleared, though filed or rejected since. */
  private get visible() {
    return this.bulk.withOutcomes(queueItems(this.data.items.values(), this.queue, this.filters, this.now, this.data.searchHits), this.data.items);
  }

  /** Tick boxes: on new reports for a role that files them, on the overdue and those in hand for one that urges. */
  private get bulkMode() {
    return bulkModeOf(this.queue, this.me?.principal.role);
  }

  override render() {
    const t = strings(this.lang);
    const counts = queueCounts(this.data.items.values(), this.filters, this.now);
    const view = `${this.queue}:${JSON.stringify(this.filters)}`; // the list and the map start again on another queue or filter
    const p = this.me?.principal;
    const rows = this.data.loaded ? this.visible : [];
    return html`
      <gs-console-header .lang=${this.lang} .me=${this.me} .live=${this.data.state} @lang=${this.switchLanguage} @help=${() => (this.help = !this.help)}></gs-console-header>
      <div class="bar">
        ${queueTabs(this.lang, this.queue, counts, (q) => this.pickQueue(q))}
        <gs-queue-filters .filters=${this.filters} .districts=${this.ref.districts} .categories=${this.ref.categoryList} .lang=${this.lang}
          @filter=${(e: CustomEvent<Partial<QueueFilters>>) => this.filter(e.detail)}></gs-queue-filters>
      </div>
      <main>
        <div class="queue">
        ${this.bulkMode || this.bulk.results.size ? bulkBarFor(this.bulk, this.lang, this.bulkMode, (a, note) => void this.runBulk(a, note)) : nothing}
        <gs-incident-list .items=${rows} .selected=${this.data.selected} .lang=${this.lang} .now=${this.now} .view=${view}
          .tickable=${this.bulkMode ? TICKABLE[this.bulkMode] : []} .checked=${this.bulk.checked} .results=${this.bulk.results}
          @check=${(e: CustomEvent<{ code: string; range: boolean }>) => this.bulk.toggle(e.detail.code, e.detail.range, rows)} @check-all=${(e: CustomEvent<string[]>) => this.bulk.tickAll(e.detail)}
          .categoryNames=${this.ref.categoryNames} .placeNames=${this.ref.placeNames} @select=${(e: CustomEvent<string>) => void this.data.select(e.detail)}></gs-incident-list>
        </div>
        ${
          this.data.detail
            ? html`<div class="side"><gs-incident-detail .incident=${this.data.detail} .lang=${this.lang} .now=${this.now} .placeNames=${this.ref.placeNames}>
            <span slot="actions">${actionButtons(this.lang, p?.role, this.data.detail, this.busy, (a) => this.start(a))}</span></gs-incident-detail>
          <gs-incident-map .incident=${this.data.detail} .lang=${this.lang} .canMark=${allowedActions(p?.role, this.data.detail).includes('mark_duplicate')}
            .canCall=${p?.role === 'commander' || p?.role === 'dispatcher'}
            @duplicate=${(e: CustomEvent<string>) => this.markDuplicateOf(e.detail)} @contact=${(e: CustomEvent<number>) => void this.contacted(e.detail)}></gs-incident-map></div>`
            : html`<gs-queue-map .rows=${rows} .lang=${this.lang} .loaded=${this.data.loaded} .frame=${view}
            .categoryNames=${this.ref.categoryNames} @select=${(e: CustomEvent<string>) => void this.data.select(e.detail)}></gs-queue-map>`
        }
      </main>
      ${this.data.capped ? html`<div class="notice error">${t.capped(OPEN_CAP)}</div>` : nothing}
      ${this.notice ? noticeLine(this.notice, () => (this.notice = null)) : nothing}
      ${this.data.error ? html`<div class="notice error" role="alert">${this.data.error}</div>` : nothing}
      ${
        this.dialog && this.data.detail
          ? html`<gs-action-dialog .action=${this.dialog} .incident=${this.data.detail} .lang=${this.lang} .busy=${this.busy} .duplicateOf=${this.duplicateOf}
          @confirm=${(e: CustomEvent<TransitionBody>) => void this.act(e.detail)} @cancel=${() => (this.dialog = null)}></gs-action-dialog>`
          : nothing
      }
      ${this.help ? keyHelp(this.lang, () => (this.help = false)) : nothing}`;
  }

  /** Files, rejects or urges the ticked rows; each row then shows its outcome, and the rows are read again. */
  private async runBulk(action: BulkAction, note?: string): Promise<void> {
    const t = strings(this.lang);
    const answered = await this.bulk.run(action, note, this.me?.csrf_token ?? null, this.lang, t.act[action] ?? action);
    if (typeof answered === 'string') this.say(answered, true);
    else await Promise.all(answered.map((code) => this.data.loadDetail(code)));
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
    this.bulk.clear();
    this.bulk.clearResults();
    setUrlParam('queue', q);
    if (q === 'all') void this.data.loadRecent(this.filters);
  }

  private filter(patch: Partial<QueueFilters>): void {
    this.filters = { ...this.filters, ...patch };
    if (patch.search !== undefined) this.search(patch.search);
    else if (this.queue === 'all') void this.data.loadRecent(this.filters);
  }

  /**
   * Searching looks in every incident: it moves to "all", where the server is asked (code, text, grid, place
   * names) once typing pauses; a whole code is fetched at once even if it is not loaded.
   */
  private search(text: string): void {
    if (text && this.queue !== 'all') this.pickQueue('all');
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.data.loadRecent(this.filters), SEARCH_PAUSE_MS);
    const code = text.trim().toUpperCase();
    if (/^SJ\d{15}$/.test(code) && !this.data.items.has(code)) void this.data.loadDetail(code);
  }

  private switchLanguage(): void {
    this.lang = this.lang === 'en' ? 'zh' : 'en';
    showDocumentIn(this.lang, strings(this.lang).title);
    setUrlParam('lang', this.lang === 'en' ? 'en' : null);
    this.ref.names(this.lang);
    void this.loadReference();
  }

  /** Moves the selection through the shown queue by `step` rows. */
  move(step: number): void {
    const next = rowAfter(this.visible, this.data.selected, step);
    if (!next) return;
    void this.data.select(next.code);
    (this.renderRoot.querySelector('gs-incident-list') as IncidentList | null)?.revealSelected();
  }

  /** An open form takes the keys (but Esc). */
  get formOpen(): boolean {
    return this.dialog !== null;
  }

  /** What a key asks for (dispatch-keys.ts): move, search, help, tick, or a workflow action. */
  runKey(command: KeyCommand): void {
    if (command === 'help') this.help = !this.help;
    else if (command === 'escape') {
      // Nothing open over the record: Esc closes the record itself, back to the queue's map.
      if (!this.help && !this.dialog) void this.data.select(null);
      this.help = false;
      this.dialog = null;
    } else if (command === 'next') this.move(1);
    else if (command === 'previous') this.move(-1);
    else if (command === 'search') (this.renderRoot.querySelector('gs-queue-filters') as QueueFiltersBar | null)?.focusSearch();
    else if (command === 'check') {
      if (this.bulkMode && this.data.selected) this.bulk.toggle(this.data.selected, false, []);
    } else this.start(command);
  }
}

customElements.define('gs-dispatch-page', DispatchPage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-dispatch-page': DispatchPage;
  }
}
