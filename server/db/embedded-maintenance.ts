import type { Queryable } from './database.js';

/**
 * PGlite runs no autovacuum (one backend, no launcher), so an embedded server
 * that never vacuums keeps every dead row its writes leave (each incident
 * write updates the incident, with its many indexes, and both rollups), never
 * marks pages all-visible (no index-only scans) and never refreshes the
 * planner's statistics. `serve` therefore vacuums the tables the workflow
 * rewrites once a day, in the small hours of China time, one table per
 * statement so requests run in between (each blocks the embedded thread:
 * 2.7 s for `incident` at 100k incidents, README "Databases"). Each runs past
 * the embedded statement timeout if it must (`maintain`): a VACUUM ended by
 * the watchdog would end the thread every night and never finish.
 */

/** The embedded database as maintenance uses it; `maintain` runs a statement the statement timeout does not end. */
export interface MaintainedDatabase extends Queryable {
  maintain?(sql: string): Promise<void>;
}

/** The tables incident writes rewrite, the largest last so the quick ones are done first. */
export const MAINTAINED_TABLES = [
  'incident_daily',
  'incident_heat',
  'incident_assignment',
  'incident_history',
  'idempotency_key',
  'worker_position',
  'event_log',
  'user_session',
  'login_failure',
  'grid_plan_feature',
  'incident',
] as const;

/** Minutes after China midnight (UTC+8, no daylight saving) when the daily vacuum runs: 03:30, the quietest hour of a city. */
export const MAINTENANCE_MINUTE = 3 * 60 + 30;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The first 03:30 China time strictly after `now`. */
export function nextMaintenance(now: Date): Date {
  const chinaMs = now.getTime() + CHINA_OFFSET_MS;
  const today = Math.floor(chinaMs / DAY_MS) * DAY_MS + MAINTENANCE_MINUTE * MINUTE_MS;
  return new Date((today > chinaMs ? today : today + DAY_MS) - CHINA_OFFSET_MS);
}

export interface VacuumedTable {
  table: string;
  ms: number;
}

/** VACUUM (ANALYZE) of each maintained table that exists, one statement each; returns how long each took. */
export async function vacuumTables(db: MaintainedDatabase): Promise<VacuumedTable[]> {
  const present = new Set(
    (
      await db.query<{ name: string }>('SELECT relname AS name FROM pg_class WHERE relkind = $1 AND relname = ANY($2::text[])', ['r', [...MAINTAINED_TABLES]])
    ).map((r) => r.name),
  );
  const done: VacuumedTable[] = [];
  for (const table of MAINTAINED_TABLES.filter((t) => present.has(t))) {
    const started = performance.now();
    const vacuum = `VACUUM (ANALYZE) ${table}`;
    await (db.maintain ? db.maintain(vacuum) : db.exec(vacuum));
    done.push({ table, ms: Math.round(performance.now() - started) });
  }
  return done;
}

interface MaintenanceLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Vacuums the embedded database every day at 03:30 China time until the
 * returned function is called. A failed run (the database briefly away, the
 * thread restarted by the watchdog) is logged and tried again the next day.
 */
export function scheduleEmbeddedMaintenance(db: MaintainedDatabase, log: MaintenanceLog, now: () => Date = () => new Date()): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const plan = () => {
    if (stopped) return;
    const wait = Math.max(1_000, nextMaintenance(now()).getTime() - now().getTime());
    timer = setTimeout(run, wait);
    timer.unref();
  };
  const run = () => {
    vacuumTables(db)
      .then((tables) => log.info({ tables }, 'embedded database vacuumed'))
      .catch((err: unknown) => log.warn({ reason: (err as Error).message }, 'embedded database vacuum failed; trying again tomorrow'))
      .finally(plan);
  };
  plan();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
