import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPGlite } from '../../server/db/pglite-database.js';
import { runCli, type CliRun } from '../helpers/cli-process.js';
import { signIn, startLoad, statusCounts, until, type Outcome } from '../helpers/report-load.js';
import { SMALL_CITY } from '../helpers/seeded-app.js';
import { BACKEND, unpackSeededDataDir } from '../helpers/test-database.js';

/**
 * The embedded database killed with the server (`kill -9`) in the middle of
 * a steady stream of reports, twice: the server starts again on the same
 * data directory (recovering it), and every report that was answered 201
 * is in the database afterwards, with its live event.
 */
const skip = BACKEND !== 'pglite' ? 'it runs in the PGlite suite (the PostgreSQL run has database-outage.test.ts)' : undefined;
if (skip) console.log(`[embedded crash test] skipped: ${skip}`);

const TAG = 'crash-test';
const READY = /ready in [\d.]+ s at (http:\/\/\S+\/)/;

describe.skipIf(skip)('the embedded database killed under write load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gs-crash-'));
  const running: CliRun[] = [];
  afterAll(() => {
    for (const r of running) r.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged report through two kill -9s', async () => {
    // A city from this run's template (the directive tests' one): this test is about the crashes, not about
    // building a city, which held the first start up by a third (seeding with every write flushed).
    await unpackSeededDataDir(dataDir, { ...SMALL_CITY, incidents: 200 });
    const outcomes: Outcome[] = [];
    const rounds: string[] = [];
    for (const round of [1, 2]) {
      const serve = runCli(['serve'], {
        GRIDSCOPE_DATA_DIR: dataDir,
        GRIDSCOPE_LANG: 'en', // the lines matched below are the English ones
        PORT: '0',
        GRIDSCOPE_DEMO_GRIDS: '30',
        GRIDSCOPE_DEMO_INCIDENTS: '200',
        LOG_LEVEL: 'warn',
      });
      running.push(serve);
      const [ready, base] = await serve.waitFor(READY, 240_000);
      if (round === 2) expect(serve.output(), 'a restart after a crash must not rebuild the city').not.toMatch(/building the demo city/);
      const headers = await signIn(base!, 'commander', 'gridscope-demo');
      // An existing incident's location is inside a grid by construction.
      const sample = (await (await fetch(`${base}api/incidents?limit=1`, { headers: { cookie: headers.cookie! } })).json()) as {
        features: { geometry: { coordinates: [number, number] } }[];
      };
      const load = startLoad({
        baseUrl: base!,
        headers,
        location: sample.features[0]!.geometry.coordinates,
        tag: `${TAG} ${round}`,
        reportsPerSecond: 10,
        reads: ['api/incidents?limit=5', 'api/health'],
        readsPerSecond: 4,
      });
      const acknowledged = () => load.outcomes.filter((o) => o.status === 201).length;
      await until(
        () => acknowledged() >= 20,
        120_000,
        () => `20 acknowledged reports in round ${round}; got ${JSON.stringify(statusCounts(load.outcomes))}`,
      );
      // Killed while reports are in flight, not between them.
      await until(() => load.sent > load.outcomes.filter((o) => o.what.startsWith('report')).length, 30_000, 'a report in flight');
      serve.child.kill('SIGKILL');
      expect(await serve.exited).toBeNull();
      await load.stop();
      outcomes.push(...load.outcomes);
      rounds.push(
        `round ${round} (${ready!.split(' at')[0]}): ${load.sent} reports sent, ${acknowledged()} acknowledged, statuses ${JSON.stringify(statusCounts(load.outcomes))}`,
      );
    }

    // Nothing but success before the kill, and no answer at all (a reset connection) after it.
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 201 && o.status !== 0)).toEqual([]);
    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.incidentCode!);

    // Opened as the next start would open it: PGlite recovers the directory.
    const reopening = performance.now();
    const db = await openPGlite(dataDir);
    try {
      const stored = new Set((await db.query<{ code: string }>('SELECT code FROM incident WHERE description LIKE $1', [`${TAG} %`])).map((r) => r.code));
      expect(acknowledged.filter((c) => !stored.has(c))).toEqual([]);
      const announced = new Set(
        (await db.query<{ code: string }>(`SELECT payload #>> '{incident,code}' AS code FROM event_log WHERE type = 'incident.created'`)).map((r) => r.code),
      );
      expect(acknowledged.filter((c) => !announced.has(c))).toEqual([]);
      // Each report is whole: incident, history and audit entry committed together or not at all.
      const [partial] = await db.query<{ n: number }>(
        `SELECT count(*)::int n FROM incident i WHERE i.description LIKE $1
            AND (NOT EXISTS (SELECT 1 FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'report')
              OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.target_id = i.code))`,
        [`${TAG} %`],
      );
      expect(partial!.n).toBe(0);
      // Beyond a killed process, a power cut: each COMMIT is flushed to disk before it returns.
      const [settings] = await db.query<{ fsync: string; method: string }>(`SELECT current_setting('fsync') fsync, current_setting('wal_sync_method') method`);
      expect(settings).toEqual({ fsync: 'on', method: 'fsync' });
      const flushedBefore = await db.flushedToDisk();
      await db.transaction((tx) => tx.query(`UPDATE incident SET description = description || ' (checked)' WHERE code = $1`, [acknowledged[0]]));
      expect(await db.flushedToDisk()).toBeGreaterThan(flushedBefore);
      console.log(
        `[embedded crash test] ${rounds.join('; ')}; after two kill -9s: ${acknowledged.length} acknowledged, all present ` +
          `(${stored.size} stored: ${stored.size - acknowledged.length} committed but not acknowledged); reopened in ${((performance.now() - reopening) / 1000).toFixed(1)} s`,
      );
    } finally {
      await db.close();
    }
    // Two starts of a server (one building the city when this run keeps no templates) on a busy 2-core machine.
  }, 300_000);
});
