import type { Queryable } from '../../server/db/database.js';
import { demoIncident, type DemoIncident } from './incident-mix.js';
import { cumulativeSum, type Random } from './random.js';
import type { PlacedGrid } from './seed-demo-city.js';

const BATCH = 20_000;
const DAYS = 365;

/**
 * Places incidents where people live: each picks a grid with probability
 * proportional to its population, then a random point inside that grid
 * (ST_GeneratePoints, seeded). The trigger on `incident` then assigns the
 * grid and its ancestry from the point, exactly as for a real report.
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

  // Draw everything first, then number codes per day in time order.
  const drawn: (DemoIncident & { grid: string })[] = [];
  for (let i = 0; i < count; i++) {
    drawn.push({ ...demoIncident(now, DAYS, random), grid: grids[random.weighted(cumulative)]!.code });
  }
  drawn.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
  const perDay = new Map<string, number>();
  const codes = drawn.map((d) => {
    const day = localDay(d.reportedAt);
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    return `SJ${day}${String(n).padStart(6, '0')}`;
  });

  for (let start = 0; start < drawn.length; start += BATCH) {
    const batch = drawn.slice(start, start + BATCH);
    // Grid workers report most incidents; the rest come from the 12345 hotline.
    const fromWorker = batch.map(() => random.next() < 0.85);
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
        codes.slice(start, start + BATCH),
        batch.map((d) => d.grid),
        batch.map((d) => d.category),
        batch.map((d) => d.urgency),
        batch.map((d) => d.status),
        batch.map((d) => d.reportedAt.toISOString()),
        batch.map((d) => d.closedAt?.toISOString() ?? null),
        batch.map((d) => d.description),
        batch.map((d, i) => (fromWorker[i] ? (workers.get(d.grid) ?? null) : null)),
        1 + Math.floor(random.next() * 1_000_000),
      ],
    );
    progress(Math.min(drawn.length, start + BATCH));
  }
}

/** The calendar day in China (UTC+8) as yyyymmdd. */
function localDay(t: Date): string {
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
