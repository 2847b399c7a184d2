import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  communitiesOf,
  PlanApi,
  type Community,
  type DiffFeature,
  type Plan,
  type PlanEdit,
  type PlanProblem,
  type PlanWithGrids,
  type PublishedPlaces,
  type WhatIf,
} from './plan-api.js';

/**
 * Everything the plan editor shows, loaded from the API: the communities,
 * the published grids of the community chosen (before one is, the places of
 * the planner's scope), a community's drafts, the plan open with its grids, and for each revision
 * its problems, what-if figures and diff (asked for after every change; an
 * answer for a revision no longer shown is dropped, and so is any answer that
 * arrives after the host has left the page). Failures go to `onError`, the
 * page's one status line; the calls that change the plan also throw, so the
 * page's editor can step back.
 */
export class PlanDataController implements ReactiveController {
  /** Each community's path (district / street / community) in both languages. */
  communities: Community[] = [];
  /** What is published where the planner looks, shown while no plan is open. */
  published: PublishedPlaces | null = null;
  drafts: Plan[] = [];
  /** The plan open and its grids, as the server has them. */
  current: PlanWithGrids | null = null;
  problems: PlanProblem[] = [];
  /** What was wrong before the plan with grids it keeps unchanged: shown, not blocking. */
  warnings: PlanProblem[] = [];
  /** The problems are those of the revision shown. */
  validated = false;
  whatIf: WhatIf | null = null;
  diff: DiffFeature[] = [];
  private api = new PlanApi(null);
  private connected = false;
  private publishedAsked = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onError: (err: unknown) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostDisconnected(): void {
    this.connected = false;
  }

  /** Writes carry the session's CSRF token from now on. */
  signedIn(csrf: string | null): void {
    this.api = new PlanApi(csrf);
  }

  async loadCommunities(): Promise<void> {
    const { regions } = await this.api.regions();
    this.set(() => (this.communities = communitiesOf(regions)));
  }

  /**
   * What is published in `place`: a community's grids, or the parts of a
   * district or street looked into on the map ('' = the parts of the caller's
   * scope, the start view). Only the answer for the last place asked for is
   * kept: picking quickly through the list never shows an earlier community's.
   */
  async loadPublished(place: string): Promise<void> {
    const asked = ++this.publishedAsked;
    const found = this.communities.find((c) => c.code === place);
    try {
      // A community's grids at full detail: the very edges a plan would copy.
      const shapes = await this.api.shapes(place, found ? 0 : undefined);
      if (asked === this.publishedAsked)
        this.set(() => (this.published = { region: place, shapes, community: found ? { name: found.name, name_en: found.name_en } : null }));
    } catch (err) {
      if (asked === this.publishedAsked && this.connected) this.onError(err);
    }
  }

  /** The keys of `selection` that are grids of the revision shown: only those stay selected. */
  shownOf(selection: readonly number[]): number[] {
    const grids = this.current?.features.features ?? [];
    return selection.filter((k) => grids.some((f) => f.properties.key === k));
  }

  /** A community's drafts ('' = none); the plan open is closed. */
  async loadDrafts(community: string): Promise<void> {
    this.set(() => (this.current = null));
    const drafts = community
      ? (
          await this.api.plans(community).catch((err) => {
            this.onError(err);
            return { plans: [] };
          })
        ).plans
      : [];
    this.set(() => (this.drafts = drafts));
  }

  async create(name: string, community: string): Promise<Plan> {
    const plan = await this.api.create(name, community);
    this.set(() => (this.drafts = [plan, ...this.drafts]));
    return plan;
  }

  async open(id: number): Promise<void> {
    this.show(await this.api.load(id));
  }

  /** Sends one edit; returns the keys of the grids it changed. */
  async edit(edit: PlanEdit): Promise<number[]> {
    const res = await this.api.edit(this.current!.plan.id, edit);
    this.show(res);
    return res.changed;
  }

  async step(action: 'undo' | 'redo'): Promise<void> {
    this.show(await this.api[action](this.current!.plan.id));
  }

  /** Publishes the plan open; it leaves the drafts. */
  async publish(): Promise<{ version: number; reassigned_incidents: number }> {
    const id = this.current!.plan.id;
    const res = await this.api.publish(id);
    this.show(await this.api.load(id));
    this.set(() => (this.drafts = this.drafts.filter((d) => d.id !== id)));
    return res;
  }

  /** The plan as the server has it, drawn again (whatever the user drew and was refused is gone). */
  redraw(): void {
    if (this.current) this.set(() => (this.current = { ...this.current! }));
  }

  /** Shows a revision and starts its live validation, what-if and diff. */
  private show(p: PlanWithGrids): void {
    this.set(() => {
      this.current = p;
      this.validated = false;
      this.whatIf = null;
    });
    const { id, revision } = p.plan;
    const stillShown = () => this.current?.plan.id === id && this.current.plan.revision === revision;
    const fail = (err: unknown) => {
      if (this.connected) this.onError(err);
    };
    this.api.validate(id).then((r) => {
      if (stillShown())
        this.set(() => {
          this.problems = r.problems.features;
          this.warnings = r.warnings?.features ?? [];
          this.validated = true;
        });
    }, fail);
    this.api.whatIf(id).then((w) => {
      if (stillShown()) this.set(() => (this.whatIf = w));
    }, fail);
    this.api.diff(id).then((d) => {
      if (stillShown()) this.set(() => (this.diff = d.features));
    }, fail);
  }

  private set(change: () => unknown): void {
    if (!this.connected) return;
    change();
    this.host.requestUpdate();
  }
}

/**
 * The place above `code` on the editor's map ('' for the scope's own view), or null at the top: the scope itself
 * (`scope` is the planner's scope code, null for a city). Codes nest: district 6 digits, street 9, community 12.
 */
export function placeAbove(code: string, scope: string | null): string | null {
  if (code === '' || code === scope) return null;
  const parent = code.slice(0, code.length === 12 ? 9 : code.length === 9 ? 6 : 0);
  return parent === scope || parent.length <= (scope?.length ?? 0) ? '' : parent;
}
