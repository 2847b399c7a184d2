import { html, LitElement, nothing } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { currentUser, type Me } from '../shared/session.js';
import type { Position } from '../../server/contract/vertex-move.js';
import type { PlanEdit, PlanGrid } from './plan-api.js';
import { PlanDataController, placeAbove } from './plan-data.js';
import { renderPlanEditor } from './plan-editor-panel.js';
import { mapHint, planHeader } from './plan-header.js';
import { drawModeOf, next, selectionAfterClick, type EditorEvent, type EditorState } from './plan-editor-state.js';
import { strings, type Lang } from './plan-i18n.js';
import { showDocumentIn } from '../shared/i18n.js';
import { shortcutOf } from './plan-keys.js';
import { planPageStyles } from './plan-styles.js';
import { parsePlanLocation, planUrl } from './plan-url.js';
import './plan-map.js';
import './plan-panels.js';

/** The route a caller must be allowed to use for the editor to be offered. */
const EDIT_ROUTE = 'POST /api/plans/:id/edits';

/**
 * /plan: the planners' boundary editor. Pick a community, open or start a
 * draft plan, edit it with the tools (each edit is computed by PostGIS into a
 * new revision), see every problem on the map and in the list after each
 * change, and publish when there are none. The editor's tools are the state
 * machine in plan-editor-state.ts; errors go to the one status line.
 * The community and plan open are in the URL (plan-url.ts), restored on load;
 * Ctrl+Z / Ctrl+Y (or Ctrl+Shift+Z, ⌘ on a Mac) undo and redo as the buttons do.
 */
export class PlanPage extends LitElement {
  static override properties = {
    language: { state: true },
    me: { state: true },
    community: { state: true },
    selection: { state: true },
    editor: { state: true },
    status: { state: true },
  };

  static override styles = planPageStyles;

  declare private language: Lang;
  declare private me: Me | null;
  declare private community: string;
  declare private selection: number[];
  declare private editor: EditorState;
  declare private status: { kind: 'error' | 'ok'; message: string } | null;
  /** The communities, drafts and the plan open with its problems, what-if and diff. */
  private readonly data = new PlanDataController(this, (err) => this.fail(err));
  private restored = false;

  constructor() {
    super();
    this.language = parsePlanLocation(location.search).lang;
    this.me = null;
    this.community = '';
    this.selection = [];
    this.editor = 'no_plan';
    this.status = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    showDocumentIn(this.language, strings(this.language).title);
    window.addEventListener('keydown', this.onKey);
    this.start().catch((err) => this.fail(err));
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
  }

  override updated() {
    // For tests and scripts: set once what the URL asked for is shown (or has failed). From then on the URL follows
    // what is shown (the place looked into only once its shapes have come).
    this.toggleAttribute('data-restored', this.restored);
    if (this.restored) this.remember();
  }

  /** Undo and redo from the keyboard (plan-keys.ts), when the buttons would allow them. */
  private onKey = (e: KeyboardEvent) => {
    const action = shortcutOf(e);
    if (!action) return;
    e.preventDefault();
    const plan = this.data.current?.plan;
    if (!plan || this.editor !== 'viewing' || plan.status !== 'draft') return;
    if (action === 'undo' ? plan.revision === 0 : plan.revision >= plan.head_revision) return;
    void this.step(action);
  };

  /** Writes the community, plan and language into the URL, so a reload or a shared link opens the same. */
  private remember() {
    const place = this.data.published?.region ?? '';
    const url = planUrl({ community: this.community, plan: this.data.current?.plan.id ?? null, place, lang: this.language });
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  }

  private async start() {
    this.me = await currentUser();
    if (!this.me?.allowed.includes(EDIT_ROUTE)) return;
    this.data.signedIn(this.me.csrf_token);
    await this.data.loadCommunities();
    const asked = parsePlanLocation(location.search);
    const known = asked.community && this.data.communities.some((c) => c.code === asked.community);
    // The start view: the places of the planner's scope (or of the district or street in the URL, if theirs), until a
    // community is chosen.
    if (!known) void this.data.loadPublished(this.data.communities.some((c) => asked.place && c.code.startsWith(asked.place)) ? asked.place : '');
    try {
      if (known) {
        await this.pickCommunity(asked.community);
        if (asked.plan !== null) await this.openPlan(asked.plan);
      }
    } finally {
      this.restored = true;
      this.requestUpdate();
    }
  }

  override render() {
    const t = strings(this.language);
    if (this.me && !this.me.allowed.includes(EDIT_ROUTE)) {
      return html`${this.renderHeader()}<p class="status error" data-no-permission>${t.noPermission} <a href="/">${t.home}</a></p>`;
    }
    return html`${this.renderHeader()}
      <main>
        <gs-plan-map .grids=${this.data.current?.features.features ?? []} .problems=${this.data.problems} .warnings=${this.data.warnings}
          .selection=${this.selection} .drawMode=${drawModeOf(this.editor)} .planId=${this.data.current?.plan.id ?? 0}
          .published=${this.data.current ? null : this.data.published} .lang=${this.language}
          @plan-grid-click=${(e: CustomEvent<number>) => this.gridClicked(e.detail)}
          @plan-place-pick=${(e: CustomEvent<string>) => this.pickCommunity(e.detail.length === 12 ? e.detail : '', e.detail)}
          @plan-reshape=${(e: CustomEvent<{ key: number; geometry: PlanGrid['geometry']; moved: { from: Position; to: Position }[] }>) =>
            this.submit({
              op: 'reshape',
              key: e.detail.key,
              geometry: e.detail.geometry as Extract<PlanEdit, { op: 'reshape' }>['geometry'],
              moved: e.detail.moved,
            })}
          @plan-split-line=${(e: CustomEvent<{ type: 'LineString'; coordinates: Position[] }>) => this.submit({ op: 'split', key: this.selection[0], line: e.detail })}
          @plan-drawn-polygon=${(e: CustomEvent<{ type: 'Polygon'; coordinates: Position[][] }>) => this.submit({ op: 'add', geometry: e.detail })}
          >${this.data.current ? nothing : this.renderMapHint()}</gs-plan-map>
        <aside>
          ${this.status ? html`<div class="status ${this.status.kind}" role=${this.status.kind === 'error' ? 'alert' : 'status'} data-status=${this.status.kind}>${this.status.message}</div>` : nothing}
          ${this.renderPlanChooser()}
          ${this.data.current ? this.renderEditor() : html`<p class="hint" data-no-plan>${this.community ? t.publishedView.openToEdit : t.hints.no_plan}</p>`}
        </aside>
      </main>`;
  }

  private renderHeader() {
    return planHeader({
      lang: this.language,
      me: this.me,
      communities: this.data.communities,
      community: this.community,
      onCommunity: (code) => void this.pickCommunity(code),
      onLanguage: () => this.switchLanguage(),
    });
  }

  /** Over the map while no plan is open: what it shows, and the way back up from a place looked into. */
  private renderMapHint() {
    const up = placeAbove(this.data.published?.region ?? '', this.me?.principal.scope?.code ?? null);
    return mapHint({ lang: this.language, community: this.community, up, onUp: (place) => void this.pickCommunity('', place) });
  }

  private renderPlanChooser() {
    const t = strings(this.language);
    if (!this.community) return nothing;
    return html`<div class="drafts">
      ${this.data.drafts.map((d) => html`<button data-open-plan=${d.id} class=${d.id === this.data.current?.plan.id ? 'active' : ''} @click=${() => this.openPlan(d.id)}>${d.name}</button>`)}
      <input data-plan-name placeholder=${t.planName} .value=${t.defaultName(new Date().toISOString().slice(0, 10))}>
      <button data-action="create" @click=${this.createPlan}>${t.newPlan}</button>
    </div>`;
  }

  private renderEditor() {
    return renderPlanEditor({
      lang: this.language,
      data: this.data,
      editor: this.editor,
      selection: this.selection,
      go: (event) => this.go(event),
      applyPick: () => this.applyPick(),
      step: (action) => void this.step(action),
      publish: () => void this.publish(),
    });
  }

  private switchLanguage() {
    this.language = this.language === 'zh' ? 'en' : 'zh';
    // The API client words its requests' errors in the document's language.
    showDocumentIn(this.language, strings(this.language).title);
  }

  private go(event: EditorEvent): boolean {
    const r = next(this.editor, event);
    if (!r.valid) return false;
    if (event === 'start_merge' || event === 'cancel') this.selection = event === 'cancel' ? this.selection.slice(0, 1) : this.selection;
    this.editor = r.to;
    return true;
  }

  private gridClicked(key: number) {
    const after = selectionAfterClick(this.editor, this.selection, key);
    if (after.join() !== this.selection.join()) this.selection = after;
  }

  private applyPick() {
    if (this.editor === 'picking_merge') this.submit({ op: 'merge', keys: this.selection });
    else this.submit({ op: 'delete', key: this.selection[0]!, absorbers: this.selection.slice(1) });
  }

  /** A community chosen ('' none), and the place whose parts the map shows: the community's grids, or a place above one. */
  private async pickCommunity(code: string, place = code) {
    this.community = code;
    this.editor = 'no_plan';
    // Read-only, until a plan is opened: the published grids (or, with no community, the parts of the place looked into).
    void this.data.loadPublished(place);
    await this.data.loadDrafts(code);
  }

  private async createPlan() {
    const name = (this.renderRoot.querySelector('[data-plan-name]') as HTMLInputElement).value.trim();
    try {
      const plan = await this.data.create(name, this.community);
      await this.openPlan(plan.id);
    } catch (err) {
      this.fail(err);
    }
  }

  private async openPlan(id: number) {
    try {
      await this.data.open(id);
      this.selection = this.data.shownOf(this.selection);
      this.editor = 'viewing';
      this.status = null;
    } catch (err) {
      this.fail(err);
    }
  }

  /** Sends one edit; the answer is the new revision, then validation, what-if and diff follow. */
  private async submit(edit: PlanEdit) {
    if (!this.data.current || !this.go('submit')) return;
    try {
      const changed = await this.data.edit(edit);
      this.selection = changed.length === 1 ? changed : [];
      this.selection = this.data.shownOf(this.selection);
      this.go('done');
    } catch (err) {
      this.go('failed');
      this.fail(err);
      // Whatever was drawn is gone from the map: show the plan as the server has it.
      this.data.redraw();
    }
  }

  private async step(action: 'undo' | 'redo') {
    if (!this.data.current || !this.go('submit')) return;
    try {
      await this.data.step(action);
      this.selection = this.data.shownOf(this.selection);
      this.go('done');
    } catch (err) {
      this.go('failed');
      this.fail(err);
    }
  }

  private async publish() {
    if (!this.data.current || !this.go('submit')) return;
    try {
      const res = await this.data.publish();
      this.selection = this.data.shownOf(this.selection);
      this.status = { kind: 'ok', message: strings(this.language).published(res.version, res.reassigned_incidents) };
      this.go('done');
    } catch (err) {
      this.go('failed');
      this.fail(err);
    }
  }

  private fail(err: unknown) {
    this.status = { kind: 'error', message: errorMessage(err) };
  }
}

customElements.define('gs-plan-page', PlanPage);

declare global {
  interface HTMLElementTagNameMap {
    'gs-plan-page': PlanPage;
  }
}
