import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The web app lives in web/ and builds to dist/web, which the server serves
// (server/plugins/web-plugin.ts). Everything is bundled: the app must work on
// closed networks with no CDN.
const webDir = fileURLToPath(new URL('./web/', import.meta.url));

/** Every web/*.html is a page of its own (index, wall, login, ...): adding a file adds a page. */
export function webPages(dir = webDir): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => [f.slice(0, -'.html'.length), dir + f]),
  );
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

/**
 * luma.gl (under deck.gl) imports its WebGL device on demand, from a chunk of
 * its own. Asked for only once the map is up, that request queued behind the
 * wall's figure requests (a browser sends six at a time to one server) and
 * held every deck.gl layer back by about a second. Each page that can reach
 * such a chunk preloads it with the page's own scripts instead.
 */
function preloadWebglChunks(): Plugin {
  return {
    name: 'gridscope-preload-webgl-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle || !ctx.chunk) return html;
        const seen = new Set<string>();
        const visit = (name: string): void => {
          const chunk = bundle[name];
          if (seen.has(name) || !chunk || chunk.type !== 'chunk') return;
          seen.add(name);
          for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
        };
        visit(ctx.chunk.fileName);
        const lazy = [...seen].filter((name) => /webgl-device/.test(name) && !html.includes(name));
        return {
          html,
          tags: lazy.map((name) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${name}` }, injectTo: 'head' as const })),
        };
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [cleanPageUrls(), preloadWebglChunks()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // MapLibre and deck.gl are large by nature; the wall's budget is checked by npm run bench:wall instead.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { input: webPages() },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
