import { buildApp, type App, type AppOptions } from '../../server/app.js';
import type { SeedOptions } from '../../geodata/demo-city/seed-demo-city.js';
import { RUN_START_ENV } from './database-templates.js';
import { createSeededDatabase, type TestDatabase } from './test-database.js';

/** A small but complete city: every level, every category, a year of incidents; synthetic districts, the quicker to cut. */
export const SMALL_CITY: SeedOptions = { grids: 240, incidents: 6000, seed: 42, now: new Date('2026-06-15T04:00:00Z'), districts: 'synthetic' };

/** The same with fewer grids and incidents: the city of the bad-input and fuzzing files, whose table checksums read every row. */
export const FUZZ_CITY: SeedOptions = { ...SMALL_CITY, grids: 60, incidents: 50 };

/**
 * "Now" for a city whose incidents reach the present: when this test run
 * started, the same in every file, so files that seed the same recent city
 * share one template instead of each seeding its own (a new Date() per file
 * made every such city unique).
 */
export function runStart(): Date {
  const started = process.env[RUN_START_ENV];
  return started ? new Date(started) : new Date();
}

export interface SeededApp extends TestDatabase {
  app: App;
  close(): Promise<void>;
}

/**
 * A migrated, seeded database and the real Fastify app over it. Requests go
 * through inject (real routing, hooks, serialisation). Anonymous reading is on
 * unless the caller says otherwise, as in the embedded demo.
 */
export async function createSeededApp(
  options: SeedOptions = SMALL_CITY,
  appOptions: Omit<AppOptions, 'db'> = { auth: { anonymousRead: true } },
): Promise<SeededApp> {
  const testDb = await createSeededDatabase(options);
  const app = await buildApp({ db: testDb.db, ...appOptions });
  await app.ready();
  return {
    ...testDb,
    app,
    async close() {
      await app.close();
      await testDb.dispose();
    },
  };
}

/** Parses a response body as JSON, failing the test with the body if it is not JSON. */
export function json<T = any>(res: { body: string }): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`not JSON: ${res.body.slice(0, 200)}`);
  }
}
