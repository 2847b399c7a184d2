import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { LISTENER_APPLICATION_NAME } from '../../server/db/pg-listener.js';
import { openPostgres } from '../../server/db/pg-database.js';
import { payloadOf, type SseStream } from '../helpers/sse-client.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startStreamApp, writeEvent, type StreamApp } from '../helpers/stream-app.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Several server processes on one PostgreSQL database each deliver every
 * event, whichever of them wrote it: the notification goes through the
 * database, not through memory. Two apps with their own pools and listeners
 * stand in for two processes.
 */
if (BACKEND !== 'postgres') console.log('[multi-instance stream tests] skipped: they need real PostgreSQL; set TEST_DATABASE_URL to run them');

const GRID = '430202001001001';

describe.skipIf(BACKEND !== 'postgres')('two app instances on one PostgreSQL database', () => {
  let t: TestDatabase;
  let secondDb: Database;
  let one: StreamApp;
  let two: StreamApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    secondDb = await openPostgres({ connectionString: t.url!, poolSize: 4, statementTimeoutMs: 60_000 });
    one = await startStreamApp(t.db);
    two = await startStreamApp(secondDb);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await secondDb?.close();
    await t?.dispose();
  });

  const nextId = async (stream: SseStream, timeoutMs = 20_000) => payloadOf(await stream.next(timeoutMs)).id;

  it('delivers an event written through either instance to subscribers of both', async () => {
    const atOne = await one.connect();
    const atTwo = await two.connect();
    await Promise.all([atOne, atTwo].map((x) => x.waitFor((y) => y.lastEventId !== '')));
    const viaOne = await writeEvent(t.db, 'incident.created', GRID);
    const viaTwo = await writeEvent(secondDb, 'incident.escalated', GRID);
    expect([await nextId(atOne), await nextId(atOne)]).toEqual([viaOne.id, viaTwo.id]);
    expect([await nextId(atTwo), await nextId(atTwo)]).toEqual([viaOne.id, viaTwo.id]);
    atOne.close();
    atTwo.close();
  });

  it('survives the loss of the listening connection and catches up on what it missed', async () => {
    const stream = await one.connect();
    await stream.waitFor((y) => y.lastEventId !== '');
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      // Cut every listener on this database (instance one's and two's), as a
      // server restart or a firewall would, then write while they are down.
      const listeners = async () =>
        (
          await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [
            LISTENER_APPLICATION_NAME,
          ])
        ).rows.map((r) => r.pid);
      const before = await listeners();
      expect(before).toHaveLength(2);
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [before]);
      // Termination is asynchronous: wait until they are gone, then write
      // before the listeners come back (the first retry is after 250 ms).
      while ((await listeners()).some((pid) => before.includes(pid))) await new Promise((r) => setTimeout(r, 5));
      const missed = await writeEvent(secondDb, 'incident.overdue', GRID);
      expect(await listeners(), 'the event must be written while nobody listens').toEqual([]);
      // Reconnection (first attempt after 250 ms) notices the gap by itself.
      expect(await nextId(stream, 5_000)).toBe(missed.id);
      const live = await writeEvent(secondDb, 'incident.created', GRID);
      expect(await nextId(stream)).toBe(live.id);
      // Instance two's listener comes back on its own schedule (its own backoff; slower on a loaded machine): both, in time.
      await waitUntil(async () => (await listeners()).length === 2, 'both listeners back', 20_000);
    } finally {
      await admin.end();
      stream.close();
    }
  });
});
