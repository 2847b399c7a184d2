import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';

/**
 * Serves the web app: the vite build in dist/web when there is one, else the
 * sources in web/ (the placeholder page needs no build). Everything is local,
 * so the app works on a closed network.
 */
export default fp(
  async (app) => {
    const built = fileURLToPath(new URL('../../dist/web/', import.meta.url));
    const source = fileURLToPath(new URL('../../web/', import.meta.url));
    await app.register(fastifyStatic, { root: existsSync(built) ? built : source, prefix: '/', wildcard: false, index: ['index.html'] });
  },
  { name: 'web' },
);
