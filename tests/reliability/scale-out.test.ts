import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.js';
import type { Database, Queryable } from '../../server/db/database.js';
import type { Session } from '../helpers/identity.js';
import { openSse, payloadOf } from '../helpers/sse-client.js';
import type { TestDatabase } from '../helpers/test-database.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * Beyond one machine (issue 17), on real PostgreSQL: two API processes (two
 * apps with their own pools and listeners) over one primary share sessions
 * and the live stream; figures read through a streaming replica
 * (DATABASE_READ_URL) while writes stay on the primary; a deadlock is retried
 * by the transaction and both sides commit, an Idempotency-Key write included.
 * A read the replica cancels for a replay conflict is tried again (then 503
 * replica_conflict), never a write; /api/health reports the replica.
 * The replica cases need TEST_DATABASE_READ_URL (.ci/run sets up cluster
 * 15/replica); each is skipped with a note when it is missing.
 */
const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);
const WITH_REPLICA = ON_POSTGRES && Boolean(process.env.TEST_DATABASE_READ_URL);

/** What the cases use, loaded only when they run: skipped on PGlite, the file costs no import of the app. */
const load = async () => ({
  ...(await import('../../server/app.js')),
  ...(await import('../../server/db/open-database.js')),
  ...(await import('../../server/db/pg-database.js')),
  ...(await import('../../server/repositories/repositories.js')),
  ...(await import('../../server/services/idempotency.js')),
  ...(await import('../../server/db/replica-conflicts.js')),
  ...(await import('../../server/repositories/replica-repository.js')),
  ...(await import('../../server/services/replica-probe.js')),
  ...(await import('../helpers/identity.js')),
  ...(await import('../helpers/seeded-app.js')),
  ...(await import('../helpers/test-database.js')),
});
let lib: Awaited<ReturnType<typeof load>>;
const json = (res: { body: string }) => JSON.parse(res.body);

if (!ON_POSTGRES) console.log('[scale-out tests] skipped: they need real PostgreSQL; set TEST_DATABASE_URL to run them');
else if (!WITH_REPLICA) console.log('[scale-out tests] read-replica case skipped: set TEST_DATABASE_READ_URL to a streaming replica');

describe.skipIf(!ON_POSTGRES)('several API processes, a read replica and deadlock retries on PostgreSQL', () => {
  let t: TestDatabase;
  let secondDb: Database;
  let replica: Database | undefined;
  let lostReplica: Database;
  let replicaUrl: string | undefined;
  let a: App;
  let b: App;
  let bUrl: string;
  let location: [number, number];
  const as: Record<'worker' | 'commander', Session | undefined> = { worker: undefined, commander: undefined };

  beforeAll(async () => {
    lib = await load();
    const { buildApp, createSeededDatabase, createUser, login, openPostgres, openReadDatabase, pickPlaces, pointInGrid, replicaUrlOf, SMALL_CITY } = lib;
    t = await createSeededDatabase(SMALL_CITY);
    secondDb = await openPostgres({ connectionString: t.url!, poolSize: 4, statementTimeoutMs: 60_000 });
    if (WITH_REPLICA) {
      replicaUrl = await replicaUrlOf(t.url!);
      // As `serve` opens it: read-only sessions that retry replay conflicts.
      replica = await openReadDatabase({ databaseReadUrl: replicaUrl, dbPoolSize: 2, statementTimeoutMs: 60_000 });
    }
    // A geometry revision read is trusted for ten minutes: only the notification of a change can tell A's tiles it moved.
    const options = { auth: { anonymousRead: false }, workflow: { sweepEveryMs: 0 }, tileRevisionMaxAgeMs: 600_000 };
    // Process A reads its figures from the replica (when there is one, else from the primary). B's read pool has
    // lost its server: closed, as a replica that went away leaves it (a pool refuses statements after end() with
    // the error of a lost server). What B is asked in the first case needs only the primary.
    lostReplica = await openPostgres({ connectionString: replicaUrl ?? t.url!, poolSize: 1, statementTimeoutMs: 60_000 });
    await lostReplica.close();
    a = await buildApp({ db: t.db, readDb: replica, ...options });
    b = await buildApp({ db: secondDb, readDb: lostReplica, ...options });
    bUrl = await b.listen({ port: 0, host: '127.0.0.1' });
    const places = await pickPlaces(t.db);
    location = await pointInGrid(t.db, places.grid);
    await createUser(t.db, { username: 'so-worker', role: 'grid_worker', scope: places.grid });
    await createUser(t.db, { username: 'so-commander', role: 'commander' });
    as.worker = await login(a, 'so-worker');
    as.commander = await login(a, 'so-commander');
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await replica?.close();
    await secondDb?.close();
    await t?.dispose();
  });

  const report = (app: App, description: string) =>
    app.inject({ method: 'POST', url: '/api/incidents', headers: as.worker!.write, payload: { category: 'uncollected_garbage', description, location } });
  const count = async (db: Queryable) => (await db.query<{ n: number }>('SELECT count(*)::int n FROM incident'))[0]!.n;

  it('shares sign-ins and the live stream between two processes over one database', async () => {
    // Signed in on A; B knows the session (its cookie and CSRF token) from the database alone.
    const me = await b.inject({ method: 'GET', url: '/api/auth/me', headers: as.commander!.read });
    expect(me.statusCode, me.body).toBe(200);
    expect(json(me).principal).toMatchObject({ kind: 'user', display_name: 'so-commander', role: 'commander' });
    expect(json(me).csrf_token).toBe(as.commander!.csrf);
    const stream = await openSse(`${bUrl}/api/stream`, as.commander!.read);
    try {
      await stream.waitFor((s) => s.lastEventId !== '', 20_000, 'the stream to say where it starts');
      // Reported through A: B's subscriber hears of it through LISTEN/NOTIFY.
      const viaA = await report(a, 'scale-out: through A');
      expect(viaA.statusCode, viaA.body).toBe(201);
      const code = json(viaA).incident.properties.code as string;
      const heard = (s: typeof stream) =>
        s.messages.map((m) => (m.data ? payloadOf(m) : undefined)).find((p) => (p?.incident as { code?: string } | undefined)?.code === code);
      await stream.waitFor((s) => heard(s) !== undefined, 20_000, `B's stream to carry ${code}`);
      expect(heard(stream)!.type).toBe('incident.created');
      // And a write through B with the session made on A.
      const viaB = await report(b, 'scale-out: through B');
      expect(viaB.statusCode, viaB.body).toBe(201);
      const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int n FROM incident WHERE description LIKE 'scale-out: through %'");
      expect(row!.n).toBe(2);
    } finally {
      stream.close();
    }
  });

  it.skipIf(!WITH_REPLICA)('reads figures through the replica and writes through the primary', async () => {
    const readPool = await a.readDb.query<{ recovery: boolean; app: string }>("SELECT pg_is_in_recovery() recovery, current_setting('application_name') app");
    expect(readPool).toEqual([{ recovery: true, app: lib.READ_POOL_APPLICATION_NAME }]);
    await lib.waitForReplay(t.url!, replicaUrl!);
    const summary = async () => {
      const res = await a.inject({ method: 'GET', url: '/api/stats/summary', headers: as.commander!.read });
      expect(res.statusCode, res.body).toBe(200);
      return { reported: json(res).reported as number, position: Number(res.headers['event-position']) };
    };
    const before = await summary();
    const admin = new pg.Client({ connectionString: replicaUrl });
    await admin.connect();
    let paused = false;
    try {
      // Replay held: the replica stands still while the primary moves on, so a figure that still shows the
      // old count came from the replica, and a write that succeeds went to the primary.
      await admin.query('SELECT pg_wal_replay_pause()');
      paused = true;
      await waitUntil(async () => (await admin.query("SELECT pg_get_wal_replay_pause_state() = 'paused' p")).rows[0].p, 'the replica to pause its replay');
      const written = await report(a, 'scale-out: while the replica waits');
      expect(written.statusCode, written.body).toBe(201);
      const code = json(written).incident.properties.code as string;
      // Reading its own write goes to the primary: the incident is there at once.
      const detail = await a.inject({ method: 'GET', url: `/api/incidents/${code}`, headers: as.commander!.read });
      expect(detail.statusCode, detail.body).toBe(200);
      expect(await count(t.db)).toBe((await count(replica!)) + 1);
      const stale = await summary();
      expect(stale.reported).toBe(before.reported);
      const [newest] = await t.db.query<{ id: number }>('SELECT max(id)::int id FROM event_log');
      expect(stale.position, 'the event position is the replica’s, read beside its counts').toBeLessThan(newest!.id);
      await admin.query('SELECT pg_wal_replay_resume()');
      paused = false;
      await lib.waitForReplay(t.url!, replicaUrl!);
      const caughtUp = await summary();
      expect(caughtUp.reported).toBe(before.reported + 1);
      expect(caughtUp.position).toBe(newest!.id);
      expect(await count(replica!)).toBe(await count(t.db));
    } finally {
      if (paused) await admin.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await admin.end();
    }
  });

  it.skipIf(!WITH_REPLICA)('serves tiles of what its replica holds, and of a boundary change made by the other process once replayed', async () => {
    const z = 13;
    const n = 2 ** z;
    const [lon, lat] = location;
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
    const url = `/tiles/grids/${z}/${Math.floor(((lon + 180) / 360) * n)}/${y}.mvt`;
    /** The geometry revision A's tile was built from, as its ETag says ("g<revision>-<hash>"). */
    const tileRevision = async () => {
      const res = await a.inject({ method: 'GET', url, headers: as.commander!.read });
      expect(res.statusCode, res.body).toBe(200);
      return Number(/^"g(\d+)-/.exec(String(res.headers.etag))?.[1]);
    };
    const primaryRevision = async () => (await t.db.query<{ r: number }>('SELECT revision::int r FROM geometry_revision'))[0]!.r;
    await lib.waitForReplay(t.url!, replicaUrl!);
    expect(await tileRevision()).toBe(await primaryRevision());
    const admin = new pg.Client({ connectionString: replicaUrl });
    await admin.connect();
    let paused = false;
    const grid = (await t.db.query<{ code: string }>('SELECT code FROM grid ORDER BY code LIMIT 1'))[0]!.code;
    try {
      await admin.query('SELECT pg_wal_replay_pause()');
      paused = true;
      await waitUntil(async () => (await admin.query("SELECT pg_get_wal_replay_pause_state() = 'paused' p")).rows[0].p, 'the replica to pause its replay');
      const before = await primaryRevision();
      // Through B's database, as a publish in the other process: the primary moves on and notifies A.
      await secondDb.query('UPDATE grid_all SET population = population + 3 WHERE code = $1 AND retired_at IS NULL', [grid]);
      const after = await primaryRevision();
      expect(after).toBeGreaterThan(before);
      // A hears of the new revision but its replica still holds the old rows: its tiles stay those of the old revision.
      expect(await tileRevision()).toBe(before);
      expect(await tileRevision()).toBe(before);
      await admin.query('SELECT pg_wal_replay_resume()');
      paused = false;
      await lib.waitForReplay(t.url!, replicaUrl!);
      // Replayed: the next tiles are of the new revision, told by the notification (a read is trusted for ten minutes here).
      await waitUntil(async () => (await tileRevision()) === after, 'A to serve the tile of the new revision');
    } finally {
      if (paused) await admin.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await admin.end();
      await t.db.query('UPDATE grid_all SET population = population - 3 WHERE code = $1 AND retired_at IS NULL', [grid]);
    }
  });

  it('answers 503 for the reads a lost replica would serve, and keeps writing and signing in on the primary', async () => {
    for (const url of ['/api/stats/summary', '/api/map/grid-metrics', '/tiles/incidents/14/13400/6850.mvt']) {
      const res = await b.inject({ method: 'GET', url, headers: as.commander!.read });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(json(res).error.code).toBe('database_unavailable');
    }
    const me = await b.inject({ method: 'GET', url: '/api/auth/me', headers: as.commander!.read });
    expect(me.statusCode, me.body).toBe(200);
    const written = await report(b, 'scale-out: replica lost');
    expect(written.statusCode, written.body).toBe(201);
    // The primary's own state is untouched: B's live stream does not report the database down.
    expect(secondDb.availability.available).toBe(true);
  });

  it('retries the loser of a deadlock: both transactions commit, and an Idempotency-Key write stays once', async () => {
    await t.db.exec('CREATE TABLE deadlock_probe (id int PRIMARY KEY, n int NOT NULL); INSERT INTO deadlock_probe VALUES (1, 0), (2, 0);');
    const [user] = await t.db.query<{ id: number }>("SELECT id FROM app_user WHERE username = 'so-worker'");
    const who = {
      principal: {
        kind: 'user' as const,
        id: user!.id,
        actor: 'user:so-worker',
        role: 'grid_worker' as const,
        scope: null,
        unit: null,
        userId: user!.id,
        displayName: 'so-worker',
      },
      clientIp: null,
    };
    const deps = { db: t.db, repos: lib.createRepositories(t.db), clock: () => new Date() };
    const keyed = { key: 'deadlock-probe-1', route: 'test deadlock', requestHash: lib.hashRequest({ probe: 1 }) };
    const bump = (tx: Queryable, id: number) => tx.query('UPDATE deadlock_probe SET n = n + 1 WHERE id = $1', [id]);
    const pidOf = async (tx: Queryable) => (await tx.query<{ pid: number }>('SELECT pg_backend_pid() pid'))[0]!.pid;
    const waitingForLock = async (pid: number) =>
      (await secondDb.query<{ n: number }>('SELECT count(*)::int n FROM pg_locks WHERE pid = $1 AND NOT granted', [pid]))[0]!.n > 0;

    // P takes row 1, W takes row 2, P waits for row 2, then W asks for row 1 and closes the cycle. W checks
    // for deadlock after 20 ms and P only after 60 s, so W is the one PostgreSQL rolls back, every time.
    let pAttempts = 0;
    let wAttempts = 0;
    let pPid = 0;
    let releaseW!: () => void;
    const pHoldsRow1 = new Promise<void>((resolve) => (releaseW = resolve));
    let releaseP!: () => void;
    const wHoldsRow2 = new Promise<void>((resolve) => (releaseP = resolve));
    const plain = t.db.transaction(async (tx) => {
      pAttempts++;
      await tx.exec("SET LOCAL deadlock_timeout = '60s'");
      await bump(tx, 1);
      pPid = await pidOf(tx);
      releaseW();
      await wHoldsRow2;
      await bump(tx, 2);
    });
    const keyedWrite = lib.writeOnce(deps, who, keyed, async (tx) => {
      wAttempts++;
      await tx.exec("SET LOCAL deadlock_timeout = '20ms'");
      if (wAttempts === 1) {
        await pHoldsRow1;
        await bump(tx, 2);
        releaseP();
        await waitUntil(() => waitingForLock(pPid), 'the first transaction to wait for row 2');
      }
      await bump(tx, 1);
      await bump(tx, 2);
      return { status: 201, body: JSON.stringify({ attempt: wAttempts }) };
    });
    // Either side failing must not leave the other waiting for it (and the test hanging on its open transaction).
    plain.catch(() => releaseW());
    keyedWrite.catch(() => releaseP());
    const [, answer] = await Promise.all([plain, keyedWrite]);
    expect([pAttempts, wAttempts]).toEqual([1, 2]);
    expect(answer).toEqual({ status: 201, body: '{"attempt":2}', replayed: false });
    // P once (+1 each), W's second run once (+1 each): the rolled-back first run left nothing.
    expect(await t.db.query('SELECT id, n FROM deadlock_probe ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
    expect(await t.db.query('SELECT status_code, response FROM idempotency_key WHERE user_id = $1 AND key = $2', [user!.id, keyed.key])).toEqual([
      { status_code: 201, response: '{"attempt":2}' },
    ]);
    // The key answers a repeat with the stored answer, without running the write again.
    const again = await lib.writeOnce(deps, who, keyed, async () => {
      throw new Error('a repeated key must not write again');
    });
    expect(again).toEqual({ status: 201, body: '{"attempt":2}', replayed: true });
  });

  /**
   * Makes a statement fail as a hot standby fails a read that replay cancels (SQLSTATE 40001), once per
   * open gate: a gate is a session of the test holding an advisory lock (classid `gate`). A statement that
   * finds one ends that session (waiting until it is gone) and fails; one that finds none passes. Counting
   * cannot be written anywhere on a standby, and the pool drops the session of a failed statement, taking its
   * own locks with it, so the count lives in the test's sessions. Gate 0: fails every time.
   */
  const CONFLICT_GATE = `CREATE OR REPLACE FUNCTION replay_conflict_gate(gate int) RETURNS boolean LANGUAGE plpgsql AS $$
    DECLARE holder int;
    BEGIN
      SELECT pid INTO holder FROM pg_locks
       WHERE locktype = 'advisory' AND classid = gate::oid AND objsubid = 2 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       LIMIT 1;
      IF gate = 0 OR holder IS NOT NULL THEN
        IF holder IS NOT NULL THEN PERFORM pg_terminate_backend(holder, 30000); END IF;
        RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = 'canceling statement due to conflict with recovery';
      END IF;
      RETURN true;
    END $$`;
  /** `n` sessions on the server at `url`, each holding one lock of gate `gate`. */
  const openGates = async (url: string, gate: number, n: number) => {
    const sessions = Array.from({ length: n }, () => new pg.Client({ connectionString: url }));
    await Promise.all(
      sessions.map(async (session, i) => {
        // Ended by the statement that meets it: an error event nobody else handles.
        session.on('error', () => undefined);
        await session.connect();
        await session.query('SELECT pg_advisory_lock($1, $2)', [gate, i + 1]);
      }),
    );
    return { close: () => Promise.all(sessions.map((session) => session.end().catch(() => undefined))) };
  };
  /** Gates `gate` still open on the server `db` talks to. */
  const gatesLeft = async (db: Queryable, gate: number) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objsubid = 2 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [gate],
      )
    )[0]!.n;

  it.skipIf(!WITH_REPLICA)('retries a read the replica cancels for a replay conflict, and answers 503 replica_conflict when it persists', async () => {
    const original = readFileSync(new URL('../../migrations/013_incident_is_open.sql', import.meta.url), 'utf8').replace(
      'CREATE FUNCTION',
      'CREATE OR REPLACE FUNCTION',
    );
    // The one definition of "open" (migrations/013), which the summary's counts call, made to meet the conflicts.
    const openThroughGate = (gate: number) => `CREATE OR REPLACE FUNCTION incident_is_open(status text) RETURNS boolean
      LANGUAGE plpgsql AS $$ BEGIN RETURN replay_conflict_gate(${gate}) AND status NOT IN ('closed', 'rejected', 'duplicate'); END $$`;
    const summary = (lang = 'en') => a.inject({ method: 'GET', url: '/api/stats/summary', headers: { ...as.commander!.read, 'accept-language': lang } });
    await t.db.exec(CONFLICT_GATE);
    await lib.waitForReplay(t.url!, replicaUrl!);
    const gates = await Promise.all([openGates(replicaUrl!, 1, lib.REPLICA_READ_ATTEMPTS + 1), openGates(replicaUrl!, 2, 1)]);
    try {
      // One statement through the read pool: tried REPLICA_READ_ATTEMPTS times, then given up.
      await expect(a.readDb.query('SELECT replay_conflict_gate(1)')).rejects.toBeInstanceOf(lib.ReplicaConflictError);
      expect(await gatesLeft(replica!, 1)).toBe(1);

      // Cancelled, then passed on the next try: the figures as SQL on the primary counts them.
      await t.db.exec(openThroughGate(2));
      await lib.waitForReplay(t.url!, replicaUrl!);
      const [expected] = await t.db.query<{ reported: number; open: number }>(
        "SELECT count(*)::int reported, (count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate')))::int open FROM incident",
      );
      const cleared = await summary();
      expect(cleared.statusCode, cleared.body).toBe(200);
      expect({ reported: json(cleared).reported, open: json(cleared).open }).toEqual(expected);
      expect(await gatesLeft(replica!, 2), 'the summary met the conflict').toBe(0);

      // Cancelled every time: 503 in the one error shape, with Retry-After.
      await t.db.exec(openThroughGate(0));
      await lib.waitForReplay(t.url!, replicaUrl!);
      for (const [lang, message] of [
        ['en', 'the read replica cancelled this read while applying the latest changes; try again shortly'],
        ['zh', '只读副本正在同步最新数据，取消了本次查询，请稍后重试'],
      ] as const) {
        const res = await summary(lang);
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toBe('3');
        expect(json(res)).toEqual({ error: { code: 'replica_conflict', message } });
      }
    } finally {
      await t.db.exec(original);
      await Promise.all(gates.map((g) => g.close()));
    }
    await lib.waitForReplay(t.url!, replicaUrl!);
    expect((await summary()).statusCode).toBe(200);
  });

  it('never retries a write: the read pool cannot write, and the primary runs a statement that meets a conflict once', async () => {
    await t.db.exec(CONFLICT_GATE);
    // A read pool pointed at the primary: its sessions refuse writes whatever the server, so none can be repeated.
    const readOnPrimary = (await lib.openReadDatabase({ databaseReadUrl: t.url!, dbPoolSize: 1, statementTimeoutMs: 60_000 }))!;
    const gates = await Promise.all([openGates(t.url!, 3, 1), openGates(t.url!, 4, 2)]);
    try {
      const before = await count(t.db);
      await expect(readOnPrimary.query('DELETE FROM incident WHERE id = (SELECT min(id) FROM incident)')).rejects.toMatchObject({ code: '25006' });
      expect(await count(t.db)).toBe(before);
      // Its reads are tried again there too ...
      expect(await readOnPrimary.query('SELECT replay_conflict_gate(3) ok')).toEqual([{ ok: true }]);
      expect(await gatesLeft(t.db, 3)).toBe(0);
      // ... while the primary's pool (writes, and the reads that must see them) runs a statement once and passes its error on.
      await expect(t.db.query('SELECT replay_conflict_gate(4)')).rejects.toMatchObject({ code: '40001' });
      expect(await gatesLeft(t.db, 4)).toBe(1);
    } finally {
      await readOnPrimary.close();
      await Promise.all(gates.map((g) => g.close()));
    }
  });

  it('reports the read replica in /api/health: its replay state, or "degraded" with 200 while only the replica is lost', async () => {
    const lost = await b.inject({ method: 'GET', url: '/api/health' });
    expect(lost.statusCode, lost.body).toBe(200);
    expect(json(lost)).toMatchObject({ status: 'degraded', database: { reachable: true, backend: 'postgres' }, replica: { reachable: false } });
    expect(Object.keys(json(lost).replica).sort()).toEqual(['checked_at', 'reachable']);
    if (!WITH_REPLICA) return;
    const res = await a.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode, res.body).toBe(200);
    const { status, replica: state } = json(res);
    expect(status).toBe('ok');
    expect(state).toMatchObject({ reachable: true, in_recovery: true });
    expect(state.replay_pending_bytes).toBeGreaterThanOrEqual(0);
    expect(state.seconds_since_last_replay === null || state.seconds_since_last_replay >= 0, String(state.seconds_since_last_replay)).toBe(true);
    const url = new URL(replicaUrl!);
    for (const secret of [url.password, url.username, url.host]) expect(res.body).not.toContain(secret);
  });

  it('asks the replica for health at most once per cache period, and gives up waiting on it quickly', async () => {
    // One connection, kept busy: the probe's statement waits behind it, as it would for a replica that stopped answering.
    const busy = (await lib.openReadDatabase({ databaseReadUrl: t.url!, dbPoolSize: 1, statementTimeoutMs: 60_000 }))!;
    const states = lib.createReplicaRepository(busy);
    let asked = 0;
    let clock = 0;
    const probe = lib.createReplicaProbe(
      () => {
        asked++;
        return states.state();
      },
      { cacheMs: 5_000, timeoutMs: 200, now: () => clock },
    );
    try {
      expect(await probe.status()).toMatchObject({ reachable: true, in_recovery: false, checked_at: new Date(0).toISOString() });
      clock += 4_999;
      expect((await probe.status()).checked_at).toBe(new Date(0).toISOString());
      expect(asked).toBe(1);
      // Its outcome is taken at once: the cancel below can reject it before the test gets to look (an unhandled rejection).
      const sleeping = busy.query('SELECT pg_sleep(60)').then(
        () => new Error('pg_sleep(60) was not cancelled'),
        (err: unknown) => err,
      );
      const sleepRuns = async () =>
        (await t.db.query<{ n: number }>("SELECT count(*)::int n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'"))[0]!.n === 1;
      await waitUntil(sleepRuns, 'the busy statement to run');
      clock += 5_000;
      expect(await probe.status()).toMatchObject({ reachable: false });
      // The statement still waiting is not asked again.
      clock += 5_000;
      expect(await probe.status()).toMatchObject({ reachable: false });
      expect(asked).toBe(2);
      await t.db.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND datname = current_database()");
      expect(await sleeping).toMatchObject({ code: '57014' });
      await waitUntil(async () => {
        clock += 5_000;
        return (await probe.status()).reachable;
      }, 'the probe to reach the database again');
    } finally {
      await busy.close();
    }
  });
});
