import { buildApp } from './app.js';
import { CONFIG_VARIABLES, type Config } from './config.js';
import { createDemoUsers, DEMO_USERNAMES } from './auth/demo-users.js';
import { secretSafeLogger } from './logging.js';
import { createWorkingCalendar } from './workflow/working-calendar.js';
import type { Database } from './db/database.js';
import { isDatabaseUnavailable } from './db/database-unavailable.js';
import { migrate } from './db/migrate.js';
import { scheduleEmbeddedMaintenance } from './db/embedded-maintenance.js';
import { openDatabase, openReadDatabase, redactUrl } from './db/open-database.js';
import type { PGliteDatabase } from './db/pglite-database.js';
import { readDistrictSource, type InsertOptions } from '../geodata/district-import.js';
import { readPopulationFile } from '../geodata/demo-city/district-sizing.js';
import { seedDemoCity, type SeedOptions } from '../geodata/demo-city/seed-demo-city.js';
import { cliSays, serverSays, type CliLang } from './cli-messages.js';
import { crashLines } from './cli-crash.js';

/** Opens and migrates the configured database, saying which one (in `lang`; English to library callers). */
export async function openMigratedDatabase(config: Config, say: (line: string) => void, lang: CliLang = 'en'): Promise<Database> {
  say((config.databaseUrl ? serverSays.postgres(redactUrl(config.databaseUrl)) : serverSays.pglite(config.dataDir))[lang]);
  const db = await openDatabase(config);
  try {
    const applied = await migrate(db);
    if (applied.length) say(serverSays.migrationsApplied(applied)[lang]);
    return db;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Builds the demo city as configured, reporting progress; used by `serve` and
 * `seed`. `districtImport` says how a boundary file is checked and the city named,
 * and in which language all this is said (English unless told).
 */
export async function seedConfiguredCity(db: Database, config: Config, say: (line: string) => void, districtImport: InsertOptions = {}): Promise<void> {
  const lang = districtImport.lang ?? 'en';
  say(serverSays.building(config.demoGrids, config.demoIncidents, config.demoSeed)[lang]);
  const population = config.demoPopulationFile ? readPopulationFile(config.demoPopulationFile) : undefined;
  const setting = config.demoDistrictsFile;
  const source = setting && setting !== 'synthetic' ? readDistrictSource(setting) : undefined;
  const summary = await seedDemoCity(db, {
    grids: config.demoGrids,
    population,
    incidents: config.demoIncidents,
    seed: config.demoSeed,
    districts: demoDistricts(setting, source?.features),
    districtImport: { report: say, ...districtImport, cityName: districtImport.cityName ?? source?.cityName },
    onProgress: (step) => say(serverSays.step(step)[lang]),
    calendar: createWorkingCalendar(config.workingCalendar),
    householdBounds: config.planRules,
  });
  say(serverSays.cityReady(summary)[lang]);
}

/** The configured districts: a file's features, 'synthetic' for made-up shapes, or (unset) Zhuzhou's real outline. */
function demoDistricts(setting: string | undefined, fromFile: SeedOptions['districts']): SeedOptions['districts'] {
  if (setting === undefined) return 'outline';
  return setting === 'synthetic' ? 'synthetic' : fromFile;
}

/** Creates the demo users on first start and says how to sign in, every start. */
async function announceDemoUsers(db: Database, config: Config, say: (line: string) => void, lang: CliLang): Promise<void> {
  await createDemoUsers(db, config.demoPassword);
  const users = await db.query<{ username: string; role: string; scope_code: string | null; unit_code: string | null }>(
    `SELECT username, role, scope_code, unit_code FROM app_user WHERE username = ANY($1) AND NOT disabled ORDER BY id`,
    [DEMO_USERNAMES],
  );
  if (!users.length) return;
  say(serverSays.demoUsers(CONFIG_VARIABLES.GRIDSCOPE_DEMO_PASSWORD.default)[lang]);
  for (const u of users) say(`  ${u.username.padEnd(11)} ${u.role.padEnd(16)} ${u.scope_code ?? u.unit_code ?? serverSays.wholeCity()[lang]}`);
}

/**
 * Builds the demo city if the database has nothing below district level yet:
 * on an empty database, or on the districts `gridscope import-districts` loaded.
 */
export async function seedIfEmpty(db: Database, config: Config, say: (line: string) => void, lang: CliLang = 'en'): Promise<void> {
  const [{ n }] = (await db.query<{ n: number }>("SELECT count(*)::int n FROM region WHERE level NOT IN ('city', 'district')")) as [{ n: number }];
  if (n === 0 && config.seedDemo) await seedConfiguredCity(db, config, say, { lang });
}

/**
 * The `serve` command: database, demo city, HTTP, and a graceful shutdown on
 * SIGINT/SIGTERM that finishes in-flight requests and closes the database
 * (PGlite must flush its files and drop the directory lock). What it says to
 * the person who started it is in `lang`; its JSON logs (pino) stay English,
 * for operators' log tools.
 */
export async function serve(config: Config, lang: CliLang = 'en'): Promise<void> {
  const started = Date.now();
  const say = (line: string) => console.log(line);
  const db = await openMigratedDatabase(config, say, lang);
  let closing = false;
  let readDb: Database | undefined;
  try {
    await seedIfEmpty(db, config, say, lang);
    if (config.demoUsers) await announceDemoUsers(db, config, say, lang);
    if (config.databaseReadUrl) say(serverSays.replica(redactUrl(config.databaseReadUrl))[lang]);
    readDb = await openReadDatabase(config);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  let stopMaintenance = () => {};
  const app = await buildApp({
    db,
    readDb,
    logger: secretSafeLogger(config.logLevel),
    auth: { anonymousRead: config.anonymousRead, sessionMinutes: config.sessionMinutes, cookieSecure: config.cookieSecure },
    photos: { dir: config.photoDir, maxBytes: config.photoMaxBytes, keepOriginal: config.photoKeepOriginal },
    writeLimits: config.writeLimits,
    events: { retentionDays: config.eventRetentionDays },
    workflow: { calendar: config.workingCalendar, sweepEveryMs: config.sweepSeconds * 1000, positionRetentionDays: config.positionRetentionDays },
    wall: config.wall,
    planRules: config.planRules,
    geometryLimits: config.geometryLimits,
    tileCacheBytes: config.tileCacheBytes,
    tileGridThreshold: config.tileGridThreshold,
  });
  if (db.backend === 'pglite') {
    const embedded = db as PGliteDatabase;
    // Each statement's time and the queue in front of it, at LOG_LEVEL=debug.
    embedded.useLogger(app.log.child({ module: 'pglite' }));
    // From here on: the statements of requests and timers. The migrations and the demo city above ran
    // without it (their longest statements run for many seconds on purpose), as the maintenance commands do.
    embedded.limitStatements(config.embeddedStatementTimeoutMs);
    // PGlite has no autovacuum: the tables incident writes rewrite are vacuumed once a day at 03:30 China time.
    stopMaintenance = scheduleEmbeddedMaintenance(embedded, app.log.child({ module: 'maintenance' }));
  }
  const shutdown = async (signal: string) => {
    if (closing) {
      say(serverSays.signalAgain(signal)[lang]);
      process.exit(1);
    }
    closing = true;
    say(serverSays.shuttingDown(signal)[lang]);
    stopMaintenance();
    try {
      await app.close();
      await readDb?.close();
      await db.close();
      say(serverSays.stopped()[lang]);
      process.exit(0);
    } catch (err) {
      console.error(cliSays.shutdownFailed()[lang], err);
      process.exit(1);
    }
  };
  // Belt and braces: a lost database connection that escapes every handler
  // (an 'error' event nobody listens to) must not end the service, which
  // reconnects by itself. Any other uncaught error still ends the process.
  process.on('uncaughtException', (err) => {
    if (isDatabaseUnavailable(err)) {
      app.log.error({ err }, 'a database connection error escaped its handler; carrying on');
      return;
    }
    // The stack goes to the log; the operator gets one line (cli-crash.ts).
    app.log.fatal({ err }, 'uncaught exception');
    for (const line of crashLines(err, 'serve', lang, process.env)) console.error(line);
    process.exit(1);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  if (config.anonymousRead) say(serverSays.anonymousRead()[lang]);
  say(serverSays.ready(((Date.now() - started) / 1000).toFixed(1), `http://${host}:${port}/`)[lang]);
}
