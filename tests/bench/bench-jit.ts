/**
 * JIT on or off for the year-long city figures (README, "Performance"):
 * EXPLAIN ANALYZE of the SQL behind /api/stats/summary and /api/explore/children
 * (explore-counts.sql) and /api/map/grid-metrics (map-grid-metrics.sql), city
 * scope, the last 365 days, with `jit` on and off; median of 5 after one warm-up.
 *
 *   DATABASE_URL=postgres://… node --import tsx tests/bench/bench-jit.ts
 *
 * Run it against a database seeded with the demo city (gridscope seed). The 1M
 * figures in README came from a copy whose incidents were repeated in SQL:
 *   SET session_replication_role = replica;  -- no triggers: the rows are copies of valid ones
 *   INSERT INTO incident (<every column but id>) SELECT code || k, <the same columns> FROM incident, generate_series(1, 9) k;
 *   SELECT incident_daily_rebuild(), incident_heat_rebuild();  -- the rollups (migrations/020, 022) are kept by triggers, which replica mode skips
 *   VACUUM ANALYZE incident;
 */
import pg from 'pg';
import { splitParams, splitWindow } from '../../server/repositories/daily-rollup.js';
import { sqlFile } from '../../server/repositories/sql-file.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a seeded PostgreSQL database');
const RUNS = 5;
const to = new Date();
const from = new Date(to.getTime() - 365 * 86_400_000);
const queries: { name: string; sql: string; params: unknown[] }[] = [
  // The summary and the explorer's children at city scope run this one statement (childLength 6: districts).
  {
    name: 'summary / explore children (explore-counts.sql)',
    sql: sqlFile('explore-counts.sql'),
    params: [null, ...splitParams(splitWindow(from, to)), null, null, null, 6, null],
  },
  { name: 'grid-metrics (map-grid-metrics.sql)', sql: sqlFile('map-grid-metrics.sql'), params: [null, ...splitParams(splitWindow(from, to)), null] },
];

interface Plan {
  'Execution Time': number;
  'Planning Time': number;
  Plan: { 'Total Cost': number };
  JIT?: { Timing: { Total: number } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const client = new pg.Client({ connectionString: url, options: '-c search_path=public -c TimeZone=UTC' });
await client.connect();
const [{ count }] = (await client.query<{ count: string }>('SELECT count(*) FROM incident')).rows as [{ count: string }];
console.log(`${count} incidents; ${(await client.query('SHOW jit_above_cost')).rows[0].jit_above_cost} jit_above_cost`);
for (const q of queries) {
  // 'forced': every jit_*_above_cost at 0, which is what the default thresholds (100k, 500k, 500k)
  // give these statements at 10M incidents (their cost grows with the rows: ~6k at 100k, ~50k at 1M).
  for (const jit of ['on', 'forced', 'off']) {
    await client.query(`SET jit = ${jit === 'off' ? 'off' : 'on'}`);
    for (const setting of ['jit_above_cost', 'jit_inline_above_cost', 'jit_optimize_above_cost']) {
      await client.query(jit === 'forced' ? `SET ${setting} = 0` : `RESET ${setting}`);
    }
    const runs: Plan[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params);
      if (i > 0) runs.push((rows[0]['QUERY PLAN'] as Plan[])[0]!);
    }
    const total = median(runs.map((p) => p['Execution Time'] + p['Planning Time']));
    const jitMs = median(runs.map((p) => p.JIT?.Timing.Total ?? 0));
    const cost = runs[0]!.Plan['Total Cost'];
    console.log(`${q.name}: jit ${jit}: median ${total.toFixed(1)} ms (JIT ${jitMs.toFixed(1)} ms; plan cost ${Math.round(cost)}) over ${RUNS}`);
  }
}
await client.end();
