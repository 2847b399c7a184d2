import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorSchema } from '../schemas/common-schemas.js';

/** OpenAPI built from the route schemas; the UI at /docs is served locally (no CDN). */
export default fp(
  async (app) => {
    app.addSchema(ErrorSchema);
    await app.register(swagger, {
      openapi: {
        info: { title: 'Gridscope API', version: '0.1.0', description: 'City grid governance (网格化治理): regions, grids, incidents and statistics.' },
        tags: [
          { name: 'health' }, { name: 'auth' }, { name: 'identity' }, { name: 'regions' }, { name: 'grids' }, { name: 'incidents' }, { name: 'stats' },
          { name: 'map' }, { name: 'wall' }, { name: 'stream' }, { name: 'directives' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi' },
);
