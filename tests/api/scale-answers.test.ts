/**
 * Answers that must hold as the city grows (issue 17, "smaller things"): a
 * statement timeout is a 503 with a code, compressed geometry is computed
 * once per body, the schema does not depend on the login role's search_path,
 * and the "now" figures read the partial indexes of open rollup rows and overdue incidents.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openDatabase } from '../../server/db/open-database.js';
import { createEncodedBodyCache } from '../../server/routes/encoded-body-cache.js';
import { splitParams, splitWindow } from '../../server/repositories/daily-rollup.js';
import { json, SMALL_CITY } from '../helpers/seeded-app.js';
import { waitUntil } from '../helpers/wait-until.js';
import { adminQuery, BACKEND, createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

let testDb: TestDatabase;
let app: App;
const encodedBodies = createEncodedBodyCache();
/** Closed after the app and before the database, in reverse order of opening. */
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  testDb = await createSeededDatabase(SMALL_CITY);
  app = await buildApp({ db: testDb.db, auth: { anonymousRead: true }, encodedBodies });
  await app.ready();
}, 600_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await app?.close();
  await testDb?.dispose();
});

/** A server over real HTTP on `db`, configured from environment variables as `serve` is. */
async function listening(db: Database): Promise<string> {
  const server = await buildApp({ db, auth: { anonymousRead: true } });
  cleanups.push(() => server.close());
  return server.listen({ port: 0, host: '127.0.0.1' });
}

describe('a statement timeout', () => {
  it.skipIf(BACKEND !== 'postgres')('answers 503 query_timeout with Retry-After over HTTP, in English and Chinese, and the next request passes', async () => {
    // The server's own setting, read as `serve` reads it: 1 s per statement, ample for a one-row read.
    const config = loadConfig({ DATABASE_URL: testDb.url, DB_STATEMENT_TIMEOUT_MS: '1000' });
    const db = await openDatabase(config);
    cleanups.push(() => db.close());
    const base = await listening(db);
    // A lock the request must wait for: the statement runs past its timeout however fast the machine.
    const locker = new pg.Client({ connectionString: testDb.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE region IN ACCESS EXCLUSIVE MODE');
    try {
      for (const [lang, words] of [
        ['en', 'the database took too long to answer'],
        ['zh', '数据库查询超时'],
      ] as const) {
        const res = await fetch(`${base}/api/regions/430202`, { headers: { 'accept-language': lang } });
        expect(res.status, lang).toBe(503);
        expect(res.headers.get('retry-after')).toBe('3');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('query_timeout');
        expect(body.error.message).toContain(words);
      }
    } finally {
      await locker.query('ROLLBACK');
    }
    // The pool's connections survived their cancelled statements (a loaded machine may need a retry).
    await waitUntil(async () => (await fetch(`${base}/api/regions/430202`)).status === 200, 'the region answers again');
  });

  it('answers 503 query_timeout for SQLSTATE 57014 raised inside the database (PGlite has no timer of its own)', async () => {
    // The one definition of "open" (migrations/013) cancels, as a timed-out statement would.
    await testDb.db.exec(`CREATE OR REPLACE FUNCTION incident_is_open(status text) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION USING ERRCODE = 'query_canceled', MESSAGE = 'canceling statement due to statement timeout'; END $$`);
    try {
      const res = await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { 'accept-language': 'zh' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('3');
      expect(json(res).error).toEqual({ code: 'query_timeout', message: '数据库查询超时，请稍后重试，或缩短时间范围、缩小区域' });
    } finally {
      await testDb.db.exec(
        readFileSync(new URL('../../migrations/013_incident_is_open.sql', import.meta.url), 'utf8').replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
      );
    }
    expect((await app.inject({ method: 'GET', url: '/api/stats/summary' })).statusCode).toBe(200);
  });
});

describe('compressed geometry', () => {
  const get = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/api/map/grids', headers });

  it('is compressed once per body and encoding: the same bytes again, which decompress to the plain body', async () => {
    const plain = await get();
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const compressionsBefore = encodedBodies.compressions;
    const first = await get({ 'accept-encoding': 'gzip, deflate, br' });
    const second = await get({ 'accept-encoding': 'br' });
    for (const res of [first, second]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    }
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(brotliDecompressSync(second.rawPayload).toString('utf8')).toBe(plain.body);
    expect(encodedBodies.compressions).toBe(compressionsBefore + 1);
    // Each encoding is a representation of its own, with its own tag.
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(first.headers.etag).not.toBe(plain.headers.etag);

    const gzipped = await get({ 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(plain.body);
    await get({ 'accept-encoding': 'gzip;q=1, br;q=0.5' });
    expect(encodedBodies.compressions).toBe(compressionsBefore + 2);
    const deflated = await get({ 'accept-encoding': 'deflate' });
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(deflated.rawPayload).toString('utf8')).toBe(plain.body);
    await get({ 'accept-encoding': 'deflate' });
    expect(encodedBodies.compressions).toBe(compressionsBefore + 3);
    // Refused codings: the plain text.
    const refused = await get({ 'accept-encoding': 'br;q=0, gzip;q=0, *;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
  });

  it('answers 304 to the tag of the encoding asked for, with Vary and ETag', async () => {
    const first = await get({ 'accept-encoding': 'br' });
    const again = await get({ 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(String(again.headers.vary)).toMatch(/accept-encoding/i);
    // The br tag does not stand for the gzip bytes.
    expect((await get({ 'accept-encoding': 'gzip', 'if-none-match': String(first.headers.etag) })).statusCode).toBe(200);
  });

  it('keeps no more than its byte bound: past it, a body is compressed again', async () => {
    const tiny = createEncodedBodyCache(16);
    const body = 'x'.repeat(10_000);
    const a = await tiny.encoded('tag', 'gzip', body);
    const b = await tiny.encoded('tag', 'gzip', body);
    expect(b).not.toBe(a);
    expect(tiny.compressions).toBe(2);
    expect(tiny.bytes).toBe(0);
    const roomy = createEncodedBodyCache();
    expect(await roomy.encoded('tag', 'gzip', body)).toBe(await roomy.encoded('tag', 'gzip', body));
    expect(roomy.compressions).toBe(1);
  });
});

describe('search_path', () => {
  const tablesIn = async (db: Pick<Database, 'query'>, schema: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1', [schema]))[0]!.n;

  it('migrations and reads ignore a schema named after the login role', async () => {
    if (BACKEND === 'pglite') {
      // PGlite's one role is postgres: a schema of that name is first on the default search_path.
      await testDb.db.exec('CREATE SCHEMA postgres');
      cleanups.push(() => testDb.db.exec('DROP SCHEMA postgres CASCADE'));
      expect(await migrate(testDb.db)).toEqual([]);
      expect(await tablesIn(testDb.db, 'postgres')).toBe(0);
      const res = await app.inject({ method: 'GET', url: '/api/stats/summary' });
      expect(res.statusCode).toBe(200);
      return;
    }
    // A login role with its own schema, allowed to use (not own) the tables in public.
    const role = `gs_role_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    const owner = new pg.Client({ connectionString: testDb.url });
    await owner.connect();
    // Last of all: its schema and grants in this database, then the role (a role that owns anything cannot be dropped).
    cleanups.push(async () => {
      await owner.query(`DROP OWNED BY ${role}`);
      await owner.end();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    });
    await owner.query(`CREATE SCHEMA AUTHORIZATION ${role}`);
    await owner.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    await owner.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
    await owner.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    const url = new URL(testDb.url!);
    url.username = role;
    url.password = password;
    const db = await openDatabase(loadConfig({ DATABASE_URL: url.toString() }));
    // Before the database is dropped (the schema and grants go with it), then the role.
    cleanups.push(() => db.close());
    expect(await migrate(db)).toEqual([]);
    expect(await tablesIn(db, role)).toBe(0);
    const server = await buildApp({ db, auth: { anonymousRead: true } });
    cleanups.push(() => server.close());
    const res = await server.inject({ method: 'GET', url: '/api/stats/summary' });
    expect(res.statusCode, res.body).toBe(200);
    const [expected] = await testDb.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incident WHERE status NOT IN ('closed', 'rejected', 'duplicate')");
    expect(json(res).open).toBe(expected!.n);
  });
});

describe('session settings', () => {
  it('every connection of the pool runs with search_path public and jit off', async () => {
    // As many statements at once as the test pool has connections, so each is asked.
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        testDb.db.query<{ path: string; jit: string }>("SELECT current_setting('search_path') AS path, current_setting('jit') AS jit"),
      ),
    );
    expect(settings.map(([row]) => row)).toEqual(Array.from({ length: 4 }, () => ({ path: 'public', jit: 'off' })));
    const inTransaction = await testDb.db.transaction((tx) => tx.query("SELECT current_setting('jit') AS jit"));
    expect(inTransaction).toEqual([{ jit: 'off' }]);
  });
});

describe('"now" figures', () => {
  it('read the partial indexes of open rollup rows and overdue incidents as the queries are written (plan without sequential scans)', async () => {
    const sql = readFileSync(new URL('../../server/repositories/sql/map-grid-metrics.sql', import.meta.url), 'utf8');
    // Small test city: the planner may prefer a scan, so forbid it and see that the predicate matches.
    const plan = await testDb.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off');
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql.replace(/;\s*$/, '')}`, [
        null,
        ...splitParams(splitWindow(undefined, undefined)),
        null,
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    // Open and urgency from the rollup's rows of open statuses, overdue from the overdue incidents alone (migrations/024).
    expect(plan).toMatch(/Index Only Scan using incident_daily_open_idx/);
    expect(plan).toMatch(/Index Only Scan using incident_due_now_idx/);
  });
});
