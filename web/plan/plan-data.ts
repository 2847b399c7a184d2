import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { communitiesOf, PlanApi, type DiffFeature, type Plan, type PlanEdit, type PlanProblem, type PlanWithGrids, type WhatIf } from './plan-api.js';

/**
 * Everything the plan editor shows, loaded from the API: the communities,
 * a community's drafts, the plan open with its grids, and for each revision
 * its problems, what-if figures and diff (asked for after every change; an
 * answer for a revision no longer shown is dropped, and so is any answer that
 * arrives after the host has left the page). Failures go to `onError`, the
 * page's one status line; the calls that change the plan also throw, so the
 * page's editor can step back.
 */
export class PlanDataController implements ReactiveController {
  /** Each community's path (district / street / community) in both languages. */
  communities: { code: string; label: Record<'zh' | 'en', string> }[] = [];
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
