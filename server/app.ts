import Fastify, { type FastifyServerOptions } from 'fastify';
import compress from '@fastify/compress';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from './db/database.js';
import databasePlugin from './plugins/database-plugin.js';
import errorsPlugin from './plugins/errors-plugin.js';
import openapiPlugin from './plugins/openapi-plugin.js';
import webPlugin from './plugins/web-plugin.js';
import gridRoutes from './routes/grid-routes.js';
import healthRoutes from './routes/health-routes.js';
import incidentRoutes from './routes/incident-routes.js';
import mapRoutes from './routes/map-routes.js';
import regionRoutes from './routes/region-routes.js';
import statsRoutes from './routes/stats-routes.js';
import wallRoutes from './routes/wall-routes.js';
import type { WallOptions } from './schemas/wall-options.js';

export interface AppOptions {
  db: Database;
  logger?: FastifyServerOptions['logger'];
  /** Wall display defaults (config.wall); tests and tools may leave them out. */
  wall?: WallOptions;
}

/** Registers plugins, then routes. The caller owns the database's lifetime. */
export async function buildApp({ db, logger = false, wall }: AppOptions) {
  const app = Fastify({
    logger,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(errorsPlugin);
  await app.register(compress, { global: true, threshold: 1024, customTypes: /^(text\/|application\/(geo\+)?json|application\/javascript)/ });
  await app.register(databasePlugin, { db });
  await app.register(openapiPlugin);
  await app.register(healthRoutes);
  await app.register(regionRoutes);
  await app.register(gridRoutes);
  await app.register(incidentRoutes);
  await app.register(statsRoutes);
  await app.register(mapRoutes);
  await app.register(wallRoutes, { wall });
  await app.register(webPlugin);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
