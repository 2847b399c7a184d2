import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExploreChildren, ExploreGrid, ExploreSeries } from '../../server/contract/explore-schemas.js';
import { isGridCode, parentCode } from '../../server/contract/vocabulary.js';
import { ApiError, apiRequest } from '../shared/api-request.js';
import { shapesKey, type ShapeCollection } from './explore-layers.js';
import { apiFilters, mapPeriod, type ExploreView } from './explore-params.js';

type Query = Record<string, string | number | undefined>;
type HeatBins = [number, number, number][];
export interface Camera {
  bbox: [number, number, number, number];
  zoom: number;
  /** The shapes the map was fitted to when it settled here (shapesKey). */
  framed: string;
}

/**
 * Everything the explorer shows, loaded from the API for a view: each
 * resource is fetched again only when its own request changed (a playback
 * frame reloads the map's figures and heatmap, not the trend), and an
 * answer is dropped when its slot has been asked for something newer, so a
 * fast-clicking leader never ends on a stale view. Two slots asking for the
 * same URL (the window and the map's period are one period unless playing
 * back) share one request. A request no slot wants any more is aborted, and
 * so is everything in flight when the host leaves the page.
 */
export class ExploreDataController implements ReactiveController {
  /** The place over the whole window: KPIs, categories, rankings. */
  window?: ExploreChildren;
  /** The place over the map's period (the playback frame, or the window). */
  mapped?: ExploreChildren;
  /** The place over period B, when comparing. */
  compared?: ExploreChildren;
  series?: ExploreSeries;
  shapes?: ShapeCollection;
  /** The place `shapes` were asked for (undefined: the caller's scope). */
  private shapesOf?: string;
  /** The view last loaded or moved over: an answer that arrives later is for it. */
  private current?: ExploreView;
  heat: HeatBins = [];
  heatCompared: HeatBins = [];
  grid?: ExploreGrid;
  /** The latest failure: the server's code (rendered in the page's language) and its own words as a fallback. */
  error?: { status: number; code: string; message: string };
  /** Requests in flight. */
  pending = 0;
  /** The latest request of each slot: an answer is applied only while its request is still the latest. */
  private keys = new Map<string, string>();
  /** Requests in flight by key (path and query): shared by the slots that ask for the same thing. */
  private inflight = new Map<string, { answer: Promise<unknown>; abort: AbortController }>();
  private camera?: Camera;

  /** `host` is asked to render whenever an answer arrives. */
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.keys.clear();
    for (const r of this.inflight.values()) r.abort.abort();
    this.inflight.clear();
  }

  /** Loads what `view` needs that is not already held. */
  async load(view: ExploreView): Promise<void> {
    this.current = view;
    this.error = undefined;
    const period = mapPeriod(view);
    const b = { from: view.bfrom, to: view.bto };
    const isGrid = isGridCode(view.region);
    const jobs: Promise<void>[] = [
      this.fetch<ExploreChildren>('window', '/api/explore/children', apiFilters(view, view), (v) => (this.window = v)),
      this.fetch<ExploreChildren>('mapped', '/api/explore/children', apiFilters(view, period), (v) => (this.mapped = v)),
      this.fetch<ExploreSeries>('series', '/api/explore/series', { ...apiFilters(view, view), interval: view.interval }, (v) => (this.series = v)),
      this.fetch<ShapeCollection>('shapes', '/api/explore/shapes', { region: view.region }, (v) => {
        this.shapes = v;
        this.shapesOf = view.region;
        // The same shapes as before (a community's grids, for one of them): the map stays, its camera is the new place's.
        if (this.current) void this.loadHeat(this.current);
      }),
      this.loadHeat(view),
    ];
    if (view.compare !== 'none') {
      jobs.push(this.fetch<ExploreChildren>('compared', '/api/explore/children', apiFilters(view, b), (v) => (this.compared = v)));
    } else {
      this.compared = undefined;
      this.keys.delete('compared');
    }
    if (isGrid) {
      const { region: _r, ...filters } = apiFilters(view, view);
      jobs.push(this.fetch<ExploreGrid>('grid', `/api/explore/grids/${view.region}`, filters, (v) => (this.grid = v)));
    } else {
      this.grid = undefined;
      this.keys.delete('grid');
    }
    await Promise.all(jobs);
  }

  /** The camera settled: heatmap cells for what is on screen at this zoom. */
  async moved(view: ExploreView, camera: Camera): Promise<void> {
    this.current = view;
    this.camera = camera;
    await this.loadHeat(view);
  }

  /**
   * The camera is the view's when the map settled on the view's own shapes. Until the map has fitted them and said so
   * (moved), there is nothing to ask for: not the start view on a page load, nor, after a drill, the last place's
   * camera (a legend that changes size refits the last place's shapes before the new ones arrive).
   */
  private cameraOf(view: ExploreView): Camera | undefined {
    const c = this.camera;
    const ours = this.shapes !== undefined && this.shapesOf === view.region;
    return c && ours && c.framed === shapesKey(this.shapes) ? c : undefined;
  }

  private async loadHeat(view: ExploreView): Promise<void> {
    const camera = this.cameraOf(view);
    if (!camera) return;
    // The heatmap takes regions, not grids: a grid's heat is its community's, inside the grid's bbox.
    const region = isGridCode(view.region) ? parentCode(view.region)! : view.region;
    const zoom = Math.max(0, Math.min(22, Math.floor(camera.zoom)));
    const bbox = camera.bbox.map((v) => v.toFixed(4)).join(',');
    const q = (from: string, to: string): Query => ({ ...apiFilters(view, { from, to }), region, zoom, bbox });
    const period = mapPeriod(view);
    const jobs = [this.fetch<{ bins: HeatBins }>('heat', '/api/map/heatmap', q(period.from, period.to), (v) => (this.heat = v.bins))];
    if (view.compare === 'side') {
      jobs.push(this.fetch<{ bins: HeatBins }>('heatCompared', '/api/map/heatmap', q(view.bfrom, view.bto), (v) => (this.heatCompared = v.bins)));
    } else {
      this.heatCompared = [];
    }
    await Promise.all(jobs);
  }

  private async fetch<T>(slot: string, path: string, query: Query, apply: (v: T) => void): Promise<void> {
    const key = `${path}?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][])}`;
    const previous = this.keys.get(slot);
    if (previous === key) return;
    this.keys.set(slot, key);
    if (previous !== undefined) this.dropIfUnwanted(previous);
    this.pending++;
    this.host.requestUpdate();
    try {
      const value = (await this.request(key, path, query)) as T;
      if (this.keys.get(slot) === key) apply(value);
    } catch (err) {
      // Superseded or aborted: a newer request of this slot decides what is shown.
      if (this.keys.get(slot) !== key) return;
      this.keys.delete(slot);
      this.error =
        err instanceof ApiError ? { status: err.status, code: err.code, message: err.message } : { status: 0, code: 'network', message: String(err) };
    } finally {
      this.pending--;
      this.host.requestUpdate();
    }
  }

  /** The answer to `key`: the request already in flight for it, or a new one. */
  private request(key: string, path: string, query: Query): Promise<unknown> {
    const running = this.inflight.get(key);
    if (running) return running.answer;
    const abort = new AbortController();
    const answer = apiRequest<unknown>('GET', path, { query, signal: abort.signal }).finally(() => {
      if (this.inflight.get(key)?.abort === abort) this.inflight.delete(key);
    });
    this.inflight.set(key, { answer, abort });
    return answer;
  }

  /** Aborts the request for `key` when no slot is waiting for it any more. */
  private dropIfUnwanted(key: string): void {
    if ([...this.keys.values()].includes(key)) return;
    this.inflight.get(key)?.abort.abort();
    this.inflight.delete(key);
  }
}
