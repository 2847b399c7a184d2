import { html, LitElement, nothing } from 'lit';
import { districtCodeOf } from '../../server/contract/vocabulary.js';
import { errorMessage } from '../shared/api-request.js';
import { langFrom, showDocumentIn } from '../shared/i18n.js';
import { currentUser, logout, scopeName, type Me } from '../shared/session.js';
import { chinaTime } from './directive-board.js';
import {
  answerRound,
  createDirective,
  districtList,
  listDirectives,
  remind,
  roundsOf,
  type Answer,
  type Directive,
  type NewDirective,
  type Round,
} from './directives-api.js';
import { strings, type Lang } from './directives-i18n.js';
import { directivesPageStyles } from './directives-styles.js';
import './directive-board.js';
import './directive-form.js';
import './district-answer.js';

const STREAM_EVENTS = ['directive.created', 'directive.answered', 'directive.reminded'];
/** The board's clock: a waiting district turns late the second its deadline passes, with no event to say so. */
const TICK_MS = 1_000;

/**
 * /directives: the directive desk (指令督办). Commanders and dispatchers issue
 * directives and watch one board per directive; district staff see those
 * addressed to their district and answer them. Every directive event on the
 * live stream reloads the list and the open board, so an answer shows within
 * a second without a reload. Language and directive live in the URL
 * (?lang=en&id=12).
 */
export class DirectivesPage extends LitElement {
  static override properties = {
    me: { state: true },
    directives: { state: true },
    selected: { state: true },
    rounds: { state: true },
    round: { state: true },
    composing: { state: true },
    notice: { state: true },
    busy: { state: true },
    live: { state: true },
    now: { state: true },
  };
  static override styles = directivesPageStyles;

  declare me: Me | null;
  declare directives: Directive[];
  declare selected: number | null;
  declare rounds: Round[];
  declare round: number;
  declare composing: boolean;
  declare notice: { text: string; error: boolean } | null;
  declare busy: boolean;
  declare live: 'connecting' | 'live' | 'offline';
  declare now: number;
  private readonly language: Lang = langFrom(location.search);
  private districts: { code: string; name: string; name_en: string | null }[] = [];
  private source?: EventSource;
  private timer?: ReturnType<typeof setInterval>;
  private loaded = false;
  /** Until the user picks a directive, the page follows the newest one (for district staff: the newest still waiting for them). */
  private following: boolean;
  /** Until the user picks a round on the board, it shows the newest opened one, following a round that opens. */
  private roundChosen = false;
  /** Rounds requests made, and the latest whose answer is shown. */
  private roundsAsked = 0;
  private roundsShown = 0;

  constructor() {
    super();
    const id = Number(new URLSearchParams(location.search).get('id'));
    this.selected = id > 0 ? id : null;
    this.following = this.selected === null;
    Object.assign(this, { me: null, directives: [], rounds: [], round: 0, composing: false, notice: null, busy: false, live: 'connecting', now: Date.now() });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    showDocumentIn(this.language, strings(this.language).title);
    currentUser().then(
      (me) => (this.me = me),
      (err) => this.say(errorMessage(err), true),
    );
    districtList().then(
      (d) => (this.districts = d),
      () => undefined,
    );
    this.openStream();
    void this.reload();
    this.timer = setInterval(() => (this.now = Date.now()), TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.source?.close();
    clearInterval(this.timer);
  }

  override updated(): void {
    this.setAttribute('data-state', this.loaded ? 'ready' : 'loading');
    this.setAttribute('data-live', this.live);
  }

  /** An EventSource reconnects by itself; missed events are not replayed, so a reopened stream reloads. */
  private openStream(): void {
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      this.live = 'live';
      void this.reload();
    };
    source.onerror = () => (this.live = 'offline');
    for (const type of [...STREAM_EVENTS, 'reset', 'resumed']) source.addEventListener(type, () => void this.reload());
  }

  private async reload(): Promise<void> {
    try {
      this.directives = await listDirectives();
      if (this.following) {
        const own = this.ownDistrict;
        const waiting = this.directives.find((d) => d.districts.some((r) => r.code === own && r.status === 'waiting'));
        const newest = (waiting ?? this.directives[0])?.id ?? null;
        if (newest !== this.selected) this.roundChosen = false;
        this.selected = newest;
      }
      if (this.selected !== null) await this.loadRounds(this.selected);
      this.loaded = true;
    } catch (err) {
      this.say(errorMessage(err), true);
    }
  }

  /** Drops an answer older than the one shown (on PostgreSQL requests overtake each other) or for another directive. */
  private async loadRounds(id: number): Promise<void> {
    const asked = ++this.roundsAsked;
    const rounds = await roundsOf(id);
    if (this.selected !== id || asked < this.roundsShown) return;
    this.roundsShown = asked;
    this.rounds = rounds;
    if (!this.roundChosen || !rounds.some((r) => r.round === this.round)) this.round = rounds[0]?.round ?? 0;
  }

  private chooseRound(round: number): void {
    this.roundChosen = true;
    this.round = round;
  }

  private pick(id: number): void {
    this.following = false;
    this.selected = id;
    this.composing = false;
    this.rounds = [];
    this.round = 0;
    this.roundChosen = false;
    const url = new URL(location.href);
    url.searchParams.set('id', String(id));
    history.replaceState(null, '', url);
    void this.loadRounds(id).catch((err) => this.say(errorMessage(err), true));
  }

  private say(text: string, error = false): void {
    this.notice = { text, error };
    setTimeout(() => {
      if (this.notice?.text === text) this.notice = null;
    }, 6_000);
  }

  private may(route: string): boolean {
    return this.me?.allowed.includes(route) ?? false;
  }

  /** The district the caller answers for: district staff only (a city-wide caller watches the board). */
  private get ownDistrict(): string | null {
    const code = this.me?.principal.scope.code;
    return code && this.may('POST /api/directives/:id/rounds/:round/answers') ? districtCodeOf(code) : null;
  }

  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      this.say(await work());
      await this.reload();
    } catch (err) {
      this.say(errorMessage(err), true);
    } finally {
      this.busy = false;
    }
  }

  private issue(body: NewDirective): void {
    void this.act(async () => {
      const d = await createDirective(this.me?.csrf_token ?? null, body);
      this.pick(d.id);
      return strings(this.language).form.sent;
    });
  }

  private answer(detail: Omit<Answer, 'district'>): void {
    const district = this.ownDistrict;
    if (!district || this.selected === null) return;
    const id = this.selected;
    void this.act(async () => {
      await answerRound(this.me?.csrf_token ?? null, id, this.round, { ...detail, district });
      return strings(this.language).answer.done;
    });
  }

  private sendReminder(round: number): void {
    if (this.selected === null) return;
    const id = this.selected;
    void this.act(async () => strings(this.language).board.reminded_n((await remind(this.me?.csrf_token ?? null, id, round)).districts.length));
  }

  override render() {
    const t = strings(this.language);
    const p = this.me?.principal;
    const other = new URL(location.href);
    other.searchParams.set('lang', this.language === 'en' ? 'zh' : 'en');
    return html`
      <header>
        <h1>${t.title}</h1>
        <span class="live" data-state=${this.live}>${t.live[this.live]}</span>
        ${p && this.me ? html`<span class="who">${p.display_name} · ${p.role_name[this.language]} · <span data-scope>${scopeName(this.me, this.language)}</span></span>` : nothing}
        <a href=${other.toString()} data-action="lang">${this.language === 'en' ? '中文' : 'English'}</a>
        ${this.may('GET /api/units') ? html`<a href="/dispatch${this.language === 'en' ? '?lang=en' : ''}">${t.dispatch}</a>` : nothing}
        <a href="/">${t.home}</a>
        ${p?.kind === 'user' ? html`<button @click=${() => void logout(this.me?.csrf_token ?? null)}>${t.signOut}</button>` : nothing}
      </header>
      <main>
        <nav>
          <div class="top"><span>${t.directives}</span>
            ${this.may('POST /api/directives') ? html`<button class="primary" data-action="issue" @click=${() => (this.composing = true)}>${t.issue}</button>` : nothing}</div>
          <ul>${this.directives.map((d) => this.item(d))}</ul>
          ${this.loaded && this.directives.length === 0 ? html`<p class="pick">${t.none}</p>` : nothing}
        </nav>
        <section>${this.main()}</section>
      </main>
      ${this.notice ? html`<div class="notice ${this.notice.error ? 'error' : ''}" role="status">${this.notice.text}</div>` : nothing}
    `;
  }

  private item(d: Directive) {
    const t = strings(this.language);
    const answered = d.districts.filter((r) => r.status !== 'waiting').length;
    return html`<li data-directive=${d.id} aria-selected=${d.id === this.selected ? 'true' : 'false'} @click=${() => this.pick(d.id)}>
      <div class="t">${d.title}</div>
      <div class="m"><span>${chinaTime(this.language, d.deadline)}</span><span>${answered}/${d.districts.length}</span>
        ${d.daily_until ? html`<span class="badge blue">${t.daily}</span>` : nothing}
        ${d.overdue || (answered < d.districts.length && this.now > Date.parse(d.deadline)) ? html`<span class="badge red">${t.overdue}</span>` : nothing}</div>
    </li>`;
  }

  private main() {
    const t = strings(this.language);
    if (this.composing)
      return html`<gs-directive-form .lang=${this.language} .districts=${this.districts} .busy=${this.busy}
        @submit=${(e: CustomEvent<NewDirective>) => this.issue(e.detail)} @cancel=${() => (this.composing = false)}></gs-directive-form>`;
    const d = this.directives.find((x) => x.id === this.selected);
    if (!d || this.rounds.length === 0) return html`<p class="pick">${t.pick}</p>`;
    const round = this.rounds.find((r) => r.round === this.round) ?? this.rounds[0]!;
    const own = this.ownDistrict;
    const row = own ? round.districts.find((r) => r.code === own) : undefined;
    return html`
      <gs-directive-board .directive=${d} .rounds=${this.rounds} .round=${round.round} .lang=${this.language} .now=${this.now}
        .englishNames=${new Map(this.districts.flatMap((x) => (x.name_en ? [[x.code, x.name_en] as const] : [])))}
        .canRemind=${this.may('POST /api/directives/:id/reminders')} .busy=${this.busy}
        @round=${(e: CustomEvent<number>) => this.chooseRound(e.detail)} @remind=${(e: CustomEvent<number>) => this.sendReminder(e.detail)}></gs-directive-board>
      ${row ? html`<gs-district-answer .round=${round} .row=${row} .lang=${this.language} .busy=${this.busy} @answer=${(e: CustomEvent<Omit<Answer, 'district'>>) => this.answer(e.detail)}></gs-district-answer>` : nothing}
    `;
  }
}

customElements.define('gs-directives-page', DirectivesPage);
