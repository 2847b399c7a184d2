import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorSchema } from '../contract/common-schemas.js';
import { documentRoute, SECURITY_SCHEMES } from './openapi-route-docs.js';

const DESCRIPTION = [
  'City grid governance (网格化治理): regions, grids, incidents and statistics. [← Back to Gridscope](/)',
  '',
  'Sign in to the app in this browser and the session cookie comes along; writes then also need the `x-csrf-token` header ' +
    '(`csrf_token` from GET /api/auth/me). Or authorize with an API token (`gst_…`). ' +
    'Every error answer is `{"error":{"code","message"}}`.',
].join('\n');

const TAGS = [
  { name: 'health', description: 'Is the server and its database up' },
  { name: 'auth', description: 'Sign in and out, who am I' },
  { name: 'identity', description: 'Users, API tokens and the audit log (the city commander)' },
  { name: 'regions', description: 'The region tree: city, districts, streets, communities' },
  { name: 'grids', description: 'Grids, their history, lineage, export and import' },
  { name: 'plans', description: 'Boundary plans (网格调整): draft, edit, validate, publish' },
  { name: 'incidents', description: 'Reports, the workflow and photos' },
  { name: 'stats', description: 'Counts and rates of incidents' },
  { name: 'map', description: 'Layers for the map: grid polygons and figures, heatmap, outlines' },
  { name: 'wall', description: "The wall display's configuration" },
  { name: 'explore', description: 'The district explorer: aggregates of a place and its children' },
  { name: 'stream', description: 'Live events (Server-Sent Events)' },
  { name: 'directives', description: 'Directives (指令) to districts and their answers' },
  { name: 'field', description: 'The field app (/m): nearby reports, opt-in worker positions, task lists' },
];

/**
 * OpenAPI 3.0.3 built from the route schemas, with security, operation ids
 * and media types added by openapi-route-docs.ts; the UI at /docs is served
 * locally (no CDN). tests/api/openapi.test.ts validates it strictly.
 */
export default fp(
  async (app) => {
    app.addSchema(ErrorSchema);
    const { anonymousRead } = app.authOptions;
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'Gridscope API', version: '0.1.0', description: DESCRIPTION, license: { name: 'MIT' } },
        servers: [{ url: '/', description: 'this Gridscope server' }],
        tags: TAGS,
        components: { securitySchemes: SECURITY_SCHEMES },
      },
      // Shared schemas appear under their $id (#/components/schemas/Error), not def-0.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      transform: ({ schema, url, route }) => ({
        url,
        schema: schema && !schema.hide && url.startsWith('/api/') ? documentRoute(route, schema, { anonymousRead }) : schema,
      }),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'openapi', dependencies: ['auth'] },
);
