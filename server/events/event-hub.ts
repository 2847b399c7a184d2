import type { Database } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { createEventLogRepository, EVENT_CHANNEL, type EventRow } from '../repositories/event-log-repository.js';
import { prefixesMatch, scopePrefix, type EventType, type ScopeFilter } from './event-scope.js';

/**
 * Fans committed events out to subscribers in this process. Every process
 * LISTENs on the events channel, whichever process wrote the event; a
 * notification only says "something new", and the hub then reads every row
 * after the last one it delivered, so notifications that coalesce or arrive
 * out of order cannot make it skip or repeat an event.
 */
export interface StreamEvent {
  id: number;
  type: EventType;
  /** scopePrefix() of the event's scope, computed once for all subscribers. */
  prefix: string;
  /** The whole SSE message, serialised once however many subscribers get it. */
  frame: string;
}

export interface EventHubSettings {
  /** Events a reconnecting client may have missed before it is told to reload instead (`reset`). */
  replayLimit: number;
  /** Per-client queue beyond what the socket accepted; a client over either bound is dropped. */
  maxQueueEvents: number;
  maxQueueBytes: number;
  /** Heartbeat comment interval: keeps proxies from closing an idle stream and finds dead clients. */
  heartbeatMs: number;
  /** Reconnection delay suggested to EventSource clients. */
  retryMs: number;
}

export type ReplayResult = { events: StreamEvent[] } | { reset: true };

export interface EventHub {
  readonly settings: EventHubSettings;
  /** Id of the newest event fanned out: a subscriber added now receives every event after it. */
  readonly position: number;
  readonly subscriberCount: number;
  /**
   * `send` must not block or throw; `onClose` is called if the hub shuts down
   * first; `onNotice` gets the reconnecting and resumed frames of a database
   * outage (below). Returns unsubscribe.
   */
  subscribe(filter: ScopeFilter, send: (event: StreamEvent) => void, onClose?: () => void, onNotice?: (frame: string) => void): () => void;
  /** The events after `afterId` for `filter`, or reset when they cannot all be replayed. */
  replay(afterId: number, filter: ScopeFilter, limit?: number): Promise<ReplayResult>;
  /** Ends every subscription (calls onClose), e.g. so that the HTTP server can close. */
  disconnectAll(): void;
  close(): Promise<void>;
}

export interface HubLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const DEFAULT_HUB_SETTINGS: EventHubSettings = { replayLimit: 1000, maxQueueEvents: 500, maxQueueBytes: 1 << 20, heartbeatMs: 15_000, retryMs: 3_000 };

/** Rows read per query while catching up. */
const BATCH = 500;
/** Pause before retrying after a failed read (database restarting, say). */
const RETRY_MS = 1_000;

export function formatEvent(row: EventRow): StreamEvent {
  const head = { id: row.id, type: row.type, at: row.at.toISOString() };
  // id, type and at come first and cannot be overwritten by the payload.
  const data = JSON.stringify(Object.assign({ ...head }, row.payload, head));
  return { id: row.id, type: row.type, prefix: scopePrefix(row.scope), frame: `id: ${row.id}\nevent: ${row.type}\ndata: ${data}\n\n` };
}

/** Tells a client to reload its state, and where the live stream resumes. */
export function resetFrame(resumeAfterId: number): string {
  return `id: ${resumeAfterId}\nevent: reset\ndata: {}\n\n`;
}

/**
 * Tells a client that the database is out of reach: no events flow for now.
 * The stream stays open and delivers what it missed once the database is
 * back (then `resumed`); a client that would rather reconnect does so after
 * `retry` ms with Last-Event-ID. No `id` field, so the client's last event
 * id stays where it was.
 */
export function reconnectingFrame(retryMs: number): string {
  return `retry: ${retryMs}\nevent: reconnecting\ndata: {"code":"database_unavailable"}\n\n`;
}

/** The database is back and every event missed meanwhile has been sent. */
export const RESUMED_FRAME = 'event: resumed\ndata: {}\n\n';

interface Subscriber {
  filter: ScopeFilter;
  send: (event: StreamEvent) => void;
  onClose?: () => void;
  onNotice?: (frame: string) => void;
}

export async function createEventHub(db: Database, options: Partial<EventHubSettings> & { log?: HubLogger } = {}): Promise<EventHub> {
  const settings: EventHubSettings = { ...DEFAULT_HUB_SETTINGS };
  for (const key of Object.keys(settings) as (keyof EventHubSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, got ${value}`);
    settings[key] = value;
  }
  const log: HubLogger = options.log ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  const repo = createEventLogRepository(db);
  const subscribers = new Set<Subscriber>();
  let position = 0;
  let closed = false;
  // Until the starting position is known, notifications are only noted.
  let ready = false;
  let again = false;
  let pumping: Promise<void> | null = null;
  // Subscribers were told `reconnecting` and await `resumed`.
  let outage = false;
  // Consecutive failed reads of the event log: only the first is logged in full.
  let failures = 0;

  const fanOut = (event: StreamEvent) => {
    for (const sub of subscribers) {
      if (!prefixesMatch(sub.filter, event.prefix)) continue;
      try {
        sub.send(event);
      } catch (err) {
        log.error({ err }, 'event subscriber failed');
      }
    }
  };

  const notice = (frame: string) => {
    for (const sub of subscribers) {
      try {
        sub.onNotice?.(frame);
      } catch (err) {
        log.error({ err }, 'event subscriber failed');
      }
    }
  };

  async function catchUp(): Promise<void> {
    for (;;) {
      const rows = await repo.after(position, null, BATCH);
      for (const row of rows) {
        if (closed) return;
        // Fan-out and the position move together, synchronously: a
        // subscriber added between two events gets exactly those after it.
        fanOut(formatEvent(row));
        position = row.id;
      }
      if (rows.length < BATCH) return;
    }
  }

  /** Schedules a catch-up; calls while one runs fold into one more round. */
  function wake(payload: string | null) {
    if (closed) return;
    // A notification for an event already read in an earlier batch needs no query.
    if (payload !== null && /^\d+$/.test(payload) && Number(payload) <= position) return;
    if (payload === null) log.info({}, 'event listener reconnected; catching up from the event log');
    again = true;
    if (pumping || !ready) return;
    pumping = (async () => {
      while (again && !closed) {
        again = false;
        try {
          await catchUp();
          if (failures > 0) log.info({ failedReads: failures }, 'reading the event log works again');
          failures = 0;
          if (outage && db.availability.available) {
            outage = false;
            log.info({}, 'database available again; live events caught up');
            notice(RESUMED_FRAME);
          }
        } catch (err) {
          if (closed) return;
          if (failures++ === 0) {
            if (isDatabaseUnavailable(err))
              log.warn({ reason: (err as Error).message }, 'reading the event log failed: database unavailable; retrying every second');
            else log.error({ err }, 'reading the event log failed; retrying');
          }
          await new Promise((r) => setTimeout(r, RETRY_MS).unref());
          again = true;
        }
      }
    })().finally(() => {
      pumping = null;
    });
  }

  // Listen first, then read the position: an event committed in between is
  // either below the position (older than every subscriber) or notified.
  const unlisten = await db.listen(EVENT_CHANNEL, wake);
  try {
    position = (await repo.position()).newest;
  } catch (err) {
    await unlisten().catch(() => undefined);
    throw err;
  }
  ready = true;
  if (again) wake('');

  // A database outage pauses the stream rather than ending it: subscribers
  // are told, and when the database answers again the hub reads everything
  // they missed from the event log, then says `resumed`.
  const stopWatching = db.availability.onChange((available) => {
    if (closed) return;
    if (available) return wake('');
    if (outage) return;
    outage = true;
    log.warn({ subscribers: subscribers.size }, 'database unavailable: live events paused until it is back');
    notice(reconnectingFrame(settings.retryMs));
  });

  const disconnectAll = () => {
    const all = [...subscribers];
    subscribers.clear();
    for (const sub of all) sub.onClose?.();
  };

  return {
    settings,
    get position() {
      return position;
    },
    get subscriberCount() {
      return subscribers.size;
    },
    subscribe(filter, send, onClose, onNotice) {
      if (closed) {
        onClose?.();
        return () => undefined;
      }
      const sub: Subscriber = { filter, send, onClose, onNotice };
      if (outage) onNotice?.(reconnectingFrame(settings.retryMs));
      subscribers.add(sub);
      return () => void subscribers.delete(sub);
    },
    async replay(afterId, filter, limit = settings.replayLimit) {
      const { newest, prunedThrough } = await repo.position();
      // Below the pruned mark: events are gone. Above anything ever written:
      // an id from another database. Neither can be replayed faithfully.
      if (afterId < prunedThrough || afterId > Math.max(newest, prunedThrough, position)) return { reset: true };
      const rows = await repo.after(afterId, filter, limit + 1);
      if (rows.length > limit) return { reset: true };
      return { events: rows.map(formatEvent) };
    },
    disconnectAll,
    async close() {
      if (closed) return;
      closed = true;
      stopWatching();
      disconnectAll();
      await unlisten().catch((err: unknown) => log.error({ err }, 'stopping the event listener failed'));
      await pumping;
    },
  };
}
