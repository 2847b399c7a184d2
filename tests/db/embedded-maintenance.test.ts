import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAINTAINED_TABLES, nextMaintenance, scheduleEmbeddedMaintenance, vacuumTables } from '../../server/db/embedded-maintenance.js';
import { FUZZ_CITY } from '../helpers/seeded-app.js';
import { createSeededDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The daily vacuum `serve` runs on the embedded database (PGlite has no
 * autovacuum): when it runs, and that it leaves the tables it names
 * vacuumed and analysed, read back from the catalog.
 */
describe('embedded database maintenance', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSeededDatabase(FUZZ_CITY);
  });
  afterAll(async () => t?.dispose());

  it('runs at the next 03:30 China time (UTC+8), never now', () => {
    // China time = UTC + 8 h: 03:30 there is 19:30 UTC the day before.
    const cases: [string, string][] = [
      ['2026-12-01T10:00:00Z', '2026-12-01T19:30:00.000Z'],
      ['2026-12-01T19:29:59Z', '2026-12-01T19:30:00.000Z'],
      ['2026-12-01T19:30:00Z', '2026-12-02T19:30:00.000Z'],
      ['2026-12-01T19:45:00Z', '2026-12-02T19:30:00.000Z'],
      ['2026-12-31T23:00:00Z', '2027-01-01T19:30:00.000Z'],
    ];
    for (const [now, next] of cases) expect(nextMaintenance(new Date(now)).toISOString(), now).toBe(next);
  });

  it('vacuums and analyses each table incident writes rewrite: every page all-visible, statistics as fresh as the rows', async () => {
    // Dead rows and pages not yet all-visible, as a day of workflow leaves them.
    await t.db.query("UPDATE incident SET description = description || ' ' WHERE id % 3 = 0");
    const done = await vacuumTables(t.db);
    expect(done.map((d) => d.table)).toEqual([...MAINTAINED_TABLES]);
    const rows = await t.db.query<{ relname: string; relpages: number; relallvisible: number; reltuples: number; rows: number }>(
      `SELECT c.relname, c.relpages, c.relallvisible, c.reltuples::float8 AS reltuples,
              (SELECT count(*)::int FROM incident) AS rows
         FROM pg_class c WHERE c.relname = 'incident'`,
    );
    const incident = rows[0]!;
    expect(incident.relpages).toBeGreaterThan(0);
    expect(incident.relallvisible).toBe(incident.relpages);
    expect(incident.reltuples).toBe(incident.rows);
  });

  it('keeps its schedule until stopped, and a failed run does not stop the next', async () => {
    const failing = { query: async () => Promise.reject(new Error('database away')), exec: async () => undefined };
    const said: string[] = [];
    const log = { info: (_: object, m: string) => said.push(m), warn: (_: object, m: string) => said.push(m) };
    // "Now" a moment before 03:30 China time: the first run is due at once (the schedule waits at least a second).
    const stop = scheduleEmbeddedMaintenance(failing, log, () => new Date('2026-12-01T19:29:59.900Z'));
    try {
      await expect.poll(() => said, { timeout: 10_000, interval: 100 }).toEqual(['embedded database vacuum failed; trying again tomorrow']);
    } finally {
      stop();
    }
  }, 20_000);
});
