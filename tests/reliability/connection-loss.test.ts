import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../server/db/database-unavailable.js';
import { until } from '../helpers/report-load.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * What the PostgreSQL backend does when a connection is cut under it, made
 * deterministic by terminating this test's own backends (of its scratch
 * database only) at chosen moments; database-outage.test.ts does the same
 * to a whole server under HTTP load.
 */
describe('which errors mean "database unavailable"', () => {
  const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
  it.each([
    ['admin shutdown (pg_ctl stop -m fast, pg_terminate_backend)', err('terminating connection due to administrator command', '57P01'), true],
    ['crash shutdown (-m immediate)', err('terminating connection because of crash of another server process', '57P02'), true],
    ['starting up', err('the database system is starting up', '57P03'), true],
    ['too many connections', err('sorry, too many clients already', '53300'), true],
    ['connection exception class 08', err('connection failure', '08006'), true],
    ['connection refused', err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
    ['connection reset', err('read ECONNRESET', 'ECONNRESET'), true],
    ['a socket that ended', err('Connection terminated unexpectedly'), true],
    ['pool connect timeout', err('timeout exceeded when trying to connect'), true],
    ['a client broken by an earlier loss', err('Client has encountered a connection error and is not queryable'), true],
    ['refused on every address', new AggregateError([err('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'), true],
    ['a wrapped loss', new Error('while reading grids', { cause: err('Connection terminated unexpectedly') }), true],
    ['a COMMIT that may or may not have happened', new DatabaseUnavailableError(err('Connection terminated unexpectedly'), true), true],
    ['a unique violation', err('duplicate key value violates unique constraint', '23505'), false],
    ['a statement timeout', err('canceling statement due to statement timeout', '57014'), false],
    ['a syntax error', err('syntax error at or near "SELEC"', '42601'), false],
    ['a serialization failure', err('could not serialize access', '40001'), false],
    ['a plain bug', new TypeError('cannot read properties of undefined'), false],
    ['not an error at all', 'Connection terminated', false],
  ])('%s', (_what, error, unavailable) => {
    expect(isDatabaseUnavailable(error)).toBe(unavailable);
  });
});

if (BACKEND !== 'postgres') console.log('[connection loss tests] skipped: they cut PostgreSQL connections; set TEST_DATABASE_URL to run them');

describe.skipIf(BACKEND !== 'postgres')('PostgreSQL connections cut under the server', () => {
  let t: TestDatabase;
  let admin: pg.Client;
  // A connection error nobody listens for would surface here (and end a server process).
  const escaped: unknown[] = [];
  const onUncaught = (e: unknown) => void escaped.push(e);

  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
    admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    await t.db.exec('CREATE TABLE probe (n int PRIMARY KEY)');
    process.on('uncaughtException', onUncaught);
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await admin?.end();
    await t?.dispose();
  });

  /** Terminates a backend and waits until it is gone and the server process under test has noticed. */
  const terminate = async (pid: number) => {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0, 10_000, `backend ${pid} to end`);
    await until(() => !t.db.availability.available, 10_000, 'the loss to be noticed');
  };

  it('a connection lost between two statements of a transaction fails that transaction only; the next one works', async () => {
    const cut = t.db.transaction(async (tx) => {
      const [row] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() pid');
      await terminate(row!.pid);
      await tx.query('INSERT INTO probe VALUES (1)');
    });
    await expect(cut).rejects.toSatisfy(isDatabaseUnavailable);
    expect(escaped).toEqual([]);
    await t.db.transaction((tx) => tx.query('INSERT INTO probe VALUES (2)'));
    expect(t.db.availability.available).toBe(true);
    expect(await t.db.query('SELECT n FROM probe ORDER BY n')).toEqual([{ n: 2 }]);
  });

  it('a transaction whose COMMIT cannot be confirmed says so, and is never reported as done', async () => {
    const cut = t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO probe VALUES (3)');
      const [row] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() pid');
      await terminate(row!.pid);
    });
    const error = await cut.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ commitOutcomeUnknown: true });
    expect(escaped).toEqual([]);
    // Here the session died before COMMIT reached the server, so nothing was committed.
    expect(await t.db.query('SELECT n FROM probe WHERE n = 3')).toEqual([]);
  });

  it('every backend of the database terminated again and again under concurrent writers: no escape, no lost acknowledged write, and the listener comes back', async () => {
    const notified: (string | null)[] = [];
    const unlisten = await t.db.listen('probe_channel', (payload) => notified.push(payload));
    const acknowledged: number[] = [];
    const failures: unknown[] = [];
    let next = 100;
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const n = next++;
        try {
          await t.db.transaction(async (tx) => {
            await tx.query('INSERT INTO probe VALUES ($1)', [n]);
            await tx.query('SELECT pg_sleep(0.002)');
            await tx.query(`NOTIFY probe_channel, '${n}'`);
          });
          acknowledged.push(n);
        } catch (e) {
          failures.push(e);
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    for (let round = 0; round < 15; round++) {
      await until(() => acknowledged.length >= round * 5, 30_000, `writes to go on (round ${round})`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    }
    stop = true;
    await Promise.all(writers);

    expect(escaped).toEqual([]);
    expect(failures.filter((e) => !isDatabaseUnavailable(e))).toEqual([]);
    const stored = new Set((await t.db.query<{ n: number }>('SELECT n FROM probe WHERE n >= 100')).map((r) => r.n));
    expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
    // The listening connection was cut too; it reconnects and says so (null:
    // what was sent meanwhile is lost), then hears new notifications. Those
    // sent before its last reconnection are lost by design, so keep sending.
    await until(() => notified.includes(null), 30_000, 'the listener to reconnect');
    await until(
      async () => {
        await t.db.exec(`NOTIFY probe_channel, 'after'`);
        return notified.includes('after');
      },
      30_000,
      'a notification after the cuts',
    );
    await unlisten();
    console.log(
      `[connection loss tests] 15 rounds of pg_terminate_backend: ${acknowledged.length} writes acknowledged and present, ` +
        `${failures.length} failed as unavailable (${failures.filter((e) => e instanceof DatabaseUnavailableError && e.commitOutcomeUnknown).length} with the COMMIT outcome unknown), ` +
        `${stored.size - acknowledged.length} committed without acknowledgement`,
    );
  });
});
