import { css, html, LitElement, nothing } from 'lit';
import { errorMessage, loginUrl } from '../shared/api-request.js';
import { langFrom, showDocumentIn } from '../shared/i18n.js';
import { logout } from '../shared/session.js';
import { keptRole, loadSession, myGrids, openCount, type Session } from './field-api.js';
import { type Lang, strings } from './field-i18n.js';
import { fieldStyles } from './field-styles.js';
import { homeStyles, homeView, type HomeFigures } from './home-view.js';
import { type OutboxItem, outboxStore } from './outbox-store.js';
import { retryItem, sendOutbox } from './outbox-sender.js';
import { outboxView } from './outbox-view.js';
import { gridAt, type GridFeature } from './point-in-grid.js';
import type { metresToGrids } from './grid-distance.js';
import { PositionShare } from './position-share.js';
import type { Fix } from './report-form.js';
import './report-form.js';
import type { TaskCount } from './tasks-view.js';
import './tasks-view.js';

type Tab = 'home' | 'report' | 'tasks' | 'outbox';

/** A promise's outcome as a value: asked for early, it may fail before anyone awaits it (no unhandled rejection). */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
const unsettle = <T>(s: Settled<T>): T => {
  if (s.ok) return s.value;
  throw s.error;
};

/**
 * The field app (/m): one page, four screens (home, report, tasks, outbox),
 * by role: grid workers report and check, handlers work their unit's queue.
 * It starts from what the phone keeps (session, grid boundaries, outbox) so
 * it opens with no network; the map's code is loaded after the first paint.
 * data-state="ready" once the first screen is up (the tests wait for it).
 */
export class FieldApp extends LitElement {
  static override properties = {
    session: { state: true },
    grids: { state: true },
    fix: { state: true },
    geoError: { state: true },
    tab: { state: true },
    items: { state: true },
    figures: { state: true },
    mapReady: { state: true },
    online: { state: true },
    problem: { state: true },
  };
  static override styles = [
    fieldStyles,
    homeStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 100vh; max-width: 480px; margin: 0 auto; }
      header { display: flex; align-items: center; gap: 0.5rem; padding: 0.6rem 0.8rem; background: #0f1930; position: sticky; top: 0; z-index: 2; }
      header h1 { font-size: 1.15rem; margin: 0; flex: 1; }
      header a, header button { color: #8fd3ff; font-size: 0.9rem; min-height: 40px; }
      .live { display: inline-block; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: #3fdc7a; margin-right: 0.35rem; animation: pulse 1.2s infinite; }
      @keyframes pulse { 50% { opacity: 0.3; } }
      .share-on { background: #0f5132; border-color: #2ea043; color: #d2ffe0; }
      .banner { padding: 0.5rem 0.8rem; background: #3a2a14; color: #ffd873; font-size: 0.9rem; }
      .banner a { color: #ffd873; }
      .banner a.sign-in { display: inline-flex; align-items: center; min-height: 44px; padding: 0 1rem; margin-right: 0.5rem; border: 1px solid #ffd873; border-radius: 8px; text-decoration: none; font-weight: 600; }
      main { flex: 1; padding: 0 0.8rem 6rem; }
      nav { position: fixed; bottom: 0; left: 0; right: 0; display: flex; background: #0f1930; border-top: 1px solid #2a3b60; z-index: 2; }
      nav button { flex: 1; border: 0; border-radius: 0; background: none; min-height: 60px; font-size: 0.95rem; }
      nav button[aria-current='page'] { color: #5cc8ff; box-shadow: inset 0 3px 0 #5cc8ff; }
      nav .count { background: #e5484d; color: #fff; border-radius: 9px; padding: 0 0.35rem; font-size: 0.75rem; margin-left: 0.2rem; }
      .state-sent { color: #7ee2a8; }
      .state-failed { color: #ffb0b9; }
      .state-waiting, .state-sending { color: #ffd873; }
      ul { list-style: none; padding: 0; margin: 0; }
    `,
  ];

  private readonly language: Lang = langFrom(location.search);
  private session: Session | null = null;
  private grids: GridFeature[] = [];
  private fix: Fix | null = null;
  private geoError = false;
  private tab: Tab = 'home';
  private items: OutboxItem[] = [];
  private figures: HomeFigures = { open: null, tasks: null, overdue: null, places: [] };
  private mapReady = false;
  private metresToGrids?: typeof metresToGrids;
  private online = navigator.onLine;
  private problem = '';
  private readonly share = new PositionShare(
    this,
    () => this.fix,
    () => this.session?.me.csrf_token ?? null,
  );

  private get isWorker(): boolean {
    return this.session?.me.principal.role === 'grid_worker';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    showDocumentIn(this.language, strings(this.language).title);
    const connectivity = () => {
      this.online = navigator.onLine;
      if (this.online) void this.boot();
    };
    addEventListener('online', connectivity);
    addEventListener('offline', connectivity);
    // The service worker's Background Sync asks an open page to send (outbox-sender.ts does the sending).
    navigator.serviceWorker?.addEventListener('message', (e) => e.data === 'flush-outbox' && void this.flush());
    void this.boot();
    // Online, the map's code (most of the app's bytes) comes once the first frame is painted, while the session and
    // the grids are asked for: on Slow 4G those round trips would otherwise come before it. Offline the first
    // screen needs no network, and starting MapLibre (a second of a slow phone's CPU) would only delay it.
    if (navigator.onLine) void this.updateComplete.then(() => requestAnimationFrame(() => this.loadMap()));
  }

  private loadMap(): void {
    void import('./field-map.js').then((m) => ([this.metresToGrids, this.mapReady] = [m.metresToGrids, true]));
  }

  private async boot(): Promise<void> {
    try {
      // The session and the grids at once, not one after the other (a round trip less on a slow network), so the
      // first screen comes with the grid drawn. A phone kept as a handler's asks for no grids.
      const gridsAsked = keptRole() === 'handler' ? null : settle(myGrids());
      const session = await loadSession();
      if (!session) return location.assign(loginUrl());
      const grids = session.me.principal.role === 'grid_worker' ? unsettle(await (gridsAsked ?? settle(myGrids()))) : [];
      this.session = session;
      this.grids = grids;
      await this.refreshOutbox();
      this.watchPosition();
      this.dataset.state = 'ready';
      // Started already when online (connectedCallback); a module is imported once however often it is asked for.
      requestAnimationFrame(() => this.loadMap());
      // Signed out too: the try marks what waits as needing sign-in (the banner asks for it).
      if (this.session.online) await this.flush();
      // The count read first, then merged: the task list's count (its 'counted' event) may come while this waits.
      if (this.session.online && !this.session.expired && this.isWorker) {
        const open = await openCount();
        this.figures = { ...this.figures, open };
      }
    } catch (err) {
      this.problem = errorMessage(err);
    }
  }

  private watching = false;
  private watchPosition(): void {
    if (this.watching) return;
    this.watching = true;
    if (!navigator.geolocation) {
      this.geoError = true;
      return;
    }
    navigator.geolocation.watchPosition(
      (p) => {
        this.fix = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy };
        this.geoError = false;
      },
      () => (this.geoError = true),
      { enableHighAccuracy: true, maximumAge: 10_000 },
    );
  }

  private async refreshOutbox(): Promise<void> {
    this.items = await outboxStore.all();
  }

  private async flush(): Promise<void> {
    const sentSome = await sendOutbox(() => void this.refreshOutbox());
    await this.refreshOutbox();
    // The sign-in ended while items waited: ask for it (they are sent after the next sign-in).
    if (this.session && !this.session.expired && this.items.some((i) => i.needs_login)) this.session = { ...this.session, expired: true };
    // A step sent (resolve, check, mediation) changes the task list: read it again. Not when nothing was due: the
    // list has just read itself (a flush at start-up asked for /api/me/tasks a second time).
    if (sentSome && navigator.onLine) await this.renderRoot.querySelector('gs-tasks-view')?.load();
  }

  /** Something went into the outbox: a report (shown in the outbox) or a step from the task list (stays there). */
  private async queued(showOutbox: boolean): Promise<void> {
    if (showOutbox) this.tab = 'outbox';
    await this.refreshOutbox();
    if (navigator.onLine) return this.flush();
    // Offline: ask for Background Sync where the browser has it (Chromium); 'online' and the next open cover the rest.
    const registration = await navigator.serviceWorker?.getRegistration('/m');
    await (registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })?.sync?.register('gs-outbox').catch(() => undefined);
  }

  override render() {
    const t = strings(this.language);
    const me = this.session?.me;
    const otherLang = new URL(location.href);
    if (this.language === 'en') otherLang.searchParams.delete('lang');
    else otherLang.searchParams.set('lang', 'en');
    return html`
      <header>
        <h1>${t.title}${me ? html` <small class="hint">${me.principal.display_name}</small>` : nothing}</h1>
        ${
          // Only grid workers share a position (PUT /api/me/position); handlers see no switch.
          me && this.isWorker
            ? html`<button type="button" data-share=${this.share.on ? 'on' : 'off'} class=${this.share.on ? 'share-on' : ''} @click=${() => this.share.toggle()}>
              ${this.share.on ? html`<i class="live"></i>${t.sharing}` : t.share}
            </button>`
            : nothing
        }
        <a href=${otherLang.toString()} data-lang-switch>${t.language}</a>
      </header>
      ${!this.online ? html`<div class="banner" data-offline>${t.offline}</div>` : nothing}
      ${this.session?.expired ? html`<div class="banner" data-expired><a class="sign-in" href=${loginUrl()}>${t.signIn}</a>${t.signInToSend}</div>` : nothing}
      ${this.problem || this.share.problem ? html`<p class="problem" role="alert">${this.problem || this.share.problem}</p>` : nothing}
      <main>${me ? this.renderTab() : html`<p class="hint">${t.loading}</p>`}</main>
      ${me ? this.renderNav() : nothing}
    `;
  }

  private renderTab() {
    const t = strings(this.language);
    const here = this.fix ? gridAt([this.fix.lon, this.fix.lat], this.grids) : null;
    const role = this.isWorker ? 'grid_worker' : 'handler';
    return html`
      <section ?hidden=${this.tab !== 'home'} data-screen="home">
        ${homeView({
          t,
          lang: this.language,
          grids: this.grids,
          fix: this.fix,
          here,
          geoError: this.geoError,
          figures: this.figures,
          mapReady: this.mapReady && this.tab === 'home',
          isWorker: this.isWorker,
          onReport: () => (this.tab = 'report'),
          onTask: (code) => this.showTask(code),
          metresToGrids: this.metresToGrids,
        })}
        <p><button type="button" data-logout @click=${() => logout(this.session?.me.csrf_token ?? null)}>${t.signOut}</button></p>
      </section>
      ${
        this.isWorker
          ? html`<section ?hidden=${this.tab !== 'report'} data-screen="report">
            ${this.mapReady || this.tab === 'report' ? html`<gs-report-form .lang=${this.language} .fix=${this.fix} .shown=${this.tab === 'report'} @queued=${() => this.queued(true)}></gs-report-form>` : nothing}
          </section>`
          : nothing
      }
      <section ?hidden=${this.tab !== 'tasks'} data-screen="tasks">
        ${
          // Offline too: the list last seen, whose steps go into the outbox.
          this.session && !this.session.expired
            ? html`<gs-tasks-view .lang=${this.language} .duty=${role} .csrf=${this.session.me.csrf_token} .position=${this.fix ? [this.fix.lon, this.fix.lat] : null}
                @counted=${(e: CustomEvent<TaskCount>) => (this.figures = { ...this.figures, tasks: e.detail.waiting, overdue: e.detail.overdue, places: e.detail.places })}
                @queued=${() => this.queued(false)}></gs-tasks-view>`
            : html`<p class="hint">${t.signInToSend}</p>`
        }
      </section>
      <section ?hidden=${this.tab !== 'outbox'} data-screen="outbox">
        ${outboxView(this.items, this.language, t, {
          retry: (item) => void retryItem(item, () => void this.refreshOutbox()),
          remove: (item) => void outboxStore.remove(item.id).then(() => this.refreshOutbox()),
          sendNow: () => void this.flush(),
        })}
      </section>`;
  }

  /** Shows a screen; the task list is read again each time it is opened. */
  private open(tab: Tab): void {
    this.tab = tab;
    if (tab === 'tasks') void this.renderRoot.querySelector('gs-tasks-view')?.load();
  }

  /** A task's dot tapped on the home map: its row in the task list, in view and marked. */
  private async showTask(code: string): Promise<void> {
    this.tab = 'tasks';
    await this.updateComplete;
    await this.renderRoot.querySelector('gs-tasks-view')?.show(code);
  }

  private renderNav() {
    const t = strings(this.language);
    const waiting = this.items.filter((i) => i.state !== 'sent').length;
    const tabs: Tab[] = this.isWorker ? ['home', 'report', 'tasks', 'outbox'] : ['home', 'tasks', 'outbox'];
    return html`<nav>
      ${tabs.map(
        (tab) => html`<button type="button" data-tab=${tab} aria-current=${this.tab === tab ? 'page' : 'false'} @click=${() => this.open(tab)}>
          ${t.tabs[tab]}${tab === 'outbox' && waiting ? html`<span class="count" data-waiting>${waiting}</span>` : nothing}
        </button>`,
      )}
    </nav>`;
  }
}

customElements.define('gs-field-app', FieldApp);
declare global {
  interface HTMLElementTagNameMap {
    'gs-field-app': FieldApp;
  }
}
