import { join } from 'node:path';
import { parseDateList, parseWorkPeriods, PRC_2026_HOLIDAYS, PRC_2026_WORKDAYS } from './workflow/calendar-config.js';
import { DEFAULT_WEEKDAYS, validateWorkingCalendar, type WorkingCalendarConfig } from './workflow/working-calendar.js';
import { resolve } from 'node:path';
import { isWallMetric, isWallWindow, WALL_METRICS, WALL_WINDOWS, type WallOptions } from './contract/wall-options.js';
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

/** Every variable, its default and what it does; README documents the same table. */
export const CONFIG_VARIABLES = {
  HOST: { default: '127.0.0.1', doc: 'address to listen on' },
  PORT: { default: '3000', doc: 'port to listen on' },
  DATABASE_URL: { default: '', doc: 'PostgreSQL + PostGIS connection string; empty = embedded PGlite' },
  DATABASE_READ_URL: {
    default: '',
    doc: 'streaming replica of DATABASE_URL for figures, map, tile and export reads (writes and read-your-writes stay on DATABASE_URL); empty = none',
  },
  GRIDSCOPE_DATA_DIR: { default: './data', doc: 'embedded database directory (PGlite only)' },
  GRIDSCOPE_DATA_FSYNC: {
    default: 'true',
    doc: 'flush each commit of the embedded database to disk; false is faster, and a power cut may then lose the last commits',
  },
  GRIDSCOPE_SEED_DEMO: { default: 'true', doc: 'build the demo city on start when the database is empty' },
  GRIDSCOPE_DEMO_GRIDS: { default: '', doc: 'number of grids in the demo city; empty = 3,261 for Zhuzhou, else from the population' },
  GRIDSCOPE_DEMO_POPULATION: {
    default: '',
    doc: 'file of district populations for the demo city (JSON {"code": population} or CSV code,population); empty = estimated by kind and area',
  },
  GRIDSCOPE_DEMO_INCIDENTS: { default: '100000', doc: 'number of incidents in the demo city' },
  GRIDSCOPE_DEMO_SEED: { default: '20220516', doc: 'random seed of the demo city' },
  GRIDSCOPE_DEMO_DISTRICTS: {
    default: '',
    doc: "GeoJSON of district boundaries for the demo city; empty = Zhuzhou's real outline (geodata/zhuzhou-outline.geojson), synthetic = made-up shapes",
  },
  GRIDSCOPE_ANONYMOUS_READ: {
    default: '',
    doc: 'let requests without credentials read everything as a viewer; empty = on for the embedded demo, off otherwise',
  },
  GRIDSCOPE_DEMO_USERS: { default: '', doc: 'create one demo user per role when there are no users; empty = on for the embedded demo, off otherwise' },
  GRIDSCOPE_DEMO_PASSWORD: { default: 'gridscope-demo', doc: 'password of the demo users' },
  GRIDSCOPE_SESSION_HOURS: { default: '12', doc: 'how long a web sign-in lasts' },
  GRIDSCOPE_COOKIE_SECURE: { default: 'false', doc: 'mark the session cookie Secure (serve over HTTPS)' },
  DB_POOL_SIZE: { default: '10', doc: 'PostgreSQL pool size' },
  DB_STATEMENT_TIMEOUT_MS: { default: '15000', doc: 'PostgreSQL statement timeout' },
  LOG_LEVEL: { default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent' },
  GRIDSCOPE_DEBUG: { default: '', doc: '1: a command that fails unexpectedly also prints the stack trace (read by server/cli-crash.ts)' },
  GRIDSCOPE_WORK_PERIODS: { default: '08:30-12:00,14:30-18:00', doc: 'working periods of a working day, China time (UTC+8), for deadlines' },
  GRIDSCOPE_HOLIDAYS: { default: PRC_2026_HOLIDAYS, doc: 'dates (YYYY-MM-DD) or ranges (A..B) with no work; default: the 2026 PRC public holidays' },
  GRIDSCOPE_WORKDAYS: { default: PRC_2026_WORKDAYS, doc: 'weekend dates that are worked (调休); default: the 2026 PRC make-up days' },
  GRIDSCOPE_SWEEP_SECONDS: { default: '60', doc: 'seconds between overdue (督办) and red-alert sweeps' },
  GRIDSCOPE_PHOTO_DIR: { default: '', doc: 'incident photo directory; empty = <GRIDSCOPE_DATA_DIR>/photos' },
  GRIDSCOPE_PHOTO_MAX_BYTES: { default: '10485760', doc: 'largest photo accepted, in bytes (default 10 MiB)' },
  GRIDSCOPE_PHOTO_KEEP_ORIGINAL: {
    default: 'false',
    doc: 'also keep each photo as uploaded, metadata (GPS) included, under <photo dir>/originals; never served',
  },
  GRIDSCOPE_WRITE_LIMIT_PER_PRINCIPAL: { default: '1200', doc: 'writes (POST/PUT/PATCH/DELETE under /api) per minute per user or token; 0 = unlimited' },
  GRIDSCOPE_WRITE_LIMIT_PER_ADDRESS: { default: '3000', doc: 'writes per minute per client address; 0 = unlimited' },
  GRIDSCOPE_PASSWORD_COST: { default: '17', doc: 'log2 of scrypt N for new password hashes (17 = OWASP); older hashes are upgraded at sign-in' },
  GRIDSCOPE_EVENT_RETENTION_DAYS: { default: '30', doc: 'live events kept for replay to reconnecting clients, in days' },
  GRIDSCOPE_POSITION_RETENTION_DAYS: { default: '7', doc: "days a grid worker's shared position is kept (deleted by the periodic sweep)" },
  GRIDSCOPE_WALL_METRIC: { default: 'per_1k', doc: `grid colouring of the wall display: ${WALL_METRICS.join(', ')}` },
  GRIDSCOPE_WALL_WINDOW: { default: '30d', doc: `time window of the wall display: ${WALL_WINDOWS.join(', ')}` },
  GRIDSCOPE_BASEMAP_STYLE_URL: { default: '', doc: 'MapLibre style URL drawn under the wall map; empty = no basemap (offline)' },
  GRIDSCOPE_GRID_HOUSEHOLDS: { default: '200-500', doc: 'households per grid in urban communities (社区), MIN-MAX, MIN- or -MAX; empty = unbounded' },
  GRIDSCOPE_GRID_HOUSEHOLDS_RURAL: { default: '', doc: 'households per grid in villages (村), same form; empty = unbounded' },
  GRIDSCOPE_GEOMETRY_MAX_VERTICES: { default: '10000', doc: 'most vertices (over all rings) of one feature in a grid import or plan edit' },
  GRIDSCOPE_GEOMETRY_MAX_RINGS: { default: '100', doc: 'most rings (outer rings and holes, over all parts) of one feature' },
  GRIDSCOPE_IMPORT_MAX_FEATURES: { default: '5000', doc: 'most features in one grid import' },
  GRIDSCOPE_IMPORT_MAX_BYTES: { default: '33554432', doc: 'largest grid import body, in bytes (default 32 MiB)' },
  GRIDSCOPE_TILE_CACHE_MB: { default: '64', doc: 'vector tiles (/tiles) kept in memory per process, in MiB; 0 = none' },
  GRIDSCOPE_TILE_GRID_THRESHOLD: {
    default: '20000',
    doc: 'a wall whose region has more grids than this draws them from vector tiles (/tiles/grids), not GeoJSON',
  },
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
    statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 100, 3_600_000),
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
    wall: { metric: wallMetric, window: wallWindow, basemapStyleUrl },
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
