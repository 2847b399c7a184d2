import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { type Database, SESSION_SETTINGS } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openPGlite, type PGliteDatabase } from '../../server/db/pglite-database.js';
import { keepTarMembers } from '../../server/db/tar-members.js';
import { openPostgres } from '../../server/db/pg-database.js';
import { seedDemoCity, type SeedOptions } from '../../geodata/demo-city/seed-demo-city.js';
import { TEMPLATE_RUN_ENV, templateKey, withTemplate } from './database-templates.js';

/** Set to run every DB-backed test on real PostgreSQL + PostGIS instead of PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const BACKEND = TEST_DATABASE_URL ? 'postgres' : 'pglite';
/**
 * A streaming replica of TEST_DATABASE_URL's cluster (.ci/run sets one up), for the read-replica tests; ignored
 * without TEST_DATABASE_URL. A replica copies the whole cluster, so each scratch database shows up on it by the same name.
 */
export const TEST_DATABASE_READ_URL = (TEST_DATABASE_URL && process.env.TEST_DATABASE_READ_URL) || undefined;

/** The replica's connection string for the scratch database at `url` (same name), once the replica has replayed its creation. */
export async function replicaUrlOf(url: string): Promise<string> {
  if (!TEST_DATABASE_READ_URL) throw new Error('TEST_DATABASE_READ_URL is not set');
  await waitForReplay(TEST_DATABASE_URL!, TEST_DATABASE_READ_URL);
  return withDatabaseName(TEST_DATABASE_READ_URL, new URL(url).pathname.slice(1));
}

/**
 * Waits until the replica at `replicaUrl` has replayed everything the primary at `primaryUrl` has written so far:
 * its replay position reaches the primary's WAL position read now. Polls; the bound only ends a hung test.
 */
export async function waitForReplay(primaryUrl: string, replicaUrl: string, timeoutMs = 60_000): Promise<void> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const replica = new pg.Client({ connectionString: replicaUrl });
  await primary.connect();
  try {
    await replica.connect();
    const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text lsn');
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await replica.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn done', [rows[0]!.lsn]);
      if (r.rows[0]!.done) return;
      if (Date.now() > until) throw new Error(`replica did not replay up to ${rows[0]!.lsn} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await replica.end().catch(() => undefined);
    await primary.end();
  }
}

export interface TestDatabase {
  db: Database;
  /** Connection string of the scratch database (PostgreSQL only). */
  url?: string;
  /** Closes the database and, on PostgreSQL, drops the scratch database. */
  dispose(): Promise<void>;
}

/**
 * What a fresh test database holds before the test touches it: nothing, the
 * migrated schema, or the schema plus a seeded demo city. Each state is built
 * once per test run (tests/helpers/template-setup.ts) and every test file gets
 * its own copy, so files never see each other's rows.
 */
type Content = { kind: 'bare' } | { kind: 'migrated' } | { kind: 'seeded'; seed: SeedOptions };

/**
 * A fresh, empty database for one test file: PGlite in memory, or a scratch
 * database created on the TEST_DATABASE_URL server. Migrated unless asked not to be.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  return openCopy(options.migrated === false ? { kind: 'bare' } : { kind: 'migrated' });
}

/**
 * A migrated database holding the demo city seeded with `seed` (as seedDemoCity would build it).
 * `onlyHere`: no other test file seeds this city, so it is seeded in place on a copy of the migrated
 * template and kept as no template of its own: dumping a large city (and writing the tarball) costs
 * seconds of CPU that nobody would get back, and on PostgreSQL a CREATE DATABASE … TEMPLATE copy.
 * The database is the same either way: the template is built by this very seeding.
 */
export async function createSeededDatabase(seed: SeedOptions, { onlyHere = false }: { onlyHere?: boolean } = {}): Promise<TestDatabase> {
  if (!onlyHere) return openCopy({ kind: 'seeded', seed });
  const built = await buildFresh({ kind: 'seeded', seed });
  try {
    // On PostgreSQL the seed's sessions are the pool's, whose temporary tables the seed drops itself.
    if (!TEST_DATABASE_URL) await startSessionAfresh(built.db);
    return built;
  } catch (err) {
    await built.dispose().catch(() => undefined);
    throw err;
  }
}

/**
 * A private copy of `content`: from this run's template when there is one
 * (built here first if no process has built it yet), else built step by step.
 * On PostgreSQL `name` names the new database (templates are built this way).
 */
async function openCopy(content: Content, name?: string): Promise<TestDatabase> {
  const key = cacheableKey(content);
  if (key === undefined) return buildFresh(content, name);
  if (!TEST_DATABASE_URL) {
    const { tarball, built } = await pgliteTemplate(content, key);
    if (built) return built;
    const db = await openPGlite(undefined, { loadDataDir: tarball as Blob });
    return { db, dispose: () => db.close() };
  }
  const template = await withTemplate(key, 'postgres', async (templateName) => {
    const built = await buildFresh(content, templateName);
    await built.db.close(); // the database stays: it is the template
    return templateName;
  });
  return openScratchPostgres(name, template as string);
}

/**
 * This run's PGlite template of `content` as a tarball. The process that builds it keeps the
 * database it built (`built`; the tarball is a copy of it): opening PGlite and PostGIS again from
 * the tarball costs seconds of CPU.
 */
async function pgliteTemplate(content: Content, key: string): Promise<{ tarball: Blob; built?: TestDatabase }> {
  let built: TestDatabase | undefined;
  const tarball = await withTemplate(key, 'pglite', async () => {
    const fresh = await buildFresh(content);
    try {
      await startSessionAfresh(fresh.db);
      const dumped = await dumpWithoutSpareWal(fresh.db as PGliteDatabase);
      built = fresh;
      return dumped;
    } catch (err) {
      await fresh.dispose().catch(() => undefined);
      throw err;
    }
  });
  return { tarball: tarball as Blob, built };
}

/**
 * What a build left in PGlite's one session (the seed's temporary tables) goes, as it would in a copy;
 * DISCARD ALL also resets the settings every session starts with, so they are set again.
 */
async function startSessionAfresh(db: Database): Promise<void> {
  await db.exec('DISCARD ALL');
  await db.exec(
    Object.entries(SESSION_SETTINGS)
      .map(([name, value]) => `SET ${name} = ${value};`)
      .join(' '),
  );
}

/**
 * The data directory as a tarball, without the WAL segments a copy does not
 * need: after a checkpoint, a copy replays from the checkpoint's segment to
 * the one being written, and PostgreSQL makes new segments as it needs them.
 * The segments kept for reuse were half of a seeded template's 124 MB, and
 * every file that opens a copy pays for each megabyte (about a second per
 * 60 MB of CPU).
 */
async function dumpWithoutSpareWal(db: PGliteDatabase): Promise<Blob> {
  await db.exec('CHECKPOINT');
  const [wal] = await db.query<{ first: string; last: string }>(
    'SELECT pg_walfile_name(redo_lsn) AS first, pg_walfile_name(pg_current_wal_insert_lsn()) AS last FROM pg_control_checkpoint()',
  );
  const tar = Buffer.from(await (await db.dumpDataDir()).arrayBuffer());
  const segment = /^\/?pg_wal\/([0-9A-F]{24})$/;
  const needed = (path: string) => {
    const name = segment.exec(path)?.[1];
    return name === undefined || (name >= wal!.first && name <= wal!.last);
  };
  return new Blob([new Uint8Array(keepTarMembers(tar, needed))]);
}

/**
 * Fills the empty folder `dir` with a migrated PGlite data directory (no city yet), unpacked from
 * this run's template: for tests that run the CLI as a child process on the embedded database
 * without being about a first start. Each such child otherwise spends ~12 s of CPU creating
 * PostGIS and migrating. Outside a templated run (or on PostgreSQL) it leaves `dir` as it is.
 */
export async function unpackMigratedDataDir(dir: string): Promise<void> {
  await unpackTemplateDataDir(dir, { kind: 'migrated' });
}

/**
 * Fills the empty folder `dir` with a PGlite data directory holding the city `seed` (as
 * createSeededDatabase would), for a child `serve` that is not about building the demo city: it
 * finds a city and builds none. Outside a templated run (or on PostgreSQL) it leaves `dir` as it
 * is, and such a child builds its own demo city.
 */
export async function unpackSeededDataDir(dir: string, seed: SeedOptions): Promise<void> {
  await unpackTemplateDataDir(dir, { kind: 'seeded', seed });
}

async function unpackTemplateDataDir(dir: string, content: Content): Promise<void> {
  const key = cacheableKey(content);
  if (TEST_DATABASE_URL || key === undefined) return;
  const { tarball, built } = await pgliteTemplate(content, key);
  await built?.dispose();
  await unpackDataDir(dir, tarball as Blob);
}

/**
 * Writes a PGlite tarball (dumpDataDir) out as a data directory `dir`, with
 * tar: far quicker than `openPGlite(dir, { loadDataDir })`, which writes
 * every file through PGlite's emulated file system.
 */
export async function unpackDataDir(dir: string, tarball: Blob): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '..', `${basename(dir)}.template.tar`);
  writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  try {
    // Members are stored as /PG_VERSION, /base/…; the lock file of the process that dumped it stays out.
    execFileSync('tar', ['-xf', file, '-C', dir, '--exclude=postmaster.pid'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    rmSync(file, { force: true });
  }
}

/** Builds `content` on a copy of the state before it: empty → migrated → seeded. */
async function buildFresh(content: Content, name?: string): Promise<TestDatabase> {
  if (content.kind === 'bare') return TEST_DATABASE_URL ? openScratchPostgres(name) : openBarePGlite();
  const testDb = await openCopy(content.kind === 'migrated' ? { kind: 'bare' } : { kind: 'migrated' }, name);
  try {
    if (content.kind === 'migrated') await migrate(testDb.db);
    else await seedDemoCity(testDb.db, content.seed);
    return testDb;
  } catch (err) {
    await testDb.dispose().catch(() => undefined);
    throw err;
  }
}

/** The template's name for `content`, or undefined when this run keeps no templates or it is not worth one. */
function cacheableKey(content: Content): string | undefined {
  if (!process.env[TEMPLATE_RUN_ENV]) return undefined;
  // An empty PostgreSQL database is one CREATE DATABASE away (template1 carries PostGIS).
  if (content.kind === 'bare') return TEST_DATABASE_URL ? undefined : 'bare';
  if (content.kind === 'migrated') return 'migrated';
  const { calendar, onProgress, ...rest } = content.seed;
  if (calendar || onProgress) return undefined;
  return `seeded_${templateKey(rest)}`;
}

async function openBarePGlite(): Promise<TestDatabase> {
  const db = await openPGlite();
  return { db, dispose: () => db.close() };
}

/** A scratch database on the test server, empty (template1 carries PostGIS) or copied from `template`. */
async function openScratchPostgres(name = `gridscope_test_${randomBytes(6).toString('hex')}`, template?: string): Promise<TestDatabase> {
  await adminQuery(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  const url = withDatabaseName(TEST_DATABASE_URL!, name);
  const db = await openPostgres({ connectionString: url, poolSize: 4, statementTimeoutMs: 60_000 });
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
