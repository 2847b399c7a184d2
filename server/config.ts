import { resolve } from 'node:path';
import { isWallMetric, isWallWindow, WALL_METRICS, WALL_WINDOWS, type WallOptions } from './schemas/wall-options.js';

/**
 * Configuration is read once, from the environment, and validated. A bad
 * value stops the process with a message naming the variable.
 */
export interface Config {
  host: string;
  port: number;
  /** PostgreSQL connection string; unset means the embedded PGlite database. */
  databaseUrl?: string;
  /** Where PGlite keeps its files. */
  dataDir: string;
  /** Build the demo city when the database has no regions. */
  seedDemo: boolean;
  demoGrids: number;
  demoIncidents: number;
  demoSeed: number;
  /** Optional district boundaries (GeoJSON) used when seeding the demo city. */
  demoDistrictsFile?: string;
  dbPoolSize: number;
  statementTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Defaults of the wall display at /wall (URL parameters override metric and window). */
  wall: WallOptions;
}

/** Every variable, its default and what it does; README documents the same table. */
export const CONFIG_VARIABLES = {
  HOST: { default: '127.0.0.1', doc: 'address to listen on' },
  PORT: { default: '3000', doc: 'port to listen on' },
  DATABASE_URL: { default: '', doc: 'PostgreSQL + PostGIS connection string; empty = embedded PGlite' },
  GRIDSCOPE_DATA_DIR: { default: './data', doc: 'embedded database directory (PGlite only)' },
  GRIDSCOPE_SEED_DEMO: { default: 'true', doc: 'build the demo city on start when the database is empty' },
  GRIDSCOPE_DEMO_GRIDS: { default: '3261', doc: 'number of grids in the demo city' },
  GRIDSCOPE_DEMO_INCIDENTS: { default: '100000', doc: 'number of incidents in the demo city' },
  GRIDSCOPE_DEMO_SEED: { default: '20220516', doc: 'random seed of the demo city' },
  GRIDSCOPE_DEMO_DISTRICTS: { default: '', doc: 'GeoJSON of district boundaries for the demo city; empty = synthetic shapes' },
  DB_POOL_SIZE: { default: '10', doc: 'PostgreSQL pool size' },
  DB_STATEMENT_TIMEOUT_MS: { default: '15000', doc: 'PostgreSQL statement timeout' },
  LOG_LEVEL: { default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent' },
  GRIDSCOPE_WALL_METRIC: { default: 'per_1k', doc: `grid colouring of the wall display: ${WALL_METRICS.join(', ')}` },
  GRIDSCOPE_WALL_WINDOW: { default: '30d', doc: `time window of the wall display: ${WALL_WINDOWS.join(', ')}` },
  GRIDSCOPE_BASEMAP_STYLE_URL: { default: '', doc: 'MapLibre style URL drawn under the wall map; empty = no basemap (offline)' },
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

export class ConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`invalid configuration: ${variable}=${JSON.stringify(value)}; expected ${expected}`);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: ConfigVariable, min: number, max: number): number {
  const raw = env[name] ?? CONFIG_VARIABLES[name].default;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: ConfigVariable): boolean {
  const raw = (env[name] ?? CONFIG_VARIABLES[name].default).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, raw, 'true or false');
}

function str(env: NodeJS.ProcessEnv, name: ConfigVariable): string {
  return (env[name] ?? CONFIG_VARIABLES[name].default).trim();
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = str(env, 'DATABASE_URL') || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', '(redacted)', 'a postgres:// or postgresql:// URL');
  }
  const logLevel = str(env, 'LOG_LEVEL') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', logLevel, LOG_LEVELS.join(', '));
  const wallMetric = str(env, 'GRIDSCOPE_WALL_METRIC');
  if (!isWallMetric(wallMetric)) throw new ConfigError('GRIDSCOPE_WALL_METRIC', wallMetric, WALL_METRICS.join(', '));
  const wallWindow = str(env, 'GRIDSCOPE_WALL_WINDOW');
  if (!isWallWindow(wallWindow)) throw new ConfigError('GRIDSCOPE_WALL_WINDOW', wallWindow, WALL_WINDOWS.join(', '));
  const basemapStyleUrl = str(env, 'GRIDSCOPE_BASEMAP_STYLE_URL') || undefined;
  if (basemapStyleUrl && !/^(https?:\/\/|\/)/.test(basemapStyleUrl)) {
    throw new ConfigError('GRIDSCOPE_BASEMAP_STYLE_URL', basemapStyleUrl, 'an http(s):// URL or a path on this server');
  }
  return {
    host: str(env, 'HOST'),
    port: int(env, 'PORT', 0, 65535),
    databaseUrl,
    dataDir: resolve(str(env, 'GRIDSCOPE_DATA_DIR') || './data'),
    seedDemo: bool(env, 'GRIDSCOPE_SEED_DEMO'),
    demoGrids: int(env, 'GRIDSCOPE_DEMO_GRIDS', 9, 1_000_000),
    demoIncidents: int(env, 'GRIDSCOPE_DEMO_INCIDENTS', 0, 100_000_000),
    demoSeed: int(env, 'GRIDSCOPE_DEMO_SEED', 0, 2 ** 31 - 1),
    demoDistrictsFile: str(env, 'GRIDSCOPE_DEMO_DISTRICTS') || undefined,
    dbPoolSize: int(env, 'DB_POOL_SIZE', 1, 1000),
    statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 100, 3_600_000),
    logLevel,
    wall: { metric: wallMetric, window: wallWindow, basemapStyleUrl },
  };
}
