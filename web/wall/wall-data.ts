import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WallMetric, WallWindow } from '../../server/contract/wall-options.js';
import { ApiError } from '../shared/api-request.js';
import type { ApiClient, Query } from './api-client.js';
import { isFinishedStatus, OPEN_STATUSES } from '../../server/contract/vocabulary.js';
import {
  type CategoryBreakdown, type Directive, type GridMetrics, type HeatBins,
  type IncidentPage, type OutlineCollection, type RegionNode, type StreamEvent, type Summary,
} from './api-types.js';
import {
  addTickerEntries, pruneRecent, tickerFromEvent, tickerFromFeature, updateRedMarkers,
  type RecentIncident, type RedMarker, type TickerEntry,
} from './live-lists.js';
import { cityMidnight, windowStart } from './time-window.js';

/** The heatmap is a picture of weeks: re-aggregating it for every event would cost the server for nothing visible. */
const HEAT_MIN_INTERVAL_MS = 30_000;
/** Events come in bursts (a batch dispatch): one reload for the burst, still well inside a second. */
const EVENT_DEBOUNCE_MS = 200;

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
  /** The window start every figure was asked for (ISO), for anyone checking them against the API. */
  from?: string;
  /** The last failure, shown on the wall; cleared by the next success. */
  error?: string;

  private options?: WallDataOptions;
  private heatLoadedAt = 0;
  private inFlight?: Promise<void>;
  private again = false;
  private debounce?: ReturnType<typeof setTimeout>;
  private abort = new AbortController();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.debounce);
    this.abort.abort();
  }

  /**
   * District and street outlines (names, label points, populations): once,
   * before the configuration is known. Grid polygons never pass through here:
   * the page's head asks for them first of all (grid-prefetch.ts).
   */
  async loadOutlines(api: ApiClient, region: string | undefined): Promise<void> {
    this.outlines = await api.get<OutlineCollection>('/api/map/outlines', { region }, this.abort.signal);
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

  /** Reloads every figure; one at a time, a request made meanwhile runs once more after. */
  refresh(options: { heat?: boolean } = {}): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.load(options.heat ?? Date.now() - this.heatLoadedAt > HEAT_MIN_INTERVAL_MS).finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh().catch(() => undefined);
      }
    });
    return this.inFlight;
  }

  /** Applies a stream event to the live lists at once, and reloads the figures shortly after. */
  applyEvent(event: StreamEvent): void {
    if ('incident' in event) {
      const i = event.incident;
      this.ticker = addTickerEntries(this.ticker, [tickerFromEvent(event.type, event.at, i)]);
      this.redMarkers = updateRedMarkers(this.redMarkers, i);
      if (event.type === 'incident.created') this.recent = [...pruneRecent(this.recent, Date.now()), { code: i.code, position: i.location, seenAt: Date.now() }];
    } else if ('directive' in event && this.options?.directives && this.directives) {
      // Shown at once; the reload that follows brings the caller's view of it (a district sees its own row only).
      const d = event.directive;
      const rows = this.summary?.region.level === 'city' ? d.districts : d.districts.filter((x) => this.summary?.region.code.startsWith(x.code));
      const patched = { ...d, districts: rows };
      this.directives = this.directives.some((x) => x.id === d.id)
        ? this.directives.map((x) => (x.id === d.id ? patched : x))
        : [patched, ...this.directives];
    }
    this.host.requestUpdate();
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh().catch(() => undefined), EVENT_DEBOUNCE_MS);
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
    try {
      const get = <T>(path: string, query: Query) => api.get<T>(path, query, signal);
      // Asked for in this order, what the map and the KPIs need first: a browser sends at most six at a time to one server.
      const [summary, metrics, heat, todaySummary, categories, latest, red, directives] = await Promise.all([
        get<Summary>('/api/stats/summary', win),
        get<GridMetrics>('/api/map/grid-metrics', win),
        withHeat && o.heatZoom !== null ? get<HeatBins>('/api/map/heatmap', { ...win, zoom: o.heatZoom }) : undefined,
        o.window === 'today' ? undefined : get<Summary>('/api/stats/summary', { region, from: today }),
        get<CategoryBreakdown>('/api/stats/categories', win),
        get<IncidentPage>('/api/incidents', { region, limit: 15 }),
        get<IncidentPage>('/api/incidents', { ...win, urgency: 'red', status: OPEN_STATUSES.join(','), limit: 2000 }),
        o.directives ? this.loadDirectives() : undefined,
      ]);
      if (!this.summary) performance.mark('wall-figures-loaded');
      this.from = from;
      this.summary = summary;
      this.newToday = (todaySummary ?? summary).reported;
      this.metrics = metrics;
      this.categories = categories.categories;
      this.ticker = addTickerEntries(this.ticker, latest.features.map(tickerFromFeature));
      this.redMarkers = new Map(red.features
        .filter((f) => !isFinishedStatus(f.properties.status))
        .map((f) => [f.properties.code, { code: f.properties.code, position: f.geometry.coordinates }]));
      this.recent = pruneRecent(this.recent, Date.now());
      this.directives = directives;
      if (o.heatZoom === null) this.heat = { cell_degrees: 0, bins: [], truncated: false };
      if (heat) {
        this.heat = heat;
        this.heatLoadedAt = Date.now();
      }
      this.error = undefined;
    } catch (err) {
      if (signal.aborted) return;
      this.error = err instanceof ApiError ? `${err.status} ${err.message}` : String((err as Error)?.message ?? err);
      throw err;
    } finally {
      this.host.requestUpdate();
    }
  }

  /**
   * Every running directive, newest first: 'running' keeps one a district has
   * answered while other districts have not (a district wall shows it as
   * answered). A server without directives yet answers 404, which is "none".
   */
  private async loadDirectives(): Promise<Directive[]> {
    try {
      const body = await this.options!.api.get<{ directives: Directive[] }>('/api/directives', { status: 'running' }, this.abort.signal);
      return body.directives;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
  }
}

/** A region node by code, anywhere in the tree. */
function findRegion(nodes: RegionNode[], code: string): RegionNode | undefined {
  for (const n of nodes) {
    if (n.code === code) return n;
    const inner = code.startsWith(n.code) ? findRegion(n.children, code) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
