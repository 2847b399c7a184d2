import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { incidentDetail, incidentPage, type IncidentDetail } from './dispatch-api.js';
import type { QueueItem } from './dispatch-queues.js';

/** Open statuses: the queues are built from these, all loaded at once. */
const OPEN = 'reported,filed,dispatched,in_progress,resolved';
/** At most this many open incidents are held (pages of 5,000); a larger backlog shows a notice. */
export const OPEN_CAP = 20_000;
/** The newest incidents of any status, for the "all" queue. */
const RECENT = 500;
const STREAM_EVENTS = [
  'incident.created',
  'incident.status_changed',
  'incident.escalated',
  'incident.overdue',
  'incident.red_alert',
  'incident.urged',
  'incident.checked',
];
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

interface StreamIncident {
  code: string;
  category: string;
  urgency: QueueItem['urgency'];
  status: string;
  grid_code: string;
  district_code: string;
  reported_at: string;
}

/**
 * Holds the console's incidents and keeps them live. Loads every open
 * incident of the caller's scope, then applies each stream event to the one
 * incident it names (queues, counts and the selected record follow, with no
 * reload), and fills in what an event does not carry (description, due time)
 * from that incident's record. After a reconnect it reloads, because events
 * missed while away are not replayed to a fresh EventSource.
 */
export class DispatchDataController implements ReactiveController {
  readonly items = new Map<string, QueueItem>();
  state: 'connecting' | 'live' | 'offline' = 'connecting';
  loaded = false;
  capped = false;
  error = '';
  /** The selected incident's full record, and its code. */
  detail: IncidentDetail | null = null;
  selected: string | null = null;
  /** The codes the server found for the current search (undefined without one). */
  searchHits: Set<string> | undefined;
  private searchedFor = '';
  /** Counts stream events applied: tests and the page watch it. */
  eventsApplied = 0;
  private source?: EventSource;
  private retryMs = RETRY_MIN_MS;
  private everOpened = false;
  private stopped = false;
  private readonly refetching = new Set<string>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.stopped = false;
    this.openStream();
    void this.reload();
  }

  hostDisconnected(): void {
    this.stopped = true;
    this.source?.close();
  }

  /** Loads every open incident (and keeps what "all" added, refreshed). */
  async reload(): Promise<void> {
    try {
      const fresh = new Map<string, QueueItem>();
      let cursor: string | undefined;
      do {
        const page = await incidentPage({ status: OPEN, limit: 5000, cursor });
        for (const f of page.features) fresh.set(f.properties.code, f.properties);
        cursor = page.next_cursor;
      } while (cursor && fresh.size < OPEN_CAP);
      this.capped = cursor !== undefined;
      this.items.clear();
      for (const [code, item] of fresh) this.items.set(code, item);
      this.loaded = true;
      this.error = '';
      if (this.selected) await this.loadDetail(this.selected);
    } catch (err) {
      this.error = errorMessage(err);
    }
    this.host.requestUpdate();
  }

  /**
   * The newest incidents of every status under the filters, for the "all"
   * queue; with a search, the server's matches (code, text, grid, place
   * names) across every incident, not only those loaded. An answer to a
   * search typed over since is dropped.
   */
  async loadRecent(filters: { district: string; street: string; category: string; urgency: string; search: string }): Promise<void> {
    const search = filters.search.trim();
    this.searchedFor = search;
    try {
      const page = await incidentPage({
        limit: RECENT,
        region: filters.street || filters.district || undefined,
        category: filters.category || undefined,
        urgency: filters.urgency || undefined,
        q: search || undefined,
      });
      if (this.searchedFor !== search) return;
      for (const f of page.features) this.items.set(f.properties.code, f.properties);
      this.searchHits = search ? new Set(page.features.map((f) => f.properties.code)) : undefined;
      this.host.requestUpdate();
    } catch (err) {
      this.error = errorMessage(err);
      this.host.requestUpdate();
    }
  }

  /** Shows one incident's record (null clears the selection). */
  async select(code: string | null): Promise<void> {
    this.selected = code;
    if (this.detail?.code !== code) this.detail = null;
    this.host.requestUpdate();
    if (code) await this.loadDetail(code);
  }

  /** Reloads one incident's record and its row; a record that is gone (out of scope) leaves the list. */
  async loadDetail(code: string): Promise<IncidentDetail | null> {
    try {
      const d = await incidentDetail(code);
      this.upsert(d);
      if (this.selected === code) this.detail = d;
      return d;
    } catch (err) {
      if (this.selected === code) this.error = errorMessage(err);
      return null;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Takes the incident as a workflow step answered it. */
  accept(d: IncidentDetail): void {
    this.upsert(d);
    if (this.selected === d.code) this.detail = d;
    this.host.requestUpdate();
  }

  private upsert(p: QueueItem): void {
    const { code, category, urgency, status, description, reported_at, due_at, urged_at, grid_code, street_code, district_code } = p;
    this.items.set(code, { code, category, urgency, status, description, reported_at, due_at, urged_at, grid_code, street_code, district_code });
  }

  private applyEvent(incident: StreamIncident): void {
    const known = this.items.get(incident.code);
    this.items.set(incident.code, {
      description: '',
      due_at: null,
      street_code: incident.grid_code.slice(0, 9),
      ...known,
      code: incident.code,
      category: incident.category,
      urgency: incident.urgency,
      status: incident.status,
      reported_at: incident.reported_at,
      grid_code: incident.grid_code,
      district_code: incident.district_code,
    });
    this.eventsApplied++;
    this.host.requestUpdate();
    // The event carries no description or due time: fetch the record once, whatever else arrives meanwhile.
    if (this.refetching.has(incident.code)) return;
    this.refetching.add(incident.code);
    void this.loadDetail(incident.code).finally(() => this.refetching.delete(incident.code));
  }

  private openStream(): void {
    if (this.stopped) return;
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      this.setState('live');
      if (this.everOpened) void this.reload();
      this.everOpened = true;
    };
    source.onerror = () => {
      this.setState('offline');
      // The browser retries a dropped connection itself; an HTTP error closes the source for good.
      if (source.readyState === EventSource.CLOSED && !this.stopped) {
        source.close();
        const wait = this.retryMs;
        this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
        setTimeout(() => this.source === source && this.openStream(), wait);
      }
    };
    const onMessage = (e: MessageEvent<string>) => {
      try {
        const event = JSON.parse(e.data) as { incident?: StreamIncident };
        if (event.incident) this.applyEvent(event.incident);
      } catch (err) {
        console.warn('dispatch: unreadable stream event', e.type, err);
      }
    };
    for (const type of STREAM_EVENTS) source.addEventListener(type, onMessage);
    for (const type of ['reset', 'resumed']) source.addEventListener(type, () => void this.reload());
    source.addEventListener('reconnecting', () => this.setState('offline'));
  }

  private setState(state: DispatchDataController['state']): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
