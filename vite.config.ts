import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The web app lives in web/ and builds to dist/web, which the server serves
// (server/plugins/web-plugin.ts). Everything is bundled: the app must work on
// closed networks with no CDN.
const webDir = fileURLToPath(new URL('./web/', import.meta.url));

/** Every web/*.html is a page of its own (index, wall, login, ...): adding a file adds a page. */
export function webPages(dir = webDir): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => [f.slice(0, -'.html'.length), dir + f]));
}

/** In the dev server, /wall serves wall.html as the Fastify server does in production. */
function cleanPageUrls(): Plugin {
  return {
    name: 'gridscope-clean-page-urls',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const [path, query] = (req.url ?? '/').split('?');
        const page = path?.slice(1);
        if (page && page !== 'index' && /^[a-z][a-z0-9-]*$/.test(page) && webPages()[page]) req.url = `/${page}.html${query ? `?${query}` : ''}`;
        next();
      });
    },
  };
}

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [cleanPageUrls()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre and deck.gl are large by nature; the wall's budget is checked by npm run bench:wall instead.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { input: webPages() },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
