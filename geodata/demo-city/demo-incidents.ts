import { readFileSync } from 'node:fs';
import type { Queryable } from '../../server/db/database.js';
import type { WorkingCalendar } from '../../server/workflow/working-calendar.js';
import { CATEGORY_MIX, dailyCounts, demoIncident, reportTimeOn, type DemoIncident } from './incident-mix.js';
import { drawTimeline, type CategoryRule, type Timeline } from './incident-timeline.js';
import { withTriggersOff } from './bulk-load.js';
import { cumulativeSum, type Random } from './random.js';
import type { PlacedGrid } from './seed-demo-city.js';

const BATCH_SQL = readFileSync(new URL('./incident-batch.sql', import.meta.url), 'utf8');
const BATCH = 20_000;
const DAYS = 365;
/**
 * The run's latest reports are red ones nobody has dispatched yet, so the wall has red alerts to show: the last of the
 * whole run, not of its last day, which just after midnight (China time) holds none (a city seeded at 00:50 had none).
 */
export const WAITING_RED = 3;

type Drawn = DemoIncident & Timeline & { code: string; grid: string; worker: number | null };

/**
 * Places incidents where people live: each picks a grid with probability
 * proportional to its population, then a random point inside that grid
 * (ST_GeneratePoints, seeded); it gets that grid and its ancestry, as a
 * real report there would. Each incident carries its workflow story up to
 * `now` (incident-timeline.ts), written with it as assignments, mediations
 * and history.
 * Incidents are drawn day by day and written in batches, so memory stays
 * flat however many are asked for (10M for the scale benchmarks).
 */
export async function insertIncidents(
  tx: Queryable,
  grids: readonly PlacedGrid[],
  count: number,
  { now, calendar, bulkLoad }: { now: Date; calendar: WorkingCalendar; bulkLoad: boolean },
  random: Random,
  progress: (done: number) => void,
): Promise<void> {
  if (count === 0 || grids.length === 0) return;
  const workers = new Map(
    (
      await tx.query<{ grid_code: string; worker_id: number }>(
        'SELECT DISTINCT ON (grid_code) grid_code, worker_id FROM grid_worker_assignment ORDER BY grid_code, worker_id',
      )
    ).map((r) => [r.grid_code, r.worker_id]),
  );
  const rules = await categoryRules(tx);
  const drawn = drawBatches({ grids, count, now, calendar, random, workers, rules });
  await withTriggersOff(tx, bulkLoad, async () => {
    let written = 0;
    for (const batch of drawn) {
      await writeBatch(tx, batch, 1 + Math.floor(random.next() * 1_000_000));
      written += batch.length;
      progress(written);
    }
  });
}

export interface DrawContext {
  grids: readonly PlacedGrid[];
  count: number;
  now: Date;
  calendar: WorkingCalendar;
  random: Random;
  workers: Map<string, number>;
  rules: Map<string, CategoryRule>;
}

/** The incidents, oldest day first, in batches of about BATCH; drawn lazily so only one batch is ever held. */
export function* drawBatches({ grids, count, now, calendar, random, workers, rules }: DrawContext): Generator<Drawn[]> {
  const cumulative = cumulativeSum(grids.map((g) => g.population + 1));
  const days = dailyCounts(now, DAYS, count);
  const firstWaiting = days.reduce((sum, d) => sum + d.count, 0) - WAITING_RED;
  let before = 0; // incidents of the days already drawn
  let buffer: Drawn[] = [];
  for (const { dayStart, count: n } of days) {
    // Report times first, in order, so codes number the day's incidents in
    // time order (SJ + yyyymmdd + sequence) and the day's last ones are known.
    const times = Array.from({ length: n }, () => reportTimeOn(dayStart, now, random)).sort((a, b) => a.getTime() - b.getTime());
    const ymd = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    times.forEach((reportedAt, i) => {
      const grid = grids[random.weighted(cumulative)]!.code;
      // Grid workers report most incidents; the rest come from the 12345 hotline.
      const worker = random.next() < 0.85 ? (workers.get(grid) ?? null) : null;
      const incident = demoIncident(now, reportedAt, random, before + i >= firstWaiting);
      const timeline = drawTimeline(incident, rules.get(incident.category)!, now, calendar, random);
      buffer.push({ ...incident, ...timeline, grid, worker, code: `SJ${ymd}${String(i + 1).padStart(7, '0')}` });
    });
    before += n;
    if (buffer.length >= BATCH) {
      yield buffer;
      buffer = [];
    }
  }
  if (buffer.length) yield buffer;
}

/** Deadlines and unit types as the database has them (migration 004), partners from the mix. */
async function categoryRules(tx: Queryable): Promise<Map<string, CategoryRule>> {
  const rows = await tx.query<{ code: string; unit_type: string; deadline_hours: number }>('SELECT code, unit_type, deadline_hours FROM incident_category');
  const partner = new Map<string, string>(CATEGORY_MIX.map((c) => [c.code, c.partner]));
  return new Map(rows.map((r) => [r.code, { unitType: r.unit_type, deadlineHours: r.deadline_hours, partnerType: partner.get(r.code) ?? null }]));
}

const iso = (t: number | null | undefined) => (t == null ? null : new Date(t).toISOString());

async function writeBatch(tx: Queryable, batch: Drawn[], pointSeed: number): Promise<void> {
  const column = <T>(f: (d: Drawn) => T) => batch.map(f);
  await tx.query(BATCH_SQL, [
    column((d) => d.code),
    column((d) => d.grid),
    column((d) => d.category),
    column((d) => d.urgency),
    column((d) => d.status),
    column((d) => d.description),
    column((d) => d.worker),
    column((d) => iso(d.reportedAt.getTime())),
    column((d) => iso(d.filedAt)),
    column((d) => iso(d.dispatchedAt)),
    column((d) => iso(d.dueAt)),
    column((d) => iso(d.resolvedAt)),
    column((d) => iso(d.closedAt)),
    column((d) => iso(d.redAlertedAt)),
    column((d) => iso(d.overdueNotifiedAt)),
    column((d) => iso(d.updatedAt)),
    column((d) => d.units[1]?.type ?? null),
    column((d) => iso(d.units[0]?.startedAt)),
    column((d) => iso(d.units[1]?.startedAt)),
    column((d) => iso(d.units[0]?.resolvedAt)),
    column((d) => iso(d.units[1]?.resolvedAt)),
    column((d) => iso(d.mediations[0])),
    column((d) => iso(d.mediations[1])),
    column((d) => iso(d.mediations[2])),
    pointSeed,
  ]);
}
