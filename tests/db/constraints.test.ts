import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { isDatabaseUnavailable } from '../../server/db/database-unavailable.js';
import { openPGlite, type PGliteDatabase } from '../../server/db/pglite-database.js';
import { startStreamApp, writeEvent } from '../helpers/stream-app.js';
import { BACKEND, createSeededDatabase, type TestDatabase, unpackDataDir } from '../helpers/test-database.js';
import { waitUntil } from '../helpers/wait-until.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createSeededDatabase({ grids: 60, incidents: 100, seed: 5 });
});
afterAll(async () => t?.dispose());

const square = (x: number, y: number, d = 0.001) => `ST_Multi(ST_MakeEnvelope(${x}, ${y}, ${x + d}, ${y + d}, 4326))`;

async function rejects(sql: string, params: unknown[] = []): Promise<string> {
  const err = await t.db.query(sql, params).then(
    () => null,
    (e: Error) => e,
  );
  expect(err, sql).not.toBeNull();
  return (err as Error).message;
}

describe(`database constraints on ${BACKEND}`, () => {
  it('refuses invalid, wrongly typed or wrong-SRID boundaries', async () => {
    const bowtie = "ST_Multi(ST_GeomFromText('POLYGON((113 27, 113.01 27.01, 113.01 27, 113 27.01, 113 27))', 4326))";
    expect(await rejects(`INSERT INTO region (code, level, name, parent_code, boundary) VALUES ('430202998', 'street', 'x', '430202', ${bowtie})`)).toMatch(
      /region_boundary_valid/,
    );
    expect(
      await rejects(
        `INSERT INTO region (code, level, name, parent_code, boundary) VALUES ('430202998', 'street', 'x', '430202', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 3857)))`,
      ),
    ).toMatch(/SRID/i);
    const [community] = await t.db.query<{ code: string }>("SELECT code FROM region WHERE level = 'community' LIMIT 1");
    expect(
      await rejects(
        `INSERT INTO grid (code, name, community_code, boundary) VALUES ($1, 'x', $2, ST_SetSRID(ST_MakeLine(ST_MakePoint(113, 27), ST_MakePoint(113.1, 27.1)), 4326))`,
        [`${community!.code}999`, community!.code],
      ),
    ).toMatch(/grid_boundary_polygonal/);
  });

  it('refuses codes that do not match their level or parent', async () => {
    expect(
      await rejects(`INSERT INTO region (code, level, name, parent_code, boundary) VALUES ('430203998', 'street', 'x', '430202', ${square(113, 27)})`),
    ).toMatch(/region_code_matches_level/);
    expect(
      await rejects(`INSERT INTO region (code, level, name, parent_code, boundary) VALUES ('43020299', 'street', 'x', '430202', ${square(113, 27)})`),
    ).toMatch(/region_code_matches_level/);
    const [community] = await t.db.query<{ code: string }>("SELECT code FROM region WHERE level = 'community' LIMIT 1");
    expect(
      await rejects(`INSERT INTO grid (code, name, community_code, boundary) VALUES ('999999999999001', 'x', $1, ${square(113, 27)})`, [community!.code]),
    ).toMatch(/grid_code_in_community/);
    expect(
      await rejects(`INSERT INTO grid (code, name, community_code, boundary) VALUES ('430202999999001', 'x', '430202999999', ${square(113, 27)})`),
    ).toMatch(/foreign key/i);
  });

  it('assigns an incident to its grid and ancestry from the location, ignoring what the client says', async () => {
    const [grid] = await t.db.query<{ code: string; x: number; y: number }>(
      'SELECT code, ST_X(ST_PointOnSurface(boundary)) x, ST_Y(ST_PointOnSurface(boundary)) y FROM grid ORDER BY code DESC LIMIT 1',
    );
    const [row] = await t.db.query<{ grid_code: string; district_code: string; street_code: string }>(
      `INSERT INTO incident (code, category_code, urgency, location, reported_at, reporter, grid_code, community_code, street_code, district_code)
       VALUES ('SJ20260101999001', 'road_damage', 'red', ST_SetSRID(ST_MakePoint($1, $2), 4326), now(), 'test',
               '430202001001001', '430202001001', '430202001', '430202')
       RETURNING grid_code, district_code, street_code`,
      [grid!.x, grid!.y],
    );
    expect(row!.grid_code).toBe(grid!.code);
    expect(row!.district_code).toBe(grid!.code.slice(0, 6));
    expect(row!.street_code).toBe(grid!.code.slice(0, 9));
  });

  it('puts a point on a shared edge into one grid, the lowest code, every time', async () => {
    const [edge] = await t.db.query<{ a: string; b: string; x: number; y: number }>(
      `SELECT a.code a, b.code b, ST_X(p) x, ST_Y(p) y FROM grid a
         JOIN grid b ON a.code < b.code AND ST_Touches(a.boundary, b.boundary)
         CROSS JOIN LATERAL (SELECT ST_StartPoint(ST_GeometryN(ST_LineMerge(ST_CollectionExtract(ST_Intersection(a.boundary, b.boundary), 2)), 1)) p) s
        WHERE ST_Dimension(ST_Intersection(a.boundary, b.boundary)) = 1
        LIMIT 1`,
    );
    expect(edge).toBeDefined();
    for (let i = 0; i < 2; i++) {
      const [row] = await t.db.query<{ grid_code: string }>(
        `INSERT INTO incident (code, category_code, urgency, location, reported_at, reporter)
         VALUES ($3, 'noise', 'blue', ST_SetSRID(ST_MakePoint($1, $2), 4326), now(), 'test') RETURNING grid_code`,
        [edge!.x, edge!.y, `SJ20260101998${i}01`],
      );
      const [owners] = await t.db.query<{ codes: string[] }>(
        'SELECT array_agg(code ORDER BY code) codes FROM grid WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))',
        [edge!.x, edge!.y],
      );
      expect(owners!.codes.length).toBeGreaterThanOrEqual(2);
      expect(row!.grid_code).toBe(owners!.codes[0]);
    }
  });

  it('refuses a location outside the service area with its own error code', async () => {
    const err = await t.db
      .query(`INSERT INTO incident (code, category_code, urgency, location, reported_at, reporter)
              VALUES ('SJ20260101997001', 'noise', 'blue', ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326), now(), 'test')`)
      .then(
        () => null,
        (e: Error & { code?: string }) => e,
      );
    expect(err?.code).toBe('GS422');
    expect(err?.message).toMatch(/outside the service area/);
  });

  it('keeps closed_at consistent with status', async () => {
    expect(await rejects("UPDATE incident SET status = 'closed', closed_at = NULL WHERE id = (SELECT min(id) FROM incident WHERE status <> 'closed')")).toMatch(
      /incident_closed_at_iff_closed/,
    );
  });
});

describe(`the database layer on ${BACKEND}`, () => {
  it('keeps nothing of a rolled-back transaction, and its error keeps the SQLSTATE and loses the values', async () => {
    const secret = 'scrypt$not-a-real-hash';
    const failed = await t.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('rollback-check', 'x', 'commander', $1)`, [secret]);
        await tx.query(`INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('rollback-check', 'x', 'commander', $1)`, [secret]);
      })
      .then(
        () => null,
        (e: Error & { code?: string; constraint?: string; detail?: string }) => e,
      );
    expect(failed).toBeInstanceOf(Error);
    expect(failed!.code).toBe('23505');
    expect(failed!.constraint).toMatch(/username/);
    expect(JSON.stringify({ ...failed, message: failed!.message })).not.toContain(secret);
    expect(failed!.detail ?? '').not.toContain('rollback-check');
    expect(await t.db.query(`SELECT 1 FROM app_user WHERE username = 'rollback-check'`)).toEqual([]);

    const thrown = await t.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO app_user (username, display_name, role, password_hash) VALUES ('rollback-check', 'x', 'commander', $1)`, [secret]);
        throw new Error('changed my mind');
      })
      .catch((e: Error) => e.message);
    expect(thrown).toBe('changed my mind');
    expect(await t.db.query(`SELECT 1 FROM app_user WHERE username = 'rollback-check'`)).toEqual([]);
  });

  it('returns dates, bytes and counts as it was given them', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const [row] = await t.db.query<{ at: Date; bytes: Uint8Array; n: number; ratio: number }>(
      'SELECT $1::timestamptz at, $2::bytea bytes, count(*) n, 1.25::numeric ratio FROM generate_series(1, 3)',
      [at, new Uint8Array([0, 255, 7])],
    );
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.at.toISOString()).toBe(at.toISOString());
    expect(row!.bytes).toBeInstanceOf(Uint8Array);
    expect([...row!.bytes]).toEqual([0, 255, 7]);
    expect(row).toMatchObject({ n: 3, ratio: 1.25 });
  });

  // PostgreSQL answers health on another pooled connection, always did; the embedded database on its own thread.
  it.skipIf(BACKEND !== 'pglite')('answers /api/health while a long statement runs', async () => {
    const app = await buildApp({ db: t.db });
    try {
      expect((await app.inject('/api/health')).statusCode).toBe(200);
      // Ordering, not timing: a statement long enough to still run when health answers (on PGlite,
      // before the database had its own thread, health waited behind it); longer while it does not.
      let order: string[] = [];
      for (let rows = 250_000; rows <= 16_000_000 && order[0] !== 'health'; rows *= 4) {
        order = [];
        const slow = t.db.query('SELECT count(*) FROM generate_series(1, $1::int)', [rows]).then(() => order.push('slow statement'));
        const health = await app.inject('/api/health');
        order.push('health');
        expect(health.statusCode).toBe(200);
        await slow;
      }
      expect(order).toEqual(['health', 'slow statement']);
    } finally {
      await app.close();
    }
  });

  it.skipIf(BACKEND !== 'pglite')('opens a new thread on its data directory after the thread dies, twice, keeping every acknowledged write', async () => {
    // A copy of this file's city in a data directory: in memory a dead thread takes the data with it, so nothing restarts.
    // Without fsync: pages written before the thread ended are in the files either way; only a power cut needs it.
    const dir = mkdtempSync(join(tmpdir(), 'gs-thread-restart-'));
    await unpackDataDir(dir, await (t.db as PGliteDatabase).dumpDataDir());
    const db = await openPGlite(dir, { fsync: false });
    const stream = await startStreamApp(db);
    try {
      const sse = await stream.connect();
      const health = () => stream.app.inject('/api/health');
      const count = (event: string) => sse.messages.filter((m) => m.event === event).length;
      const seen = (id: number) => sse.messages.some((m) => m.lastEventId === String(id) && m.event !== 'reconnecting');
      for (const round of [1, 2]) {
        const acknowledged = await writeEvent(db, 'incident.created', '430202001001001', { round });
        await sse.waitFor(() => seen(acknowledged.id), 30_000, `event ${acknowledged.id} before the death`);
        // A transaction open when the thread dies is over: nothing of it may run in the next thread.
        let txOpen!: () => void;
        let finishTx!: () => void;
        const opened = new Promise<void>((resolve) => (txOpen = resolve));
        const stale = db
          .transaction(async (tx) => {
            await tx.query('SELECT 1');
            txOpen();
            await new Promise<void>((resolve) => (finishTx = resolve));
            await tx.query("SELECT pg_notify('stale_transaction', 'ran')");
          })
          .then(
            () => null,
            (e: Error) => e,
          );
        await opened;
        const threadId = db.thread.threadId;
        await db.thread.terminate();

        expect(db.availability.available).toBe(false);
        const down = await health();
        expect(down.statusCode).toBe(503);
        expect(down.headers['retry-after']).toBeDefined();
        expect(down.json().database.reachable).toBe(false);
        await sse.waitFor(() => count('reconnecting') === round, 30_000, `reconnecting notice ${round}`);

        // Nothing from the test brings it back.
        await waitUntil(async () => (await health()).statusCode === 200, `health 200 after death ${round}`, 90_000, 50);
        expect(db.thread.threadId).not.toBe(threadId);
        finishTx();
        expect(isDatabaseUnavailable(await stale)).toBe(true);
        const [kept] = await db.query<{ n: number }>('SELECT count(*)::int n FROM event_log WHERE id = $1', [acknowledged.id]);
        expect(kept!.n).toBe(1);
        await sse.waitFor(() => count('resumed') === round, 30_000, `resumed notice ${round}`);
        // Writes work again, and the live stream carries them.
        const after = await writeEvent(db, 'incident.created', '430202001001001', { round, after: true });
        await sse.waitFor(() => seen(after.id), 30_000, `event ${after.id} after restart ${round}`);
      }
    } finally {
      await stream.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(BACKEND !== 'pglite')('answers 503 once the embedded database thread is gone, and fails statements in flight', async () => {
    // Last in the file: it ends this file's database.
    const app = await buildApp({ db: t.db, auth: { anonymousRead: true } });
    try {
      const inFlight = t.db.query('SELECT count(*) FROM generate_series(1, 20000000)').then(
        () => null,
        (e: Error) => e,
      );
      await (t.db as PGliteDatabase).thread.terminate();
      const err = await inFlight;
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(err!.cause).toBeInstanceOf(Error);
      expect((err!.cause as Error).message).toMatch(/embedded database's thread exited/);
      expect(t.db.availability.available).toBe(false);
      const health = await app.inject('/api/health');
      expect(health.statusCode).toBe(503);
      expect(health.json().database.reachable).toBe(false);
      expect((await app.inject('/api/regions')).statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});
