import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyServerOptions } from 'fastify';
import compress from '@fastify/compress';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database, Queryable } from './db/database.js';
import type { ThrottleLimits } from './auth/login-throttle.js';
import authPlugin, { type AuthOptions } from './plugins/auth-plugin.js';
import databasePlugin from './plugins/database-plugin.js';
import errorsPlugin from './plugins/errors-plugin.js';
import { clientErrorHandler, frameworkErrors } from './errors/framework-errors.js';
import eventStreamPlugin, { type EventStreamOptions } from './plugins/event-stream-plugin.js';
import openapiPlugin from './plugins/openapi-plugin.js';
import photoStorePlugin, { type PhotoStorePluginOptions } from './plugins/photo-store-plugin.js';
import securityHeadersPlugin, { contentSecurityPolicy } from './plugins/security-headers-plugin.js';
import writeLimitsPlugin, { DEFAULT_WRITE_LIMITS, type WriteLimits } from './plugins/write-limits-plugin.js';
import webPlugin from './plugins/web-plugin.js';
import workflowPlugin, { type WorkflowOptions } from './plugins/workflow-plugin.js';
import auditRoutes from './routes/audit-routes.js';
import authRoutes from './routes/auth-routes.js';
import gridRoutes from './routes/grid-routes.js';
import gridVersionRoutes from './routes/grid-version-routes.js';
import healthRoutes from './routes/health-routes.js';
import incidentRoutes from './routes/incident-routes.js';
import incidentWorkflowRoutes from './routes/incident-workflow-routes.js';
import fieldRoutes from './routes/field-routes.js';
import dispatchConsoleRoutes from './routes/dispatch-console-routes.js';
import directiveRoutes from './routes/directive-routes.js';
import exploreRoutes from './routes/explore-routes.js';
import mapRoutes from './routes/map-routes.js';
import tileRoutes from './routes/tile-routes.js';
import planRoutes from './routes/plan-routes.js';
import regionRoutes from './routes/region-routes.js';
import statsRoutes from './routes/stats-routes.js';
import streamRoutes from './routes/stream-routes.js';
import tokenRoutes from './routes/token-routes.js';
import unitRoutes from './routes/unit-routes.js';
import userRoutes from './routes/user-routes.js';
import wallRoutes, { wallConfig } from './routes/wall-routes.js';
import type { WallOptions } from './contract/wall-options.js';
import type { PlanRules } from './contract/grid-plan-reasons.js';
import type { GeometryInputLimits } from './plans/geojson-shape.js';
import { createEncodedBodyCache, type EncodedBodyCache } from './routes/encoded-body-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Compressed geometry answers, once per body and encoding (routes/http-cache.ts). */
    encodedBodies: EncodedBodyCache;
  }
}

export interface AppOptions {
  db: Database;
  /**
   * A streaming replica of `db` for the figure, map, tile and export reads
   * (config DATABASE_READ_URL; plugins/database-plugin.ts); default `db`. Its
   * owner closes it, as with `db`.
   */
  readDb?: Queryable;
  logger?: FastifyServerOptions['logger'];
  auth?: Partial<AuthOptions>;
  /** Login throttling limits (tests shorten them). */
  loginThrottle?: ThrottleLimits;
  /** Writes per user/token and per address (config GRIDSCOPE_WRITE_LIMIT_*; tests lower them). */
  writeLimits?: Partial<WriteLimits>;
  /**
   * Where photos go and how large they may be; `serve` passes the configured
   * values. The default (a shared directory under the OS temp dir) suits
   * tests and tools: the store is content-addressed, so sharing it is harmless.
   */
  photos?: PhotoStorePluginOptions;
  /** Live event stream: retention, replay and per-client limits (defaults in event-hub.ts). */
  events?: EventStreamOptions;
  /** Working calendar and the overdue/red-alert sweep (tests turn the timer off and sweep by hand). */
  workflow?: WorkflowOptions;
  /** Wall display defaults (config.wall); tests and tools may leave them out. */
  wall?: WallOptions;
  /** Household bounds of grids in boundary plans (config GRIDSCOPE_GRID_HOUSEHOLDS*); default 200–500 urban, none rural. */
  planRules?: PlanRules;
  /** Size limits of incoming geometry (config GRIDSCOPE_GEOMETRY_*, GRIDSCOPE_IMPORT_*); default DEFAULT_INPUT_LIMITS. */
  geometryLimits?: GeometryInputLimits;
  /** Compressed geometry answers (routes/http-cache.ts); tests pass their own to count compressions. */
  encodedBodies?: EncodedBodyCache;
  /** Bytes of encoded vector tiles kept in memory (config GRIDSCOPE_TILE_CACHE_MB); default 64 MiB. */
  tileCacheBytes?: number;
  /** How long a geometry revision read is trusted without a notification (geometry-revision-watch.ts); tests lengthen it. */
  tileRevisionMaxAgeMs?: number;
  /** Grids above which a wall draws its region from vector tiles (config GRIDSCOPE_TILE_GRID_THRESHOLD); default 20,000. */
  tileGridThreshold?: number;
}

export const DEFAULT_AUTH: AuthOptions = { anonymousRead: false, sessionMinutes: 12 * 60, cookieSecure: false };
const DEFAULT_TEST_PHOTOS: PhotoStorePluginOptions = { dir: join(tmpdir(), 'gridscope-photos'), maxBytes: 10 * 1024 * 1024 };

/** Registers plugins, then routes. The caller owns the database's lifetime. */
export async function buildApp({
  db,
  readDb,
  logger = false,
  auth,
  loginThrottle,
  writeLimits,
  photos = DEFAULT_TEST_PHOTOS,
  events = {},
  workflow = {},
  wall,
  planRules,
  geometryLimits,
  encodedBodies = createEncodedBodyCache(),
  tileCacheBytes,
  tileRevisionMaxAgeMs,
  tileGridThreshold,
}: AppOptions) {
  const authOptions = { ...DEFAULT_AUTH, ...auth };
  const security = { https: authOptions.cookieSecure, basemapStyleUrl: wall?.basemapStyleUrl };
  const app = Fastify({
    logger,
    // verbose: errors carry their schema and data, so a failed union names the branch meant (plugins/validation-error.ts).
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false, verbose: true } },
    // Errors raised before routing (bad URL encoding, 414) or by Node's HTTP parser (431): our shape, not Fastify's.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin, security);
  await app.register(compress, {
    global: true,
    threshold: 1024,
    customTypes: /^(text\/|application\/(geo\+)?json|application\/javascript|application\/vnd\.mapbox-vector-tile)/,
  });
  app.decorate('encodedBodies', encodedBodies);
  await app.register(databasePlugin, { db, readDb });
  // Before auth: a flood of writes is refused by address before any token is looked up.
  await app.register(writeLimitsPlugin, { ...DEFAULT_WRITE_LIMITS, ...writeLimits });
  await app.register(authPlugin, authOptions);
  await app.register(openapiPlugin);
  await app.register(photoStorePlugin, photos);
  await app.register(eventStreamPlugin, events);
  await app.register(workflowPlugin, workflow);
  await app.register(healthRoutes);
  await app.register(authRoutes, { throttle: loginThrottle });
  await app.register(userRoutes);
  await app.register(tokenRoutes);
  await app.register(auditRoutes);
  await app.register(regionRoutes);
  await app.register(gridVersionRoutes, { rules: planRules, limits: geometryLimits });
  await app.register(gridRoutes);
  await app.register(incidentRoutes);
  await app.register(incidentWorkflowRoutes);
  await app.register(fieldRoutes);
  await app.register(dispatchConsoleRoutes);
  await app.register(unitRoutes);
  await app.register(directiveRoutes);
  await app.register(statsRoutes);
  await app.register(streamRoutes);
  await app.register(mapRoutes, { tileGridThreshold });
  await app.register(tileRoutes, { cacheBytes: tileCacheBytes, revisionMaxAgeMs: tileRevisionMaxAgeMs });
  await app.register(wallRoutes, { wall });
  await app.register(exploreRoutes);
  await app.register(planRoutes, { rules: planRules, limits: geometryLimits });
  await app.register(webPlugin, {
    pageData: { wall: () => wallConfig(app, wall) },
    pagePolicy: (inlineScripts) => contentSecurityPolicy(security, inlineScripts),
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
