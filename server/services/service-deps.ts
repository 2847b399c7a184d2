import type { Database } from '../db/database.js';
import type { PhotoStore } from '../photos/photo-store.js';
import type { Repositories } from '../repositories/repositories.js';
import type { WorkingCalendar } from '../workflow/working-calendar.js';

/** Where a service writes what it had to note but not refuse (GEOS's own words for a geometry it could not compute). */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * What every service is a function of: the database (services open the
 * transactions), the repositories over it, a clock, the working calendar of
 * deadlines, the photo store and a log. Routes build it once from the app
 * (server/routes/request-actor.ts); tests or a CLI may build their own.
 */
export interface ServiceDeps {
  db: Database;
  repos: Repositories;
  clock: () => Date;
  calendar: WorkingCalendar;
  photos?: PhotoStore;
  log?: WarnLog;
}
