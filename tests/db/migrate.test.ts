import { mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from '../../server/db/migrate.js';
import { openPostgres } from '../../server/db/pg-database.js';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/**
 * The database the first test migrated from scratch, handed on by each test that passed without changing it: the
 * next two tests are about the migrated schema and start from it rather than from a copy of the template (each copy
 * opens PGlite and PostGIS again, seconds of CPU). Run alone, or after a failure, they take a copy of the template,
 * which migrate() built the same way.
 */
let fromScratch: TestDatabase | undefined;
afterAll(async () => fromScratch?.dispose());
const migratedDatabase = async () => {
  const shared = fromScratch;
  fromScratch = undefined;
  return shared ?? (await createTestDatabase());
};

/** A migrations folder with the real files plus extra ones. */
function migrationsWith(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-migrations-'));
  for (const f of readMigrations()) copyFileSync(join(MIGRATIONS_DIR, f.name), join(dir, f.name));
  for (const [name, sql] of Object.entries(extra)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe(`migrations on ${BACKEND}`, () => {
  it('applies every file once, in order, and records it', async () => {
    t = await createTestDatabase({ migrated: false });
    const applied = await migrate(t.db);
    expect(applied).toEqual(readMigrations().map((f) => f.name));
    expect(await migrate(t.db)).toEqual([]);
    const rows = await t.db.query<{ name: string }>('SELECT name FROM schema_migration ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(applied);
    fromScratch = t;
    t = undefined;
  });

  it("defines the open test once (incident_is_open), inlined so the partial open index still serves it, and a grid's English name (grid_name_en)", async () => {
    t = await migratedDatabase();
    // README, "KPIs": open = not closed, rejected or a duplicate. Written out here, not read from the code.
    const expected: Record<string, boolean> = {
      reported: true,
      filed: true,
      dispatched: true,
      in_progress: true,
      resolved: true,
      closed: false,
      rejected: false,
      duplicate: false,
    };
    const rows = await t.db.query<{ status: string; open: boolean }>('SELECT s AS status, incident_is_open(s) AS open FROM unnest($1::text[]) s', [
      Object.keys(expected),
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.status, r.open]))).toEqual(expected);
    // With sequential scans priced out, the planner must find incident_open_idx (predicate: the literal
    // NOT IN list, migrations/003) implied by the function call: that only holds once the body is inlined.
    const plan = await t.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      const lines = await tx.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT count(*) FROM incident i WHERE incident_is_open(i.status) AND i.district_code = '430202' AND i.urgency = 'red'",
      );
      return lines.map((l) => l['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/incident_open_idx/);
    expect(plan).not.toMatch(/incident_is_open/);

    // A grid's English name (migrations/023), also inlined: the explorer's search names every grid of the city with it.
    const names = await t.db.query<{ en: string | null }>(
      "SELECT grid_name_en(n, c) AS en FROM (VALUES (1, 'Lijiachong Community', '430202001002005'), (2, 'Xintang Village', '430211100201120'), (3, NULL, '430202001002001')) v(k, n, c) ORDER BY k",
    );
    expect(names.map((r) => r.en)).toEqual(['Lijiachong Community Grid 5', 'Xintang Village Grid 120', null]);
    const namePlan = await t.db.query<{ 'QUERY PLAN': string }>("EXPLAIN VERBOSE SELECT grid_name_en(n, c) FROM (VALUES ('a', '430202001002005')) v(n, c)");
    expect(namePlan.map((l) => l['QUERY PLAN']).join('\n')).not.toMatch(/grid_name_en/);
    // It only read: the next test may have the database.
    fromScratch = t;
    t = undefined;
  });

  it('rolls a failing file back whole and names it', async () => {
    // On a migrated database: the first test migrates from scratch; this one is about the files after it.
    t = await migratedDatabase();
    const dir = migrationsWith({
      '899_good.sql': 'CREATE TABLE done_before (id int);',
      '900_half_bad.sql': 'CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT no_such_function();',
    });
    const err = await migrate(t.db, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/900_half_bad\.sql/);
    expect((err as Error).message).toMatch(/no_such_function/);
    const [table] = await t.db.query<{ t: string | null }>("SELECT to_regclass('half_done')::text t");
    expect(table!.t).toBeNull();
    const recorded = await t.db.query("SELECT 1 FROM schema_migration WHERE name = '900_half_bad.sql'");
    expect(recorded).toHaveLength(0);
    // Earlier files stay applied (the one applied in the same run too), and fixing the file lets it through.
    const [earlier] = await t.db.query<{ t: string | null; recorded: number }>(
      "SELECT to_regclass('done_before')::text t, (SELECT count(*)::int FROM schema_migration WHERE name = '899_good.sql') recorded",
    );
    expect(earlier).toEqual({ t: 'done_before', recorded: 1 });
    writeFileSync(join(dir, '900_half_bad.sql'), 'CREATE TABLE half_done (id int);');
    expect(await migrate(t.db, dir)).toEqual(['900_half_bad.sql']);
  });

  it.skipIf(BACKEND !== 'postgres')('lets two processes migrate at once without conflict (advisory lock)', async () => {
    t = await createTestDatabase({ migrated: false });
    const second = await openPostgres({ connectionString: t.url!, poolSize: 2, statementTimeoutMs: 60_000 });
    try {
      const [a, b] = await Promise.all([migrate(t.db), migrate(second)]);
      expect([...a, ...b].sort()).toEqual(readMigrations().map((f) => f.name));
      const [n] = await t.db.query<{ n: number }>('SELECT count(*)::int n FROM schema_migration');
      expect(n!.n).toBe(readMigrations().length);
    } finally {
      await second.close();
    }
  });
});
