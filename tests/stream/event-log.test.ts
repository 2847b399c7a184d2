import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { createEventLogRepository, recordEvent } from '../../server/repositories/event-log-repository.js';
import { payloadOf } from '../helpers/sse-client.js';
import { startStreamApp, writeEvent, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { waitUntil } from '../helpers/wait-until.js';

const GRID = '430202001001001';
/** Transactions of this database waiting for the event lock (event-lock.sql's key, 74201108). */
const eventLockWaiters = async () =>
  (
    await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = 74201108
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )
  )[0]!.n;

let t: TestDatabase;
let s: StreamApp;

beforeAll(async () => {
  t = await createTestDatabase();
  s = await startStreamApp(t.db);
});

afterAll(async () => {
  await s?.close();
  await t?.dispose();
});

describe(`event log on ${BACKEND}`, () => {
  it('refuses events outside the vocabulary, in code and in the table', async () => {
    const record = (event: object) => t.db.transaction((tx) => recordEvent(tx, event as Parameters<typeof recordEvent>[1]));
    await expect(record({ type: 'incident.deleted', scope: GRID, payload: {} })).rejects.toThrow(/unknown event type/);
    await expect(record({ type: 'incident.created', scope: '4302', payload: {} })).rejects.toThrow(/not a region or grid code/);
    await expect(record({ type: 'incident.created', scope: GRID, payload: [1] })).rejects.toThrow(/payload must be an object/);
    await expect(t.db.query("INSERT INTO event_log (type, scope, payload) VALUES ('incident.deleted', $1, '{}')", [GRID])).rejects.toThrow(/check/i);
    await expect(t.db.query("INSERT INTO event_log (type, scope, payload) VALUES ('incident.created', 'x', '{}')")).rejects.toThrow(/check/i);
    await expect(t.db.query("INSERT INTO event_log (type, scope, payload) VALUES ('incident.created', $1, '[]')", [GRID])).rejects.toThrow(/check/i);
  });

  it('delivers events in commit order when writers overlap, skipping none', async () => {
    const stream = await s.connect();
    await stream.waitFor((x) => x.lastEventId !== '');
    // A records its event and then takes its time to commit; B records one
    // meanwhile. Ids must still become visible in order, or the hub would
    // move past B's id and never deliver A's.
    let releaseA!: () => void;
    const aMayCommit = new Promise<void>((r) => (releaseA = r));
    let aRecorded!: () => void;
    const aHasRecorded = new Promise<void>((r) => (aRecorded = r));
    const a = t.db.transaction(async (tx) => {
      const id = await recordEvent(tx, { type: 'incident.created', scope: GRID, payload: { who: 'A' } });
      aRecorded();
      await aMayCommit;
      return id;
    });
    await aHasRecorded;
    const b = writeEvent(t.db, 'incident.created', GRID, { who: 'B' });
    // B must be waiting behind A before A commits. On PostgreSQL it waits for
    // the event lock (event-lock.sql); on PGlite a transaction holds the whole
    // database, so B is queued until A ends and there is nothing to wait for.
    if (BACKEND === 'postgres') await waitUntil(async () => (await eventLockWaiters()) > 0, 'B to wait for the event lock');
    releaseA();
    const [idA, { id: idB }] = await Promise.all([a, b]);
    expect(idB).toBeGreaterThan(idA);
    const got = [payloadOf(await stream.next()), payloadOf(await stream.next())];
    expect(got.map((d) => [d.id, d.who])).toEqual([
      [idA, 'A'],
      [idB, 'B'],
    ]);
    stream.close();
  });

  it('prunes old events on start, and resets a client whose last id was pruned', async () => {
    const repo = createEventLogRepository(t.db);
    const old = await t.db.query<{ id: number }>(
      "INSERT INTO event_log (type, scope, payload, at) SELECT 'incident.created', $1, '{}', now() - interval '40 days' FROM generate_series(1, 3) RETURNING id",
      [GRID],
    );
    const recent = await writeEvent(t.db, 'incident.created', GRID);
    const oldIds = old.map((r) => Number(r.id));

    // A new app instance prunes on start with its retention window.
    const other = await buildApp({ db: t.db, events: { retentionDays: 30 } });
    await other.ready();
    await other.close();
    const left = await t.db.query<{ id: number }>('SELECT id FROM event_log WHERE id = ANY($1::bigint[])', [[...oldIds, recent.id]]);
    expect(left.map((r) => Number(r.id))).toEqual([recent.id]);
    expect((await repo.position()).prunedThrough).toBe(Math.max(...oldIds));
    expect(await repo.prune(30)).toBe(0);

    const behind = await s.connect({ lastEventId: String(oldIds[0]! - 1) });
    expect((await behind.next()).event).toBe('reset');
    behind.close();
    // A client that had seen the last pruned event has missed nothing.
    const upToDate = await s.connect({ lastEventId: String(Math.max(...oldIds)) });
    expect(payloadOf(await upToDate.next()).id).toBe(recent.id);
    upToDate.close();
  });

  it('ends open streams when the app closes, so that closing never hangs', async () => {
    const other = await startStreamApp(t.db);
    const stream = await other.connect();
    await stream.waitFor((x) => x.lastEventId !== '');
    const started = performance.now();
    await other.app.close();
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(other.app.events.subscriberCount).toBe(0);
  });
});
