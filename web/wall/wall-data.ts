import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WallMetric, WallWindow } from '../../server/schemas/wall-options.js';
import { ApiError, type ApiClient, type Query } from './api-client.js';
import {
  CLOSED_STATUSES, type CategoryBreakdown, type Directive, type GridMetrics, type HeatBins,
  type IncidentPage, type OutlineCollection, type StreamEvent, type Summary,
} from './api-types.js';
import {
  addTickerEntries, pruneRecent, tickerFromEvent, tickerFromFeature, updateRedMarkers,
  type RecentIncident, type RedMarker, type TickerEntry,
} from './live-lists.js';
import { cityMidnight, windowStart } from './time-window.js';

const OPEN_STATUSES = 'reported,filed,dispatched,in_progress,resolved';
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
  directive?: Directive | null;
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
    } else if ('directive' in event && this.options?.directives) {
      this.directive = event.directive;
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
      const [summary, metrics, heat, todaySummary, categories, latest, red, directive] = await Promise.all([
        get<Summary>('/api/stats/summary', win),
        get<GridMetrics>('/api/map/grid-metrics', win),
        withHeat && o.heatZoom !== null ? get<HeatBins>('/api/map/heatmap', { ...win, zoom: o.heatZoom }) : undefined,
        o.window === 'today' ? undefined : get<Summary>('/api/stats/summary', { region, from: today }),
        get<CategoryBreakdown>('/api/stats/categories', win),
        get<IncidentPage>('/api/incidents', { region, limit: 15 }),
        get<IncidentPage>('/api/incidents', { ...win, urgency: 'red', status: OPEN_STATUSES, limit: 2000 }),
        o.directives ? this.loadDirective() : null,
      ]);
      if (!this.summary) performance.mark('wall-figures-loaded');
      this.from = from;
      this.summary = summary;
      this.newToday = (todaySummary ?? summary).reported;
      this.metrics = metrics;
      this.categories = categories.categories;
      this.ticker = addTickerEntries(this.ticker, latest.features.map(tickerFromFeature));
      this.redMarkers = new Map(red.features
        .filter((f) => !CLOSED_STATUSES.has(f.properties.status))
        .map((f) => [f.properties.code, { code: f.properties.code, position: f.geometry.coordinates }]));
      this.recent = pruneRecent(this.recent, Date.now());
      this.directive = directive;
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

  /** The newest open directive, or null; a server without directives yet answers 404, which is "none". */
  private async loadDirective(): Promise<Directive | null> {
    try {
      const body = await this.options!.api.get<{ directives: Directive[] }>('/api/directives', { status: 'open' }, this.abort.signal);
      return body.directives[0] ?? null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }
}
