import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WallMetric, WallWindow } from '../../server/contract/wall-options.js';
import { ApiError } from '../shared/api-request.js';
import type { ApiClient, Query } from './api-client.js';
import { OPEN_STATUSES } from '../../server/contract/vocabulary.js';
import type { CategoryBreakdown, Directive, GridMetrics, HeatBins, IncidentPage, OutlineCollection, RegionNode, StreamEvent, Summary } from './api-types.js';
import { fetchWallOutlines } from './wall-tiers.js';
import { applyFigureChange, figureChange, inRegion, reconcileFigures, sameMetrics, type LoggedChange } from './live-figures.js';
import {
  addTickerEntries,
  pruneRecent,
  redMarkersFrom,
  tickerFromEvent,
  tickerFromFeature,
  updateRedMarkers,
  type RecentIncident,
  type RedMarker,
  type TickerEntry,
} from './live-lists.js';
import { cityMidnight, windowStart } from './time-window.js';
import { applyDirectiveEvent, fetchRunningDirectives, findRegion } from './live-directives.js';

/** The heatmap is a picture of weeks: re-aggregating it for every event would cost the server for nothing visible. */
const HEAT_MIN_INTERVAL_MS = 30_000;
/**
 * Events patch the figures themselves (live-figures.ts); the API is asked
 * again to reconcile once a burst has settled (no event for SETTLE_MS), and
 * during a steady stream at least every MAX_UNRECONCILED_MS. A reload costs
 * eight requests and, under software WebGL, a redrawn map (README, "Live"):
 * 5 s lets a trickle of a report every 2–4 s be reconciled every 15 s, not
 * after each report as a 1.5 s settle did.
 */
const SETTLE_MS = 5_000;
const MAX_UNRECONCILED_MS = 15_000;
/** Figure changes kept to add to a summary that answers from before them (a reconciliation in flight while events come). */
const CHANGES_KEPT = 1_000;
/** The map's live layers (rings, red markers) change at most this often: each change redraws the whole map canvas. */
const MAP_LISTS_MS = 1_000;

export interface WallDataOptions {
  api: ApiClient;
  region?: string;
  metric: WallMetric;
  window: WallWindow;
  directives: boolean;
  /** Heatmap cell size follows the zoom the city is shown at; null = no heatmap (`heat=off`). */
  heatZoom: number | null;
}

/**
 * Everything the wall shows, loaded from the API: geometry once, figures on
 * every refresh (all in parallel, replaced together so panels never mix two
 * moments), live lists patched by stream events in between.
 */
export class WallDataController implements ReactiveController {
  outlines?: OutlineCollection;
  summary?: Summary;
  newToday?: number;
  metrics?: GridMetrics;
  heat?: HeatBins;
  categories?: CategoryBreakdown['categories'];
  /** Every directive still running (some addressed district waiting), newest first; undefined = not loaded or not offered. */
  directives?: Directive[];
  /** The root of the wall's region tree (the city, or the district a scoped token sees): its name heads the wall. */
  place?: { code: string; level: string; name: string; name_en: string | null };
  ticker: TickerEntry[] = [];
  redMarkers = new Map<string, RedMarker>();
  recent: RecentIncident[] = [];
  /**
   * What the map draws of the two lists above: the same arrays until they
   * change, published at most every MAP_LISTS_MS, so a panel's update or a
   * burst of events does not redraw the map each time.
   */
  mapRedMarkers: RedMarker[] = [];
  mapRecent: RecentIncident[] = [];
  /** The window start every figure was asked for (ISO), for anyone checking them against the API. */
  from?: string;
  /** The last failure, shown on the wall; cleared by the next success. */
  error?: string;

  private options?: WallDataOptions;
  private heatLoadedAt = 0;
  /** The zoom the heatmap shown was asked for at. */
  private heatZoom?: number | null;
  private inFlight?: Promise<void>;
  private again = false;
  private settle?: ReturnType<typeof setTimeout>;
  /** When the first event not yet reconciled came (performance.now()); undefined = none waiting. */
  private unreconciledSince?: number;
  /** An event came while a reload was in flight: its answer may or may not include it, so reconcile once more. */
  private eventDuringLoad = false;
  /** Changes applied from events, by event id, newest last: replayed onto an answer older than they are. */
  private changes: LoggedChange[] = [];
  /** The newest event the shown summary and new-today figure include (Event-Position); null = not known. */
  private summaryPosition: number | null = null;
  private todayPosition: number | null = null;
  private mapTimer?: ReturnType<typeof setTimeout>;
  private mapPublishedAt = -Infinity;
  private abort = new AbortController();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.settle);
    clearTimeout(this.mapTimer);
    this.abort.abort();
  }

  /** The place's and its parts' outlines (names, label points, populations), once; grid polygons: grid-prefetch.ts. */
  async loadOutlines(api: ApiClient, region: string | undefined): Promise<void> {
    this.outlines = await fetchWallOutlines(api, region, this.abort.signal);
    performance.mark('wall-outlines-loaded');
    this.host.requestUpdate();
  }

  /** The place the wall shows, by name (the title says whose wall it is); asked after the outlines, it is not part of the first frame. */
  async loadPlace(api: ApiClient, region: string | undefined): Promise<void> {
    const { regions } = await api.get<{ regions: RegionNode[] }>('/api/regions', {}, this.abort.signal);
    this.place = region ? findRegion(regions, region) : regions[0];
    this.host.requestUpdate();
  }

  /** Starts loading figures with these options. */
  configure(options: WallDataOptions): void {
    this.options = options;
  }

  /** The window changed size: the heatmap's cells for the zoom the city is now shown at. True when that is another zoom (the next refresh asks again). */
  setHeatZoom(heatZoom: number | null): boolean {
    if (!this.options || this.options.heatZoom === heatZoom) return false;
    this.options = { ...this.options, heatZoom };
    return true;
  }

  /** Reloads every figure; one at a time, a request made meanwhile runs once more after. */
  refresh(options: { heat?: boolean } = {}): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    // Heat again when it is old, or was asked for at another zoom (the wall's window changed size).
    const heat = options.heat ?? (Date.now() - this.heatLoadedAt > HEAT_MIN_INTERVAL_MS || this.options?.heatZoom !== this.heatZoom);
    this.inFlight = this.load(heat).finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh().catch(() => undefined);
      }
    });
    return this.inFlight;
  }

  /**
   * Applies a stream event at once: ticker, map lists, and the KPIs where the
   * event determines them (live-figures.ts). The API is asked only once the
   * burst has settled (scheduleReconcile).
   */
  applyEvent(event: StreamEvent): void {
    if (this.inFlight) this.eventDuringLoad = true;
    if ('incident' in event) {
      const i = event.incident;
      this.ticker = addTickerEntries(this.ticker, [tickerFromEvent(event.type, event.at, i)]);
      const visible = this.options ? inRegion(i.grid_code, this.options.region) : true;
      if (visible) this.redMarkers = updateRedMarkers(this.redMarkers, i);
      if (visible && event.type === 'incident.created')
        this.recent = [...pruneRecent(this.recent, Date.now()), { code: i.code, position: i.location, seenAt: Date.now() }];
      this.patchFigures(event.id, event.type, i);
      this.publishMapLists();
    } else if ('directive' in event && this.options?.directives && this.directives) {
      this.directives = applyDirectiveEvent(this.directives, event.directive, this.summary?.region);
    }
    this.host.requestUpdate();
    this.scheduleReconcile();
  }

  /** Moves the KPIs by what the event changed, unless the summary already counts it (it answered after the event). */
  private patchFigures(id: number, type: string, i: Extract<StreamEvent, { incident: unknown }>['incident']): void {
    const o = this.options;
    if (!o) return;
    // Kept even before the first figures come: they may answer from before this event.
    const now = new Date();
    const change = figureChange(type, i, {
      from: this.from ?? windowStart(o.window, now).toISOString(),
      today: cityMidnight(now).toISOString(),
      region: o.region,
    });
    if (!change) return;
    this.changes.push({ id, gridCode: i.grid_code, change });
    if (this.changes.length > CHANGES_KEPT) this.changes.shift();
    if (this.summary && (this.summaryPosition === null || id > this.summaryPosition)) this.summary = applyFigureChange(this.summary, i.grid_code, change);
    if (this.newToday !== undefined && (this.todayPosition === null || id > this.todayPosition)) this.newToday += change.today;
  }

  /** Reconciles with the API SETTLE_MS after the last event, or MAX_UNRECONCILED_MS after the first unreconciled one. */
  private scheduleReconcile(): void {
    const now = performance.now();
    this.unreconciledSince ??= now;
    clearTimeout(this.settle);
    const delay = Math.max(0, Math.min(SETTLE_MS, this.unreconciledSince + MAX_UNRECONCILED_MS - now));
    this.settle = setTimeout(() => void this.refresh().catch(() => undefined), delay);
  }

  /** Hands the live lists to the map now, or at the end of the current MAP_LISTS_MS period. */
  private publishMapLists(): void {
    if (this.mapTimer) return;
    const wait = this.mapPublishedAt + MAP_LISTS_MS - performance.now();
    const publish = () => {
      this.mapTimer = undefined;
      this.mapPublishedAt = performance.now();
      const red = [...this.redMarkers.values()];
      if (red.length !== this.mapRedMarkers.length || red.some((m, k) => m.code !== this.mapRedMarkers[k]?.code)) this.mapRedMarkers = red;
      if (this.recent.length !== this.mapRecent.length || this.recent.some((r, k) => r !== this.mapRecent[k])) this.mapRecent = this.recent;
      this.host.requestUpdate();
    };
    if (wait <= 0) publish();
    else this.mapTimer = setTimeout(publish, wait);
  }

  private async load(withHeat: boolean): Promise<void> {
    const o = this.options;
    if (!o) return;
    const { api, region } = o;
    const signal = this.abort.signal;
    const now = new Date();
    const from = windowStart(o.window, now).toISOString();
    const today = cityMidnight(now).toISOString();
    const win = { region, from };
    // Whatever came before this point is in the answers; an event from now on may not be (applyEvent notes it).
    this.eventDuringLoad = false;
    this.unreconciledSince = undefined;
    clearTimeout(this.settle);
    try {
      const get = <T>(path: string, query: Query) => api.get<T>(path, query, signal);
      // Asked for in this order, what the map and the KPIs need first: a browser sends at most six at a time to one server.
      // Each summary says up to which event it counts (Event-Position): events after it that came first are added again.
      let summaryPosition: number | null = null;
      let todayPosition: number | null = null;
      const position = (h: Headers) => (h.has('event-position') ? Number(h.get('event-position')) : null);
      const [summary, metrics, heat, todaySummary, categories, latest, red, directives] = await Promise.all([
        api.get<Summary>('/api/stats/summary', win, signal, (h) => (summaryPosition = position(h))),
        get<GridMetrics>('/api/map/grid-metrics', { ...win, shape: 'columns' }),
        withHeat && o.heatZoom !== null ? get<HeatBins>('/api/map/heatmap', { ...win, zoom: o.heatZoom }) : undefined,
        o.window === 'today' ? undefined : api.get<Summary>('/api/stats/summary', { region, from: today }, signal, (h) => (todayPosition = position(h))),
        get<CategoryBreakdown>('/api/stats/categories', win),
        get<IncidentPage>('/api/incidents', { region, limit: 15 }),
        get<IncidentPage>('/api/incidents', { ...win, urgency: 'red', status: OPEN_STATUSES.join(','), limit: 2000 }),
        o.directives ? fetchRunningDirectives(api, signal) : undefined,
      ]);
      if (!this.summary) performance.mark('wall-figures-loaded');
      this.from = from;
      if (!todaySummary) todayPosition = summaryPosition;
      const sinceMidnight = { reported: (todaySummary ?? summary).reported, position: todayPosition };
      const figures = reconcileFigures(this.changes, { answer: summary, position: summaryPosition }, sinceMidnight);
      [this.summary, this.newToday, this.changes] = [figures.summary, figures.newToday, figures.log];
      this.summaryPosition = summaryPosition;
      this.todayPosition = todayPosition;
      // Unchanged figures keep their object: the map recolours (a full redraw) only when a grid's figures moved.
      if (!this.metrics || !sameMetrics(this.metrics, metrics)) this.metrics = metrics;
      this.categories = categories.categories;
      this.ticker = addTickerEntries(this.ticker, latest.features.map(tickerFromFeature));
      this.redMarkers = redMarkersFrom(red);
      this.recent = pruneRecent(this.recent, Date.now());
      this.publishMapLists();
      this.directives = directives;
      if (o.heatZoom === null) this.heat = { cell_degrees: 0, bins: [], truncated: false };
      if (heat) {
        this.heat = heat;
        this.heatLoadedAt = Date.now();
        this.heatZoom = o.heatZoom;
      }
      this.error = undefined;
      if (this.eventDuringLoad) this.scheduleReconcile();
    } catch (err) {
      if (signal.aborted) return;
      this.error = err instanceof ApiError ? `${err.status} ${err.message}` : String((err as Error)?.message ?? err);
      throw err;
    } finally {
      this.host.requestUpdate();
    }
  }

  /**
   * The map fitted the wall's place closer than the heat was asked for (a district's, street's or community's wall): its
   * heat alone, again, at the zoom set last (setHeatZoom), once any load in flight is done.
   */
  async reloadHeat(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    const o = this.options;
    if (!o || o.heatZoom === null || o.heatZoom === this.heatZoom || !this.from) return;
    const zoom = o.heatZoom;
    const heat = await o.api.get<HeatBins>('/api/map/heatmap', { region: o.region, from: this.from, zoom }, this.abort.signal);
    if (this.options?.heatZoom !== zoom) return;
    [this.heat, this.heatLoadedAt, this.heatZoom] = [heat, Date.now(), zoom];
    this.host.requestUpdate();
  }
}
