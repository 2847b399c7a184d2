import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient } from './api-client.js';
import { DIRECTIVE_EVENTS, INCIDENT_EVENTS, type StreamEvent } from './api-types.js';

/**
 * live: the event stream is open; polling: no stream on this server, the last
 * poll succeeded; offline: the server cannot be reached (figures are stale);
 * connecting: not yet heard from the server.
 */
export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline';

export interface LiveOptions {
  api: ApiClient;
  /** Whether the server has GET /api/stream (from /api/wall/config). */
  stream: boolean;
  /** Seconds between full refreshes: the only updates without a stream, a safety net with one. */
  refreshSeconds: number;
  onEvent(event: StreamEvent): void;
  /** Reloads every figure; rejects when the server cannot be reached. */
  refresh(): Promise<void>;
}

/** Reconnect quickly after a restart, but back off when the server stays away. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/**
 * Owns the wall's link to the server: the EventSource (or, on a server
 * without one, a polling loop) and the periodic refresh. After every
 * (re)connect it reloads all figures, because events missed while away are
 * not replayed to a fresh EventSource; a `reset` event means the same.
 * Whenever the server is out of reach the state says so, and the wall shows it.
 */
export class LiveController implements ReactiveController {
  state: ConnectionState = 'connecting';
  /** When figures were last loaded successfully. */
  lastRefreshAt?: Date;
  private options?: LiveOptions;
  private source?: EventSource;
  private timer?: ReturnType<typeof setTimeout>;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private everOpened = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  start(options: LiveOptions): void {
    this.options = options;
    this.stopped = false;
    if (options.stream) this.openStream();
    // Now, not on a timer: a macrotask would queue behind the map's start-up work.
    void this.refreshNow().catch(() => undefined);
  }

  hostDisconnected(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
  }

  /** Reloads now (also the test hook: `document.querySelector('gs-wall-display').refresh()`). */
  async refreshNow(): Promise<void> {
    const o = this.options;
    if (!o || this.stopped) return;
    clearTimeout(this.timer);
    try {
      await o.refresh();
      this.lastRefreshAt = new Date();
      this.retryMs = RETRY_MIN_MS;
      if (!o.stream) this.setState('polling');
      else if (this.source?.readyState === EventSource.OPEN) this.setState('live');
      this.scheduleRefresh(o.refreshSeconds * 1000);
    } catch (err) {
      this.setState('offline');
      this.scheduleRefresh(this.backoff());
      throw err;
    }
  }

  private scheduleRefresh(ms: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => void this.refreshNow().catch(() => undefined), ms);
  }

  private backoff(): number {
    const ms = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    return ms;
  }

  private openStream(): void {
    const o = this.options!;
    const source = new EventSource(o.api.url('/api/stream'));
    this.source = source;
    source.onopen = () => {
      this.setState('live');
      // On a reconnect, whatever happened while away is in the figures, not in
      // replayed events. (The first open races the first load, which start()
      // has already begun; the periodic refresh closes that gap.)
      if (this.everOpened) void this.refreshNow().catch(() => undefined);
      this.everOpened = true;
    };
    source.onerror = () => {
      this.setState('offline');
      // The browser retries by itself after a network drop (readyState
      // CONNECTING); an HTTP error closes the source for good, so reopen it.
      if (source.readyState === EventSource.CLOSED && !this.stopped) {
        source.close();
        setTimeout(() => !this.stopped && this.source === source && this.openStream(), this.backoff());
      }
    };
    const onMessage = (e: MessageEvent<string>) => {
      try {
        o.onEvent(JSON.parse(e.data) as StreamEvent);
      } catch (err) {
        console.warn('wall: unreadable stream event', e.type, err);
      }
    };
    for (const type of [...INCIDENT_EVENTS, ...DIRECTIVE_EVENTS]) source.addEventListener(type, onMessage);
    source.addEventListener('reset', () => void this.refreshNow().catch(() => undefined));
    // The server is up but its database is not: the stream stays open and
    // sends what was missed once it is back, then `resumed`.
    source.addEventListener('reconnecting', () => this.setState('offline'));
    source.addEventListener('resumed', () => void this.refreshNow().catch(() => undefined));
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
