import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { isQueryCanceled } from '../../server/db/database-errors.js';
import { DatabaseUnavailableError, DataDirectoryUnusableError, isDatabaseUnavailable } from '../../server/db/database-unavailable.js';
import { openDatabase } from '../../server/db/open-database.js';
import { openPGlite, type PGliteDatabase, type QueryLogger } from '../../server/db/pglite-database.js';
import { WEDGE_REFUSAL_FACTOR } from '../../server/db/pglite-watchdog.js';
import { MAINTAINED_TABLES, vacuumTables } from '../../server/db/embedded-maintenance.js';
import { BACKEND, createSeededDatabase, type TestDatabase, unpackDataDir } from '../helpers/test-database.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * The embedded database's watchdog (issue 17): a statement wedged in PGlite's
 * thread fails as PostgreSQL's statement_timeout fails it, the thread is
 * ended and opened again on the data directory, and the server answers
 * meanwhile, and the same request is refused at once for a while after; a data
 * directory that stops opening, or takes too long to open, is reported as such.
 */
const skip = BACKEND !== 'pglite' ? 'the watchdog is the embedded database’s (PostgreSQL has statement_timeout)' : undefined;
if (skip) console.log(`[embedded watchdog test] skipped: ${skip}`);

/** The log lines of one database, as pino would get them. */
function collectingLogger() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void =>
      void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  const logger: QueryLogger = { level: 'info', debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** How a rejection came out: the error, or null when the promise resolved. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: Error) => e,
  );

// Ample for the test's own statements on a loaded 2-core machine, short for a test; armed only around the wedges.
const LIMIT_MS = 1000;
// A wedged statement is refused for 5 × the limit here, not the default 10 × (README, "Databases"): 5 s of waiting, not 10,
// still ample for the steps between the new thread opening and the refused repeats on a loaded machine.
const REFUSAL_FACTOR = 5;

describe.skipIf(skip)('the embedded database watchdog', () => {
  let dir: string;
  /** The city in memory, where nothing is ended; its copy in `dir` is `db`. */
  let city: TestDatabase;
  /** The city as a data directory's tarball. */
  let tarball: Blob;
  let db: PGliteDatabase;
  let app: App;
  let base: string;
  const log = collectingLogger();

  beforeAll(async () => {
    // A copy of the constraints tests' city in a data directory: in memory there is no thread to open again.
    dir = mkdtempSync(join(tmpdir(), 'gs-watchdog-'));
    city = await createSeededDatabase({ grids: 60, incidents: 100, seed: 5 });
    tarball = await (city.db as PGliteDatabase).dumpDataDir();
    await unpackDataDir(dir, tarball);
    // Restarts sooner than by default, and the first failed open gives up rather than the fifth: each costs ~3 s of CPU.
    db = await openPGlite(dir, { fsync: false, restart: { firstMs: 50, maxMs: 1000, giveUpAfter: 1 } });
    db.useLogger(log.logger);
    app = await buildApp({ db, auth: { anonymousRead: true } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    await db.exec('CREATE TABLE watchdog_probe (n int); INSERT INTO watchdog_probe VALUES (1)');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await city?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const health = () => fetch(`${base}/api/health`);
  const threadBack = (before: number) =>
    waitUntil(async () => db.thread.threadId !== before && (await health()).status === 200, 'health 200 on a new thread', 60_000, 20);

  it('ends a request whose statement is wedged: 503 query_timeout as on PostgreSQL, health answers meanwhile, and a new thread keeps the data', async () => {
    expect((await health()).status).toBe(200);
    // The one definition of "open" (migrations/013) never returns: so does the summary that counts open incidents.
    await db.exec(`CREATE OR REPLACE FUNCTION incident_is_open(status text) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(600); RETURN true; END $$`);
    const threadId = db.thread.threadId;
    db.limitStatements(LIMIT_MS, REFUSAL_FACTOR);
    try {
      const started = performance.now();
      let settled = false;
      const wedged = fetch(`${base}/api/stats/summary`, { headers: { 'accept-language': 'zh' } }).finally(() => (settled = true));
      // The HTTP side is free while the thread is stuck.
      const meanwhile = await health();
      expect(meanwhile.status).toBe(200);
      expect(settled).toBe(false);

      const res = await wedged;
      expect(performance.now() - started).toBeGreaterThanOrEqual(LIMIT_MS);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(((await res.json()) as { error: unknown }).error).toEqual({
        code: 'query_timeout',
        message: '数据库查询超时，请稍后重试，或缩短时间范围、缩小区域',
      });
      const warned = log.lines.find((l) => l.level === 'warn' && /ran past the embedded statement timeout/.test(l.msg));
      expect(warned?.obj).toMatchObject({ limitMs: LIMIT_MS });
      expect(warned?.obj.ms).toBeGreaterThanOrEqual(LIMIT_MS);
      // Named by its first words (the .sql file's opening comment left out).
      expect(String(warned?.obj.statement)).toMatch(/^(SELECT|WITH)\b/);
      // The same statement with the same values is refused for a multiple of the limit once the new thread is open (README,
      // "Databases": ten times by default).
      expect(warned?.obj.refusedForMs).toBe(REFUSAL_FACTOR * LIMIT_MS);
      expect(WEDGE_REFUSAL_FACTOR).toBe(10);

      expect(warned?.obj.anyValues).toBe(false);

      await threadBack(threadId);
      // A client repeating the request does not end the new thread: it is refused at once, alone (the statement still wedges).
      let newThread = db.thread.threadId;
      const ranPast = () => log.lines.filter((l) => /ran past the embedded statement timeout/.test(l.msg));
      const wedges = ranPast().length;
      const summary = async (query = '') => {
        const res = await fetch(`${base}/api/stats/summary${query}`, { headers: { 'accept-language': 'zh' } });
        return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
      };
      for (let i = 0; i < 2; i++) expect(await summary()).toEqual({ status: 503, code: 'query_timeout' });
      expect((await fetch(`${base}/api/regions`)).status).toBe(200);
      expect(db.thread.threadId).toBe(newThread);
      expect(ranPast()).toHaveLength(wedges);
      // Logged once, not once per refusal.
      const refusals = log.lines.filter((l) => /refusing a statement that wedged/.test(l.msg));
      expect(refusals).toHaveLength(1);
      expect(refusals[0]!.obj.statement).toBe(warned?.obj.statement);

      // Other values run, and wedge the thread a second time: from then on the statement is refused whatever its values.
      expect(await summary('?from=2020-01-01T00:00:00Z')).toEqual({ status: 503, code: 'query_timeout' });
      expect(ranPast()).toHaveLength(wedges + 1);
      expect(ranPast().at(-1)?.obj).toMatchObject({ statement: warned?.obj.statement, anyValues: true });
      await threadBack(newThread);
      newThread = db.thread.threadId;
      expect(await summary('?from=2021-01-01T00:00:00Z')).toEqual({ status: 503, code: 'query_timeout' });
      expect((await fetch(`${base}/api/regions`)).status).toBe(200);
      expect(db.thread.threadId).toBe(newThread);
      expect(ranPast()).toHaveLength(wedges + 1);

      // The definition is in the data directory: the new thread runs the real one once it is restored.
      await db.exec(
        readFileSync(new URL('../../migrations/013_incident_is_open.sql', import.meta.url), 'utf8').replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
      );
      // Until the refusal runs out: then the (restored) summary runs again on the same thread.
      await waitUntil(async () => (await fetch(`${base}/api/stats/summary`)).status === 200, 'the summary answered again', 60_000, 200);
      expect(db.thread.threadId).toBe(newThread);
    } finally {
      db.limitStatements(0);
    }
    expect(await db.query('SELECT n FROM watchdog_probe')).toEqual([{ n: 1 }]);
  });

  it('fails a COMMIT it wedged as "may or may not have happened", and what queued behind it as on a lost connection', async () => {
    // A constraint trigger deferred to COMMIT wedges the COMMIT itself.
    await db.exec(`CREATE FUNCTION watchdog_wedge() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(600); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER watchdog_wedge AFTER INSERT ON watchdog_probe DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION watchdog_wedge()`);
    const threadId = db.thread.threadId;
    db.limitStatements(LIMIT_MS);
    try {
      let queued!: Promise<Error | null>;
      const commit = outcome(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO watchdog_probe VALUES (2)');
          // Outside the transaction: it waits for the transaction to end, as on one connection.
          queued = outcome(db.query('SELECT count(*) FROM watchdog_probe'));
        }),
      );
      const failed = await commit;
      expect(failed).toBeInstanceOf(DatabaseUnavailableError);
      expect((failed as DatabaseUnavailableError).commitOutcomeUnknown).toBe(true);
      const behind = await queued;
      expect(isDatabaseUnavailable(behind)).toBe(true);
      expect(isQueryCanceled(behind)).toBe(false);
      expect(log.lines.filter((l) => /ran past the embedded statement timeout/.test(l.msg)).at(-1)?.obj.statement).toBe('COMMIT');
      await threadBack(threadId);
    } finally {
      db.limitStatements(0);
    }
    await db.exec('DROP TRIGGER watchdog_wedge ON watchdog_probe');
    expect(await db.query('SELECT n FROM watchdog_probe WHERE n = 1')).toEqual([{ n: 1 }]);
  });

  it('lets the daily vacuum run past the limit: it finishes on the same thread, and nothing is ended or refused', async () => {
    // ANALYZE evaluates an expression index's expression over its sample: one that sleeps makes a maintained table's
    // VACUUM (ANALYZE) run past the limit, as the incident table's does at ~1M incidents (README, "Databases").
    await db.exec(`CREATE FUNCTION watchdog_slow_key(k text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(0.6); RETURN k; END $$;
      DELETE FROM login_failure; INSERT INTO login_failure (key) VALUES ('a'), ('b'), ('c');
      CREATE INDEX watchdog_slow_idx ON login_failure (watchdog_slow_key(key))`);
    const threadId = db.thread.threadId;
    const ended = () => log.lines.filter((l) => /ran past the embedded statement timeout/.test(l.msg)).length;
    const before = ended();
    db.limitStatements(LIMIT_MS, REFUSAL_FACTOR);
    try {
      const done = await vacuumTables(db);
      expect(done.map((d) => d.table)).toEqual([...MAINTAINED_TABLES]);
      expect(done.find((d) => d.table === 'login_failure')!.ms).toBeGreaterThan(LIMIT_MS);
      expect(db.thread.threadId).toBe(threadId);
      expect(ended()).toBe(before);
      expect((await health()).status).toBe(200);
    } finally {
      db.limitStatements(0);
    }
    await db.exec('DROP INDEX watchdog_slow_idx; DROP FUNCTION watchdog_slow_key(text); DELETE FROM login_failure');
  });

  it('says data_directory_unusable once new threads keep failing to open the directory, and recovers by itself when it is good again', async () => {
    // The directory damaged after the first open, as a disk fault would: PostgreSQL's control file zeroed.
    const control = join(dir, 'global', 'pg_control');
    const good = readFileSync(control);
    const threadId = db.thread.threadId;
    writeFileSync(control, Buffer.alloc(good.length));
    try {
      await db.thread.terminate();
      await waitUntil(async () => (await health()).status === 503 && log.lines.some((l) => l.level === 'error'), 'the data directory given up on', 90_000, 50);
      const down = await health();
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe('data_directory_unusable');
      const refused = await fetch(`${base}/api/regions`, { headers: { 'accept-language': 'zh' } });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: unknown }).error).toEqual({
        code: 'data_directory_unusable',
        message: '内嵌数据库无法在其数据目录（GRIDSCOPE_DATA_DIR）上打开；服务器仍在重试，请管理员检查该目录（磁盘空间、权限、损坏的文件）',
      });
      expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    } finally {
      writeFileSync(control, good);
    }
    await threadBack(threadId);
    expect(await db.query('SELECT n FROM watchdog_probe WHERE n = 1')).toEqual([{ n: 1 }]);
  });

  it('ends a new thread that takes longer than GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS to open, and gives up after the default five in a row', async () => {
    // The server's own path (config → openDatabase) on another copy of the city, with an open limit no real open comes near
    // (a copy of this city opens in seconds). A real hang was not to be had: a FIFO in place of a file PGlite reads at open
    // (global/pg_control) does not block its read, its file system refuses the FIFO and the open aborts at once.
    const other = mkdtempSync(join(tmpdir(), 'gs-watchdog-open-'));
    const otherLog = collectingLogger();
    let slow: PGliteDatabase | undefined;
    try {
      await unpackDataDir(other, tarball);
      // The first open is not timed (it may create the database); the restarts are.
      slow = (await openDatabase(
        // The waits between the opens start at 50 ms rather than the default 500 (7.5 s of waiting in all, not 0.75).
        loadConfig({
          GRIDSCOPE_DATA_DIR: other,
          GRIDSCOPE_DATA_FSYNC: 'false',
          GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS: '100',
          GRIDSCOPE_EMBEDDED_RESTART_MS: '50',
        }),
      )) as PGliteDatabase;
      slow.useLogger(otherLog.logger);
      expect(await slow.query('SELECT count(*)::int AS n FROM region')).toEqual([expect.objectContaining({ n: expect.any(Number) })]);
      await slow.thread.terminate();
      await waitUntil(() => otherLog.lines.some((l) => l.level === 'error'), 'the data directory given up on', 90_000, 50);
      const failed = otherLog.lines.filter((l) => /opening a new embedded database thread failed/.test(l.msg));
      // The default when nothing sets it: five failed opens, the fifth one giving up.
      expect(failed.map((l) => l.obj.attempts)).toEqual([1, 2, 3, 4]);
      // Each wait twice the last, from GRIDSCOPE_EMBEDDED_RESTART_MS (the first, 50 ms, before attempt 1).
      expect(failed.map((l) => l.obj.retryInMs)).toEqual([100, 200, 400, 800]);
      for (const l of failed) expect(l.obj.reason).toBe("the embedded database's thread did not open the data directory within 100 ms");
      const gaveUp = otherLog.lines.filter((l) => l.level === 'error');
      expect(gaveUp).toHaveLength(1);
      expect(gaveUp[0]!.obj).toMatchObject({ attempts: 5, reason: "the embedded database's thread did not open the data directory within 100 ms" });
      expect(gaveUp[0]!.msg).toContain('GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS');
      const refused = await outcome(slow.query('SELECT 1'));
      expect(refused).toBeInstanceOf(DataDirectoryUnusableError);
      expect((refused as DataDirectoryUnusableError).attempts).toBe(5);
    } finally {
      await slow?.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('in memory, reports a statement past the limit and lets it finish: ending the thread would end the data', async () => {
    const memory = city.db as PGliteDatabase;
    const memoryLog = collectingLogger();
    memory.useLogger(memoryLog.logger);
    memory.limitStatements(100);
    expect(await memory.query('SELECT 1 AS one FROM pg_sleep(0.4)')).toEqual([{ one: 1 }]);
    const warned = memoryLog.lines.filter((l) => l.level === 'warn');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.msg).toMatch(/in memory, so it runs on/);
    expect(warned[0]!.obj.statement).toBe('SELECT 1 AS one FROM pg_sleep(0.4)');
    expect(memory.availability.available).toBe(true);
    expect(await memory.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
