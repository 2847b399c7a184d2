import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from '../shared/api-request.js';
import { incidentDetail, incidentPage, located, type IncidentDetail } from './dispatch-api.js';
import type { QueueItem } from './dispatch-queues.js';
import { INCIDENT_EVENT_TYPES, type StreamIncident } from '../../server/contract/stream-events.js';

/** Open statuses: the queues are built from these, all loaded at once. */
const OPEN = 'reported,filed,dispatched,in_progress,resolved';
/** At most this many open incidents are held (pages of 5,000); a larger backlog shows a notice. */
export const OPEN_CAP = 20_000;
/** The newest incidents of any status, for the "all" queue. */
const RECENT = 500;
/**
 * Records a burst of events needs are fetched together after this pause: one
 * list request for the lot instead of one request per event. Short, so a new
 * report's description still shows well within a second.
 */
const COALESCE_MS = 150;
/** The most records one coalesced list request brings; codes beyond it are fetched one by one. */
const COALESCE_LIMIT = 500;
/** Events after which an incident's record may say more than the event did (a deadline set or moved). */
const RECORD_CHANGES = new Set(['incident.status_changed', 'incident.escalated']);
/** Statuses that leave the open queues: nothing more to show about them there. */
const FINISHED = new Set(['closed', 'rejected', 'duplicate']);
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/**
 * Holds the console's incidents and keeps them live. Loads every open
 * incident of the caller's scope, then applies each stream event to the one
 * incident it names (queues, counts and the selected record follow, with no
 * reload), and fills in what an event does not carry (description, due time)
 * from the records, fetched together for a burst of events. After a reconnect it reloads, because events
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
  /** Codes whose record is to be fetched in the next coalesced request. */
  private readonly stale = new Set<string>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private selectedReading = false;
  private selectedAgain = false;

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
    clearTimeout(this.flushTimer);
  }

  /** Loads every open incident (and keeps what "all" added, refreshed). */
  async reload(): Promise<void> {
    try {
      const fresh = new Map<string, QueueItem>();
      let cursor: string | undefined;
      do {
        const page = await incidentPage({ status: OPEN, limit: 5000, cursor });
        for (const f of page.features) fresh.set(f.properties.code, located(f));
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
      for (const f of page.features) this.items.set(f.properties.code, located(f));
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
    const location = p.location ?? this.items.get(code)?.location;
    this.items.set(code, { code, category, urgency, status, description, reported_at, due_at, urged_at, grid_code, street_code, district_code, location });
  }

  /**
   * Applies one event to its incident in place: the row, the queues and the
   * counts follow at once. Only what an event cannot say (a new report's
   * description, a deadline set by a dispatch) is fetched, and for a burst of
   * events in one list request (flushStale); the selected incident's record is
   * read again at once, its history having grown.
   */
  private applyEvent(type: string, at: string, incident: StreamIncident): void {
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
      location: incident.location,
      ...(type === 'incident.urged' ? { urged_at: at } : {}),
    });
    this.eventsApplied++;
    this.host.requestUpdate();
    if (this.selected === incident.code) this.refreshSelected(incident.code);
    else if (!known || (RECORD_CHANGES.has(type) && !FINISHED.has(incident.status))) this.markStale(incident.code);
  }

  /** Reads the selected record again; events arriving meanwhile make one more read after it, so answers never overtake each other. */
  private refreshSelected(code: string): void {
    if (this.selectedReading) {
      this.selectedAgain = true;
      return;
    }
    this.selectedReading = true;
    void this.loadDetail(code).finally(() => {
      this.selectedReading = false;
      if (this.selectedAgain && this.selected) this.refreshSelected(this.selected);
      this.selectedAgain = false;
    });
  }

  private markStale(code: string): void {
    this.stale.add(code);
    if (this.flushTimer === undefined) this.flushTimer = setTimeout(() => void this.flushStale(), COALESCE_MS);
  }

  /**
   * Fetches the stale records together: one page of the open incidents in
   * their statuses reported since the oldest of them; any it did not bring
   * (a long backlog in between) one by one.
   */
  private async flushStale(): Promise<void> {
    this.flushTimer = undefined;
    const codes = [...this.stale];
    this.stale.clear();
    const rows = codes.map((c) => this.items.get(c)).filter((r): r is QueueItem => r !== undefined);
    if (rows.length === 0) return;
    const missing = new Set(codes);
    if (rows.length > 1) {
      try {
        const from = rows.reduce((min, r) => (r.reported_at < min ? r.reported_at : min), rows[0]!.reported_at);
        const page = await incidentPage({ status: [...new Set(rows.map((r) => r.status))].join(','), from, limit: COALESCE_LIMIT });
        for (const f of page.features) {
          if (!missing.delete(f.properties.code)) continue;
          this.upsert(located(f));
        }
        this.host.requestUpdate();
      } catch (err) {
        console.warn('dispatch: coalesced refresh failed; fetching one by one', err);
      }
    }
    await Promise.all([...missing].map((code) => this.loadDetail(code)));
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
        const event = JSON.parse(e.data) as { incident?: StreamIncident; at?: string };
        if (event.incident) this.applyEvent(e.type, event.at ?? new Date().toISOString(), event.incident);
      } catch (err) {
        console.warn('dispatch: unreadable stream event', e.type, err);
      }
    };
    for (const type of INCIDENT_EVENT_TYPES) source.addEventListener(type, onMessage);
    for (const type of ['reset', 'resumed']) source.addEventListener(type, () => void this.reload());
    source.addEventListener('reconnecting', () => this.setState('offline'));
  }

  private setState(state: DispatchDataController['state']): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
