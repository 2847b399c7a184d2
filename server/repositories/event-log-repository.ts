import type { Queryable } from '../db/database.js';
import { EVENT_TYPES, isScopeCode, type EventType, type ScopeFilter } from '../events/event-scope.js';
import { sqlFile } from './sql-file.js';

const EVENT_LOCK = sqlFile('event-lock.sql');
const EVENT_RECORD = sqlFile('event-record.sql');
const EVENT_AFTER = sqlFile('event-after.sql');
const EVENT_PRUNE = sqlFile('event-prune.sql');
const EVENT_POSITION = sqlFile('event-position.sql');

/** The notification channel; its payload is the new event's id. */
export const EVENT_CHANNEL = 'gridscope_events';

export interface NewEvent {
  type: EventType;
  /** Region or grid code the event concerns (see event-scope.ts). */
  scope: string;
  /** Carried to subscribers as is, merged into `{ id, type, at }`: e.g. `{ incident: {...} }`. */
  payload: Record<string, unknown>;
}

export interface EventRow {
  id: number;
  type: EventType;
  at: Date;
  scope: string;
  payload: Record<string, unknown>;
}

/**
 * Records an event inside the caller's transaction: it is inserted, and its
 * notification sent, if and only if that transaction commits. Call it as the
 * last statement of the transaction: it takes a lock that serialises event
 * writers until commit (see event-lock.sql), so time spent after it delays
 * every other writer of events.
 */
export async function recordEvent(tx: Queryable, event: NewEvent): Promise<number> {
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) throw new TypeError(`unknown event type: ${JSON.stringify(event.type)}`);
  if (!isScopeCode(event.scope)) throw new TypeError(`event scope is not a region or grid code: ${JSON.stringify(event.scope)}`);
  if (typeof event.payload !== 'object' || event.payload === null || Array.isArray(event.payload)) throw new TypeError('event payload must be an object');
  await tx.query(EVENT_LOCK);
  const [row] = await tx.query<{ id: number | bigint }>(EVENT_RECORD, [event.type, event.scope, JSON.stringify(event.payload)]);
  return Number(row!.id);
}

export function createEventLogRepository(db: Queryable) {
  return {
    /** Up to `limit` events after `afterId`, oldest first, for a scope filter (null = all). */
    async after(afterId: number, filter: ScopeFilter, limit: number, tx: Queryable = db): Promise<EventRow[]> {
      const rows = await tx.query<EventRow & { id: number | bigint }>(EVENT_AFTER, [afterId, filter, limit]);
      return rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at) }));
    },

    /** The newest id, and the id up to which events have been pruned. */
    async position(tx: Queryable = db): Promise<{ newest: number; prunedThrough: number }> {
      const [row] = await tx.query<{ newest: number | bigint; through_id: number | bigint }>(EVENT_POSITION);
      return { newest: Number(row!.newest), prunedThrough: Number(row!.through_id) };
    },

    /** Deletes events older than `days` days; returns how many went. */
    async prune(days: number, tx: Queryable = db): Promise<number> {
      if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be an integer >= 0, got ${days}`);
      const rows = await tx.query<{ deleted: number }>(EVENT_PRUNE, [days]);
      return rows[0]?.deleted ?? 0;
    },
  };
}

export type EventLogRepository = ReturnType<typeof createEventLogRepository>;
