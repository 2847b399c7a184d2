import { join } from 'node:path';
import { parseDateList, parseWorkPeriods, PRC_2026_HOLIDAYS, PRC_2026_WORKDAYS } from './workflow/calendar-config.js';
import { DEFAULT_WEEKDAYS, validateWorkingCalendar, type WorkingCalendarConfig } from './workflow/working-calendar.js';
import { resolve } from 'node:path';
import { isWallMetric, isWallWindow, WALL_METRICS, WALL_MIN_GRID_PIXELS, WALL_WINDOWS, type WallOptions } from './contract/wall-options.js';
import { parseHouseholdBounds, type HouseholdBounds, type PlanRules } from './contract/grid-plan-reasons.js';
import { MAX_COST, MIN_COST } from './auth/password-hash.js';
import type { GeometryInputLimits } from './plans/geojson-shape.js';
import { refusalSays, SaidError, type Said } from './cli-messages.js';

/**
 * Configuration is read once, from the environment, and validated. A bad
 * value stops the process with a message naming the variable.
 */
export interface Config {
  host: string;
  port: number;
  /** PostgreSQL connection string; unset means the embedded PGlite database. */
  databaseUrl?: string;
  /** A streaming replica of databaseUrl that takes the figure, map, tile and export reads; unset = all on databaseUrl. */
  databaseReadUrl?: string;
  /** Where PGlite keeps its files. */
  dataDir: string;
  /** Flush every commit of the embedded database to disk (see server/db/pglite-durability.ts). */
  dataFsync: boolean;
  /** Build the demo city when the database has no regions. */
  seedDemo: boolean;
  /** Grids in the demo city; undefined = 3,261 for the seed city, else from the population. */
  demoGrids?: number;
  /** Optional file of district code → population for the demo city (JSON or CSV). */
  demoPopulationFile?: string;
  demoIncidents: number;
  demoSeed: number;
  /** Optional district boundaries (GeoJSON) used when seeding the demo city. */
  demoDistrictsFile?: string;
  /** Requests without credentials may read as a city-wide viewer. */
  anonymousRead: boolean;
  /** Create one demo user per role (password demoPassword) when there are no users. */
  demoUsers: boolean;
  demoPassword: string;
  sessionMinutes: number;
  cookieSecure: boolean;
  dbPoolSize: number;
  statementTimeoutMs: number;
  /**
   * The embedded database's watchdog for the requests of `serve` (0 = off): a statement past it ends
   * as on statement_timeout, and PGlite's thread is opened again (server/db/pglite-watchdog.ts).
   */
  embeddedStatementTimeoutMs: number;
  /**
   * How long PGlite may take to open a new thread on the data directory after one died (0 = no limit): past it the
   * open counts as failed, so a directory it hangs on is reported as unusable (server/db/pglite-restart.ts).
   */
  embeddedOpenTimeoutMs: number;
  /**
   * The first wait before PGlite's thread is opened again after one died, doubled after each death that
   * follows closely on the last restart, up to 20 s (server/db/pglite-restart.ts).
   */
  embeddedRestartMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Working hours, holidays and make-up days for workflow deadlines (China time). */
  workingCalendar: WorkingCalendarConfig;
  /** How often the overdue and red-alert sweep runs. */
  sweepSeconds: number;
  /** Where incident photos are stored, by content hash. */
  photoDir: string;
  photoMaxBytes: number;
  /** Keep each photo's bytes as uploaded (with their EXIF/GPS) beside the stripped copy that is served. */
  photoKeepOriginal: boolean;
  /** Writes per minute per user or token, and per client address (0 = unlimited). */
  writeLimits: { perPrincipal: number; perAddress: number };
  /** log2 of scrypt's N for new password hashes (read by server/auth/password-hash.ts). */
  passwordCost: number;
  /** Live events older than this are deleted on start. */
  eventRetentionDays: number;
  /** Days a grid worker's shared position is kept. */
  positionRetentionDays: number;
  /** Defaults of the wall display at /wall (URL parameters override metric and window). */
  wall: WallOptions;
  /** Household bounds per grid that boundary plans are validated against. */
  planRules: PlanRules;
  /** Size limits of incoming geometry (grid imports, plan edits), checked before any SQL. */
  geometryLimits: GeometryInputLimits;
  /** Bytes of encoded vector tiles each process keeps in memory. */
  tileCacheBytes: number;
  /** A region with more grids than this is drawn from vector tiles on the wall (GET /api/map/grids?tiles=auto). */
  tileGridThreshold: number;
}

/** Every variable and its default; what each does is in server/cli-help.ts (both languages) and the README's table. */
export const CONFIG_VARIABLES = {
  HOST: { default: '127.0.0.1' },
  PORT: { default: '3000' },
  DATABASE_URL: { default: '' },
  DATABASE_READ_URL: { default: '' },
  GRIDSCOPE_DATA_DIR: { default: './data' },
  GRIDSCOPE_DATA_FSYNC: { default: 'true' },
  GRIDSCOPE_SEED_DEMO: { default: 'true' },
  GRIDSCOPE_DEMO_GRIDS: { default: '' },
  GRIDSCOPE_DEMO_POPULATION: { default: '' },
  GRIDSCOPE_DEMO_INCIDENTS: { default: '100000' },
  GRIDSCOPE_DEMO_SEED: { default: '20220516' },
  GRIDSCOPE_DEMO_DISTRICTS: { default: '' },
  GRIDSCOPE_ANONYMOUS_READ: { default: '' },
  GRIDSCOPE_DEMO_USERS: { default: '' },
  GRIDSCOPE_DEMO_PASSWORD: { default: 'gridscope-demo' },
  GRIDSCOPE_SESSION_HOURS: { default: '12' },
  GRIDSCOPE_COOKIE_SECURE: { default: 'false' },
  DB_POOL_SIZE: { default: '10' },
  DB_STATEMENT_TIMEOUT_MS: { default: '15000' },
  GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS: { default: '' },
  GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS: { default: '120000' },
  GRIDSCOPE_EMBEDDED_RESTART_MS: { default: '500' },
  LOG_LEVEL: { default: 'info' },
  GRIDSCOPE_DEBUG: { default: '' },
  GRIDSCOPE_WORK_PERIODS: { default: '08:30-12:00,14:30-18:00' },
  GRIDSCOPE_HOLIDAYS: { default: PRC_2026_HOLIDAYS },
  GRIDSCOPE_WORKDAYS: { default: PRC_2026_WORKDAYS },
  GRIDSCOPE_SWEEP_SECONDS: { default: '60' },
  GRIDSCOPE_PHOTO_DIR: { default: '' },
  GRIDSCOPE_PHOTO_MAX_BYTES: { default: '10485760' },
  GRIDSCOPE_PHOTO_KEEP_ORIGINAL: { default: 'false' },
  GRIDSCOPE_WRITE_LIMIT_PER_PRINCIPAL: { default: '1200' },
  GRIDSCOPE_WRITE_LIMIT_PER_ADDRESS: { default: '3000' },
  GRIDSCOPE_PASSWORD_COST: { default: '17' },
  GRIDSCOPE_EVENT_RETENTION_DAYS: { default: '30' },
  GRIDSCOPE_POSITION_RETENTION_DAYS: { default: '7' },
  GRIDSCOPE_WALL_METRIC: { default: 'per_1k' },
  GRIDSCOPE_WALL_WINDOW: { default: '30d' },
  GRIDSCOPE_WALL_MIN_GRID_PIXELS: { default: String(WALL_MIN_GRID_PIXELS) },
  GRIDSCOPE_BASEMAP_STYLE_URL: { default: '' },
  GRIDSCOPE_GRID_HOUSEHOLDS: { default: '200-500' },
  GRIDSCOPE_GRID_HOUSEHOLDS_RURAL: { default: '' },
  GRIDSCOPE_GEOMETRY_MAX_VERTICES: { default: '10000' },
  GRIDSCOPE_GEOMETRY_MAX_RINGS: { default: '100' },
  GRIDSCOPE_IMPORT_MAX_FEATURES: { default: '5000' },
  GRIDSCOPE_IMPORT_MAX_BYTES: { default: '33554432' },
  GRIDSCOPE_TILE_CACHE_MB: { default: '64' },
  GRIDSCOPE_TILE_GRID_THRESHOLD: { default: '20000' },
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

export class ConfigError extends SaidError {
  constructor(variable: string, value: string, expected: Said | string) {
    super(refusalSays.config(variable, value, expected));
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: ConfigVariable, min: number, max: number): number {
  const raw = env[name] ?? CONFIG_VARIABLES[name].default;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, refusalSays.integer(min, max));
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: ConfigVariable, fallback?: boolean): boolean {
  const raw = (env[name] ?? CONFIG_VARIABLES[name].default).trim().toLowerCase();
  if (raw === '' && fallback !== undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, raw, refusalSays.trueOrFalse());
}

function str(env: NodeJS.ProcessEnv, name: ConfigVariable): string {
  return (env[name] ?? CONFIG_VARIABLES[name].default).trim();
}

/**
 * The embedded statement timeout when unset: DB_STATEMENT_TIMEOUT_MS times this (30 s by default). PGlite
 * runs the same statement slower than PostgreSQL (WebAssembly, one thread, no parallel query), and ending it
 * costs more there: the whole database thread is restarted, not one connection's statement.
 */
export const EMBEDDED_TIMEOUT_FACTOR = 2;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = str(env, 'DATABASE_URL') || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', '(redacted)', refusalSays.postgresUrl());
  }
  const databaseReadUrl = str(env, 'DATABASE_READ_URL') || undefined;
  if (databaseReadUrl && !/^postgres(ql)?:\/\//.test(databaseReadUrl)) {
    throw new ConfigError('DATABASE_READ_URL', '(redacted)', refusalSays.postgresUrl());
  }
  // The embedded database lives in this process: there is nothing to replicate it to.
  if (databaseReadUrl && !databaseUrl) throw new ConfigError('DATABASE_READ_URL', '(redacted)', refusalSays.replicaNeedsPrimary());
  const logLevel = str(env, 'LOG_LEVEL') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', logLevel, refusalSays.oneOf(LOG_LEVELS));
  // The embedded demo is for looking around: open to read, with a user per role.
  const embeddedDemo = !databaseUrl && bool(env, 'GRIDSCOPE_SEED_DEMO');
  const demoPassword = str(env, 'GRIDSCOPE_DEMO_PASSWORD');
  if (demoPassword.length < 8) throw new ConfigError('GRIDSCOPE_DEMO_PASSWORD', '(redacted)', refusalSays.atLeastChars(8));
  const dataDir = resolve(str(env, 'GRIDSCOPE_DATA_DIR') || './data');
  const wallMetric = str(env, 'GRIDSCOPE_WALL_METRIC');
  if (!isWallMetric(wallMetric)) throw new ConfigError('GRIDSCOPE_WALL_METRIC', wallMetric, refusalSays.oneOf(WALL_METRICS));
  const wallWindow = str(env, 'GRIDSCOPE_WALL_WINDOW');
  if (!isWallWindow(wallWindow)) throw new ConfigError('GRIDSCOPE_WALL_WINDOW', wallWindow, refusalSays.oneOf(WALL_WINDOWS));
  const statementTimeoutMs = int(env, 'DB_STATEMENT_TIMEOUT_MS', 100, 3_600_000);
  const basemapStyleUrl = str(env, 'GRIDSCOPE_BASEMAP_STYLE_URL') || undefined;
  if (basemapStyleUrl && !/^(https?:\/\/|\/)/.test(basemapStyleUrl)) {
    throw new ConfigError('GRIDSCOPE_BASEMAP_STYLE_URL', basemapStyleUrl, refusalSays.styleUrl());
  }
  return {
    host: str(env, 'HOST'),
    port: int(env, 'PORT', 0, 65535),
    databaseUrl,
    databaseReadUrl,
    dataDir,
    dataFsync: bool(env, 'GRIDSCOPE_DATA_FSYNC', true),
    seedDemo: bool(env, 'GRIDSCOPE_SEED_DEMO'),
    demoGrids: str(env, 'GRIDSCOPE_DEMO_GRIDS') ? int(env, 'GRIDSCOPE_DEMO_GRIDS', 1, 1_000_000) : undefined,
    demoPopulationFile: str(env, 'GRIDSCOPE_DEMO_POPULATION') || undefined,
    demoIncidents: int(env, 'GRIDSCOPE_DEMO_INCIDENTS', 0, 100_000_000),
    demoSeed: int(env, 'GRIDSCOPE_DEMO_SEED', 0, 2 ** 31 - 1),
    demoDistrictsFile: str(env, 'GRIDSCOPE_DEMO_DISTRICTS') || undefined,
    anonymousRead: bool(env, 'GRIDSCOPE_ANONYMOUS_READ', embeddedDemo),
    demoUsers: bool(env, 'GRIDSCOPE_DEMO_USERS', embeddedDemo),
    demoPassword,
    sessionMinutes: int(env, 'GRIDSCOPE_SESSION_HOURS', 1, 24 * 30) * 60,
    cookieSecure: bool(env, 'GRIDSCOPE_COOKIE_SECURE'),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 1, 1000),
    statementTimeoutMs,
    embeddedStatementTimeoutMs: str(env, 'GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS')
      ? int(env, 'GRIDSCOPE_EMBEDDED_STATEMENT_TIMEOUT_MS', 0, 7_200_000)
      : EMBEDDED_TIMEOUT_FACTOR * statementTimeoutMs,
    embeddedOpenTimeoutMs: int(env, 'GRIDSCOPE_EMBEDDED_OPEN_TIMEOUT_MS', 0, 86_400_000),
    embeddedRestartMs: int(env, 'GRIDSCOPE_EMBEDDED_RESTART_MS', 1, 20_000),
    logLevel,
    workingCalendar: workingCalendar(env),
    sweepSeconds: int(env, 'GRIDSCOPE_SWEEP_SECONDS', 1, 3600),
    photoDir: resolve(str(env, 'GRIDSCOPE_PHOTO_DIR') || join(dataDir, 'photos')),
    photoMaxBytes: int(env, 'GRIDSCOPE_PHOTO_MAX_BYTES', 1024, 1024 ** 3),
    photoKeepOriginal: bool(env, 'GRIDSCOPE_PHOTO_KEEP_ORIGINAL'),
    writeLimits: {
      perPrincipal: int(env, 'GRIDSCOPE_WRITE_LIMIT_PER_PRINCIPAL', 0, 1_000_000),
      perAddress: int(env, 'GRIDSCOPE_WRITE_LIMIT_PER_ADDRESS', 0, 1_000_000),
    },
    passwordCost: int(env, 'GRIDSCOPE_PASSWORD_COST', MIN_COST, MAX_COST),
    eventRetentionDays: int(env, 'GRIDSCOPE_EVENT_RETENTION_DAYS', 1, 3650),
    positionRetentionDays: int(env, 'GRIDSCOPE_POSITION_RETENTION_DAYS', 1, 3650),
    wall: { metric: wallMetric, window: wallWindow, basemapStyleUrl, minGridPixels: int(env, 'GRIDSCOPE_WALL_MIN_GRID_PIXELS', 0, 1000) },
    planRules: { urban: householdBounds(env, 'GRIDSCOPE_GRID_HOUSEHOLDS'), rural: householdBounds(env, 'GRIDSCOPE_GRID_HOUSEHOLDS_RURAL') },
    geometryLimits: {
      maxVertices: int(env, 'GRIDSCOPE_GEOMETRY_MAX_VERTICES', 4, 10_000_000),
      maxRings: int(env, 'GRIDSCOPE_GEOMETRY_MAX_RINGS', 1, 100_000),
      importMaxFeatures: int(env, 'GRIDSCOPE_IMPORT_MAX_FEATURES', 1, 1_000_000),
      importMaxBytes: int(env, 'GRIDSCOPE_IMPORT_MAX_BYTES', 1024, 1024 ** 3),
    },
    tileCacheBytes: int(env, 'GRIDSCOPE_TILE_CACHE_MB', 0, 64 * 1024) * 1024 * 1024,
    tileGridThreshold: int(env, 'GRIDSCOPE_TILE_GRID_THRESHOLD', 0, 100_000_000),
  };
}

function householdBounds(env: NodeJS.ProcessEnv, name: ConfigVariable): HouseholdBounds {
  const raw = str(env, name);
  const parsed = parseHouseholdBounds(raw);
  if (!parsed.valid) throw new ConfigError(name, raw, parsed.reason);
  return parsed.bounds;
}

/** Parses the three calendar variables and checks them together (a date may not be both a holiday and a workday). */
function workingCalendar(env: NodeJS.ProcessEnv): WorkingCalendarConfig {
  const parse = <T>(name: ConfigVariable, parser: (text: string) => { ok: true; value: T } | { ok: false; reason: string }): T => {
    const raw = str(env, name);
    const parsed = parser(raw);
    if (!parsed.ok) throw new ConfigError(name, raw, parsed.reason);
    return parsed.value;
  };
  const config: WorkingCalendarConfig = {
    periods: parse('GRIDSCOPE_WORK_PERIODS', parseWorkPeriods),
    weekdays: DEFAULT_WEEKDAYS,
    holidays: parse('GRIDSCOPE_HOLIDAYS', parseDateList),
    workdays: parse('GRIDSCOPE_WORKDAYS', parseDateList),
  };
  const check = validateWorkingCalendar(config);
  if (!check.valid) {
    const name = check.field === 'periods' ? 'GRIDSCOPE_WORK_PERIODS' : check.field === 'holidays' ? 'GRIDSCOPE_HOLIDAYS' : 'GRIDSCOPE_WORKDAYS';
    throw new ConfigError(name, str(env, name), check.detail);
  }
  return config;
}
