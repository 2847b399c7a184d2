import type { Queryable } from '../../server/db/database.js';
import { dailyCounts, demoIncident, reportTimeOn, type DemoIncident } from './incident-mix.js';
import { cumulativeSum, type Random } from './random.js';
import type { PlacedGrid } from './seed-demo-city.js';

const BATCH = 20_000;
const DAYS = 365;

type Drawn = DemoIncident & { code: string; grid: string; worker: number | null };

/**
 * Places incidents where people live: each picks a grid with probability
 * proportional to its population, then a random point inside that grid
 * (ST_GeneratePoints, seeded). The trigger on `incident` then assigns the
 * grid and its ancestry from the point, exactly as for a real report.
 * Incidents are drawn day by day and written in batches, so memory stays
 * flat however many are asked for (10M for the scale benchmarks).
 */
export async function insertIncidents(
  tx: Queryable,
  grids: readonly PlacedGrid[],
  count: number,
  now: Date,
  random: Random,
  progress: (done: number) => void,
): Promise<void> {
  if (count === 0 || grids.length === 0) return;
  const cumulative = cumulativeSum(grids.map((g) => g.population + 1));
  const workers = new Map(
    (await tx.query<{ grid_code: string; worker_id: number }>(
      'SELECT DISTINCT ON (grid_code) grid_code, worker_id FROM grid_worker_assignment ORDER BY grid_code, worker_id',
    )).map((r) => [r.grid_code, r.worker_id]),
  );

  let buffer: Drawn[] = [];
  let written = 0;
  for (const { dayStart, count: n } of dailyCounts(now, DAYS, count)) {
    const day: Drawn[] = [];
    for (let i = 0; i < n; i++) {
      const grid = grids[random.weighted(cumulative)]!.code;
      // Grid workers report most incidents; the rest come from the 12345 hotline.
      const worker = random.next() < 0.85 ? (workers.get(grid) ?? null) : null;
      day.push({ ...demoIncident(now, reportTimeOn(dayStart, now, random), random), grid, worker, code: '' });
    }
    // Codes number each day's incidents in time order: SJ + yyyymmdd + sequence.
    day.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
    const ymd = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    day.forEach((d, i) => (d.code = `SJ${ymd}${String(i + 1).padStart(6, '0')}`));
    buffer.push(...day);
    if (buffer.length >= BATCH) {
      await writeBatch(tx, buffer, 1 + Math.floor(random.next() * 1_000_000));
      progress((written += buffer.length));
      buffer = [];
    }
  }
  if (buffer.length) {
    await writeBatch(tx, buffer, 1 + Math.floor(random.next() * 1_000_000));
    progress(written + buffer.length);
  }
}

async function writeBatch(tx: Queryable, batch: Drawn[], pointSeed: number): Promise<void> {
  await tx.query(
    `WITH attrs AS (
       SELECT a.*, row_number() OVER (PARTITION BY a.grid ORDER BY a.ord) AS n
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::int[])
              WITH ORDINALITY AS a(code, grid, category, urgency, status, reported_at, closed_at, description, worker, ord)
     ),
     per_grid AS (SELECT grid, count(*)::int AS k FROM attrs GROUP BY grid),
     pts AS (
       SELECT p.grid, d.path[1] AS n, d.geom
         FROM per_grid p JOIN grid g ON g.code = p.grid
         CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(g.boundary, p.k, $10)) d
     )
     INSERT INTO incident (code, category_code, urgency, status, description, location, reported_at, closed_at,
                           updated_at, reporter, reporter_worker_id)
     SELECT a.code, a.category, a.urgency, a.status, a.description, pts.geom, a.reported_at, a.closed_at,
            coalesce(a.closed_at, a.reported_at), CASE WHEN a.worker IS NULL THEN '12345热线' ELSE '网格员' END, a.worker
       FROM attrs a JOIN pts ON pts.grid = a.grid AND pts.n = a.n`,
    [
      batch.map((d) => d.code),
      batch.map((d) => d.grid),
      batch.map((d) => d.category),
      batch.map((d) => d.urgency),
      batch.map((d) => d.status),
      batch.map((d) => d.reportedAt.toISOString()),
      batch.map((d) => d.closedAt?.toISOString() ?? null),
      batch.map((d) => d.description),
      batch.map((d) => d.worker),
      pointSeed,
    ],
  );
}
